"""Every URL pattern of the site, found by walking the root URLconf (pages and the JSON API), tried three
ways: anonymous (a page sends to the login page, the API answers 401), in scope (the answer a persona of
`lianfang/conftest.py` gets on its own rows) and out of scope (the same page on a row outside the
persona's scope answers 404, exactly like a row that does not exist; a page without a row is tried by a
persona whose role may not use it).

A page is added to TABLE below with how to build its arguments: a new page without an entry fails
`test_every_url_pattern_has_an_entry_in_the_table`, and a page that names a row needs an out-of-scope
row too. The admin (superusers only) is one rule for its whole namespace.

Only GETs touch rows in scope; a page that answers POST only is tried in scope by GET (405), and out of
scope by an empty POST, which must answer 404 before it reads the form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

LOGIN = "/accounts/login/"


# ------------------------------------------------------------------ the URL patterns, found by themselves
def walk(
    patterns: list[Any], namespace: str = "", prefix: str = "/"
) -> Iterator[tuple[str, str, URLPattern]]:
    """(name, route, pattern) of every URL pattern; a pattern without a name is named by its route."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            name = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from walk(pattern.url_patterns, name, route)
        else:
            name = f"{namespace}:{pattern.name or f'<unnamed {route}>'}"
            yield name.lstrip(":"), route, pattern


def url_names() -> list[str]:
    return sorted({name for name, _route, _pattern in walk(get_resolver().url_patterns)})


def is_admin(name: str) -> bool:
    return name.startswith("admin:")


# ------------------------------------------------------------------ the table
@dataclass(frozen=True)
class Page:
    """How to try one URL name.

    `inside` / `outside`: the URL's arguments for a row in the persona's scope and one outside it
    (None: the URL takes none). `ok`: the in-scope answer to GET (405 for pages that only take POST).
    `refused`: for a page without a row, a persona whose role may not use it, and the answer it gets.
    `public`: no login needed (anonymous gets `ok`); `api`: the JSON API (anonymous: 401);
    `query`: a query string the page needs.
    """

    user: str = "staff_a"
    inside: Callable[[Any], dict[str, Any]] | None = None
    outside: Callable[[Any], dict[str, Any]] | None = None
    ok: int = 200
    refused: tuple[str, int] | None = None
    public: bool = False
    api: bool = False
    query: str = ""

    @property
    def post_only(self) -> bool:
        return self.ok == 405


def pk(thing: str, field: str = "pk", arg: str = "pk") -> tuple[Callable[[Any], dict], Callable[[Any], dict]]:
    """(inside, outside) arguments from the A and B rows of `things` (`things.<thing>_a`, `_b`)."""
    return (
        lambda t: {arg: getattr(getattr(t, f"{thing}_a"), field)},
        lambda t: {arg: getattr(getattr(t, f"{thing}_b"), field)},
    )


def row(thing: str, field: str = "pk", arg: str = "pk", **kw: Any) -> Page:
    inside, outside = pk(thing, field, arg)
    return Page(inside=inside, outside=outside, **kw)


def report_day(side: str) -> Callable[[Any], dict[str, Any]]:
    """A community's (or its area's) daily report of today: community A or B."""
    return lambda t: {"code": getattr(t, f"community_{side}").code, "day": timezone.localdate()}


def store_item(side: str) -> Callable[[Any], dict[str, Any]]:
    """A store of community A or B and the item of its minimum level."""
    return lambda t: {
        "store_id": getattr(t, f"store_{side}").pk,
        "item_id": getattr(t, f"store_{side}").thresholds.get().item_id,
    }


def notice_grid(side: str) -> Callable[[Any], dict[str, Any]]:
    """A notice of community A or B and the grid of its side."""
    return lambda t: {"pk": getattr(t, f"notice_{side}").pk, "grid_id": getattr(t, f"grid_{side}").pk}


NOT_FOR_GUARDS = ("guard_a", 404)  # gate duty sees no page of the registry, epi or care: as out of scope
STAFF_ONLY = ("guard_a", 403)

