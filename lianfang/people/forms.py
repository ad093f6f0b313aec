"""Forms of the resident pages. They parse input; the rules live in people/services.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.bounds import BIRTH, BoundedDateField, BoundedDateTimeField
from lianfang.people.models import Relation, Resident, Sex, Tag, TravelSource
from lianfang.people.services import ResidentData
from lianfang.places.models import Compound, Household
from lianfang.places.services import clean_number

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "autocapitalize": "characters"}
        ),
        help_text=_("18 characters; sex and birth date are taken from it."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("From the ID number"))] + list(Sex.choices)
    )
    birth_date = BoundedDateField(label=_("Birth date"), required=False, widget=DATE, window=BIRTH)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    relation = forms.ChoiceField(
        label=_("Relation to the household head"), choices=Relation.choices, initial=Relation.OTHER
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"), required=False, choices=Tag.choices, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, resident: Resident | None = None, **kwargs: Any) -> None:
        if resident is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": resident.name,
                "sex": resident.sex,
                "birth_date": resident.birth_date,
                "phone": resident.phone,
                "relation": resident.relation,
                "tags": resident.tag_list,
                "notes": resident.notes,
            }
        super().__init__(*args, **kwargs)
        if resident is not None and resident.id_last4:
            self.fields["id_number"].help_text = _(
                "Stored: {masked}. Leave empty to keep it; type a new number only to correct it."
            ).format(masked=resident.masked_id)

    def to_data(self) -> ResidentData:
        d = self.cleaned_data
        return ResidentData(
            name=d["name"],
            id_number=d["id_number"],
            phone=d["phone"],
            sex=d["sex"],
            birth_date=d["birth_date"],
            relation=d["relation"],
            tags=list(d["tags"]),
            notes=d["notes"],
        )


class MoveForm(forms.Form):
    """Pick the new household by its number, or by compound + building/unit/room (within scope)."""

    household_id = forms.IntegerField(
        label=_("Household number"),
        required=False,
        min_value=1,
        help_text=_("The number shown on the household's page, if you know it."),
    )
    compound = forms.ModelChoiceField(label=_("Compound"), queryset=Compound.objects.none(), required=False)
    building = forms.CharField(label=_("Building"), max_length=20, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False, help_text=_("Empty means unit 1."))
    room = forms.CharField(label=_("Room"), max_length=20, required=False)
    relation = forms.ChoiceField(
        label=_("Relation to the new household head"),
        required=False,
        choices=[("", _("Keep as it is"))] + list(Relation.choices),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cast(forms.ModelChoiceField, self.fields["compound"]).queryset = Compound.objects.visible_to(
            user
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        super().clean()
        d = self.cleaned_data
        households = Household.objects.visible_to(self.user).select_related("compound")
        if d.get("household_id"):
            household = households.filter(pk=d["household_id"]).first()
            if household is None:
                self.add_error(
                    "household_id",
                    _("There is no household number {n} in your area.").format(n=d["household_id"]),
                )
            d["household"] = household
            return d
        compound, building, room = (
            d.get("compound"),
            clean_number(d.get("building")),
            clean_number(d.get("room")),
        )
        if not (compound and building and room):
            raise forms.ValidationError(
                _("Give the household number, or choose the compound and type the building and room."),
                code="household_missing",
            )
        unit = clean_number(d.get("unit")) or "1"
        household = households.filter(
            compound=compound, unit__building__number=building, unit__number=unit, room=room
        ).first()
        if household is None:
            self.add_error(
                "room",
                _("There is no household {label} in {compound} in your area.").format(
                    label=Household.make_label(building, unit, room), compound=compound.name
                ),
            )
        d["household"] = household
        return d


class TravelForm(forms.Form):
    origin = forms.CharField(
        label=_("Returned from"), max_length=100, help_text=_("City or province, e.g. 武汉市.")
    )
    arrival_date = BoundedDateField(label=_("Arrival date"), widget=DATE)
    source = forms.ChoiceField(label=_("Source"), choices=TravelSource.choices, initial=TravelSource.VISIT)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)


class VisitForm(forms.Form):
    visited_at = BoundedDateTimeField(
        label=_("Visited at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty means now."),
    )
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who was home, symptoms, needs, returnees found."),
    )
