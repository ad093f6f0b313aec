"""Forms of the daily report pages: the free-text parts, the reviewer's comment, the day to show. Their
limits are the service's (watch.reports), which checks them again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.bounds import BoundedDateField
from lianfang.watch.reports import MAX_COMMENT, MAX_COUNT, REPORT_DAY, TEXT_LIMITS

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def _text(label: StrOrPromise, name: str, rows: int = 4, help_text: StrOrPromise = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_LIMITS[name],
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": TEXT_LIMITS[name]}),
    )


def _count(label: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"min": 0}),
    )


class ReportTextForm(forms.Form):
    publicity = _text(
        _("Publicity"),
        "publicity",
        help_text=_("Letters and notices handed out, loudspeaker vans, chat groups."),
    )
    checkpoints = _text(
        _("Checkpoints and people on duty"),
        "checkpoints",
        help_text=_("Which gates are kept, by whom, and for how many hours."),
    )
    checkpoints_count = _count(_("Checkpoints"))
    people_on_duty = _count(_("People on duty"))
    disinfection_teams = _count(_("Disinfection teams"))
    disinfected_area = forms.CharField(
        label=_("Area disinfected"),
        required=False,
        max_length=TEXT_LIMITS["disinfected_area"],
        help_text=_("For example: 12000 m², the stairwells of 3 compounds."),
    )
    difficulties = _text(_("Difficulties and problems"), "difficulties")

    FIELDS = (
        "publicity",
        "checkpoints",
        "checkpoints_count",
        "people_on_duty",
        "disinfection_teams",
        "disinfected_area",
        "difficulties",
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What has to be fixed"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_COMMENT}),
    )


class DayForm(forms.Form):
    day = BoundedDateField(label=_("Day"), required=False, window=REPORT_DAY)
    area = forms.CharField(required=False, max_length=12)
