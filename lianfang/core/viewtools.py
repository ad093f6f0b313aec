"""What the pages of every app do with a role that may not use them (`require_role`), and with a
service's refusal (DomainError): 404 / 403 like the pages themselves, otherwise the message on the
form's field, or as a message above the page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lianfang.core.errors import DomainError
from lianfang.core.roles import Action


def require_role(user: Any, action: Action, *, hide: bool = False) -> Any:
    """A page's role check; returns the user. A role that may not do `action` gets 403 with the
    action's message, or 404 when `hide` — the answer of out of scope, for roles that must not even
    learn that the page exists."""
    if not action.allows(user):
        if hide:
            raise Http404
        raise PermissionDenied(str(action.refused))
    return user


def raise_for_status(err: DomainError) -> None:
    """Scope and role refusals of a service answer like the pages do: 404 / 403."""
    if err.status == 404 or err.code == "not_found":
        raise Http404
    if err.status == 403 or err.code == "forbidden":
        raise PermissionDenied(str(err.message))


def form_error(form: forms.Form, err: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the right field (or above the form)."""
    raise_for_status(err)
    field = (aliases or {}).get(err.field or "", err.field)
    form.add_error(field if field in form.fields else None, err.message)


def message_error(request: HttpRequest, err: DomainError) -> None:
    raise_for_status(err)
    messages.error(request, err.message)


def form_message(request: HttpRequest, form: Any) -> None:
    """A POST form that redirects back: its errors become one message."""
    texts = [str(e) for errs in form.errors.values() for e in errs]
    messages.error(request, " ".join(texts) or _("Please check the form."))


def next_or(request: HttpRequest, fallback: str) -> str:
    """Where to go back to: the request's `next` when it is a path of this site, else `fallback` (a URL or
    a URL name). Only a path: redirect() would take any other text for a URL pattern name."""
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(fallback)
