"""Forms of the care pages. They parse input; the rules live in care/services.py (care-core).

The call form is not a Django form of fixed fields: it carries one temperature and a symptom list per
member of the household and up to NEED_ROWS needs, so `parse_call` reads those repeated inputs.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from lianfang.care.models import CallWindow, ErrandCategory, TeamRole
from lianfang.core import bounds
from lianfang.core.errors import DomainError
from lianfang.supplies.models import QTY_MAX

NEED_ROWS = 2
MONEY = forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal", "placeholder": "0.00"})


class CallForm(forms.Form):
    """The fixed part of a care call; members' readings and needs are read by `parse_call`."""

    slot = forms.CharField(label=_("Which call"), max_length=16)
    reached = forms.TypedChoiceField(
        label=_("Reached?"),
        choices=[("1", _("Reached")), ("0", _("Not reached"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_slot(self) -> tuple[datetime.date, str]:
        """ "2026-11-28:am" -> (date, window)."""
        day, _sep, window = self.cleaned_data["slot"].partition(":")
        try:
            date = bounds.parse_date(day, bounds.EVENT)
        except DomainError:
            date = None
        if date is None or window not in CallWindow.values:
            raise forms.ValidationError(_("Choose which call this is."))
        return date, window


def slot_value(date: datetime.date, window: str) -> str:
    return f"{date.isoformat()}:{window}"


class CallInputError(ValueError):
    """Raised by parse_call with a translatable message."""


def parse_call(post: QueryDict, members: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Each member's reading (`t-<pk>`, `s-<pk>`; blank temperature and no symptom = not taken) and the
    needs (`need_category` / `need_details`, repeated; a blank category = no need)."""
    checks: list[dict[str, Any]] = []
    for member in members:
        raw = post.get(f"t-{member.pk}", "").strip().replace(",", ".")
        symptoms = [s for s in post.getlist(f"s-{member.pk}") if s]
        if not raw and not symptoms:
            continue
        if not raw:
            raise CallInputError(
                _("{name}: enter the temperature with the symptoms, e.g. 36.5.").format(name=member.name)
            )
        try:
            temperature = Decimal(raw)
        except InvalidOperation:
            raise CallInputError(
                _("{name}: the temperature must be a number, e.g. 36.5.").format(name=member.name)
            ) from None
        checks.append({"resident": member, "temperature": temperature, "symptoms": symptoms})
    needs: list[dict[str, str]] = []
    categories, texts = post.getlist("need_category"), post.getlist("need_details")
    for i in range(max(len(categories), len(texts))):
        category = categories[i].strip() if i < len(categories) else ""
        details = texts[i].strip() if i < len(texts) else ""
        if not category and not details:
            continue
        if category not in ErrandCategory.values:
            raise CallInputError(_("Choose what kind of need it is."))
        needs.append({"category": category, "details": details})
    return checks, needs


class ErrandForm(forms.Form):
    category = forms.ChoiceField(label=_("What kind"), choices=ErrandCategory.choices)
    details = forms.CharField(
        label=_("What is needed"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 2 kg rice, cabbage, eggs")}),
    )


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Assign to"), queryset=get_user_model().objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = person_label  # type: ignore[attr-defined]


def person_label(user: Any) -> str:
    name = user.name or user.username
    return f"{name} · {user.get_role_display()}" + (f" · {user.phone}" if user.phone else "")


class DeliverForm(forms.Form):
    money_advanced = forms.DecimalField(
        label=_("Money advanced (yuan)"), required=False, max_digits=8, decimal_places=2, widget=MONEY
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)


class ConfirmForm(forms.Form):
    """The household confirms a delivered errand on its secret-link page."""

    errand = forms.IntegerField(widget=forms.HiddenInput)
    money_repaid = forms.DecimalField(
        label=_("Money paid back (yuan)"), required=False, max_digits=8, decimal_places=2, widget=MONEY
    )


class TeamMemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamRole.choices)
    user: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Staff"), queryset=get_user_model().objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = person_label  # type: ignore[attr-defined]


class DisinfectionForm(forms.Form):
    building = forms.IntegerField(widget=forms.HiddenInput)
    areas = forms.CharField(
        label=_("Areas"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("stairs, lift, entrance")}),
    )


class KitDeliveryForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput)
    template = forms.IntegerField(required=False, widget=forms.HiddenInput)


class KitLineForm(forms.Form):
    """How many of one line's item a kit takes from stock (0: nothing from stock)."""

    template = forms.IntegerField(min_value=1, max_value=bounds.BIGINT_MAX, widget=forms.HiddenInput)
    line = forms.CharField(max_length=60, widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Per kit"), min_value=0, max_value=QTY_MAX)


class FilterForm(forms.Form):
    """?show=open|overdue|mine|all on the errand list."""

    show = forms.ChoiceField(
        required=False,
        choices=[
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("mine", _("Mine")),
            ("all", _("All")),
        ],
    )


def since_days(raw: str | None, default: int = 7) -> int:
    return bounds.parse_int_or(raw, default, min_value=1, max_value=365)
