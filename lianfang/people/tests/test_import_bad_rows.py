"""Every kind of bad row is reported with its spreadsheet row number, the column as written, and a reason."""

import datetime
import io

import pytest

from lianfang.conftest import id_for
from lianfang.people.importer import run_import
from lianfang.people.tests.import_files import EXPECTED_ERRORS, VALID_ROWS, messy_xlsx

ZHANG_SAN_ID = id_for(datetime.date(1980, 5, 17), 12, "M")


@pytest.fixture
def report(world):
    data = messy_xlsx(ZHANG_SAN_ID)
    return run_import(fileobj=io.BytesIO(data), filename="花名册.xlsx", community=world.community_a)


def test_the_report_counts_rows_and_valid_rows(report):
    assert report["rows"] == 13
    assert report["valid"] == VALID_ROWS
    assert report["written"] == 0


@pytest.mark.parametrize(("row", "expected"), sorted(EXPECTED_ERRORS.items()))
def test_each_bad_row_is_listed_with_row_column_and_code(report, row, expected):
    found = [(e["column"], e["code"]) for e in report["errors"] if e["row"] == row]
    assert expected in found
    assert all(e["message"] for e in report["errors"])


def test_good_rows_have_no_errors(report):
    assert {e["row"] for e in report["errors"]} == set(EXPECTED_ERRORS)


def test_a_duplicate_in_the_file_names_the_first_row(report):
    (dup,) = [e for e in report["errors"] if e["code"] == "id_duplicate_in_file"]
    assert "5" in dup["message"]


def test_an_impossible_birth_date_column_is_an_error(world):
    from lianfang.people.tests.import_files import xlsx_bytes

    header = ["姓名", "出生日期", "小区", "楼栋", "门牌号"]
    data = xlsx_bytes(
        [["赵六", "1990-02-30", "阳光小区", 3, 101], ["钱七", "2990-01-01", "阳光小区", 3, 101]],
        header=header,
    )
    report = run_import(fileobj=io.BytesIO(data), filename="a.xlsx", community=world.community_a)
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (3, "出生日期", "birth_bad"),
        (4, "出生日期", "birth_future"),
    ]
