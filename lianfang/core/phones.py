"""Chinese phone numbers: mobile (1[3-9]x, 11 digits) or landline (area code 0xx/0xxx + 7-8 digits)."""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError

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
