"""Run Lianfang's benchmarks, merge their figures into bench/results.json, rewrite docs/benchmarks.md.

    python bench/run.py                 # every bench/bench_*.py
    python bench/run.py --only import   # one (or several: --only import,search)

`make bench` (and `make bench BENCH=import`) call this.

Contract with each benchmark `bench/bench_<name>.py`:
- it is run as `python bench/bench_<name>.py --out FILE.json` from the repository root, with
  `DATABASE_URL` pointing at a fresh, migrated PostgreSQL database of its own (`lf_bench_<name>`)
  on a throwaway server (bench/pg.sh: fsync and synchronous_commit on), never the checkout's private
  server (the demo's data); run alone without DATABASE_URL, a benchmark stops with one line saying so;
- it writes one JSON object to FILE.json: metric name -> {"value": number, "unit": "...", "note": "..."}
  (an optional "goal" string per metric is shown in docs/benchmarks.md and not kept in results.json);
- its module docstring's first line says what it measures (shown in docs/benchmarks.md).

bench/results.json keeps the latest figure of every metric, so running one benchmark updates its
metrics and leaves the others as they were.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
RESULTS = BENCH / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"
HAND_WRITTEN = "## Comparisons"  # this heading and what follows it in DOC are kept from run to run
# bench_pages' table of every page (bench/out/pages.md), shown under this heading; kept from the last doc
# when pages did not run this time.
PAGES_TABLE = "## Every page of the seeded city"
PG_SH = BENCH / "pg.sh"
PGBIN = Path(os.environ.get("LIANFANG_PGBIN", "/usr/lib/postgresql/15/bin"))
# The order in which the known benchmarks run (others found later run after them, by name).
KNOWN = [
    "import", "seed", "search", "contacts", "care", "stats", "ears", "dashboard", "pages", "lockdown", "gate",
    "supplies",
    "mobilize",
    "notices",
]  # fmt: skip
TIMEOUT = int(os.environ.get("LIANFANG_BENCH_TIMEOUT", 3600))


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def discover() -> list[str]:
    found = sorted(p.stem.removeprefix("bench_") for p in BENCH.glob("bench_*.py"))
    return [n for n in KNOWN if n in found] + [n for n in found if n not in KNOWN]


def describe(name: str) -> str:
    try:
        doc = ast.get_docstring(ast.parse((BENCH / f"bench_{name}.py").read_text(encoding="utf-8")))
    except (OSError, SyntaxError):
        return ""
    return (doc or "").strip().splitlines()[0] if doc else ""


# ------------------------------------------------------------------ PostgreSQL
class Postgres:
    """A throwaway server: bench/pg.sh when present, else one started here the same way."""

    def __init__(self) -> None:
        self.url = ""
        self.own_dir: Path | None = None
        self.version = ""
        self.reused = False

    def start(self) -> None:
        if PG_SH.exists():
            running = subprocess.run(["bash", str(PG_SH), "url"], capture_output=True, text=True, check=False)
            found = re.search(r"postgres(?:ql)?://\S+", running.stdout)
            if found and self._answers(found.group(0)):
                # Somebody's bench server is already up: use it, and leave it running afterwards.
                self.url, self.reused = found.group(0), True
                self.version = self.scalar("SHOW server_version")
                log(f"PostgreSQL {self.version} (already running) at {self.url.rsplit('@', 1)[-1]}")
                return
            out = subprocess.run(["bash", str(PG_SH), "start"], capture_output=True, text=True, check=False)
            if out.returncode != 0:
                raise RuntimeError(f"bench/pg.sh start failed:\n{out.stdout}{out.stderr}")
            match = re.search(r"postgres(?:ql)?://\S+", out.stdout)
            if not match:
                raise RuntimeError(f"bench/pg.sh start printed no DATABASE_URL:\n{out.stdout}")
            self.url = match.group(0)
        else:
            self._start_here()
        self.version = self.scalar("SHOW server_version")
        log(f"PostgreSQL {self.version} at {self.url.rsplit('@', 1)[-1]}")

    def _start_here(self) -> None:
        import tempfile

        port = int(os.environ.get("PG_PORT", 5434))
        self.own_dir = Path(tempfile.mkdtemp(prefix="lianfang-bench-pg."))
        root = os.geteuid() == 0
        if root:
            shutil.chown(self.own_dir, "postgres", "postgres")
        self.own_dir.chmod(0o700)
        data = self.own_dir / "data"
        self._as_pg([str(PGBIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"])
        self._as_pg(
            [
                str(PGBIN / "pg_ctl"), "-D", str(data), "-l", str(self.own_dir / "server.log"), "-w", "start",
                "-o", f"-k {self.own_dir} -p {port} -c listen_addresses=127.0.0.1 -c shared_buffers=1GB",
            ]
        )  # fmt: skip
        self._as_pg(
            [
                str(PGBIN / "psql"), "-h", str(self.own_dir), "-p", str(port), "-U", "postgres", "-q",
                "-c", "CREATE ROLE lianfang LOGIN PASSWORD 'lianfang' CREATEDB",
                "-c", "CREATE DATABASE lianfang OWNER lianfang",
            ]
        )  # fmt: skip
        self.url = f"postgres://lianfang:lianfang@127.0.0.1:{port}/lianfang"

    def _as_pg(self, cmd: list[str]) -> None:
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    def _connect(self, url: str | None = None) -> Any:
        import psycopg

        return psycopg.connect((url or self.url).replace("postgres://", "postgresql://", 1), autocommit=True)

    def _answers(self, url: str) -> bool:
        try:
            with self._connect(url):
                return True
        except Exception:
            return False

    def scalar(self, sql: str) -> str:
        with self._connect() as conn:
            row = conn.execute(sql).fetchone()
            return str(row[0]) if row else ""

    def fresh_database(self, name: str) -> str:
        db = f"lf_bench_{re.sub(r'[^a-z0-9_]', '_', name.lower())}"
        with self._connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}"')
        return self.url.rsplit("/", 1)[0] + "/" + db

    def stop(self) -> None:
        if self.reused:
            return
        if PG_SH.exists() and self.own_dir is None:
            subprocess.run(["bash", str(PG_SH), "stop"], check=False, stdout=subprocess.DEVNULL)
        elif self.own_dir is not None:
            data = self.own_dir / "data"
            try:
                self._as_pg([str(PGBIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"])
            finally:
                shutil.rmtree(self.own_dir, ignore_errors=True)


# ------------------------------------------------------------------ running
def run_one(name: str, db_url: str) -> tuple[dict[str, dict[str, Any]], str]:
    """Run one benchmark on the database of `db_url`; return its metrics and an error message ('' when
    fine)."""
    OUT.mkdir(parents=True, exist_ok=True)
    out_file = OUT / f"{name}.json"
    out_file.unlink(missing_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lianfang.settings", "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_DEBUG", None)
    # A throwaway database with DEBUG off: the development keys are allowed here (core/checks.py).
    env.setdefault("DJANGO_SILENCED_SYSTEM_CHECKS", "lianfang.E001,lianfang.E002")
    env["DATABASE_URL"] = db_url
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if migrate.returncode != 0:
        return {}, f"migrate failed:\n{migrate.stdout}{migrate.stderr}"
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, str(BENCH / f"bench_{name}.py"), "--out", str(out_file)],
            cwd=ROOT, env=env, timeout=TIMEOUT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {}, f"timed out after {TIMEOUT} s"
    log(f"{name}: finished in {time.monotonic() - started:.0f} s (exit {proc.returncode})")
    if proc.returncode != 0:
        return {}, f"exit status {proc.returncode}"
    try:
        data = json.loads(out_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {}, f"no valid JSON in {out_file.relative_to(ROOT)}: {exc}"
    problems = validate(data)
    return ({}, "; ".join(problems)) if problems else (data, "")


def validate(data: Any) -> list[str]:
    if not isinstance(data, dict) or not data:
        return ["the output is not a non-empty JSON object"]
    problems = []
    for metric, entry in data.items():
        if not isinstance(entry, dict):
            problems.append(f"{metric}: not an object")
            continue
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{metric}: value {value!r} is not a number")
        for key in ("unit", "note"):
            if not isinstance(entry.get(key), str):
                problems.append(f"{metric}: {key} missing or not a string")
    return problems


# ------------------------------------------------------------------ reporting
def machine(pg_version: str) -> dict[str, str]:
    cpu = ""
    mem = ""
    try:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
             if line.startswith("model name")),
            "",
        )  # fmt: skip
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError, ValueError):
        pass
    os_name = platform.platform()
    try:
        os_name = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text()).group(1)  # type: ignore[union-attr]
    except (OSError, AttributeError):
        pass
    return {
        "CPU": cpu or platform.processor() or "unknown",
        "Cores (nproc)": str(os.cpu_count()),
        "Memory": mem or "unknown",
        "OS": f"{os_name} (kernel {platform.release()})",
        "Python": platform.python_version(),
        "PostgreSQL": pg_version or "not started (no benchmark ran)",
    }


def fmt_value(value: float | int) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.1f}"


def write_doc(results: dict[str, dict[str, Any]], goals: dict[str, str], facts: dict[str, str],
              command: str, ran: list[str], failed: dict[str, str]) -> None:  # fmt: skip
    now = datetime.datetime.now().astimezone()
    lines = [
        "# Benchmarks",
        "",
        "Figures measured by `make bench` (`bench/run.py`); the same numbers, machine-readable, are in",
        "`bench/results.json`. Each benchmark ran against its own fresh PostgreSQL database on a throwaway",
        "server (`bench/pg.sh`, fsync and synchronous_commit on).",
        "",
        "| Metric | Value | Unit | Goal | Note |",
        "|---|---:|---|---|---|",
    ]
    for metric in sorted(results):
        entry = results[metric]
        note = str(entry.get("note", "")).replace("|", "\\|").replace("\n", " ")
        goal = goals.get(metric, "").replace("|", "\\|") or "—"
        lines.append(
            f"| `{metric}` | {fmt_value(entry['value'])} | {entry.get('unit', '')} | {goal} | {note} |"
        )
    if not results:
        lines.append("| (no figures yet) | | | | |")
    lines += ["", "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in facts.items()]
    lines += [
        "",
        "## How",
        "",
        f"- Command: `{command}`",
        f"- Date: {now:%Y-%m-%d %H:%M %Z}",
        f"- Benchmarks run this time: {', '.join(ran) or 'none'}",
    ]
    if failed:
        lines += [f"- FAILED this time (older figures kept): {', '.join(sorted(failed))}"]
    described = [(n, describe(n)) for n in discover()]
    if any(d for _n, d in described):
        lines += ["", "## What each benchmark measures", ""]
        lines += [f"- `bench/bench_{n}.py`: {d}" for n, d in described if d]
    lines += [
        "",
        "Run one benchmark: `make bench BENCH=import`. Figures from another machine are not comparable.",
        "",
    ]
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    pages = pages_table(old, "pages" in ran and "pages" not in failed)
    if pages:
        lines += [PAGES_TABLE, "", pages, ""]
    # What people wrote below HAND_WRITTEN (comparisons, before/after tables) stays as it was.
    if HAND_WRITTEN in old:
        lines += [HAND_WRITTEN + old.split(HAND_WRITTEN, 1)[1].rstrip("\n"), ""]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("\n".join(lines), encoding="utf-8")


def pages_table(old_doc: str, fresh: bool) -> str:
    """The table of every page: bench_pages' of this run when it ran, else the one of the last doc."""
    table = OUT / "pages.md"
    if fresh and table.exists():
        return table.read_text(encoding="utf-8").strip()
    if PAGES_TABLE not in old_doc:
        return ""
    kept = old_doc.split(PAGES_TABLE, 1)[1]
    return re.split(r"^## ", kept, maxsplit=1, flags=re.M)[0].strip()


