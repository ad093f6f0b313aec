"""Forms of the store keeper's pages: they only parse and bound the input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.bounds import BoundedDateField, DateWindow
from lianfang.supplies.models import ID_MAX, QTY_MAX, DonorKind, ItemCategory, LocationKind

# An expiry date: from today to ten years ahead (an expired lot is refused by the services, with its reason).
EXPIRY = DateWindow(days_ahead=3660, days_back=3660)

POST_KINDS = [
    ("receive", _("Received")),
    ("issue", _("Issued")),
    ("return", _("Returned")),
    ("write_off", _("Written off")),
    ("adjust_up", _("Adjusted up")),
    ("adjust_down", _("Adjusted down")),
]


class MovementForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=POST_KINDS)
    item = forms.IntegerField(label=_("Item"), min_value=1, max_value=ID_MAX)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=QTY_MAX)
    lot = forms.IntegerField(label=_("Lot"), required=False, min_value=1, max_value=ID_MAX)
    reason = forms.CharField(label=_("Reason or recipient"), required=False, max_length=200)


class ReversalForm(forms.Form):
    """The reason is checked by `ledger.reverse_movement` (empty: its own message)."""

    reason = forms.CharField(label=_("Reason for the reversal"), required=False, max_length=200)


class AllocationForm(forms.Form):
    receiver = forms.IntegerField(label=_("Send to"), min_value=1, max_value=ID_MAX)
    item = forms.IntegerField(label=_("Item"), min_value=1, max_value=ID_MAX)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=QTY_MAX)
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class DonationForm(forms.Form):
    location = forms.IntegerField(label=_("Store"), min_value=1, max_value=ID_MAX)
    donor_kind = forms.ChoiceField(label=_("Donor"), choices=DonorKind.choices)
    donor_name = forms.CharField(label=_("Donor's name"), required=False, max_length=100)
    donor_contact = forms.CharField(label=_("Donor's contact"), required=False, max_length=100)
    name_public = forms.BooleanField(label=_("The donor agrees to be named in public"), required=False)
    item = forms.IntegerField(label=_("Item"), min_value=1, max_value=ID_MAX)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=QTY_MAX)
    lot_code = forms.CharField(label=_("Lot"), required=False, max_length=40)
    expires_on = BoundedDateField(label=_("Expires"), required=False, window=EXPIRY)
    received = forms.BooleanField(label=_("Received now"), required=False, initial=True)


class ReceiptForm(forms.Form):
    receipt_number = forms.CharField(label=_("Receipt number"), required=False, max_length=30)


class LedgerFilter(forms.Form):
    location = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    item = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    kind = forms.CharField(required=False, max_length=20)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class ItemForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    unit = forms.CharField(label=_("Unit"), max_length=10)
    category = forms.ChoiceField(label=_("Category"), choices=ItemCategory.choices)
    household_limit = forms.IntegerField(
        label=_("Limit per household"), required=False, min_value=1, max_value=QTY_MAX
    )
    limit_days = forms.IntegerField(label=_("Every (days)"), required=False, min_value=1, max_value=366)


class ItemChangeForm(forms.Form):
    item = forms.IntegerField(min_value=1, max_value=ID_MAX)
    household_limit = forms.IntegerField(
        label=_("Limit per household"), required=False, min_value=1, max_value=QTY_MAX
    )
    limit_days = forms.IntegerField(label=_("Every (days)"), required=False, min_value=1, max_value=366)
    is_active = forms.BooleanField(label=_("In use"), required=False)


class StoreForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LocationKind.choices)
    name = forms.CharField(label=_("Name"), max_length=80)
    area = forms.IntegerField(label=_("Area"), required=False, min_value=1, max_value=ID_MAX)
    gate = forms.IntegerField(label=_("Gate"), required=False, min_value=1, max_value=ID_MAX)


class ThresholdForm(forms.Form):
    item = forms.IntegerField(label=_("Item"), min_value=1, max_value=ID_MAX)
    minimum = forms.IntegerField(label=_("Minimum"), required=False, min_value=0, max_value=QTY_MAX)
    days_of_cover = forms.IntegerField(label=_("Days of cover"), required=False, min_value=0, max_value=90)


class HouseholdIssueForm(forms.Form):
    location = forms.IntegerField(label=_("From the store"), min_value=1, max_value=ID_MAX)
    item = forms.IntegerField(label=_("Item"), min_value=1, max_value=ID_MAX)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=QTY_MAX)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