TABLE: dict[str, Page] = {
    # ---------------------------------------------------------------- public, and the user's own pages
    "home": Page(refused=None),
    "healthz": Page(public=True),
    "set_language": Page(public=True, ok=302),
    "accounts:login": Page(public=True),
    "accounts:logout": Page(public=True),
    "accounts:password-change": Page(),
    "access:household-link": Page(public=True, inside=lambda t: {"key": t.link_key}),
    "access:my-household": Page(user="resident_a", refused=("staff_a", 404)),
    "access:link-attachment": Page(public=True, inside=lambda t: {"key": t.link_key, "pk": t.notice_a.pk}),
    "access:my-attachment": Page(
        user="resident_a",
        inside=lambda t: {"pk": t.notice_a.pk},
        outside=lambda t: {"pk": t.notice_b.pk},
    ),
    # ---------------------------------------------------------------- places
    "places:area-list": Page(refused=NOT_FOR_GUARDS),
    "places:area-detail": row("community", field="code", arg="code"),
    "places:compound-detail": row("compound"),
    "places:building-detail": row("building"),
    "places:household-detail": row("household"),
    # ---------------------------------------------------------------- people
    "people:search": Page(refused=NOT_FOR_GUARDS),
    "people:export": Page(refused=STAFF_ONLY),
    "people:resident-detail": row("resident"),
    "people:resident-edit": row("resident"),
    "people:resident-move": row("resident"),
    "people:resident-reveal-id": row("resident", ok=405),
    "people:travel-create": row("resident"),
    "people:resident-create": row("household", arg="household_pk"),
    "people:visit-create": row("household", arg="household_pk"),
    "people:import-start": Page(refused=("grid_a1_worker", 403)),
    "people:import-preview": row("job"),
    "people:import-progress": row("job"),
    "people:import-commit": row("job", ok=405),
    "core:audit-list": Page(refused=NOT_FOR_GUARDS),
    # ---------------------------------------------------------------- closed management
    "access:checkpoint": Page(user="guard_a", refused=("staff_a", 404)),
    "access:checkpoint-scans": Page(user="guard_a", ok=405, refused=("staff_a", 404)),
    "access:checkpoint-fever-member": Page(user="guard_a", ok=405, refused=("staff_a", 404)),
    "access:visitors": Page(user="guard_a", refused=("staff_a", 404)),
    "access:deliveries": Page(user="guard_a", refused=("staff_a", 404)),
    "access:compound-passes": row("compound"),
    "access:compound-issue": row("compound", ok=405),
    "access:compound-passes-pdf": row("compound"),
    "access:pass-action": row("pass", ok=405),
    "access:gate-toggle": row("gate", ok=405),
    "access:passage-log": Page(refused=NOT_FOR_GUARDS),
    "access:passage-export": Page(refused=NOT_FOR_GUARDS),
    "access:passage-exports": Page(refused=NOT_FOR_GUARDS),
    "access:passage-export-file": row("export"),
    "access:policy": row("community", field="code", arg="code"),
    "access:household-link-renew": row("household"),
    # ---------------------------------------------------------------- epidemic
    "epi:index": Page(refused=NOT_FOR_GUARDS),
    "epi:home-panel": Page(refused=NOT_FOR_GUARDS),
    "epi:case-list": Page(refused=NOT_FOR_GUARDS),
    "epi:case-create": Page(refused=NOT_FOR_GUARDS),
    "epi:case-detail": row("case"),
    "epi:case-status": row("case", ok=405),
    "epi:case-dates": row("case", ok=405),
    "epi:contact-confirm": row("case", ok=405),
    "epi:contact-dismiss": row("case", ok=405),
    "epi:contact-bulk": row("case", ok=405),
    "epi:lockdown-list": Page(refused=NOT_FOR_GUARDS),
    "epi:lockdown-new": Page(refused=NOT_FOR_GUARDS),
    "epi:lockdown-apply": Page(ok=405, refused=NOT_FOR_GUARDS),
    "epi:lockdown-detail": row("lockdown"),
    "epi:lockdown-lift": row("lockdown", ok=405),
    "epi:lockdown-extend": row("lockdown", ok=405),
    "epi:quarantine-list": Page(refused=NOT_FOR_GUARDS),
    "epi:quarantine-detail": row("quarantine"),
    "epi:quarantine-extend": row("quarantine", ok=405),
    "epi:quarantine-shorten": row("quarantine", ok=405),
    "epi:quarantine-release": row("quarantine", ok=405),
    "epi:quarantine-room": row("quarantine", ok=405),
    "epi:check-create": row("resident"),
    "epi:facility-list": Page(refused=NOT_FOR_GUARDS),
    "epi:facility-detail": row("facility"),
    # ---------------------------------------------------------------- care
    "care:board": Page(refused=NOT_FOR_GUARDS),
    "care:response-times": Page(refused=NOT_FOR_GUARDS),
    "care:household": row("household"),
    "care:call-record": row("household", ok=405),
    "care:team-member": row("household", ok=405),
    "care:errand-create": row("household", ok=405),
    "care:errand-list": Page(refused=NOT_FOR_GUARDS),
    "care:errand-detail": row("errand"),
    "care:errand-assign": row("errand", ok=405),
    "care:errand-start": row("errand", ok=405),
    "care:errand-deliver": row("errand", ok=405),
    "care:errand-cancel": row("errand", ok=405),
    "care:disinfection": Page(refused=NOT_FOR_GUARDS),
    "care:disinfection-record": Page(ok=405, refused=NOT_FOR_GUARDS),
    "care:kits": Page(refused=NOT_FOR_GUARDS),
    "care:kit-deliver": Page(ok=405, refused=NOT_FOR_GUARDS),
    "care:kit-line": Page(ok=405, refused=NOT_FOR_GUARDS),
    # ---------------------------------------------------------------- supplies (gate duty: its checkpoint)
    "supplies:stock": Page(refused=("resident_a", 404)),
    "supplies:store": row("store"),
    "supplies:store-post": row("store", ok=405),
    "supplies:ledger": Page(refused=("resident_a", 404)),
    "supplies:expiring": Page(refused=("resident_a", 404)),
    "supplies:movement-reverse": row("movement", ok=405),
    "supplies:ledger-export": Page(refused=("resident_a", 404)),
    "supplies:balances-export": Page(refused=("resident_a", 404)),
    "supplies:donations": Page(refused=("resident_a", 404)),
    "supplies:donation-new": Page(ok=405, refused=("guard_a", 403)),
    "supplies:donation-receive": row("donation", ok=405),
    "supplies:donation-acknowledge": row("donation", ok=405),
    "supplies:donation-receipt": row("donation"),
    "supplies:public-donations": Page(public=True),
    "supplies:household": row("household"),
    "supplies:household-issue": row("household", ok=405),
    "supplies:requests": Page(refused=("resident_a", 404)),
    "supplies:request-new": Page(ok=405, refused=("grid_a1_worker", 403)),
    "supplies:request-commit": row("request", ok=405),
    "supplies:request-send": row("request", ok=405),
    "supplies:request-receive": row("request", ok=405),
    "supplies:store-allocate": row("store", ok=405),
    "supplies:stocktake": row("store"),
    "supplies:stocktake-new": row("store", ok=405),
    "supplies:stocktake-decide": row("stocktake", ok=405),
    "supplies:items": Page(refused=("resident_a", 404)),
    "supplies:item-new": Page(ok=405, refused=("grid_a1_worker", 403)),
    "supplies:item-change": Page(ok=405, refused=("guard_a", 403)),
    "supplies:store-open": Page(ok=405, refused=("grid_a1_worker", 403)),
    "supplies:store-close": row("store", ok=405),
    "supplies:store-threshold": row("store", ok=405),
    # ---------------------------------------------------------------- mobilization
    "mobilize:report-in": Page(public=True),
    "mobilize:volunteers": Page(refused=NOT_FOR_GUARDS),
    "mobilize:volunteer-decide": row("volunteer", ok=405),
    "mobilize:calls": Page(refused=NOT_FOR_GUARDS),
    "mobilize:call-detail": row("helpcall"),
    "mobilize:call-act": row("helpcall", ok=405),
    "mobilize:gaps": Page(refused=NOT_FOR_GUARDS),
    "mobilize:roster": row("gate"),
    "mobilize:on-duty": row("gate", user="guard_a"),
    "mobilize:roster-export": row("gate"),
    "mobilize:service-card": row("volunteer"),
    "mobilize:shift": row("shift"),
    "mobilize:shift-act": row("shift", ok=405),
    "mobilize:assignment-act": row("assignment", ok=405),
    "mobilize:mine": Page(),
    "mobilize:hours-enter": Page(ok=405, refused=STAFF_ONLY),
    "mobilize:hours-decide": row("hours", ok=405),
    # ---------------------------------------------------------------- risk levels (watch)
    "watch:risk-levels": Page(refused=NOT_FOR_GUARDS),
    "watch:risk-assess": Page(user="commander", ok=405, refused=("staff_a", 403)),
    "watch:risk-area": row("community", field="code", arg="code"),
    "watch:risk-compound": row("compound"),
    "watch:risk-approve": row("risk", ok=405),
    "watch:risk-dismiss": row("risk", ok=405),
    # ---------------------------------------------------------------- the daily report (community code, day)
    "watch:reports": Page(ok=302, refused=NOT_FOR_GUARDS),
    "watch:report": Page(inside=report_day("a"), outside=report_day("b")),
    "watch:report-save": Page(inside=report_day("a"), outside=report_day("b"), ok=405),
    "watch:report-return": Page(inside=report_day("a"), outside=report_day("b"), ok=405),
    "watch:report-accept": Page(inside=report_day("a"), outside=report_day("b"), ok=405),
    "watch:report-pdf": Page(inside=report_day("a"), outside=report_day("b")),
    "watch:report-area": Page(inside=report_day("a"), outside=report_day("b")),
    "watch:report-area-xlsx": Page(inside=report_day("a"), outside=report_day("b")),
    "watch:report-area-pdf": Page(inside=report_day("a"), outside=report_day("b")),
    # ---------------------------------------------------------------- the alert inbox (watch)
    "watch:inbox": Page(refused=NOT_FOR_GUARDS),
    "watch:alert-detail": row("alert"),
    "watch:alert-acknowledge": row("alert", ok=405),
    "watch:alert-assign": row("alert", ok=405),
    "watch:alert-resolve": row("alert", ok=405),
    "watch:alert-note": row("alert", ok=405),
    "watch:alert-policy": row("community", field="code", arg="code"),
    # ---------------------------------------------------------------- notices
    "notices:list": Page(refused=NOT_FOR_GUARDS),
    "notices:create": Page(refused=("grid_a1_worker", 403)),
    "notices:count": Page(refused=("grid_a1_worker", 403)),
    "notices:detail": row("notice"),
    "notices:approve": row("notice", ok=405),
    "notices:publish": row("notice", ok=405),
    "notices:withdraw": row("notice", ok=405),
    "notices:remind": row("notice", ok=405),
    "notices:attachment": row("notice"),
    "notices:board": Page(inside=notice_grid("a"), outside=notice_grid("b")),
    "notices:letters": Page(inside=notice_grid("a"), outside=notice_grid("b")),
    "notices:slip": row("recipient", arg="rid", ok=405),
    "notices:acknowledge": row("recipient", arg="rid", ok=405),
    # ---------------------------------------------------------------- the command dashboard
    "dashboard:mine": Page(refused=NOT_FOR_GUARDS),
    "dashboard:area": row("community", field="code", arg="code"),
    "dashboard:grid": row("grid"),
    "dashboard:refresh": row("community", field="code", arg="code", ok=405),
    # ---------------------------------------------------------------- the JSON API
    "api:api-root": Page(public=True, api=True, ok=404),
    "api:openapi-json": Page(public=True, api=True),
    "api:openapi-view": Page(public=True, api=True),
    "api:ping": Page(public=True, api=True),
    "api:list_areas": Page(api=True),
    "api:list_compounds": Page(api=True),
    "api:list_residents": Page(api=True, query="q=张"),
    "api:list_gates": Page(api=True),
    "api:list_quarantines": Page(api=True),
    "api:get_household": row("household", arg="household_id", api=True),
    "api:household_passes": row("household", arg="household_id", api=True),
    "api:get_case": row("case", arg="case_id", api=True),
    "api:case_contacts": row("case", arg="case_id", api=True),
    "api:create_case": Page(api=True, ok=405),
    "api:post_lockdown": Page(api=True, ok=405),
    "api:post_scans": Page(api=True, ok=405),
    "api:list_risk_levels": Page(api=True),
    "api:list_balances": Page(api=True),
    "api:list_movements": Page(api=True),
    "api:post_movement": Page(api=True),  # the URL of list_movements: GET lists
    "api:post_reversal": row("movement", arg="movement_id", api=True, ok=405),
    "api:post_allocation": Page(api=True, ok=405),
    "api:list_items": Page(api=True),
    "api:add_item": Page(api=True),  # the URL of list_items: GET lists
    "api:post_store": Page(api=True, ok=405),
    "api:get_threshold": Page(inside=store_item("a"), outside=store_item("b"), api=True),
    "api:put_threshold": Page(inside=store_item("a"), outside=store_item("b"), api=True),  # GET reads
    "api:daily_reports": Page(api=True),
    "api:submit_daily_report": Page(inside=report_day("a"), outside=report_day("b"), api=True, ok=405),
    "api:return_daily_report": Page(inside=report_day("a"), outside=report_day("b"), api=True, ok=405),
    "api:accept_daily_report": Page(inside=report_day("a"), outside=report_day("b"), api=True, ok=405),
    "api:stats_series": Page(api=True, query="area=340403001001&metric=households", refused=NOT_FOR_GUARDS),
    "api:list_alerts": Page(api=True),
    "api:get_alert": row("alert", arg="alert_id", api=True),
    "api:acknowledge": row("alert", arg="alert_id", api=True, ok=405),
    "api:assign": row("alert", arg="alert_id", api=True, ok=405),
    "api:resolve": row("alert", arg="alert_id", api=True, ok=405),
    "api:add_note": row("alert", arg="alert_id", api=True, ok=405),
    "api:post_volunteer": Page(api=True, ok=405),
    "api:get_roster": Page(api=True),
    "api:claim": row("helpcall", arg="call_id", api=True, ok=405),
    "api:withdraw": row("helpcall", arg="call_id", api=True, ok=405),
    "api:check_in": row("assignment", arg="assignment_id", api=True, ok=405),
    "api:check_out": row("assignment", arg="assignment_id", api=True, ok=405),
    "api:create_notice": Page(api=True, ok=405),
    "api:approve_notice": row("notice", arg="notice_id", api=True, ok=405),
    "api:publish_notice": row("notice", arg="notice_id", api=True, ok=405),
    "api:acknowledgements": row("notice", arg="notice_id", api=True),
}


