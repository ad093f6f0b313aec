"""Risk-level pages: the streets, communities and compounds in scope by their level in force, with the
suggestions waiting for a decision on top (approve with a level and a day, or dismiss), and one target's
history. Thin: parse, authorize, call watch/risk.py, render.

The staff read them (READ_RISK_LEVELS; other roles get 404, as out of scope); only the command centre
decides (APPROVE_RISK_LEVEL: 403 for the other staff). A suggestion or target out of scope is a 404 before
the role is asked, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.bounds import parse_int_or
from lianfang.core.errors import DomainError
from lianfang.core.roles import APPROVE_RISK_LEVEL, READ_RISK_LEVELS
from lianfang.core.viewtools import form_message, message_error, require_role
from lianfang.places.models import Area, Compound
from lianfang.watch import risk
from lianfang.watch.forms_risk import ApproveForm, DismissForm
from lianfang.watch.models import RiskAssessment, RiskLevelChoice, RiskStatus
from lianfang.watch.risk_rules import AREA_KINDS, LEVEL_RANK, TargetKind, explain

PAGE = 50
PENDING_SHOWN = 100
NOT_RATED = "none"
LEVEL_FILTERS = [*RiskLevelChoice.values, NOT_RATED]


def _reader(request: HttpRequest) -> Any:
    return require_role(request.user, READ_RISK_LEVELS, hide=True)


def _rank(level: str | None) -> int:
    return LEVEL_RANK.get(level, -1) if level else -1


def _suggestion_rows(rows: list[RiskAssessment]) -> list[dict[str, Any]]:
    return [
        {"a": a, "explain": explain(a.basis), "target": risk.target_of(a, with_community=True)} for a in rows
    ]


@login_required
def risk_levels(request: HttpRequest) -> HttpResponse:
    """?level=high|medium|low|none&kind=street|community|compound&area=<code>&page=N"""
    user = _reader(request)
    today = timezone.localdate()
    level = request.GET.get("level", "")
    level = level if level in LEVEL_FILTERS else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in TargetKind.values else ""
    under = None
    if request.GET.get("area"):
        under = get_object_or_404(Area.objects.visible_to(user), code=str(request.GET["area"])[:12])
    under_path = under.path if under is not None else ""
    pending_qs = risk.pending_suggestions(user, under_path=under_path)
    rank = CaseWhen(
        When(suggested=RiskLevelChoice.HIGH, then=Value(2)),
        When(suggested=RiskLevelChoice.MEDIUM, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    pending = list(
        pending_qs.select_related("rule", "area", "compound", "compound__community")
        .annotate(rank=rank)
        .order_by("-rank", "-day", "path", "id")[:PENDING_SHOWN]
    )
    waiting = {
        (("compound", c) if c else ("area", a)): s
        for a, c, s in pending_qs.values_list("area_id", "compound_id", "suggested")
    }

    targets = risk.targets_in_scope(user, kinds=[kind] if kind else None, under=under)
    in_force = risk.levels_in_force_for(user, day=today)
    rows = []
    counts = dict.fromkeys(LEVEL_FILTERS, 0)
    for t in targets:
        f = in_force.get(t.key)
        counts[f.level if f else NOT_RATED] += 1
        if level and (f.level if f else NOT_RATED) != level:
            continue
        rows.append({"t": t, "f": f, "pending": waiting.get(t.key)})
    rows.sort(key=lambda r: (-_rank(r["f"].level if r["f"] else None), r["t"].path, r["t"].name))
    number = parse_int_or(request.GET.get("page"), 1, min_value=1, max_value=10**6)
    page = Paginator(rows, PAGE).get_page(number)
    return render(
        request,
        "watch/risk_list.html",
        {
            "pending": _suggestion_rows(pending),
            "pending_total": len(waiting),
            "counts": [(lv, label, counts[lv]) for lv, label in RiskLevelChoice.choices[::-1]],
            "not_rated": counts[NOT_RATED],
            "page": page,
            "level": level,
            "kind": kind,
            "under": under,
            "level_choices": RiskLevelChoice.choices,
            "kind_choices": TargetKind.choices,
            "can_approve": APPROVE_RISK_LEVEL.allows(user),
            "today": today,
        },
    )


def _target_page(request: HttpRequest, user: Any, target: Area | Compound) -> HttpResponse:
    today = timezone.localdate()
    history = list(risk.history_of(user, target))
    upcoming = [
        a
        for a in history
        if a.status == RiskStatus.APPROVED and a.effective_from is not None and a.effective_from > today
    ]
    t = risk.Target.of_compound(target) if isinstance(target, Compound) else risk.Target.of_area(target)
    return render(
        request,
        "watch/risk_target.html",
        {
            "target": t,
            "place": target,
            "in_force": risk.level_in_force(target=target, day=today),
            "upcoming": sorted(upcoming, key=lambda a: (a.effective_from, a.pk)),
            "history": [{"a": a, "explain": explain(a.basis)} for a in history],
            "can_approve": APPROVE_RISK_LEVEL.allows(user),
            "level_choices": RiskLevelChoice.choices,
            "today": today,
        },
    )


@login_required
def risk_area(request: HttpRequest, code: str) -> HttpResponse:
    user = _reader(request)
    area = get_object_or_404(Area.objects.visible_to(user), code=code, level__in=AREA_KINDS)
    return _target_page(request, user, area)


@login_required
def risk_compound(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    compound = get_object_or_404(Compound.objects.visible_to(user).select_related("community"), pk=pk)
    return _target_page(request, user, compound)


def _assessment(user: Any, pk: int) -> RiskAssessment:
    """The suggestion in scope (404 otherwise), then the role (403)."""
    found = get_object_or_404(
        RiskAssessment.objects.visible_to(user).select_related("area", "compound"), pk=pk
    )
    require_role(user, APPROVE_RISK_LEVEL)
    return found


def _back(assessment: RiskAssessment, where: str) -> HttpResponse:
    if where == "target":
        if assessment.compound_id is not None:
            return redirect("watch:risk-compound", pk=assessment.compound_id)
        assert assessment.area is not None
        return redirect("watch:risk-area", code=assessment.area.code)
    return redirect("watch:risk-levels")


@login_required
@require_POST
def risk_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    assessment = _assessment(user, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        d = form.cleaned_data
        try:
            row = risk.approve_level(
                user=user,
                assessment=assessment,
                level=d["level"],
                effective_from=d["effective_from"],
                note=d["note"],
            )
            messages.success(
                request,
                _("{target}: {level} from {day}.").format(
                    target=risk.target_of(row).name,
                    level=RiskLevelChoice(row.level).label,
                    day=d["effective_from"].isoformat(),
                ),
            )
        except DomainError as err:
            message_error(request, err)
    return _back(assessment, request.POST.get("back", ""))


@login_required
@require_POST
def risk_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    assessment = _assessment(user, pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
    else:
        try:
            risk.dismiss_suggestion(user=user, assessment=assessment, note=form.cleaned_data["note"])
            messages.success(
                request, _("{target}: suggestion dismissed.").format(target=risk.target_of(assessment).name)
            )
        except DomainError as err:
            message_error(request, err)
    return _back(assessment, request.POST.get("back", ""))


@login_required
@require_POST
def risk_assess(request: HttpRequest) -> HttpResponse:
    """Run every current rule for today now (the nightly run does it for the day before)."""
    require_role(_reader(request), APPROVE_RISK_LEVEL)
    try:
        made = risk.suggest_all(day=timezone.localdate())
        messages.success(request, _("Assessed today: {n} new suggestion(s).").format(n=made))
    except DomainError as err:
        message_error(request, err)
    return redirect("watch:risk-levels")
