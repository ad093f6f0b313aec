"""What each role's home page shows. Later issues add their parts (overdue calls, gate status...).

The figures of areas come from home.area_figures (last night's statistics above the community, live
counts below); compounds are counted in the same query as their list (correlated COUNT subqueries on the
compound's key), so a home page costs the same number of queries for 3 children or 300.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from lianfang.care.queries import open_errands, worker_board
from lianfang.core.natural import NaturalKey
from lianfang.core.roles import (
    HOME_CARE_BOARD_ROLES,
    HOME_COMPOUND_ROLES,
    HOME_COUNTS_ROLES,
    HOME_DASHBOARD_ROLES,
    Role,
)
from lianfang.core.subqueries import SubqueryCount
from lianfang.home.area_figures import scope_figures, with_figures
from lianfang.home.dashboard import dashboard_context
from lianfang.home.dashboard_nodes import own_node
from lianfang.mobilize.queries import volunteer_lists
from lianfang.notices.escalation import door_to_door_for
from lianfang.notices.queries import account_notices
from lianfang.people.models import Resident, Tag
from lianfang.places.models import Area, Compound, Gate, Household
from lianfang.watch.inbox_queries import health_referrals


def compounds_with_counts(compounds: QuerySet, user: Any) -> QuerySet:
    """Annotate compounds with n_households, n_residents and n_vulnerable (within scope)."""
    households = Household.objects.visible_to(user).filter(compound=OuterRef("pk"))
    residents = Resident.objects.visible_to(user).filter(household__compound=OuterRef("pk"))
    return compounds.annotate(
        n_households=SubqueryCount(households.order_by().values("pk")),
        n_residents=SubqueryCount(residents.order_by().values("pk")),
        n_vulnerable=SubqueryCount(residents.exclude(tags="").order_by().values("pk")),
    )


HOME_CARE_ROWS = 20


def url_of(name: str) -> Any:
    """pk -> the URL of route `name` (one int argument), reversed once: a home page lists hundreds of
    rows, and `{% url %}` on every row cost a grid worker's home about as much as its queries."""
    marker = 987654321
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def grid_lists(user: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A grid worker's first 100 vulnerable residents (by name) and first 200 households (by compound
    and label, with their number of residents), as plain rows with their links: read as values, not
    model instances, because these rows cost the home page more than anything else on it."""
    resident_url, household_url = url_of("people:resident-detail"), url_of("places:household-detail")
    visit_url = url_of("people:visit-create")
    tag_labels = {value: str(label) for value, label in Tag.choices}
    vulnerable = [
        {
            "name": r["name"],
            "url": resident_url(r["pk"]),
            "household": f"{r['household__compound__name']} {r['household__label']}"
            if r["household_id"]
            else "",
            "household_url": household_url(r["household_id"]) if r["household_id"] else "",
            "tags": [tag_labels.get(t, t) for t in r["tags"].split() if t],
        }
        for r in Resident.objects.visible_to(user)
        .exclude(tags="")
        .order_by("name", "id")
        .values("pk", "name", "tags", "household_id", "household__label", "household__compound__name")[:100]
    ]
    members = Resident.objects.filter(household=OuterRef("pk")).order_by().values("pk")
    households = [
        {
            "name": f"{h['compound__name']} {h['label']}",
            "url": household_url(h["pk"]),
            "visit_url": visit_url(h["pk"]),
            "n_residents": h["n_residents"],
        }
        for h in Household.objects.visible_to(user)
        .annotate(n_residents=SubqueryCount(members))  # counted for the 200 rows shown only
        .order_by("compound__name", NaturalKey("label"))
        .values("pk", "label", "compound__name", "n_residents")[:200]
    ]
    return vulnerable, households


def home_context(user: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {"template": "home/home.html", "role": user.role}
    # Every role: the notices addressed to the account (a resident: to their household), with their buttons.
    ctx["notices_list"] = account_notices(user)
    if user.role == Role.HEALTH:
        # The health worker's day starts with the fever referrals and the unreached households (watch).
        ctx["referrals"] = health_referrals(user)
    if user.role in HOME_DASHBOARD_ROLES and not user.is_superuser:
        # The command centre's home is the dashboard of its area: pre-aggregated figures only.
        node = own_node(user)
        ctx.update(template="home/dashboard.html", node=node)
        if node is not None:
            ctx.update(dashboard_context(user, node, day=timezone.localdate()))
        return ctx
    if user.role in HOME_CARE_BOARD_ROLES:
        # The care board first: overdue calls, calls due now, open errands (a fixed number of queries).
        # The home page shows the first rows of each list; the care board page (care:board) shows more.
        ctx["care_board"] = worker_board(user, limit=HOME_CARE_ROWS)
    if user.role == Role.VOLUNTEER:
        # A volunteer's errands: those assigned to them, overdue first.
        ctx["my_errands"] = list(open_errands(user).filter(assignee_id=user.pk)[:100])
        # Their duty (mobilize): next shifts and invitations, open calls, hours this month.
        ctx["duty"] = volunteer_lists(user)
    if user.role in HOME_COUNTS_ROLES or user.is_superuser:
        ctx["counts"], ctx["counts_day"] = scope_figures(user)
    if user.is_superuser:
        areas = Area.objects.visible_to(user)
        children = areas.filter(parent=user.area) if user.area_id else areas.filter(parent__isnull=True)
        ctx["children"] = with_figures(user, children.order_by("code"), live=frozenset())
    if user.role in HOME_COMPOUND_ROLES:
        ctx["compounds"] = list(
            compounds_with_counts(Compound.objects.visible_to(user).order_by("name"), user)[:100]
        )
    if user.role == Role.GRID:
        ctx["vulnerable_residents"], ctx["households"] = grid_lists(user)
        # Households of the grid that no reminder reached: the notices' door-to-door step.
        ctx["door_tasks"] = door_to_door_for(user)
    if user.role == Role.GATE:
        ctx["gate"] = Gate.objects.visible_to(user).select_related("compound").first()
    if user.role == Role.VOLUNTEER:
        ctx["community"] = user.area if user.area_id else None
        ctx["compounds"] = list(
            Compound.objects.visible_to(user).prefetch_related("gates").order_by("name")[:100]
        )
    return ctx