def url_of(name: str, kwargs: dict[str, Any] | None) -> str:
    page = TABLE[name]
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{page.query}" if page.query else url


def admin_url(name: str, route: str, pattern: URLPattern) -> str:
    """The admin's URLs with made-up arguments (every admin page refuses before it reads them)."""
    if pattern.name is None:  # the redirect to a row's change page, and the catch-all
        return re.sub(r"<[^>]+>", "1", route).replace("(?P<url>.*)$", "x")
    app_label = next(iter(admin.site._registry))._meta.app_label
    values = {"app_label": app_label, "object_id": "1", "content_type_id": 1, "id": 1}
    return reverse(name, kwargs={k: values[k] for k in pattern.pattern.regex.groupindex} or None)


def answer(client: Any, url: str, *, post: bool = False) -> Any:
    return client.post(url) if post else client.get(url)


# ------------------------------------------------------------------ the tests
def test_every_url_pattern_has_an_entry_in_the_table():
    missing = [name for name in url_names() if not is_admin(name) and name not in TABLE]
    assert not missing, (
        f"No entry in TABLE of {__file__} for {missing}: add one saying how to build its arguments in "
        "and out of scope and what each persona gets, so that the new page is tried anonymous, in scope "
        "and out of scope."
    )


def test_the_table_names_no_url_that_is_gone():
    assert not set(TABLE) - set(url_names())


