"""The request a page behind the login gets: its `user` is a Lianfang `User`, not `User | AnonymousUser`.

`LoginRequiredMiddleware` sends anonymous visitors to the login page before any such view runs, so a view
annotated with `AuthedRequest` may read `request.user.role` without checking. It is a type for the checker
(django-stubs' recommended pattern), not a class any request is made of."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from lianfang.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
