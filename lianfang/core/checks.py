"""System checks that refuse to run Lianfang in production with the keys of a fresh checkout.

With DEBUG off (production), `manage.py migrate`, `runserver` and `check` stop with an Error when
DJANGO_SECRET_KEY (lianfang.E001) or LIANFANG_DATA_KEY (lianfang.E002) still has its development default:
anyone could forge sessions and pass QR codes with the one, and read every stored ID number with the other.
A data key shorter than 32 characters is a warning (lianfang.W001). Registered in CoreConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from lianfang.core.env import DEV_DATA_KEY, DEV_SECRET_KEY

DATA_KEY_MIN_LENGTH = 32


@register(Tags.security)
def check_production_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    found: list[CheckMessage] = []
    if settings.SECRET_KEY == DEV_SECRET_KEY:
        found.append(
            Error(
                "DEBUG is off but DJANGO_SECRET_KEY is the development default.",
                hint="Set DJANGO_SECRET_KEY to a long random value "
                '(python -c "import secrets; print(secrets.token_urlsafe(50))"); see docs/operations.md.',
                id="lianfang.E001",
            )
        )
    data_key = getattr(settings, "LIANFANG_DATA_KEY", "")
    if data_key == DEV_DATA_KEY:
        found.append(
            Error(
                "DEBUG is off but LIANFANG_DATA_KEY is the development default.",
                hint="Set LIANFANG_DATA_KEY to 32 or more random characters before any ID number is stored, "
                "and back it up apart from the database; see docs/operations.md, Key management.",
                id="lianfang.E002",
            )
        )
    elif len(data_key) < DATA_KEY_MIN_LENGTH:
        found.append(
            Warning(
                f"LIANFANG_DATA_KEY has fewer than {DATA_KEY_MIN_LENGTH} characters.",
                hint="A longer random key makes the ID-number hashes harder to guess (docs/operations.md).",
                id="lianfang.W001",
            )
        )
    return found
