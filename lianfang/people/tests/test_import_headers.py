"""Headers: Chinese titles in any order, synonyms, a merged title row above; missing columns stop the file."""

import io

from lianfang.people.importer import run_import
from lianfang.people.tests.import_files import GOOD_1, xlsx_bytes


def _run(world, header, rows, title="2020年居民信息登记表"):
    data = xlsx_bytes(rows, header=header, title=title)
    return run_import(fileobj=io.BytesIO(data), filename="x.xlsx", community=world.community_a)


def test_synonyms_in_any_order_below_a_title_row_are_recognised(world):
    header = ["房号", "所在小区", "居民姓名", "公民身份号码", "手机号码", "楼号", "单元号", "关系"]
    report = _run(world, header, [["102", "阳光小区", "赵六", GOOD_1, "13955400001", "3", "2", "本人"]])
    assert report == {"rows": 1, "valid": 1, "errors": [], "written": 0}


def test_a_header_with_stars_spaces_and_notes_in_brackets_is_recognised(world):
    header = ["*姓 名", "小区名称", "楼栋（必填）", "门牌号(必填)"]
    report = _run(world, header, [["赵六", "阳光小区", "3", "102"]], title=None)
    assert report["valid"] == 1


def test_a_missing_required_column_is_a_whole_file_error(world):
    header = ["姓名", "身份证号", "小区", "楼栋"]
    report = _run(world, header, [["赵六", GOOD_1, "阳光小区", "3"]])
    assert report["valid"] == 0
    assert report["errors"] == [
        {"row": 2, "column": "门牌号", "code": "column_missing", "message": report["errors"][0]["message"]}
    ]


def test_a_file_without_a_header_row_is_refused(world):
    report = _run(world, ["a", "b", "c"], [["赵六", "阳光小区", "3"]])
    assert [e["code"] for e in report["errors"]] == ["header_missing"]
    assert report["valid"] == 0
