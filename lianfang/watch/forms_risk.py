"""Forms of the risk-level pages. They parse input; the rules live in watch/risk.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.bounds import PLAN, BoundedDateField
from lianfang.watch.models import RiskLevelChoice
from lianfang.watch.risk import MAX_NOTE

BACK_CHOICES = [("list", "list"), ("target", "target")]


class ApproveForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=RiskLevelChoice.choices)
    effective_from = BoundedDateField(label=_("Takes effect on"), window=PLAN)
    note = forms.CharField(label=_("Note"), max_length=MAX_NOTE, required=False)
    back = forms.ChoiceField(choices=BACK_CHOICES, required=False)


class DismissForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=MAX_NOTE, required=False)
    back = forms.ChoiceField(choices=BACK_CHOICES, required=False)
