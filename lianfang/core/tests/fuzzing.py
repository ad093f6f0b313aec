"""What the no-server-error tests fuzz: every URL pattern of the project (found by walking the resolver),
the names of every parameter the code reads (form fields, `request.GET/POST` keys in the source, the API
schema's parameters and body properties), odd values for them, and a world with one of each object.

Nothing here is a list of today's URLs: a new page or endpoint is fuzzed as soon as it is routed.
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

import lianfang

# Odd values: a unicode digit that passes isdigit() but not int(), bigint overflow, dates in year 1 and
# 9999 (and a time that is year 10000 in UTC), empty, huge, NUL, not-a-number.
ODD: list[str] = [
    "²",
    "99999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59-14:00",
    "",
    "x" * 5000,
    "\x00",
    "NaN",
]
MISSING_PKS = ["0", "99999999999999999999"]
DEEP_JSON = "[" * 100_000 + "]" * 100_000
NESTED_JSON = '{"a": ' + "[" * 40 + '{"b": 1}' + "]" * 40 + "}"  # deeper than the limit, not recursive


@dataclass
class Route:
    """One URL pattern: its full template (`epi/cases/<int:pk>/`) as (literal, placeholder) pieces."""

    template: str
    pieces: list[tuple[str, str]] = field(default_factory=list)  # (kind, text): kind "lit", "int", "str"
    callback: Any = None


def routes() -> list[Route]:
    found: list[Route] = []
    _walk(get_resolver().url_patterns, [], found)
    return found


_ROUTE_TOKEN = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _pieces(pattern: Any) -> list[tuple[str, str]]:
    text = str(pattern)
    out: list[tuple[str, str]] = []
    if pattern.__class__.__name__ == "RoutePattern":
        pos = 0
        for m in _ROUTE_TOKEN.finditer(text):
            out.append(("lit", text[pos : m.start()]))
            out.append(("int" if m["conv"] == "int" else "str", m["name"]))
            pos = m.end()
        out.append(("lit", text[pos:]))
        return out
    text = text.removeprefix("^").removesuffix("$").replace("\\", "")
    pos = 0
    for m in _REGEX_GROUP.finditer(text):
        out.append(("lit", text[pos : m.start()]))
        out.append(("str", m["name"]))
        pos = m.end()
    out.append(("lit", text[pos:]))
    return out


def _walk(patterns: list[Any], prefix: list[tuple[str, str]], found: list[Route]) -> None:
    for p in patterns:
        pieces = prefix + _pieces(p.pattern)
        if isinstance(p, URLResolver):
            _walk(p.url_patterns, pieces, found)
        elif isinstance(p, URLPattern):
            template = "".join(t if k == "lit" else f"<{k}:{t}>" for k, t in pieces)
            found.append(Route(template=template, pieces=pieces, callback=p.callback))


def _model_for(stem: str) -> Any:
    names = {m._meta.model_name: m for m in apps.get_models() if m._meta.app_label != "admin"}
    for guess in (stem, stem[:-1], stem[:-2], stem[:-3] + "y"):
        if guess in names:
            return names[guess]
    for name, model in names.items():
        if stem and name.startswith(stem.rstrip("s")):
            return model
    return None


def int_values(route: Route, name: str, index: int) -> list[str]:
    """The pks of the model the placeholder names (`case_id`, or `cases/<int:pk>`)."""
    if name.endswith(("_id", "_pk")) and name not in ("object_id",):
        stem = name.rsplit("_", 1)[0]
    else:
        before = "".join(t for k, t in route.pieces[:index] if k == "lit").strip("/").split("/")
        stem = before[-1] if before else ""
    model = _model_for(stem.replace("-", ""))
    if model is None:
        return ["1"]
    # The first and the last rows: the seeded ones, and whatever the fuzzing itself created.
    first = list(model.objects.order_by("pk").values_list("pk", flat=True)[:2])
    last = list(model.objects.order_by("-pk").values_list("pk", flat=True)[:2])
    return [str(pk) for pk in dict.fromkeys(first + last)] or ["1"]


def str_values(name: str, world: Any, extra: dict[str, list[str]]) -> list[str]:
    if name in extra:
        return extra[name]
    if name == "code":
        return [world.community_a.code, world.community_b.code, "²"]
    if name == "app_label":
        return ["people", "epi"]
    if name == "model_name":
        return ["resident", "case"]
    if name == "object_id":
        return [str(world.zhang_san.pk), "²"]
    return ["1", "²"]


def urls(world: Any, extra: dict[str, list[str]]) -> Iterator[tuple[Route, str, bool]]:
    """(route, url, whether every placeholder is a real object) for each route and filling."""
    for route in routes():
        choices: list[list[tuple[str, bool]]] = []
        for i, (kind, text) in enumerate(route.pieces):
            if kind == "lit":
                choices.append([(text, True)])
            elif kind == "int":
                choices.append(
                    [(v, True) for v in int_values(route, text, i)] + [(v, False) for v in MISSING_PKS]
                )
            else:
                choices.append([(v, True) for v in str_values(text, world, extra)])
        for combo in _combinations(choices):
            url = "/" + "".join(v for v, _real in combo)
            real = all(r for _v, r in combo)
            try:
                match = resolve(url.split("?")[0])
            except Resolver404:
                continue
            if match.func is route.callback or getattr(match.func, "__wrapped__", None) is route.callback:
                yield route, url, real
            elif match.func == route.callback:
                yield route, url, real


def _combinations(choices: list[list[tuple[str, bool]]], limit: int = 12) -> list[list[tuple[str, bool]]]:
    combos: list[list[tuple[str, bool]]] = [[]]
    for options in choices:
        combos = [c + [o] for c in combos for o in options][:limit]
    return combos


# ------------------------------------------------------------------ parameter names
_KEY_IN_SOURCE = re.compile(r"""(?:GET|POST|data)(?:\.get|\.getlist)?[\[(]\s*["']([\w-]+)["']""")
_PREFIX_IN_SOURCE = re.compile(r"""(?:GET|POST|post)\.(?:get|getlist)\(\s*f["']([\w]+-)\{""")


def parameter_names(api_schema: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(names, prefixes): every form field, every request key in the source, every API parameter and
    body property; prefixes of per-row names such as `t-<pk>`."""
    names: set[str] = {"page", "q", "next", "days", "action"}
    prefixes: set[str] = set()
    root = Path(lianfang.__file__).parent
    for info in pkgutil.walk_packages([str(root)], prefix="lianfang."):
        leaf = info.name.rsplit(".", 1)[-1]
        if ".tests" in info.name or "browser_tests" in info.name or "migrations" in info.name:
            continue
        if leaf == "forms" or leaf.startswith("forms"):
            module = importlib.import_module(info.name)
            for obj in vars(module).values():
                if isinstance(obj, type) and issubclass(obj, forms.BaseForm) and hasattr(obj, "base_fields"):
                    names.update(obj.base_fields)
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        names.update(_KEY_IN_SOURCE.findall(text))
        prefixes.update(_PREFIX_IN_SOURCE.findall(text))
    components = api_schema.get("components", {}).get("schemas", {})
    for operations in api_schema.get("paths", {}).values():
        for op in operations.values():
            names.update(p["name"] for p in op.get("parameters", []))
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            names.update(_properties(body, components))
    return sorted(names), sorted(prefixes)


def _properties(schema: dict[str, Any], components: dict[str, Any], seen: int = 0) -> set[str]:
    if seen > 5:
        return set()
    if "$ref" in schema:
        return _properties(components.get(schema["$ref"].rsplit("/", 1)[-1], {}), components, seen + 1)
    out = set(schema.get("properties", {}))
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            out |= _properties(sub, components, seen + 1)
    for sub in schema.get("properties", {}).values():
        out |= _properties(sub, components, seen + 1)
    if "items" in schema:
        out |= _properties(schema["items"], components, seen + 1)
    return out


def rotated(names: list[str], k: int, values: list[str] = ODD) -> dict[str, str]:
    """Request k of a sweep: parameter j gets ODD[(k + j) % n], so that after len(ODD) requests every
    parameter had every value, each time beside different values of the others."""
    return {name: values[(k + j) % len(values)] for j, name in enumerate(names)}


# ------------------------------------------------------------------ the world's objects
def seed(world: Any, media_root: Path) -> dict[str, list[str]]:
    """One of each object the pages and the API show (a case, a lockdown and its quarantines, a facility
    and its rooms, passes, a gate device, a delivery, a visitor, an errand, an import), on top of the
    personas' world. Returns the values of string placeholders (the household's secret link key)."""
    from lianfang.access import services as access
    from lianfang.care.errands import raise_errand
    from lianfang.epi.models import CaseSource, CaseStatus, LockdownScope
    from lianfang.epi.services import apply_lockdown, create_case, create_facility, record_health_check
    from lianfang.people.services import record_travel, record_visit
    from lianfang.people.tests.import_files import messy_xlsx

    today = timezone.localdate()
    access.issue_household_passes(user=world.staff_a, compound=world.compound_a)
    access.issue_household_passes(user=world.staff_b, compound=world.compound_b)
    key = access.ensure_link_key(household=world.household_a1)
    access.log_delivery(guard=world.guard_a, gate=world.gate_a, household=world.household_a1, carrier="顺丰")
    create_facility(user=world.health_a, area=world.community_a, name="宾馆", rooms=[("101", 1), ("102", 2)])
    case = create_case(
        user=world.health_a,
        resident=world.li_si,
        status=CaseStatus.CONFIRMED,
        source=CaseSource.HOSPITAL,
        onset_date=today - datetime.timedelta(days=2),
        report_date=today,
    )
    apply_lockdown(
        user=world.staff_a,
        scope=LockdownScope.UNIT,
        target_id=world.household_a1.unit_id,
        start=today,
        case=case,
    )
    raise_errand(user=world.staff_a, household=world.household_a1, category="grain_oil", details="米和油")
    record_health_check(
        user=world.health_a, resident=world.zhang_san, temperature="36.6", symptoms=[], date=today
    )
    record_travel(
        user=world.staff_a, resident=world.zhang_san, origin="武汉市", arrival_date=today, source="visit"
    )
    record_visit(user=world.staff_a, household=world.household_a1, findings="在家")
    client = Client()
    client.force_login(world.staff_a)
    client.post(
        "/people/imports/",
        {"community": world.community_a.pk, "file": SimpleUploadedFile("r.xlsx", messy_xlsx("1" * 18))},
    )
    return {"key": [key, "²", "x" * 40]}


def device_token(world: Any) -> str:
    from lianfang.access.services import create_gate_device

    _device, raw = create_gate_device(gate=world.gate_a, name="fuzz")
    return raw


# ------------------------------------------------------------------ the pages' own forms
@dataclass
class PageForm:
    """A POST form found in a page: where it goes and the values the page fills in (a valid baseline)."""

    action: str
    fields: dict[str, str]

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.action, tuple(sorted(self.fields))


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "option":
            if self._form is not None and self._select and not self._form.fields.get(self._select):
                self._form.fields[self._select] = a.get("value", "")
        elif tag == "form" and a.get("method", "get").lower() == "post":
            action = a.get("action") or self.page
            self._form = PageForm(action=urljoin(self.page, action), fields={})
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file", "reset", "image"):
            if a.get("type") in ("checkbox", "radio") and a["name"] in self._form.fields:
                return
            self._form.fields[a["name"]] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select = a["name"]
            self._form.fields.setdefault(a["name"], "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.fields[a["name"]] = ""
        elif tag == "button" and a.get("value"):
            self._form.fields.setdefault(a["name"], a["value"])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(page: str, html: str) -> list[PageForm]:
    parser = _FormParser(page)
    parser.feed(html)
    return [f for f in parser.forms if f.fields and urlsplit(f.action).path.startswith("/")]


def one_field_odd(form: PageForm, round_: int) -> Iterator[dict[str, str]]:
    """The page's own values, with one field at a time replaced by an odd value (a different one per
    field and round), so that the odd value gets past the other fields' checks."""
    for j, name in enumerate(sorted(form.fields)):
        yield {**form.fields, name: ODD[(j + round_ * 5) % len(ODD)]}
