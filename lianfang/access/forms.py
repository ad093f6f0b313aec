from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.access.models import OutingPolicy, PassKind
from lianfang.core.bounds import BoundedDateTimeField


class PassageFilterForm(forms.Form):
    gate = forms.TypedChoiceField(label=_("Gate"), coerce=int, required=False, empty_value=None)
    start = BoundedDateTimeField(
        label=_("From"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = BoundedDateTimeField(
        label=_("Until"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    household = forms.CharField(label=_("Household (e.g. 3-1-101)"), required=False)
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[
            ("", _("All")),
            ("allowed", _("Allowed")),
            ("refused", _("Refused")),
            ("referred", _("Referred")),
        ],
    )

    def __init__(self, *args, gates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gate"].choices = [("", _("All gates"))] + [(g.pk, str(g)) for g in gates]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data


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
