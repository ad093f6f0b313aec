"""Resident import of a 100,000-row xlsx (measure, parse, validate, commit) against calamine's bare read.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_import.py --rows 100000 --out FILE.json

Writes {metric: {"value", "unit", "note"}} to --out. Uses the PostgreSQL database of DATABASE_URL
(bench/run.py gives each benchmark a fresh one). The file is made with openpyxl (write-only, so strings
are inline as in WPS/openpyxl files), one title row above the header, three people per household, 200
households per building. The baseline is python-calamine reading the same file's first sheet row by row
(the reader the import uses, without the measuring, checking and writing around it). Both timings come
from the same run on the same file, so the ratio holds on a busy machine too.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅海林波辉鹏飞宇浩然欣怡子涵雨轩"


def make_file(path: Path, rows: int, compound: str) -> None:
    import openpyxl

    from lianfang.core.idnumbers import synthesize

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("居民花名册")
    ws.append(["阳光社区居民花名册（2020年2月）"])
    ws.append(
        [
            "序号",
            "姓名",
            "性别",
            "身份证号码",
            "联系电话",
            "小区",
            "楼栋",
            "单元",
            "门牌号",
            "与户主关系",
            "人员类别",
            "备注",
        ]
    )
    relations = ["户主", "配偶", "子女"]
    base = datetime.date(1940, 1, 1)
    for i in range(rows):
        sex = "M" if i % 2 else "F"
        birth = base + datetime.timedelta(days=(i // 500) * 97 % 25000)
        number = synthesize("340403", birth, i % 500, sex)
        name = (
            SURNAMES[i % len(SURNAMES)]
            + GIVEN[(i * 7) % len(GIVEN)]
            + (GIVEN[(i * 13) % len(GIVEN)] if i % 3 else "")
        )
        household = i // 3
        ws.append(
            [
                i + 1, name, "男" if sex == "M" else "女", number, f"139{i:08d}", compound,
                household // 200 + 1, household // 50 % 4 + 1, 101 + household % 50,
                relations[i % 3], "独居老人" if i % 97 == 0 else None, None,
            ]
        )  # fmt: skip
    wb.save(path)


def _server_cpu_reader(connection: Any) -> Callable[[], float | None]:
    """A function giving the CPU seconds used so far by this connection's PostgreSQL backend (None when the
    server does not run on this machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")

    def read() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    require_database_url("import")
    temp = Path(tempfile.mkdtemp(prefix="lianfang-bench-import."))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    os.environ.setdefault("LIANFANG_IMPORT_MAX_ROWS", str(max(args.rows + 10, 200_000)))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from lianfang.people.importer import run_import
    from lianfang.people.models import Resident
    from lianfang.places.models import Area, AreaLevel, Compound

    try:
        call_command("migrate", verbosity=0, interactive=False)
        code = f"9{int(time.time()) % 10**11:011d}"
        community = Area.objects.create(
            code=code, name="压测社区", level=AreaLevel.COMMUNITY, path=f"{code}."
        )
        compound = Compound.objects.create(community=community, name="阳光小区", path=community.path)
        before = Resident.objects.count()
        xlsx = temp / "residents.xlsx"
        t = time.perf_counter()
        make_file(xlsx, args.rows, compound.name)
        print(
            f"made {args.rows} rows in {time.perf_counter() - t:.1f} s ({xlsx.stat().st_size / 1e6:.1f} MB)"
        )

        t, cpu = time.perf_counter(), time.process_time()
        with CalamineWorkbook.from_path(xlsx) as book:
            parsed = sum(1 for _row in book.get_sheet_by_index(0).iter_rows())
        reader_s, reader_cpu = time.perf_counter() - t, time.process_time() - cpu
        print(f"calamine read: {parsed} rows in {reader_s:.2f} s")

        server_cpu = _server_cpu_reader(connection)
        server0 = server_cpu()
        t, cpu = time.perf_counter(), time.process_time()
        with xlsx.open("rb") as f:
            report = run_import(fileobj=f, filename=xlsx.name, community=community, commit="all")
        import_s, import_cpu = time.perf_counter() - t, time.process_time() - cpu
        server_s = server_cpu() - server0 if server0 is not None else None
        written = Resident.objects.count() - before
        print(
            f"import: {report['rows']} rows, {len(report['errors'])} errors,"
            f" {written} written in {import_s:.2f} s"
        )
        if report["errors"] or written != args.rows:
            raise SystemExit(f"import went wrong: {report['errors'][:5]}")
    finally:
        shutil.rmtree(temp, ignore_errors=True)

    metrics = {
        "import_rows_per_s": {
            "value": round(args.rows / import_s),
            "unit": "rows/s",
            "note": f"{args.rows} rows: measure, parse, validate, commit (all-or-nothing); {import_s:.1f} s",
            "goal": ">= 5000",
        },
        "import_vs_reader_ratio": {
            "value": round(import_s / reader_s, 2),
            "unit": "x",
            "note": f"full import / calamine's bare read of the same file ({reader_s:.2f} s), same run",
            "goal": "<= 3",
        },
        "import_cpu_rows_per_s": {
            "value": round(args.rows / import_cpu),
            "unit": "rows/s",
            "note": f"same import per CPU second of this process ({import_cpu:.1f} s; wall {import_s:.0f} s)"
            + " — excludes the PostgreSQL server's CPU"
            + (f" (its backend used {server_s:.1f} s CPU)" if server_s is not None else "")
            + f"; calamine's read took {reader_cpu:.2f} s CPU",
        },
    }
    args.out.write_text(json.dumps(metrics, indent=2, ensure_ascii=False))
    print(json.dumps(metrics, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
