"""Resident search: name, pinyin initials (zs -> 张三), full pinyin, last four digits of phone or ID,
or an address (3栋2单元401). Always inside the user's scope."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db.models import Q, QuerySet

from lianfang.people.models import Resident
from lianfang.places.services import household_filter, parse_address

ADDRESS_STRICT = re.compile(r"(栋|幢|号楼|单元|室|-)")


def normalize_query(q: str) -> str:
    return unicodedata.normalize("NFKC", q or "").strip().replace(" ", "")


def resident_matches(user: Any, q: str) -> QuerySet[Resident]:
    """Every resident in the user's scope that the query finds (unordered)."""
    base = Resident.objects.visible_to(user)
    q = normalize_query(q)
    if not q:
        return base.none()
    cond: Q
    if re.fullmatch(r"\d{4}", q):
        cond = Q(phone_last4=q) | Q(id_last4=q)
    elif re.fullmatch(r"\d{3}[\dXx]", q):
        cond = Q(id_last4=q.upper())
    elif ADDRESS_STRICT.search(q) and (address := parse_address(q)):
        cond = household_filter(address, "household__")
    elif re.fullmatch(r"1\d{10}|0\d{9,11}", q):
        cond = Q(phone=q)
    elif re.fullmatch(r"[A-Za-z]+", q):
        low = q.lower()
        cond = Q(name_initials__startswith=low) | Q(name_pinyin__startswith=low)
    else:
        cond = Q(name__startswith=q)
    return base.filter(cond).order_by()


def search_residents(user: Any, q: str, *, limit: int = 50) -> list[Resident]:
    """Up to `limit` matches, in pinyin order.

    No ORDER BY in SQL: a broad query ("lj" matches tens of thousands city-wide) would have to fetch and
    sort every match to return 50. The first `limit` matches are taken and sorted here instead.
    """
    rows = list(resident_matches(user, q).select_related("household", "household__compound")[:limit])
    rows.sort(key=lambda r: (r.name_pinyin, r.name, r.id))
    return rows
