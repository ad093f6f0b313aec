"""Chinese resident ID numbers (GB 11643): normalise, validate, protect, mask.

Stored as a keyed hash (HMAC-SHA256, to find duplicates without being readable in a dump)
plus an AES-GCM ciphertext (for the roles that need the full number), plus the six-digit
region prefix and the last four characters for masked display and search.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from lianfang.core.errors import DomainError


def normalize(raw: str) -> str:
    """Full-width and other scripts' decimal digits (١٢٣) to ASCII, lowercase x to X, separators and
    spaces removed: one spelling per number, so that its hash finds its duplicates."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
        for ch in text
        if not ch.isspace() and ch not in "-_"
    ).upper()


def convert_15_to_18(number: str) -> str:
    """A legacy 15-digit number (19xx birth year) to the 18-digit form."""
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    region: str


def parse(raw: str, *, today: datetime.date | None = None) -> IdInfo:
    """Validate an ID number; raise DomainError with a specific code when it is not valid."""
    number = normalize(raw)
    if not number:
        raise DomainError("id_missing", _("The ID number is empty."), field="id_number")
    if len(number) == 15 and number.isdecimal():
        number = convert_15_to_18(number)
    if len(number) != 18:
        raise DomainError(
            "id_bad_length",
            _("An ID number has 18 characters (or 15 for old cards); this one has {n}.").format(
                n=len(number)
            ),
            field="id_number",
        )
    if not number[:17].isdecimal() or not (number[17].isdecimal() or number[17] == "X"):
        raise DomainError(
            "id_bad_format",
            _("An ID number is 17 digits followed by a digit or X."),
            field="id_number",
        )
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        raise DomainError(
            "id_bad_birth_date", _("The birth date inside the ID number does not exist."), field="id_number"
        ) from None
    today = today or timezone.localdate()
    if birth > today or birth.year < 1900:
        raise DomainError(
            "id_bad_birth_date", _("The birth date inside the ID number is impossible."), field="id_number"
        )
    if number[17] != ric.calc_check_digit(number):
        raise DomainError(
            "id_bad_checksum",
            _("The check digit of the ID number is wrong; please check it against the card."),
            field="id_number",
        )
    if not _known_region(number[:6]):
        raise DomainError(
            "id_bad_region",
            _("The first six digits of the ID number are not a region code."),
            field="id_number",
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdInfo(number=number, birth_date=birth, sex=sex, region=number[:6])


@lru_cache(maxsize=8192)
def _known_region(prefix: str) -> bool:
    try:
        ric.get_birth_place(prefix + "19900101000")
    except StdnumError:
        return False
    except Exception:
        return False
    return True


def mask(prefix: str, last4: str) -> str:
    """340403********1234: region kept, birth date and sequence hidden."""
    if not prefix:
        return ""
    return f"{prefix}{'*' * 8}{last4}"


@dataclass(frozen=True)
class Keys:
    """The hash key and the encryption key, both derived from the data key (LIANFANG_DATA_KEY). Plain
    bytes, so that they can be sent to worker processes (the demo's generators)."""

    hash_key: bytes
    enc_key: bytes


@lru_cache(maxsize=4)
def _keys(secret: str) -> Keys:
    return Keys(
        hash_key=hashlib.sha256(b"lianfang-id-hash:" + secret.encode()).digest(),
        enc_key=hashlib.sha256(b"lianfang-id-enc:" + secret.encode()).digest(),
    )


def keys() -> Keys:
    """The keys of settings.LIANFANG_DATA_KEY (derived once per key)."""
    return _keys(settings.LIANFANG_DATA_KEY)


class Protector:
    """Hashes, encrypts and decrypts ID numbers with the HMAC and AES-GCM objects built once: made once per
    import (or per generator process) and called for every row. `digest`, `encrypt`, `decrypt` and
    `protect` below are this class's, with the keys of LIANFANG_DATA_KEY."""

    def __init__(self, keys: Keys) -> None:
        self._keyed = hmac.new(keys.hash_key, digestmod=hashlib.sha256)
        self._aes = AESGCM(keys.enc_key)

    def digest(self, number: str) -> str:
        """HMAC-SHA256 of the number, hex: finds duplicates without being readable in a dump."""
        h = self._keyed.copy()
        h.update(number.encode())
        return h.hexdigest()

    def encrypt(self, number: str) -> str:
        nonce = os.urandom(12)
        return "v1:" + base64.b64encode(nonce + self._aes.encrypt(nonce, number.encode(), None)).decode()

    def encrypt_many(self, numbers: list[str]) -> list[str]:
        """`encrypt` of each number, the random nonces drawn in one call."""
        nonces = os.urandom(12 * len(numbers))
        seal, b64 = self._aes.encrypt, base64.b64encode
        out = []
        for i, number in enumerate(numbers):
            nonce = nonces[12 * i : 12 * i + 12]
            out.append("v1:" + b64(nonce + seal(nonce, number.encode(), None)).decode())
        return out

    def decrypt(self, token: str) -> str:
        if not token:
            return ""
        raw = base64.b64decode(token.removeprefix("v1:"))
        return self._aes.decrypt(raw[:12], raw[12:], None).decode()

    def protect(self, number: str) -> StoredId:
        return StoredId(
            hash=self.digest(number), cipher=self.encrypt(number), prefix=number[:6], last4=number[-4:]
        )


@lru_cache(maxsize=4)
def _protector(secret: str) -> Protector:
    return Protector(_keys(secret))


def protector() -> Protector:
    """A Protector with the keys of settings.LIANFANG_DATA_KEY (made once per key)."""
    return _protector(settings.LIANFANG_DATA_KEY)


def digest(number: str) -> str:
    return protector().digest(number)


def encrypt(number: str) -> str:
    return protector().encrypt(number)


def decrypt(token: str) -> str:
    return protector().decrypt(token)


@dataclass(frozen=True)
class StoredId:
    hash: str
    cipher: str
    prefix: str
    last4: str


def protect(number: str) -> StoredId:
    return protector().protect(number)


def synthesize(region: str, birth: datetime.date, sequence: int, sex: str) -> str:
    """A valid-checksum synthetic number (for demo data and tests): odd sequence for men."""
    seq = sequence % 500 * 2 + (1 if sex == "M" else 0)
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")
