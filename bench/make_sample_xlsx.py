"""Write docs/samples/residents-sample.xlsx: a small, realistically messy resident list for the demo import.

    .venv/bin/python bench/make_sample_xlsx.py [--out PATH] [--compound NAME]

Like the files communities keep: a merged title row, Chinese headers with synonyms, full-width digits,
a lowercase x, stray spaces, numbers stored as numbers — and a few bad rows (bad check digit,
impossible birth date, a duplicate, a missing name, a bad phone, an unknown compound) so the
preview has something to show. The compound defaults to 恒大新村西区, the compound of the demo's
community staff (友谊社区); pass --compound to match yours.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from stdnum.cn import ric

ROOT = Path(__file__).resolve().parent.parent


def synthesize(region: str, birth: datetime.date, sequence: int, sex: str) -> str:
    """Same rule as lianfang.core.idnumbers.synthesize (kept here so the script needs no Django)."""
    seq = sequence % 500 * 2 + (1 if sex == "M" else 0)
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "samples" / "residents-sample.xlsx")
    parser.add_argument("--compound", default="恒大新村西区")  # the demo staff's compound (友谊社区)
    args = parser.parse_args()
    c = args.compound
    header = ["序号", "姓名", "性别", "公民身份号码", "手机号码", "所在小区", "楼号", "单元", "房号"]
    header += ["与户主关系", "出生日期", "人员类别", "备注"]

    def pid(y: int, m: int, d: int, seq: int, sex: str) -> str:
        return synthesize("340403", datetime.date(y, m, d), seq, sex)

    x_id = next(n for s in range(500) if (n := pid(1975, 3, 8, s, "M")).endswith("X"))
    bad_check = pid(1970, 1, 1, 41, "M")[:17] + "0"
    bad_birth = "34040319900230001" + ric.calc_check_digit("34040319900230001" + "0")
    zw = pid(1990, 1, 25, 403, "M")
    people = [
        ["张建国", "男", pid(1962, 3, 14, 401, "M"), "13955410001", c, 12, 1, 101, "户主", "", "慢性病", ""],
        ["李秀英", "女", pid(1964, 8, 2, 402, "F"), "139 5541 0002", c, 12, 1, 101, "配偶", "", "", ""],
        [
            "张 伟",
            "男",
            full_width(zw),
            13955410003,
            c,
            "12栋",
            "1单元",
            "101室",
            "儿子",
            "",
            "",
            " 在外务工 ",
        ],
        ["张小雨", "女", "", "", c, 12, 1, 101, "孙女", "2019-06-01", "婴幼儿", "未办身份证"],
        [
            "王桂兰",
            "女",
            pid(1938, 11, 9, 404, "F"),
            "0554-6661234",
            c,
            12,
            2,
            202,
            "本人",
            "",
            "独居老人",
            "",
        ],
        ["刘强", "男", x_id.lower(), "13955410006", f" {c} ", "１２", 2, 301, "户主", "", "", ""],
        ["陈芳", "女", pid(1995, 5, 20, 405, "F"), "13955410007", c, 15, 1, 102, "租户", "", "孕妇", ""],
        ["赵磊", "男", bad_check, "13955410008", c, 15, 1, 201, "户主", "", "", "校验位错"],
        ["孙敏", "女", bad_birth, "13955410009", c, 15, 1, 202, "户主", "", "", "出生日期不存在"],
        ["周杰", "男", zw, "13955410010", c, 15, 2, 301, "户主", "", "", "与第5行重复"],
        ["", "女", "", "13955410011", c, 15, 2, 302, "户主", "", "", "缺姓名"],
        ["吴涛", "男", "", "1395541", c, 15, 2, 303, "户主", "", "", "电话不全"],
        ["郑丽", "女", "", "", "幸福家园", 1, 1, 101, "户主", "", "", "本社区无此小区"],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "居民花名册"
    ws.append(["××社区居民信息登记表（2020年2月）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(header)
    for i, row in enumerate(people, start=1):
        ws.append([i, *row])
    for col, width in zip("ABCDEFGHIJKLM", [6, 10, 6, 22, 16, 12, 8, 8, 8, 12, 12, 12, 16], strict=True):
        ws.column_dimensions[col].width = width
    args.out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(args.out)
    print(f"wrote {args.out} ({len(people)} rows)", file=sys.stderr)


if __name__ == "__main__":
    main()