def previous_goals() -> dict[str, str]:
    """Goals come with a benchmark's output; keep those of metrics not measured this time from the doc."""
    try:
        text = DOC.read_text(encoding="utf-8")
    except OSError:
        return {}
    return goals_of(text)


def goals_of(text: str) -> dict[str, str]:
    """The Goal column of the doc's first table, the figures (later tables, the comparisons, have other
    columns: a figure there is not a goal)."""
    table = text.split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \|[^|]*\|[^|]*\| ((?:[^|\\]|\\\|)*?) \|", table, flags=re.M)
    return {m: g.replace("\\|", "|") for m, g in rows if g != "—"}


def load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated benchmark names (bench_<name>.py)")
    args = parser.parse_args(argv)

    available = discover()
    names = [n.strip() for n in args.only.split(",") if n.strip()] or available
    unknown = [n for n in names if n not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available) or 'none'}")
        return 2
    if not names:
        log("no bench/bench_*.py yet: nothing to run")

    pg = Postgres()
    results: dict[str, dict[str, Any]] = load_json(RESULTS)
    goals = previous_goals()
    failed: dict[str, str] = {}
    try:
        if names:
            pg.start()
        for name in names:
            log(f"{name}: running bench/bench_{name}.py")
            data, error = run_one(name, pg.fresh_database(name))
            if error:
                failed[name] = error
                log(f"{name}: FAILED: {error}")
                continue
            for metric, entry in data.items():
                if entry.get("goal"):
                    goals[metric] = str(entry["goal"])
                results[metric] = {"value": entry["value"], "unit": entry["unit"], "note": entry["note"]}
                log(f"  {metric} = {fmt_value(entry['value'])} {entry['unit']}")
    finally:
        if names:
            pg.stop()

    RESULTS.write_text(
        json.dumps(dict(sorted(results.items())), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    command = "make bench" + (f" BENCH={args.only}" if args.only else "")
    write_doc(results, goals, machine(pg.version), command, names, failed)
    log(f"wrote {RESULTS.relative_to(ROOT)} ({len(results)} metrics) and {DOC.relative_to(ROOT)}")
    if failed:
        log(f"failed: {', '.join(sorted(failed))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
