"""Chinese phone numbers: mobile (1[3-9]x, 11 digits) or landline (area code 0xx/0xxx + 7-8 digits).

Who sees them: the roles that call households (core.roles.SEE_FULL_PHONE) see full numbers; every other role
gets them masked (139****5678) in pages and in every API answer, through phone_for().
"""

import re
import unicodedata
from typing import Any

from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError
from lianfang.core.roles import SEE_FULL_PHONE

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


def normalize_phone(raw: str) -> str:
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return re.sub(r"[\s\-()（）]", "", text)


def parse_phone(raw: str) -> str:
    """Return the normalised number or raise DomainError("phone_bad")."""
    number = normalize_phone(raw)
    if not number:
        return ""
    if MOBILE.match(number) or LANDLINE.match(number):
        return number
    raise DomainError(
        "phone_bad",
        _(
            "“{value}” is not a Chinese mobile (11 digits starting with 1) "
            "or landline number (with area code)."
        ).format(value=raw),
        field="phone",
    )


def mask_phone(phone: str) -> str:
    """13955401234 -> 139****1234: the last four, enough to tell numbers apart, not to call."""
    phone = phone or ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def sees_full_phones(user: Any) -> bool:
    return SEE_FULL_PHONE.allows(user)


def phone_for(user: Any, phone: str) -> str:
    """A resident's phone as `user` may see it."""
    return phone if sees_full_phones(user) else mask_phone(phone)
