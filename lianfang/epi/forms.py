"""Forms of the epidemic pages. They parse input; the rules live in epi/services.py and epi/contacts.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lianfang.core.bounds import ONSET, PLAN, BoundedDateField, parse_id, parse_int
from lianfang.core.errors import DomainError
from lianfang.epi.models import CaseSource, CaseStatus, Room, Symptom
from lianfang.places.models import Area

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_BEDS, MAX_ROOM_NUMBER = 50, 20  # as epi.quarantines checks them
OPEN_CHOICES = [
    (s.value, s.label) for s in (CaseStatus.CONFIRMED, CaseStatus.SUSPECTED, CaseStatus.ASYMPTOMATIC)
]


class CaseForm(forms.Form):
    """A new case. The person is chosen apart: an existing resident (hidden `resident`) or a PersonForm."""

    status = forms.ChoiceField(label=_("Status"), choices=OPEN_CHOICES, initial=CaseStatus.CONFIRMED)
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices, initial=CaseSource.HOSPITAL)
    onset_date = BoundedDateField(label=_("Onset date"), required=False, widget=DATE, window=ONSET)
    report_date = BoundedDateField(label=_("Report date"), required=False, widget=DATE)
    isolation_date = BoundedDateField(label=_("Isolation date"), required=False, widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PersonForm(forms.Form):
    """A person who is not in the registry (a visitor, a worker from elsewhere)."""

    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    community = forms.ModelChoiceField(label=_("Community"), queryset=Area.objects.none(), empty_label=None)

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CaseDatesForm(forms.Form):
    onset_date = BoundedDateField(label=_("Onset date"), required=False, widget=DATE, window=ONSET)
    isolation_date = BoundedDateField(label=_("Isolation date"), required=False, widget=DATE)


class LockdownForm(forms.Form):
    """What to seal: one select of "compound:1", "building:3", "unit:12", plus the dates."""

    target = forms.ChoiceField(label=_("What to seal"))
    start = BoundedDateField(label=_("From"), widget=DATE, window=PLAN)
    days = forms.IntegerField(
        label=_("Days"), min_value=1, max_value=90, required=False, help_text=_("Empty: the area's policy.")
    )
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, targets: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets  # type: ignore[attr-defined]

    def scope_and_id(self) -> tuple[str, int]:
        scope, _sep, pk = self.cleaned_data["target"].partition(":")
        return scope, int(pk)


def target_value(scope: str, pk: int) -> str:
    return f"{scope}:{pk}"


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Reason for lifting"), max_length=200)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Add days"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ShortenForm(forms.Form):
    new_end = BoundedDateField(label=_("New last day"), widget=DATE, window=PLAN)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReleaseForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason to release anyway"),
        max_length=200,
        required=False,
        help_text=_("Needed before the last day, or when the last health checks are missing or abnormal."),
    )


class RoomForm(forms.Form):
    room = forms.ModelChoiceField(label=_("Facility room"), queryset=Room.objects.none(), empty_label=None)

    def __init__(self, *args: Any, rooms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms  # type: ignore[attr-defined]


class HealthCheckForm(forms.Form):
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal", "placeholder": "36.5"}),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), required=False, choices=Symptom.choices, widget=forms.CheckboxSelectMultiple
    )
    date = BoundedDateField(label=_("Date"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SelfReportForm(forms.Form):
    """A household member's own reading on the secret-link page (no login)."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal", "placeholder": "36.5"}),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), required=False, choices=Symptom.choices, widget=forms.CheckboxSelectMultiple
    )


class ConfirmContactForm(forms.Form):
    """`place` is "home" or the id of a facility room."""

    resident = forms.IntegerField(widget=forms.HiddenInput)
    place = forms.CharField(label=_("Quarantine"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_place(self) -> str:
        place = self.cleaned_data["place"]
        if place != "home" and parse_id(place) is None:
            raise ValidationError(_("Choose home quarantine or a facility room."))
        return place


class DismissContactForm(forms.Form):
    resident = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Why not a contact"), max_length=200)


class FacilityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), empty_label=None)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    rooms = forms.CharField(
        label=_("Rooms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "301 2\n302 1"}),
        help_text=_("One room a line: its number and its number of beds."),
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]

    def clean_rooms(self) -> list[tuple[str, int]]:
        rooms: list[tuple[str, int]] = []
        for n, line in enumerate(self.cleaned_data["rooms"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            try:
                beds = parse_int(parts[1] if len(parts) > 1 else "1", min_value=1, max_value=MAX_BEDS)
            except DomainError:
                beds = 0
            if len(parts) > 2 or not beds or len(parts[0]) > MAX_ROOM_NUMBER:
                raise ValidationError(
                    _("Line {n}: write the room number and the number of beds, e.g. 301 2.").format(n=n)
                )
            rooms.append((parts[0], beds))
        return rooms


class RoomAddForm(forms.Form):
    number = forms.CharField(label=_("Room number"), max_length=MAX_ROOM_NUMBER)
    capacity = forms.IntegerField(label=_("Beds"), min_value=1, max_value=MAX_BEDS, initial=1)
