from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.access.models import Decision, Direction, OutingPolicy, PassKind
from lianfang.access.passages import MAX_WINDOW_DAYS, REFUSAL_CODES, PassageFilter, Scope
from lianfang.core import bounds
from lianfang.core.bounds import BoundedDateField
from lianfang.places.models import Compound, Gate, Household
from lianfang.places.services import household_filter, parse_address

CHOICES_MAX = 200  # a scope with more compounds finds them by name; with more gates, lists a compound's only
COMPOUND_MATCHES_MAX = 20
HOUSEHOLDS_MAX = 100
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A day, or a time of it (links from before the log took whole days): the day counts.
DAY_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class PassageFilterForm(forms.Form):
    """The gate log's filter (access/passages.py reads it): whole local days, today when none is given, at
    most `max_days` of them (the page: MAX_WINDOW_DAYS; the export: any). A scope with at most CHOICES_MAX
    compounds chooses one from a list, a wider one types part of its name; gates are listed for the
    scope, or for the compound chosen, when there are at most CHOICES_MAX of them. An address matching more
    than HOUSEHOLDS_MAX households of the scope asks for a compound as well.

    Unbound, the form is the default view: today, at the scope's only compound or gate if it has one."""

    start = BoundedDateField(label=_("From"), required=False, widget=DATE, input_formats=DAY_FORMATS)
    end = BoundedDateField(label=_("Until"), required=False, widget=DATE, input_formats=DAY_FORMATS)
    compound = forms.CharField(label=_("Compound"), required=False, max_length=100)
    gate = forms.TypedChoiceField(label=_("Gate"), coerce=int, required=False, empty_value=None)
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("Both directions")), *Direction.choices]
    )
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=[("", _("All")), *Decision.choices]
    )
    code = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", _("All reasons")), *((c.value, c.label) for c in REFUSAL_CODES)],
    )
    household = forms.CharField(label=_("Household (e.g. 3-1-101)"), required=False, max_length=50)

    def __init__(self, data: Any = None, *, user: Any, max_days: int | None = MAX_WINDOW_DAYS) -> None:
        super().__init__(data or None)
        self.user, self.max_days = user, max_days
        self.filter: PassageFilter | None = None
        compounds = list(
            Compound.objects.visible_to(user)
            .order_by("name", "id")
            .values_list("id", "name")[: CHOICES_MAX + 1]
        )
        self.lists_compounds = len(compounds) <= CHOICES_MAX
        if self.lists_compounds:
            self.fields["compound"] = forms.TypedChoiceField(
                label=_("Compound"),
                coerce=int,
                required=False,
                empty_value=None,
                choices=[("", _("All compounds")), *compounds],
            )
        else:
            self.fields["compound"].widget.attrs["placeholder"] = _("Part of its name")
        gates = (
            Gate.objects.visible_to(user).select_related("compound").order_by("compound__name", "name", "id")
        )
        every = list(gates[: CHOICES_MAX + 1])
        # The scope's gates, to read them one by one (passages.Scope) when they are few.
        self.scope = Scope.of(user, [g.pk for g in every])
        listed = every
        if len(every) > CHOICES_MAX:
            chosen = self._compounds_in_data()
            listed = list(gates.filter(compound_id__in=chosen)[: CHOICES_MAX + 1]) if chosen else []
        gate_choices = [("", _("All gates"))] + [(g.pk, str(g)) for g in listed[:CHOICES_MAX]]
        self.fields["gate"].choices = gate_choices  # type: ignore[attr-defined]
        self.gate_compound = {g.pk: g.compound_id for g in listed}
        if not self.is_bound:
            self.initial["start"] = self.initial["end"] = timezone.localdate()
            if len(compounds) == 1:
                self.initial["compound"] = compounds[0][0] if self.lists_compounds else compounds[0][1]
            if len(every) == 1:
                self.initial["gate"] = every[0].pk

    def _compounds_in_data(self) -> list[int]:
        raw = str(self.data.get("compound") or "").strip()[:100] if self.is_bound else ""
        if not raw:
            return []
        if self.lists_compounds:
            pk = bounds.parse_id(raw)
            return [pk] if pk else []
        return self._compounds_named(raw)

    def _compounds_named(self, text: str) -> list[int]:
        return list(
            Compound.objects.visible_to(self.user)
            .filter(name__icontains=text)
            .order_by("id")
            .values_list("id", flat=True)[: COMPOUND_MATCHES_MAX + 1]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        today = timezone.localdate()
        start, end = data.get("start"), data.get("end")
        if start is None:
            start = end or today
        if end is None:
            end = max(start, today)
        if end < start:
            raise forms.ValidationError(
                _("The end of the period is before its start."), code="window_reversed"
            )
        days = (end - start).days + 1
        if self.max_days is not None and days > self.max_days:
            raise forms.ValidationError(
                _(
                    "The gate log shows at most {max} days at a time, and {days} days were asked for. "
                    "Choose a shorter period, or export this one to Excel."
                ).format(max=self.max_days, days=days),
                code="window_too_long",
            )
        gates = self._gates(data)
        self.filter = PassageFilter(
            start=start,
            end=end,
            gates=gates,
            households=self._households(data, gates),
            direction=data.get("direction") or "",
            decision=data.get("decision") or "",
            code=data.get("code") or "",
        )
        return data

    def _gates(self, data: dict[str, Any]) -> tuple[int, ...] | None:
        """The gates the compound and gate fields leave (None: every gate of the scope)."""
        compound, gate = data.get("compound"), data.get("gate")
        compounds: list[int] | None = None
        if compound and self.lists_compounds:
            compounds = [compound]
        elif compound:
            compounds = self._compounds_named(compound)
            if len(compounds) > COMPOUND_MATCHES_MAX:
                self.add_error(
                    "compound",
                    _("More than {n} compounds match “{text}”: type more of the name.").format(
                        n=COMPOUND_MATCHES_MAX, text=compound
                    ),
                )
                return ()
        if gate:
            inside = compounds is None or self.gate_compound.get(gate) in compounds
            return (gate,) if inside else ()
        if compounds is None:
            return None
        return tuple(
            Gate.objects.visible_to(self.user)
            .filter(compound_id__in=compounds)
            .order_by("id")
            .values_list("id", flat=True)
        )

    def _households(self, data: dict[str, Any], gates: tuple[int, ...] | None) -> tuple[int, ...] | None:
        text = (data.get("household") or "").strip()
        if not text:
            return None
        address = parse_address(text)
        if address is None:
            return ()
        found = Household.objects.visible_to(self.user).filter(household_filter(address))
        if gates is not None:
            found = found.filter(compound__gates__in=gates)
        ids = list(found.order_by("id").values_list("id", flat=True).distinct()[: HOUSEHOLDS_MAX + 1])
        if len(ids) > HOUSEHOLDS_MAX:
            self.add_error(
                "household",
                _("More than {n} households match “{text}”: choose a compound as well.").format(
                    n=HOUSEHOLDS_MAX, text=text
                ),
            )
        return tuple(ids)

    def passage_filter(self) -> PassageFilter | None:
        """The filter asked for (the default view when nothing was), or None when the form has errors."""
        if not self.is_bound:
            compound, gate = self.initial.get("compound"), self.initial.get("gate")
            gates = (gate,) if gate else None
            if gates is None and compound and self.lists_compounds:
                gates = tuple(pk for pk, c in self.gate_compound.items() if c == compound) or None
            return PassageFilter.today(gates=gates)
        return self.filter if self.is_valid() else None

    def query(self) -> str:
        """The filter as a query string, for the older/newest and export links (the dates always written,
        so that paging stays on the same days past midnight)."""
        f = self.passage_filter()
        values = dict(self.cleaned_data) if self.is_bound and f is not None else dict(self.initial)
        values["start"], values["end"] = (f.start, f.end) if f is not None else (None, None)
        return urlencode([(k, values[k]) for k in self.fields if values.get(k) not in (None, "")])


class OutingPolicyForm(forms.ModelForm):
    exempt = forms.MultipleChoiceField(
        label=_("Pass kinds exempt from the quota"),
        choices=PassKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = OutingPolicy
        fields = [
            "exits_per_period",
            "period_days",
            "closed_from",
            "closed_until",
            "fever_line",
            "temperature_required",
            "visitors",
            "retention_days",
        ]
        widgets = {
            "closed_from": forms.TimeInput(attrs={"type": "time"}),
            "closed_until": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean_fever_line(self):
        v = self.cleaned_data["fever_line"]
        if not (36 <= v <= 39):
            raise forms.ValidationError(_("The fever line must be between 36.0 and 39.0 °C."))
        return v

    def clean_retention_days(self):
        v = self.cleaned_data["retention_days"]
        if not (1 <= v <= 365):
            raise forms.ValidationError(_("Keep gate records between 1 and 365 days."))
        return v
