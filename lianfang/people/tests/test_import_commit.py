"""Preview writes nothing; "all" writes nothing when any row is bad; "valid" writes the good rows with
their buildings, units, households and memberships, and is audited."""

import datetime
import io

import pytest
from django.utils import translation

from lianfang.conftest import id_for
from lianfang.core.models import AuditAction, AuditLog
from lianfang.people.importer import run_import
from lianfang.people.models import Membership, Resident
from lianfang.people.tests.import_files import GOOD_1, GOOD_2, GOOD_X, VALID_ROWS, messy_xlsx, xlsx_bytes
from lianfang.places.models import Building, Household, Unit

ZHANG_SAN_ID = id_for(datetime.date(1980, 5, 17), 12, "M")


def counts():
    return (
        Resident.objects.count(),
        Membership.objects.count(),
        Household.objects.count(),
        Unit.objects.count(),
        Building.objects.count(),
        AuditLog.objects.count(),
    )


def _run(world, commit, data=None):
    data = data or messy_xlsx(ZHANG_SAN_ID)
    return run_import(
        fileobj=io.BytesIO(data),
        filename="花名册.xlsx",
        community=world.community_a,
        user=world.staff_a,
        commit=commit,
    )


def test_a_preview_writes_nothing(world):
    before = counts()
    _run(world, None)
    assert counts() == before


def test_commit_all_with_errors_writes_nothing(world):
    before = counts()
    report = _run(world, "all")
    assert report["errors"] and report["written"] == 0
    assert counts() == before


def test_commit_valid_writes_only_the_valid_rows(world):
    before = Resident.objects.count()
    report = _run(world, "valid")
    assert report["written"] == VALID_ROWS
    assert Resident.objects.count() == before + VALID_ROWS
    names = ["赵六", "钱七", "孙八", "李小九", "周一"]
    assert set(Resident.objects.filter(name__in=names).values_list("name", flat=True)) == {
        "赵六", "钱七", "孙八", "李小九"
    }  # fmt: skip


def test_households_are_created_with_grid_path_and_label_like_ensure_household(world):
    _run(world, "valid")
    zhao = Resident.objects.get(name="赵六")
    h = zhao.household
    assert (h.label, h.compound, h.grid, h.path) == (
        "3栋1单元102",
        world.compound_a,
        world.grid_a1,
        world.compound_a.path,
    )
    assert (zhao.grid, zhao.path) == (world.grid_a1, h.path)
    assert Resident.objects.get(name="钱七").household == h
    new = Resident.objects.get(name="孙八").household
    assert new.label == "7栋1单元301" and new.grid == world.grid_a1  # a new building joins a grid
    assert Resident.objects.get(name="李小九").household == new
    assert Building.objects.filter(compound=world.compound_a, number="7").count() == 1


def test_residents_are_stored_like_create_resident_stores_them(world):
    _run(world, "valid")
    zhao = Resident.objects.get(name="赵六")
    assert zhao.full_id() == GOOD_1 and zhao.masked_id == GOOD_1[:6] + "********" + GOOD_1[-4:]
    assert zhao.sex == "M" and zhao.birth_date == datetime.date(1986, 4, 2)
    assert (zhao.name_pinyin, zhao.name_initials) == ("zhaoliu", "zl")
    assert zhao.phone_last4 == "0001"
    assert Resident.objects.get(name="孙八").relation == "spouse"
    membership = Membership.objects.get(resident=zhao)
    assert (
        membership.household == zhao.household and membership.ended is None and membership.relation == "head"
    )
    assert Resident.objects.get(name="李小九").id_hash is None


def test_an_import_is_audited(world):
    with translation.override("zh-hans"):  # the summary is written in the active language
        result = _run(world, "valid")
    log = AuditLog.objects.get(action=AuditAction.IMPORT)
    assert log.user == world.staff_a
    assert log.path == world.community_a.path
    rows, errors = result["rows"], len(result["errors"])
    assert log.summary == f"从 花名册.xlsx 导入居民 4 人（只导入无误的行）；读取 {rows} 行，错误 {errors} 处"


def test_committing_the_same_file_twice_finds_the_rows_registered(world):
    _run(world, "valid")
    report = _run(world, "all")
    assert report["written"] == 0
    # the three written rows with ID numbers, and 张三 who was registered before
    assert sum(e["code"] == "id_duplicate" for e in report["errors"]) == 4


@pytest.mark.parametrize("mode", ["all", "valid"])
def test_a_clean_file_is_written_whole_by_either_choice(world, mode):
    rows = [
        ["赵六", "男", GOOD_1, "", "阳光小区", 9, 1, 101, "户主", ""],
        ["钱七", "男", GOOD_X, "", "阳光小区", 9, 1, 101, "子", ""],
        ["孙八", "女", GOOD_2, "", "阳光小区", 9, 2, 201, "户主", ""],
    ]
    header = ["姓名", "性别", "身份证号", "联系电话", "小区", "楼栋", "单元", "门牌号", "与户主关系", "备注"]
    report = _run(world, mode, xlsx_bytes(rows, header=header))
    assert report == {"rows": 3, "valid": 3, "errors": [], "written": 3}
    assert Household.objects.filter(compound=world.compound_a, unit__building__number="9").count() == 2


def test_a_resident_without_an_id_number_is_not_offered_again_by_a_second_upload(world):
    first = _run(world, "valid")
    written = Resident.objects.count()
    assert first["written"] >= 1
    without_id = Resident.objects.filter(id_hash__isnull=True, path=world.community_a.path).exclude(
        pk__in=[world.zhang_san.pk, world.li_si.pk]
    )
    assert without_id.exists()  # the file has someone without an ID number
    again = _run(world, "valid")
    assert again["written"] == 0
    assert Resident.objects.count() == written
    named = [e for e in again["errors"] if e["code"] == "already_registered"]
    assert {p.name for p in without_id} <= {n for e in named for n in [e["message"].split(" ")[0]]}


def test_buildings_new_to_the_registry_join_the_grid_of_the_compound(world):
    _run(world, "valid")
    new = Building.objects.filter(compound=world.compound_a).exclude(number__in=["3", "5"])
    assert new.exists()
    # community A has two grids; the compound's buildings 3 and 5 are in grid 1 and grid 2: a tie, the
    # first grid wins
    assert set(new.values_list("grid_id", flat=True)) == {world.grid_a1.pk}
    assert all(h.grid_id == world.grid_a1.pk for h in Household.objects.filter(unit__building__in=new))