def test_every_page_that_names_a_row_is_tried_on_a_row_out_of_scope():
    blind = [n for n, p in TABLE.items() if p.inside is not None and p.outside is None and not p.public]
    assert not blind


def test_every_page_without_a_row_is_tried_by_a_role_that_may_not_use_it_or_shows_only_own_rows():
    # Lists and forms without a row: `refused` says who may not use them. The API lists, the home and
    # password pages serve every role its own rows, so they have no such persona.
    own_rows_only = {"home", "accounts:password-change", "mobilize:mine"}
    unchecked = [
        n
        for n, p in TABLE.items()
        if p.inside is None and p.refused is None and not p.public and not p.api and n not in own_rows_only
    ]
    assert not unchecked


def test_anonymous_visitors_are_sent_to_the_login_page_and_api_clients_get_401(client, things):
    wrong = []
    for name, _route, _pattern in walk(get_resolver().url_patterns):
        page = TABLE.get(name)
        if page is None:  # no entry yet: test_every_url_pattern_has_an_entry_in_the_table says so
            continue
        url = url_of(name, page.inside(things) if page.inside else None)
        response = answer(client, url, post=page.post_only)
        if page.public:
            expected, got = page.ok, response.status_code
        elif page.api:
            expected, got = 401, response.status_code
        else:
            expected = f"302 {LOGIN}?next="
            got = f"{response.status_code} {response.get('Location', '')[: len(LOGIN) + 6]}"
        if got != expected:
            wrong.append(f"{name} {url}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_each_persona_gets_its_answer_on_its_own_rows(client, world, things):
    wrong = []
    for name, page in TABLE.items():
        if page.public:
            continue
        client.force_login(getattr(world, page.user))
        url = url_of(name, page.inside(things) if page.inside else None)
        status = client.get(url).status_code
        if status != page.ok:
            wrong.append(f"{name} {url} as {page.user}: {status}, expected {page.ok}")
    assert not wrong, "\n".join(wrong)


def test_rows_out_of_scope_and_pages_of_other_roles_answer_like_nothing_is_there(client, world, things):
    wrong = []
    for name, page in TABLE.items():
        if page.outside is not None:
            user, url, expected = page.user, url_of(name, page.outside(things)), 404
        elif page.refused is not None:
            user, expected = page.refused
            url = url_of(name, page.inside(things) if page.inside else None)
        else:
            continue
        client.force_login(getattr(world, user))
        status = answer(client, url, post=page.post_only).status_code
        if status != expected:
            wrong.append(f"{name} {url} as {user}: {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_the_admin_sends_everybody_but_superusers_to_its_own_login_page(client, world):
    wrong = []
    for who in (None, "staff_a", "commander"):
        if who:
            client.force_login(getattr(world, who))
        for name, route, pattern in walk(get_resolver().url_patterns):
            if not is_admin(name):
                continue
            url = admin_url(name, route, pattern)
            response = client.get(url)
            if name == "admin:login":
                ok = response.status_code == 200
            else:
                ok = response.status_code == 302 and response["Location"].startswith("/admin/")
            if not ok:
                wrong.append(f"{name} {url} as {who or 'anonymous'}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
