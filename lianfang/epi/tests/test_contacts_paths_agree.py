"""The candidates' SQL statement and its ORM oracle find the same contact candidates, field by field.

Each seed builds a random gate log around a case — household and personal passes, allowed, referred and
refused passages at two gates, some exactly at the edge of the window or of the infectious period, a
household nobody lives in — a random policy (window, days before onset, same unit or not), and then
decisions: a confirmed and a dismissed gate contact, a confirmed contact no longer found (stored
reasons), a confirmed secondary contact. It compares `contacts_oracle.candidates` (the ORM, in tests only)
with `contacts.candidates` (CANDIDATES_SQL, one query), before and after the decisions.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import asdict

import pytest
from django.utils import timezone, translation

from lianfang.access.models import Pass, Passage, PassKind
from lianfang.core.errors import DomainError
from lianfang.epi import contacts
from lianfang.epi.models import Contact, ContactStatus, EpiPolicy
from lianfang.epi.tests import contacts_oracle
from lianfang.people.services import ResidentData, create_resident
from lianfang.places.models import Gate
from lianfang.places.services import ensure_household

ONSET = datetime.date(2026, 3, 10)


def at(day: int, hh: int, mm: int, ss: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hh, mm, ss, tzinfo=timezone.get_current_timezone())


def person_pass(household, resident, compound) -> Pass:
    return Pass.objects.create(
        kind=PassKind.PERSON,
        household=household,
        resident=resident,
        compound=compound,
        path=household.path,
        valid_to=datetime.date(2030, 1, 1),
    )


def passage(gate, household, when, decision, pass_obj=None) -> None:
    code = {"allowed": "exit_allowed", "refused": "quota_used", "referred": "fever"}[decision]
    Passage.objects.create(
        gate=gate,
        household=household,
        pass_obj=pass_obj,
        direction="out",
        decision=decision,
        code=code,
        server_time=when,
        path=gate.path,
    )


def build(world, rng: random.Random):
    from lianfang.epi.services import create_case

    gates = [world.gate_a, Gate.objects.get(compound=world.compound_a, name="西门")]
    home = world.household_a1

    def add(household, n: int) -> list:
        names = [f"人{rng.randint(1, 999)}" for _ in range(n)]
        made = [ResidentData(name=x) for x in names]
        return [create_resident(user=world.staff_a, household=household, data=d) for d in made]

    (wife,) = add(home, 1)
    wife_pass = person_pass(home, wife, world.compound_a)
    neighbours = ensure_household(compound=world.compound_a, building="3", unit="1", room="102")
    add(neighbours, 2)
    others = []  # (household, its personal passes)
    for i in range(14):
        h = ensure_household(compound=world.compound_a, building=str(6 + i % 2), unit="1", room=f"{101 + i}")
        members = add(h, rng.randint(0, 3))
        personal = [person_pass(h, m, world.compound_a) for m in members if rng.random() < 0.3]
        others.append((h, personal))
    others.append((neighbours, []))

    decisions = ["allowed", "allowed", "referred", "refused"]
    case_times = []
    for _ in range(rng.randint(4, 9)):
        when = at(rng.randint(7, 13), rng.randint(0, 23), rng.randint(0, 59), rng.choice([0, 0, 59]))
        gate = rng.choice(gates)
        decision = rng.choice(decisions)
        passage(gate, home, when, decision, pass_obj=wife_pass if rng.random() < 0.2 else None)
        case_times.append((gate, when))
    case_times.append((gates[0], at(8, 0, 0)))  # the first instant of the period (2 days before onset)
    passage(gates[0], home, at(8, 0, 0), "allowed")
    passage(gates[1], home, at(10, 8, 0), "allowed")  # on the onset day: met by two households at least
    for minutes in (1, 3):
        met = ensure_household(compound=world.compound_a, building="8", unit="1", room=f"10{minutes}")
        add(met, 1)
        passage(gates[1], met, at(10, 8, minutes), "allowed")
    for _ in range(90):
        gate, when = rng.choice(case_times)
        if rng.random() < 0.2:
            gate = rng.choice(gates)
        delta = rng.choice([900, -900, 901, -901, 0, 60]) if rng.random() < 0.3 else rng.randint(-1300, 1300)
        household, personal = rng.choice(others)
        pass_obj = rng.choice(personal) if personal and rng.random() < 0.5 else None
        passage(gate, household, when + datetime.timedelta(seconds=delta), rng.choice(decisions), pass_obj)
    if rng.random() < 0.5:
        EpiPolicy.objects.create(
            area=world.community_a,
            contact_window_minutes=rng.choice([5, 15, 30]),
            infectious_days_before_onset=rng.choice([1, 2, 3]),
            same_unit_contacts=rng.random() < 0.5,
        )
    return create_case(
        user=world.health_a,
        resident=world.zhang_san,
        status="confirmed",
        source="hospital",
        onset_date=ONSET,
        report_date=ONSET,
        isolation_date=datetime.date(2026, 3, 12),
        today=datetime.date(2026, 3, 12),
    )


def both(world, case) -> tuple[list, list]:
    with translation.override("en"):
        orm = [asdict(c) for c in contacts_oracle.candidates(case, user=world.health_a)]
        db = [asdict(c) for c in contacts.candidates(case, user=world.health_a)]
    return orm, db


def decide(world, case, ranked: list, rng: random.Random) -> None:
    gate_found = [c for c in ranked if c["reasons"] and c["reasons"][0]["kind"] == "gate"]
    rng.shuffle(gate_found)
    for cand, status in zip(gate_found, [ContactStatus.CONFIRMED, ContactStatus.DISMISSED], strict=False):
        Contact.objects.create(
            case=case, resident_id=cand["resident_id"], status=status, path=case.path, degree=1, note="n"
        )
    # A confirmed contact no longer found: listed with its stored reasons.
    gone = ensure_household(compound=world.compound_a, building="9", unit="1", room="101")
    (stranger,) = [create_resident(user=world.staff_a, household=gone, data=ResidentData(name="旧接触"))]
    stored = contacts.Reason("gate", "东门 03-09 10:00, 1 min apart", world.gate_a.pk, at(9, 10, 0), 1)
    first = Contact.objects.create(
        case=case, resident=stranger, status=ContactStatus.CONFIRMED, path=case.path, degree=1,
        reasons=[stored.as_json()],
    )  # fmt: skip
    (mate,) = [create_resident(user=world.staff_a, household=gone, data=ResidentData(name="旧接触之妻"))]
    Contact.objects.create(
        case=case, resident=mate, status=ContactStatus.CONFIRMED, path=case.path, degree=2, via=first
    )


@pytest.mark.parametrize("seed", range(5))
def test_the_statement_and_the_orm_oracle_find_the_same_candidates(world, seed, django_assert_num_queries):
    rng = random.Random(seed)
    case = build(world, rng)

    orm, db = both(world, case)
    assert db == orm
    assert any(r["kind"] == "gate" for c in orm for r in c["reasons"])

    decide(world, case, orm, rng)
    orm, db = both(world, case)
    assert db == orm
    assert {c["degree"] for c in orm} == {1, 2}
    assert any(c["decision"] == "dismissed" for c in orm) and any(c["decision"] is None for c in orm)

    with django_assert_num_queries(1), translation.override("en"):
        contacts.candidates(case, user=world.health_a)


@pytest.mark.parametrize("find", [contacts.candidates, contacts_oracle.candidates], ids=["sql", "oracle"])
def test_both_hide_a_case_out_of_the_user_s_scope(world, find):
    case = build(world, random.Random(9))

    for user in (world.staff_b, world.resident_a):
        with pytest.raises(DomainError) as err:
            find(case, user=user)
        assert (err.value.code, err.value.status) == ("not_found", 404)
