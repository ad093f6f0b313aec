"""Shared personas (CONVENTIONS.md): a city commander, community A staff, grid A1 worker,
community B staff (the outsider), a gate guard of A's gate, a health worker of A, a resident of A.

The world is small and hand-built so that every count in a test can be checked by eye:
city 340400 淮南市 › district 340403 田家庵区 › street 340403001000 › communities A (…001) and B (…002).
A has grids A1 and A2; compound 阳光小区 (A) has building 3 (grid A1) and 5 (grid A2);
compound 春晖园 (B) has building 1.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from lianfang import devdb
from lianfang.access import gatecache
from lianfang.accounts.models import ApiToken, User
from lianfang.core import idnumbers
from lianfang.core.roles import Role
from lianfang.people.models import Membership, Resident, Tag
from lianfang.people.services import CleanResident, apply_clean, assign_building_to_grid, place_in
from lianfang.places.models import Area, AreaLevel, Compound, Gate, Grid
from lianfang.places.services import ensure_household

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Lianfang-test-2026"


def pytest_collection_finish(session: pytest.Session) -> None:
    """A database that does not answer (the private PostgreSQL not started, DATABASE_URL pointing nowhere)
    stops the run with one line, instead of one error per test. Runs without database tests need none."""
    if any(
        item.get_closest_marker("django_db") or "django_db_setup" in getattr(item, "fixturenames", ())
        for item in session.items
    ):
        trouble = devdb.problem(dbname="postgres")  # Django creates the test database from `postgres`
        if trouble:
            pytest.exit(f"lianfang: {trouble}", returncode=pytest.ExitCode.USAGE_ERROR)


@dataclass
class World:
    city: object
    district: object
    street: object
    community_a: object
    community_b: object
    grid_a1: object
    grid_a2: object
    compound_a: object
    compound_b: object
    gate_a: object
    household_a1: object  # 3栋1单元101, grid A1
    household_a2: object  # 5栋1单元201, grid A2
    household_b: object  # 春晖园 1栋1单元101
    zhang_san: object  # in household_a1
    li_si: object  # in household_a2
    wang_wu: object  # in household_b
    commander: object
    staff_a: object
    grid_a1_worker: object
    staff_b: object
    guard_a: object
    health_a: object
    resident_a: object


def id_for(birth: datetime.date, seq: int, sex: str, region: str = "340403") -> str:
    return idnumbers.synthesize(region, birth, seq, sex)


def add_resident(
    name: str,
    household: Any,
    birth: datetime.date,
    seq: int,
    sex: str,
    phone: str = "",
    tags: str = "",
    relation: str = "head",
) -> Resident:
    """A resident registered in `household` (with a valid ID number built from birth, seq and sex)."""
    info = idnumbers.parse(id_for(birth, seq, sex))
    r = Resident()
    apply_clean(
        r,
        CleanResident(
            name=name,
            sex=sex,
            birth_date=birth,
            phone=phone,
            relation=relation,
            tags=tags,
            notes="",
            id_info=info,
        ),
    )
    place_in(r, household)
    r.save()
    Membership.objects.create(resident=r, household=household, relation=relation)
    return r


def add_communities(world: World, n: int) -> list[Area]:
    """n more communities under the world's street (社区3, 社区4, …; codes 340403001003, …): for tests of a
    page's or an endpoint's cost as the number of areas grows."""
    made = []
    for i in range(3, 3 + n):
        code = f"340403001{i:03d}"
        street: Any = world.street
        path = Area.child_path(street, code)
        made.append(
            Area.objects.create(
                code=code, name=f"社区{i}", level=AreaLevel.COMMUNITY, parent=world.street, path=path
            )
        )
    return made


def make_world() -> World:
    def area(code: str, name: str, level: str, parent: Area | None) -> Area:
        return Area.objects.create(
            code=code, name=name, level=level, parent=parent, path=Area.child_path(parent, code)
        )

    city = area("340400", "淮南市", AreaLevel.CITY, None)
    district = area("340403", "田家庵区", AreaLevel.DISTRICT, city)
    street = area("340403001000", "舜耕镇", AreaLevel.STREET, district)
    ca = area("340403001001", "A社区", AreaLevel.COMMUNITY, street)
    cb = area("340403001002", "B社区", AreaLevel.COMMUNITY, street)
    g1 = Grid.objects.create(community=ca, code="340403001001-01", name="第一网格", path=ca.path)
    g2 = Grid.objects.create(community=ca, code="340403001001-02", name="第二网格", path=ca.path)
    comp_a = Compound.objects.create(community=ca, name="阳光小区", path=ca.path)
    comp_b = Compound.objects.create(community=cb, name="春晖园", path=cb.path)
    gate_a = Gate.objects.create(compound=comp_a, name="东门", is_open=True, path=ca.path)
    Gate.objects.create(compound=comp_a, name="西门", is_open=False, path=ca.path)
    h_a1 = ensure_household(compound=comp_a, building="3", unit="1", room="101")
    h_a2 = ensure_household(compound=comp_a, building="5", unit="1", room="201")
    h_b = ensure_household(compound=comp_b, building="1", unit="1", room="101")
    assign_building_to_grid(building=h_a1.unit.building, grid=g1)
    assign_building_to_grid(building=h_a2.unit.building, grid=g2)
    h_a1.refresh_from_db()
    h_a2.refresh_from_db()

    zs = add_resident("张三", h_a1, datetime.date(1980, 5, 17), 12, "M", "13955401234", Tag.CHRONIC.value)
    ls = add_resident("李四", h_a2, datetime.date(1950, 1, 2), 7, "F", "13855405678", Tag.ELDERLY_ALONE.value)
    ww = add_resident("王五", h_b, datetime.date(1992, 11, 30), 3, "M", "05546661111")

    def user(username: str, role: str, **scope) -> User:
        u = User.objects.create_user(username=username, password=PASSWORD, role=role, name=username, **scope)
        return u

    return World(
        city=city,
        district=district,
        street=street,
        community_a=ca,
        community_b=cb,
        grid_a1=g1,
        grid_a2=g2,
        compound_a=comp_a,
        compound_b=comp_b,
        gate_a=gate_a,
        household_a1=h_a1,
        household_a2=h_a2,
        household_b=h_b,
        zhang_san=zs,
        li_si=ls,
        wang_wu=ww,
        commander=user("commander", Role.COMMAND, area=city),
        staff_a=user("staff_a", Role.COMMUNITY, area=ca),
        grid_a1_worker=user("grid_a1", Role.GRID, grid=g1),
        staff_b=user("staff_b", Role.COMMUNITY, area=cb),
        guard_a=user("guard_a", Role.GATE, gate=gate_a),
        health_a=user("health_a", Role.HEALTH, area=ca),
        resident_a=user("resident_a", Role.RESIDENT, household=h_a1),
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: the throttles count in it (secret-link guesses)."""
    cache.clear()


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def login(client):
    """login(user) -> a Django test client logged in as that user."""

    def _login(u):
        client.force_login(u)
        return client

    return _login


@pytest.fixture
def api_client(client):
    """api_client(user) -> (client, headers) with a fresh bearer token for that user."""

    def _make(u):
        _row, raw = ApiToken.issue(u, "test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return _make


@pytest.fixture(autouse=True)
def _empty_gate_cache():
    """Every test starts with the gate's cache empty (access/gatecache.py: gates, devices, outing policies):
    a rolled-back test sends no signal that clears it, and a clock moved by time-machine moves its expiry."""
    gatecache.clear()
