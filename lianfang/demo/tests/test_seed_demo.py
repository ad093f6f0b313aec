"""manage.py seed_demo: the tiny Huainan city is well formed, its people are stored like real ones,
the demo accounts work, and a second run neither duplicates nor silently wipes anything."""

from __future__ import annotations

import datetime
import io
import random
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from lianfang.accounts.models import User
from lianfang.core import idnumbers
from lianfang.core.roles import Role
from lianfang.demo import generate, names
from lianfang.demo.accounts import DEFAULT_PASSWORD, USERNAMES, demo_logins
from lianfang.demo.plan import SCALES, Ids, build_plan
from lianfang.people.models import Membership, Resident, TravelRecord
from lianfang.people.pinyin import pinyin_keys
from lianfang.places.models import Area, AreaLevel, Compound, Gate, Grid, Household

pytestmark = pytest.mark.django_db


def seed_tiny(*extra: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--scale", "tiny", *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def tiny():
    return seed_tiny()


def test_tiny_city_is_huainan_with_tianjiaan_district_and_statistical_codes(tiny):
    city = Area.objects.get(level=AreaLevel.CITY)
    assert (city.code, city.name, city.path) == ("340400", "淮南市", "340400.")
    district = Area.objects.get(level=AreaLevel.DISTRICT)
    assert (district.code, district.name, district.parent) == ("340403", "田家庵区", city)
    streets = Area.objects.filter(level=AreaLevel.STREET)
    assert streets.count() == 1
    street = streets.get()
    assert re.fullmatch(r"340403\d{3}000", street.code) and street.name.endswith(("街道", "镇"))
    communities = Area.objects.filter(level=AreaLevel.COMMUNITY)
    assert communities.count() == 2
    for c in communities:
        assert c.code[:9] == street.code[:9] and re.fullmatch(r"\d{12}", c.code) and c.code[9:] != "000"
        assert c.parent == street and c.path == f"{street.path}{c.code}."
        assert c.name.endswith("社区")


def test_all_seven_districts_have_their_gbt2260_codes():
    assert [(c, n) for c, n, _share in names.DISTRICTS] == [
        ("340402", "大通区"),
        ("340403", "田家庵区"),
        ("340404", "谢家集区"),
        ("340405", "八公山区"),
        ("340406", "潘集区"),
        ("340421", "凤台县"),
        ("340422", "寿县"),
    ]


def test_each_community_has_two_to_five_numbered_grids(tiny):
    for community in Area.objects.filter(level=AreaLevel.COMMUNITY):
        grids = list(Grid.objects.filter(community=community).order_by("code"))
        assert 2 <= len(grids) <= 5
        for n, grid in enumerate(grids, start=1):
            assert grid.code == f"{community.code}-{n:02d}"
            assert grid.name.startswith("第") and grid.name.endswith("网格")
            assert grid.path == community.path


def test_each_compound_has_two_to_four_gates_and_exactly_one_open(tiny):
    assert Compound.objects.exists()
    for compound in Compound.objects.all():
        gates = list(Gate.objects.filter(compound=compound))
        assert 2 <= len(gates) <= 4
        assert sum(g.is_open for g in gates) == 1
        assert {g.name for g in gates} <= {"东门", "南门", "西门", "北门"}
        assert all(g.path == compound.path == compound.community.path for g in gates)


def test_every_household_has_grid_path_and_label_of_its_building(tiny):
    households = Household.objects.select_related("unit__building", "compound__community")
    assert households.count() == 80
    for h in households:
        building = h.unit.building
        assert h.grid_id is not None and h.grid_id == building.grid_id
        assert h.compound_id == building.compound_id
        assert h.path == h.compound.path == h.compound.community.path
        assert h.label == Household.make_label(building.number, h.unit.number, h.room)


def test_buildings_are_spread_round_robin_over_the_community_grids(tiny):
    for community in Area.objects.filter(level=AreaLevel.COMMUNITY):
        grids = [g.pk for g in Grid.objects.filter(community=community).order_by("id")]
        buildings = Compound.objects.filter(community=community).values_list("buildings__grid", flat=True)
        used = [g for g in buildings.order_by("buildings__id") if g is not None]
        assert used == [grids[i % len(grids)] for i in range(len(used))]


def test_residents_carry_valid_unique_id_numbers_of_huainan(tiny):
    residents = list(Resident.objects.all())
    assert len(residents) == 200
    assert len({r.id_hash for r in residents}) == 200
    for r in residents:
        number = idnumbers.decrypt(r.id_cipher)
        info = idnumbers.parse(number)
        assert info.region == r.id_prefix == "340403"
        assert info.birth_date == r.birth_date and info.sex == r.sex
        assert r.id_hash == idnumbers.digest(number) and r.id_last4 == number[-4:]


def test_residents_are_stored_like_the_registry_stores_them(tiny):
    for r in Resident.objects.select_related("household"):
        assert (r.name_pinyin, r.name_initials) == pinyin_keys(r.name)
        assert 2 <= len(r.name) <= 3 and r.name[0] in dict(names.SURNAMES)
        assert r.phone_last4 == r.phone[-4:] and (not r.phone or re.fullmatch(r"1[3-9]\d{9}", r.phone))
        assert r.path == r.household.path and r.grid_id == r.household.grid_id
        assert set(r.tag_list) <= {"elderly_alone", "infant", "chronic", "disabled", "pregnant"}


def test_each_resident_has_one_current_membership_and_each_household_one_head(tiny):
    memberships = Membership.objects.filter(ended__isnull=True)
    assert memberships.count() == Resident.objects.count()
    assert not memberships.exclude(household_id=models_f("resident__household_id")).exists()
    heads = Counter(Resident.objects.filter(relation="head").values_list("household_id", flat=True))
    assert set(heads.values()) == {1} and len(heads) == Household.objects.count()


def models_f(name: str):
    from django.db.models import F

    return F(name)


def test_ages_and_household_sizes_are_a_plausible_mix():
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    today = timezone.localdate()
    ages = [(today - b).days // 365 for b in Resident.objects.values_list("birth_date", flat=True)]
    n = len(ages)
    assert n == 5000 and Household.objects.count() == 2000  # 2.5 people per household
    assert 0.12 <= sum(a >= 60 for a in ages) / n <= 0.26
    assert 0.10 <= sum(a < 18 for a in ages) / n <= 0.25
    assert Area.objects.filter(level=AreaLevel.DISTRICT).count() == 7
    tags = Counter(t for tags in Resident.objects.values_list("tags", flat=True) for t in tags.split())
    assert tags["infant"] and tags["elderly_alone"] and tags["chronic"]
    for r in Resident.objects.filter(tags__contains="elderly_alone"):
        assert r.age() >= 69 and Resident.objects.filter(household_id=r.household_id).count() == 1
    assert 0 < TravelRecord.objects.count() < n * 0.03


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("commander", Role.COMMAND),
        ("district", Role.COMMAND),
        ("staff", Role.COMMUNITY),
        ("grid", Role.GRID),
        ("health", Role.HEALTH),
        ("guard", Role.GATE),
        ("volunteer", Role.VOLUNTEER),
        ("resident", Role.RESIDENT),
        ("staff2", Role.COMMUNITY),
    ],
)
def test_each_demo_login_has_its_role_and_can_log_in(tiny, client, username, role):
    user = User.objects.get(username=username)
    assert user.role == role and user.name and user.scope_path
    assert client.login(username=username, password=DEFAULT_PASSWORD)


