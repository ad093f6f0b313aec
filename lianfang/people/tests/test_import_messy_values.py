"""Full-width digits, lowercase x, stray spaces, numbers stored as numbers: all read as the person meant."""

import datetime
import io

import pytest

from lianfang.people.importer import run_import
from lianfang.people.models import Relation, Resident, Tag
from lianfang.people.tests.import_files import GOOD_1, GOOD_X, full_width, xlsx_bytes


@pytest.fixture
def imported(world):
    header = [
        "姓名",
        "性别",
        "身份证号码",
        "电话",
        "小区",
        "栋",
        "单元",
        "室",
        "与户主关系",
        "出生年月",
        "特殊人群",
    ]
    rows = [
        ["  赵六 ", " 男 ", full_width(GOOD_1), "139-5540-0001", " 阳光小区", "３栋", "2单元",
         "１０２室", "户主", "1986年4月", "残疾、慢性病"],
        ["钱七", "M", GOOD_X.lower(), 13955400002, "阳光小区", 3, 2.0, 102, "孙子", None, "低保户"],
    ]  # fmt: skip
    data = xlsx_bytes(rows, header=header)
    report = run_import(
        fileobj=io.BytesIO(data), filename="x.xlsx", community=world.community_a, commit="all"
    )
    assert report["errors"] == []
    return {r.name: r for r in Resident.objects.filter(name__in=["赵六", "钱七"])}


def test_full_width_digits_and_spaces_are_normalised(imported):
    r = imported["赵六"]
    assert r.full_id() == GOOD_1
    assert r.phone == "13955400001"
    assert r.birth_date == datetime.date(1986, 4, 2)
    assert r.household.label == "3栋2单元102"


def test_a_lowercase_x_is_an_upper_case_check_digit(imported):
    assert imported["钱七"].full_id() == GOOD_X


def test_relation_and_tag_words_are_understood_and_other_words_kept_in_notes(imported):
    assert imported["赵六"].relation == Relation.HEAD
    assert imported["赵六"].tag_list == [Tag.DISABLED, Tag.CHRONIC]
    assert imported["钱七"].relation == Relation.GRANDCHILD
    assert imported["钱七"].notes == "低保户"


def test_both_land_in_the_same_household(imported):
    assert imported["赵六"].household_id == imported["钱七"].household_id
