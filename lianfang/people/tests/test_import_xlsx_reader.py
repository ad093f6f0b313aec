"""The xlsx reader (python-calamine) on real workbooks written by openpyxl, in both of its modes (shared
strings, as Excel saves; inline strings, as write-only openpyxl and WPS write): every non-empty row of
the first sheet with its spreadsheet row number, each cell as the text the importer expects."""

import datetime
import io

import openpyxl
import pytest

from lianfang.core.errors import DomainError
from lianfang.people.sheets import read_rows
from lianfang.people.tests.hostile_files import sheet_xlsx

ID_NUMBER = "340403198604020215"


def workbook(rows, *, write_only=False, title="花名册", other_sheet_first=False) -> io.BytesIO:
    wb = openpyxl.Workbook(write_only=write_only)
    if write_only:
        ws = wb.create_sheet(title)
    else:
        ws = wb.active
        ws.title = title
    for row in rows:
        ws.append(row)
    if other_sheet_first and not write_only:
        wb.active = wb.create_sheet("说明")  # the active sheet is not the first one
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def read(f) -> list:
    return list(read_rows(f, "名单.xlsx"))


@pytest.mark.parametrize("write_only", [False, True], ids=["shared strings", "inline strings"])
def test_text_numbers_dates_and_gaps_are_read_as_the_importer_expects(write_only):
    x_id = f"{ID_NUMBER[:17]}X"
    morning = datetime.datetime(1990, 1, 2, 8, 30)  # noqa: DTZ001 - a spreadsheet cell's time has no zone
    rows = [
        ["姓名", "身份证号", "联系电话", "楼栋", "门牌号", "出生日期", "体温", "独居", "备注"],
        ["张三", ID_NUMBER, 13955400001, 3, 102, datetime.date(1986, 4, 2), 36.5, True, None],
        ["李四", x_id, "139 5540 0002", "3栋", "102", morning, 37, False],
    ]
    assert read(workbook(rows, write_only=write_only)) == [
        (1, ["姓名", "身份证号", "联系电话", "楼栋", "门牌号", "出生日期", "体温", "独居", "备注"]),
        (2, ["张三", ID_NUMBER, "13955400001", "3", "102", "1986-04-02", "36.5", "TRUE", None]),
        (3, ["李四", x_id, "139 5540 0002", "3栋", "102", "1990-01-02 08:30:00", "37", "FALSE", None]),
    ]


def test_an_id_number_kept_as_text_keeps_every_digit():
    # Typed as text (Excel shows a green corner); as a number it would have lost its last three digits.
    [(_n, cells)] = read(workbook([[ID_NUMBER, "000123"]]))
    assert cells == [ID_NUMBER, "000123"]


def test_blank_rows_are_skipped_and_rows_keep_their_numbers():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["阳光社区居民花名册"])
    ws.merge_cells("A1:D1")  # a merged title row: its value sits in A1, the other cells are empty
    ws.append([])
    ws.append(["姓名", None, "小区"])
    ws.append([None, None, None])  # a row of empty cells
    ws.append(["   "])  # only spaces: blank too
    ws["B7"] = "王五"
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    assert read(out) == [
        (1, ["阳光社区居民花名册", None, None]),
        (3, ["姓名", None, "小区"]),
        (7, [None, "王五", None]),
    ]


def test_a_list_that_starts_further_right_and_down_keeps_its_columns():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C4"], ws["D4"], ws["D5"] = "姓名", "小区", "阳光小区"
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    assert read(out) == [(4, [None, None, "姓名", "小区"]), (5, [None, None, None, "阳光小区"])]


def test_the_first_sheet_is_read_whichever_sheet_was_active():
    assert read(workbook([["姓名"], ["张三"]], other_sheet_first=True)) == [(1, ["姓名"]), (2, ["张三"])]


def test_cells_without_references_take_the_next_column_and_row():
    sheet = sheet_xlsx(
        '<row><c t="inlineStr"><is><t>姓名</t></is></c><c><v>7</v></c></row><row><c><v>2</v></c></row>'
    )
    assert read(io.BytesIO(sheet)) == [(1, ["姓名", "7"]), (2, ["2", None])]


def test_an_empty_workbook_has_no_rows():
    assert read(workbook([])) == []


@pytest.mark.parametrize(
    "data",
    [b"not a zip", sheet_xlsx("<row><c>").replace(b"sheet1.xml", b"sheetX.xml")],
    ids=["not a zip", "no worksheet"],
)
def test_a_broken_workbook_is_refused_with_a_clear_message(data):
    with pytest.raises(DomainError) as err:
        read(io.BytesIO(data))
    assert err.value.code == "import_format"