def test_demo_logins_are_scoped_to_the_first_community_of_tianjiaan(tiny):
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    community = Area.objects.filter(level=AreaLevel.COMMUNITY, code__startswith="340403").order_by("path")[0]
    assert users["commander"].area.code == "340400"
    assert users["district"].area.code == "340403"
    for name in ("staff", "health", "volunteer"):
        assert users[name].area == community
    first_grid = Grid.objects.filter(community=community).order_by("code")[0]
    assert users["grid"].grid == first_grid
    assert users["guard"].gate.is_open and users["guard"].gate.compound.community == community
    assert users["resident"].household.grid == first_grid
    assert users["staff2"].area.level == AreaLevel.COMMUNITY and users["staff2"].area != community
    # Scoping shows: staff sees its community's residents only, the commander sees all.
    staff_sees = Resident.objects.visible_to(users["staff"]).count()
    assert 0 < staff_sees < Resident.objects.visible_to(users["commander"]).count() == 200


def test_seed_prints_the_logins_and_demo_logins_returns_them(tiny):
    assert "commander" in tiny and DEFAULT_PASSWORD in tiny
    rows = demo_logins()
    assert [r.username for r in rows] == USERNAMES
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "staff2" in out.getvalue() and "淮南市" in out.getvalue()


def test_if_empty_does_nothing_the_second_time(tiny):
    before = (Area.objects.count(), Resident.objects.count(), User.objects.count())
    with translation.override("en"):
        out = seed_tiny("--if-empty")
    assert "nothing seeded" in out
    assert (Area.objects.count(), Resident.objects.count(), User.objects.count()) == before


