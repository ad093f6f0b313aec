"""Resident search: name, pinyin initials (zs -> 张三), full pinyin, last four digits of phone or ID,
or an address, whole or in part: 3栋2单元401, 2单元401, 3栋, 2单元, a room number alone (401), and the
gate's label with the compound's name in front (山水园西区 3栋2单元401). Always inside the user's scope."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db.models import Q, QuerySet

from lianfang.people.models import Resident
from lianfang.places.services import household_filter, parse_address

ADDRESS_STRICT = re.compile(r"(栋|幢|号楼|单元|室|-)")
# Part of an address: a building alone (3栋), a unit (2单元, 3栋2单元) without a room.
PARTIAL = re.compile(r"^(?:(?P<b>[0-9A-Za-z]+)(?:号楼|栋|幢))?(?:(?P<u>\d+)单元)?$")


def address_condition(q: str) -> Q | None:
    """The households an address or part of one names, as a condition on Resident; None if it is none."""
    if (m := PARTIAL.match(q)) and (m["b"] or m["u"]):
        cond = Q()
        if m["b"]:
            cond &= Q(household__unit__building__number=m["b"])
        if m["u"]:
            cond &= Q(household__unit__number=m["u"])
        return cond
    if ADDRESS_STRICT.search(q) and (address := parse_address(q)):
        return household_filter(address, "household__")
    return None


def named_address_condition(q: str) -> Q | None:
    """A compound's name in front of an address (the label printed at the gate and on the pass,
    山水园西区 3栋2单元401): the first split where the rest is an address."""
    for i in range(1, len(q)):
        if q[i].isdigit() and not q[i - 1].isdigit():
            address = address_condition(q[i:])
            if address is not None:
                return Q(household__compound__name__startswith=q[:i]) & address
    return None


def normalize_query(q: str) -> str:
    return unicodedata.normalize("NFKC", q or "").strip().replace(" ", "")


def resident_matches(user: Any, q: str) -> QuerySet[Resident]:
    """Every resident in the user's scope that the query finds (unordered)."""
    base = Resident.objects.visible_to(user)
    q = normalize_query(q)
    if not q:
        return base.none()
    cond: Q
    address = address_condition(q)
    if re.fullmatch(r"\d{4}", q):
        # Four digits: the end of a phone or ID number, or a room (1001).
        cond = Q(phone_last4=q) | Q(id_last4=q) | Q(household__room=q)
    elif re.fullmatch(r"\d{1,3}", q):
        cond = Q(household__room=q)
    elif re.fullmatch(r"\d{3}[\dXx]", q):
        cond = Q(id_last4=q.upper())
    elif address is not None:
        cond = address
    elif (named := named_address_condition(q)) is not None:
        cond = named
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
