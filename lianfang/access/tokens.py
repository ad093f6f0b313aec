"""The QR text of a pass: ``LF1.<id hex>.<version hex>.<signature>`` — upper case only, so the QR
uses the compact alphanumeric mode and stays scannable on a printed card. No personal data.

The signature is HMAC-SHA256 over the id and version, keyed from SECRET_KEY, truncated to 100 bits
(20 base32 characters). Rotating SECRET_KEY voids every printed pass.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

PREFIX = "LF1"
TOKEN_RE = re.compile(r"^LF1\.([0-9A-F]{1,12})\.([0-9A-F]{1,6})\.([A-Z2-7]{20})$")
NUMBER_RE = re.compile(r"^[2-9A-HJKMNP-Z]{8}$")


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(b"lianfang-pass-token:" + secret.encode()).digest()


def _sign(pass_id: int, version: int) -> str:
    mac = hmac.new(_key(settings.SECRET_KEY), f"{pass_id}.{version}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:15]).decode()[:20]


def make_token(pass_id: int, version: int) -> str:
    return f"{PREFIX}.{pass_id:X}.{version:X}.{_sign(pass_id, version)}"


@dataclass(frozen=True)
class Parsed:
    pass_id: int | None = None
    version: int | None = None
    number: str | None = None
    error: str | None = None  # "malformed" or "forged"


def parse_token(raw: str) -> Parsed:
    """A scanned QR text or a typed pass number (``ABCD-2345``). Never raises."""
    text = (raw or "").strip().upper()
    if text.startswith(PREFIX + "."):
        m = TOKEN_RE.match(text)
        if not m:
            return Parsed(error="malformed")
        pass_id, version = int(m[1], 16), int(m[2], 16)
        if not hmac.compare_digest(_sign(pass_id, version), m[3]):
            return Parsed(error="forged")
        if m[1] != f"{pass_id:X}" or m[2] != f"{version:X}":  # one spelling per pass: no leading zeros
            return Parsed(error="malformed")
        return Parsed(pass_id=pass_id, version=version)
    number = text.replace("-", "").replace(" ", "")
    if NUMBER_RE.match(number):
        return Parsed(number=number)
    return Parsed(error="malformed")