def test_second_run_without_reset_is_refused_with_a_clear_message(tiny):
    names_before = list(Resident.objects.order_by("id").values_list("name", flat=True))
    with pytest.raises(CommandError, match="--reset"):
        seed_tiny()
    assert list(Resident.objects.order_by("id").values_list("name", flat=True)) == names_before


def test_reset_replaces_the_city_with_the_same_people_for_the_same_seed(tiny):
    before = list(Resident.objects.order_by("id").values_list("name", "birth_date", "id_hash"))
    seed_tiny("--reset")
    after = list(Resident.objects.order_by("id").values_list("name", "birth_date", "id_hash"))
    assert after == before
    assert User.objects.filter(username__in=USERNAMES).count() == len(USERNAMES)
    seed_tiny("--reset", "--seed", "7")
    assert list(Resident.objects.order_by("id").values_list("name", flat=True)) != [b[0] for b in before]


def test_copy_loading_loads_the_tiny_city():
    seed_tiny("--method", "copy")  # the way the city is loaded (the city itself takes minutes)
    assert Resident.objects.count() == 200 and Household.objects.count() == 80


def test_fast_id_numbers_equal_the_real_function_and_protect_as_the_generators_do():
    rng = random.Random(1)
    protector = idnumbers.Protector(idnumbers.keys())  # as generate_community makes it from ctx.keys
    for _ in range(2000):
        region = rng.choice(names.DISTRICTS)[0]
        birth = datetime.date(1920, 1, 1) + datetime.timedelta(days=rng.randrange(38000))
        seq, sex = rng.randrange(500), rng.choice("MF")
        number = generate.id_number(region, birth, seq, sex)
        assert number == idnumbers.synthesize(region, birth, seq, sex)
        assert protector.digest(number) == idnumbers.digest(number)
        assert idnumbers.decrypt(protector.encrypt(number)) == number


def test_fast_pinyin_keys_equal_pinyin_keys_for_the_name_lists():
    given = "".join(
        dict.fromkeys(
            names.MALE_OLD
            + names.MALE_YOUNG
            + names.MALE_CHILD
            + names.FEMALE_OLD
            + names.FEMALE_YOUNG
            + names.FEMALE_CHILD
        )
    )
    rng = random.Random(2)
    for surname, _w in names.SURNAMES:
        for ch in given:
            assert generate.name_keys(surname + ch) == pinyin_keys(surname + ch)
        for _ in range(30):
            name = surname + rng.choice(given) + rng.choice(given)
            assert generate.name_keys(name) == pinyin_keys(name)


def test_generated_rows_need_no_copy_escaping():
    ids = Ids(
        next=dict.fromkeys(
            ["area", "grid", "compound", "gate", "building", "unit", "household", "resident"], 1
        )
    )
    plan = build_plan(SCALES["demo"], seed=3, ids=ids)
    ctx = generate.Context(
        seed=3,
        today=timezone.localdate(),
        now=timezone.now(),
        keys=idnumbers.keys(),
    )
    tables = dict(plan.rows)
    for key, rows in generate.generate_community(plan.jobs[0], ctx).items():
        tables[key] = rows
    for rows in tables.values():
        for row in rows:
            for value in row:
                assert not (isinstance(value, str) and any(ch in value for ch in "\t\n\r\\"))
    lines = generate.copy_text_plain(tables["resident"]).decode().splitlines()
    assert len(lines) == len(tables["resident"]) and all(len(ln.split("\t")) == 20 for ln in lines)
