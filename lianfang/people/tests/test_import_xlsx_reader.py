"""Our xlsx reader: the common cell shapes are read by a regular expression, anything else by the XML
parser, and both give the same rows (shared and inline strings, numbers, formulas, booleans, gaps)."""

import io
import zipfile

import pytest

from lianfang.core.errors import DomainError
from lianfang.people.sheets import read_rows

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
STRINGS = ["姓名", "张三", "阳光小区"]
COMMON_ROWS = (
    '<row r="1" spans="1:4"><c r="A1" s="1" t="s"><v>0</v></c>'
    '<c r="C1" t="inlineStr"><is><t>小区</t></is></c>'
    '<c r="D1" s="2"/></row>'
    '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>12.5</v></c>'
    '<c r="C3" s="3" t="inlineStr"><is><t xml:space="preserve"> 阳光 小区 </t></is></c>'
    '<c r="D3" t="b"><v>1</v></c><c r="E3"><f>ROW()</f><v>3</v></c><c r="F3" t="str"><f>"x"&amp;"y"</f>'
    "<v>xy</v></c></row>\n"
    '<row r="4" customHeight="1"><c r="A4" s="2"/><c r="B4"><v></v></c></row>'
    '<row r="5"><c r="AA5" t="s"><v>2</v></c></row>'
)
EXPECTED = [
    (1, ["姓名", None, "小区"]),
    (3, ["张三", "12.5", " 阳光 小区 ", "TRUE", "3", "xy"]),
    (5, [None] * 26 + ["阳光小区"]),
]


def xlsx(rows_xml: str) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(
            "xl/sharedStrings.xml",
            f"<sst {NS}>" + "".join(f"<si><t>{s}</t></si>" for s in STRINGS) + "</sst>",
        )
        zf.writestr(
            "xl/worksheets/sheet1.xml", f"<worksheet {NS}><sheetData>{rows_xml}</sheetData></worksheet>"
        )
    out.seek(0)
    return out


def read(rows_xml: str) -> list:
    return list(read_rows(xlsx(rows_xml), "f.xlsx"))


def test_the_common_cell_shapes_are_read():
    # The formula text "x"&"y" holds a character reference, so this block goes to the XML parser...
    assert read(COMMON_ROWS) == EXPECTED
    # ...and without it to the regular expression: the same rows.
    plain = COMMON_ROWS.replace('<f>"x"&amp;"y"</f>', "<f>CONCAT(1)</f>")
    assert "&" not in plain
    assert read(plain) == EXPECTED


def test_rich_text_and_other_shapes_go_to_the_xml_parser_with_the_same_result():
    rich = (
        '<row r="6"><c r="A6" t="inlineStr"><is><r><rPr><b/></rPr><t>李</t></r>'
        "<r><t>四</t></r></is></c></row>"
    )
    assert read(COMMON_ROWS.replace("&amp;", "") + rich) == [*EXPECTED, (6, ["李四"])]


def test_escaped_text_is_unescaped():
    assert read('<row r="2"><c r="A2" t="inlineStr"><is><t>A&amp;B &lt;1&gt;</t></is></c></row>') == [
        (2, ["A&B <1>"])
    ]


def test_rows_and_cells_without_references_are_numbered_in_order():
    rows = '<row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row><row><c><v>2</v></c></row>'
    assert read(rows) == [(1, ["a", "1"]), (2, ["2"])]


@pytest.mark.parametrize("cell", ['<c r="A1" t="s"><v>9</v></c>', '<c r="A1" t="s"><v>x</v></c>'])
def test_a_shared_string_that_does_not_exist_is_a_bad_file(cell):
    with pytest.raises(DomainError) as err:
        read(f'<row r="1">{cell}</row>')
    assert err.value.code == "import_format"
