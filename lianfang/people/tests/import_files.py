"""Messy resident spreadsheets as communities really keep them, written with openpyxl for the import tests."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

import openpyxl
from stdnum.cn import ric

from lianfang.conftest import id_for

HEADER = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "联系电话",
    "小区",
    "楼栋",
    "单元",
    "门牌号",
    "与户主关系",
    "备注",
]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


def with_check(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def id_ending_in_x() -> str:
    for seq in range(500):
        number = id_for(datetime.date(1975, 3, 8), seq, "M")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit found")


def bad_checksum(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:17] + last


GOOD_1 = id_for(datetime.date(1986, 4, 2), 21, "M")
GOOD_2 = id_for(datetime.date(1988, 9, 14), 22, "F")
GOOD_X = id_ending_in_x()
GOOD_4 = id_for(datetime.date(2015, 6, 1), 23, "F")


def xlsx_bytes(
    rows: Sequence[Sequence[object]], *, title: str | None = "阳光社区居民花名册", header=HEADER
) -> bytes:
    """A normal (not write-only) workbook: a merged title row above the header, then the rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def messy_rows(registered_id: str) -> list[list[object]]:
    """Rows 3..: four good rows (full-width digits, lowercase x, stray spaces) and one row per kind of error.

    The spreadsheet row number of a data row is its index here + 3 (title row 1, header row 2)."""
    return [
        # row 3: good; full-width digits in the ID, phone with spaces, building written "3栋"
        [1, " 赵六 ", "男", full_width(GOOD_1), "139 5540 0001", "阳光小区", "3栋", "1", "102", "户主", ""],
        # row 4: good; same household, lowercase x at the end of the ID, numbers as numbers
        [2, "钱七", "男", GOOD_X.lower(), 13955400002, " 阳光小区 ", 3, 1, 102, "儿子", "独居"],
        # row 5: good; new building 7, unit missing (defaults to 1)
        [3, "孙八", "女", f" {GOOD_2} ", "", "阳光小区", 7, None, "301", "妻子", ""],
        # row 6: good; no ID at all (a newborn not yet registered)
        [4, "李小九", "女", "", "", "阳光小区", 7, None, "301", "女儿", ""],
        # row 7: bad checksum
        [
            5,
            "周一",
            "男",
            bad_checksum(id_for(datetime.date(1970, 1, 1), 31, "M")),
            "",
            "阳光小区",
            3,
            1,
            103,
            "户主",
            "",
        ],
        # row 8: impossible birth date inside the ID (30 February)
        [6, "吴二", "男", with_check("34040319900230001"), "", "阳光小区", 3, 1, 103, "配偶", ""],
        # row 9: duplicate within the file (same as row 5)
        [7, "郑三", "女", GOOD_2, "", "阳光小区", 3, 1, 104, "户主", ""],
        # row 10: already registered
        [8, "张三", "男", registered_id, "", "阳光小区", 3, 1, 101, "户主", ""],
        # row 11: unknown compound
        [9, "王四", "女", GOOD_4, "", "幸福家园", 3, 1, 105, "户主", ""],
        # row 12: missing name
        [10, "", "男", "", "13955400012", "阳光小区", 3, 1, 106, "户主", ""],
        # row 13: bad phone
        [11, "冯五", "男", "", "12345", "阳光小区", 3, 1, 107, "户主", ""],
        # row 14: sex does not match the ID number (GOOD_4 is a woman's)
        [
            12,
            "陈六",
            "男",
            id_for(datetime.date(1999, 12, 1), 33, "F"),
            "",
            "阳光小区",
            3,
            1,
            108,
            "户主",
            "",
        ],
        # row 15: missing room
        [13, "褚七", "女", "", "", "阳光小区", 3, 1, None, "户主", ""],
    ]


EXPECTED_ERRORS = {
    7: ("身份证号", "id_bad_checksum"),
    8: ("身份证号", "id_bad_birth_date"),
    9: ("身份证号", "id_duplicate_in_file"),
    10: ("身份证号", "id_duplicate"),
    11: ("小区", "compound_unknown"),
    12: ("姓名", "name_missing"),
    13: ("联系电话", "phone_bad"),
    14: ("性别", "id_sex_mismatch"),
    15: ("门牌号", "address_incomplete"),
}
VALID_ROWS = 4


def messy_xlsx(registered_id: str) -> bytes:
    return xlsx_bytes(messy_rows(registered_id))
