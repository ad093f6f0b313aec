"""Forms of the notices pages: they parse input; the rules live in notices/services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.bounds import BoundedDateTimeField, DateWindow
from lianfang.notices.models import AckUnit, Audience, AudienceTag, NoticeKind
from lianfang.places.models import Area, AreaLevel, Compound

EXPIRY = DateWindow(days_ahead=366, days_back=0)
MAX_COMPOUND_CHOICES = 300
ATTACHMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text; a blank line starts a paragraph, **bold**."),
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    compound = forms.ModelChoiceField(
        label=_("Only this compound"), queryset=Compound.objects.none(), required=False
    )
    audiences = forms.MultipleChoiceField(
        label=_("Who"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Audience.HOUSEHOLDS],
    )
    tags = forms.MultipleChoiceField(
        label=_("Only households"),
        choices=AudienceTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ack_unit = forms.ChoiceField(label=_("Acknowledged by"), choices=AckUnit.choices)
    expires_at = BoundedDateTimeField(
        label=_("Expires"),
        required=False,
        window=EXPIRY,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    attachment = forms.FileField(label=_("Attachment (PDF or image)"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.visible_to(user).exclude(level=AreaLevel.CITY, parent__isnull=False)
        self.fields["area"].queryset = areas.order_by("path")  # type: ignore[attr-defined]
        if user.area_id:
            self.fields["area"].initial = user.area_id
        compounds = Compound.objects.visible_to(user).order_by("name")
        if compounds.count() <= MAX_COMPOUND_CHOICES:
            self.fields["compound"].queryset = compounds  # type: ignore[attr-defined]
        else:
            del self.fields["compound"]

    def clean_attachment(self) -> Any:
        f = self.cleaned_data.get("attachment")
        if f and (f.size > ATTACHMENT_MAX_BYTES or getattr(f, "content_type", "") not in ATTACHMENT_TYPES):
            raise forms.ValidationError(_("Attach a PDF, PNG or JPEG of at most 5 MB."))
        return f


class SlipForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
