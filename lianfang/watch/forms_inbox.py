"""Forms of the alert inbox's pages. They parse input; the rules live in watch/inbox.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.accounts.models import User
from lianfang.core import bounds
from lianfang.core.models import AlertKind, AlertOutcome, AlertSeverity
from lianfang.watch.inbox import MAX_NOTE, MAX_RESPOND_MINUTES, MIN_RESPOND_MINUTES
from lianfang.watch.inbox_queries import TABS, Tab


class FilterForm(forms.Form):
    """The inbox's tab, filters and keyset page (`before`: the id the page starts below)."""

    tab = forms.ChoiceField(choices=[(t, t) for t in TABS], required=False)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("All kinds")), *AlertKind.choices], required=False
    )
    severity = forms.ChoiceField(
        label=_("severity"), choices=[("", _("All severities")), *AlertSeverity.choices], required=False
    )
    before = forms.CharField(required=False)

    def values(self) -> dict[str, Any]:
        """The valid values (a bad one is ignored, as if absent; the others still apply)."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps the fields that are valid
            data = self.cleaned_data
        return {
            "tab": data.get("tab") or Tab.MINE,
            "kind": data.get("kind") or "",
            "severity": data.get("severity") or "",
            "before": bounds.parse_id(data.get("before")) if data.get("before") else None,
        }


def person_label(user: User) -> str:
    return f"{user.name or user.username} · {user.get_role_display()} · {user.scope_label}"


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = person_label  # type: ignore[attr-defined]


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=AlertOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for a false alarm: what was found."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 2}))


class PolicyForm(forms.Form):
    """One field per kind of alert: the area's own response time in minutes; empty inherits the one above."""

    def __init__(self, *args: Any, inherited: dict[str, tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in AlertKind.choices:
            minutes, source = inherited[kind]
            self.fields[kind] = forms.IntegerField(
                label=label,
                required=False,
                min_value=MIN_RESPOND_MINUTES,
                max_value=MAX_RESPOND_MINUTES,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": str(minutes)}),
                help_text=_("Empty: {minutes} minutes, from {source}.").format(
                    minutes=minutes, source=source
                ),
            )
