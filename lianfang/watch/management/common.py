"""What the statistics commands share: their checks, refused in Chinese and in English."""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import CommandError
from django.utils import translation

from lianfang.core.errors import DomainError

LANGUAGES = ("zh-hans", "en")


def checked[T](check: Callable[[], T]) -> T:
    """The result of `check` (which writes nothing and raises DomainError to refuse); a refusal becomes a
    CommandError with its code and its message in each language, one per line."""
    try:
        return check()
    except DomainError as refused:
        lines: list[str] = []
        for language in LANGUAGES:
            with translation.override(language):
                try:
                    check()
                    text = str(refused.message)
                except DomainError as err:
                    text = str(err.message)
            if text not in lines:
                lines.append(text)
        raise CommandError(f"[{refused.code}] " + "\n".join(lines)) from None
