"""Seeding the 3,000,000-resident demo city (seed_demo --scale city) on PostgreSQL: wall time, peak memory.

    DATABASE_URL=postgres://... python bench/bench_seed.py --out bench/out/seed.json [--scale demo]
        [--passage-days 14]

Runs `manage.py migrate` and `manage.py seed_demo --scale city --reset --passage-days 14` as a child
process and measures its wall time and the peak memory of the command and its generator processes (RSS
summed over the process tree, sampled every 0.2 s; the PostgreSQL server is not counted). The gate log
(about 14 million passages for 14 days) is reported on its own as `seed_passages_s`: generating and
COPYing passes and passages, rebuilding their indexes and vacuuming them (the command's own phase
times). The load average before and after is recorded in the note because a busy machine slows the
figure down.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent


def _memory_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        found = re.search(r"^Pss:\s+(\d+)", text, re.M)
    except OSError:
        try:
            found = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
        except OSError:
            return 0
    return int(found.group(1)) if found else 0


def tree_rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants (from /proc): PSS, so that pages the forked
    generator processes share with their parent are counted once; RSS where PSS is not readable."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _memory_kb(p)
        todo.extend(children.get(p, []))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--scale", default="city", choices=["tiny", "demo", "city"])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep-indexes", action="store_true")
    parser.add_argument("--passage-days", type=int, default=14, help="Days of gate records (0: none).")
    args = parser.parse_args()
    require_database_url("seed")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )

    cmd = [sys.executable, "manage.py", "seed_demo", "--scale", args.scale, "--reset"]
    if args.workers is not None:
        cmd += ["--workers", str(args.workers)]
    if args.keep_indexes:
        cmd.append("--keep-indexes")
    cmd += ["--passage-days", str(args.passage_days)]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = []
    assert proc.stdout is not None
    for line in proc.stdout:
        output.append(line)
        print(line, end="", flush=True)
    rc = proc.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if rc != 0:
        raise SystemExit(f"seed_demo failed with exit status {rc}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    largest_kb = usage.ru_maxrss
    cpu_s = usage.ru_utime + usage.ru_stime  # migrate + seed_demo + its workers; not PostgreSQL
    phases = next((line.strip() for line in output if line.startswith("Time:")), "")
    seconds_of = {k: float(v) for k, v in re.findall(r"(\w+) ([\d.]+) s", phases)}
    counts = next((line for line in output if line.startswith("Seeded scale")), "")

    def count_of(table: str) -> int:
        found = re.search(rf"\b{table} ([\d,]+)", counts)
        return int(found[1].replace(",", "")) if found else 0

    passages = count_of("passage")
    passage_s = sum(seconds_of.get(k, 0.0) for k in ("passages", "passage_indexes", "passage_vacuum"))
    name = f"seed_{args.scale}"
    note = (
        f"manage.py seed_demo --scale {args.scale} on PostgreSQL (COPY, {args.workers or 'default'} workers"
        f"{', indexes kept' if args.keep_indexes else ', indexes rebuilt after the load'}, "
        f"--passage-days {args.passage_days}); {phases}; client CPU {cpu_s:.0f} s (PostgreSQL not counted); "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    metrics = {
        f"{name}_s": {"value": round(seconds, 1), "unit": "s", "note": note, "goal": "< 600 on 2 cores"},
        "seed_passages_s": {
            "value": round(passage_s, 1),
            "unit": "s",
            "note": (
                f"{passages:,} passages ({args.passage_days} days) and "
                f"{count_of('pass'):,} passes: generated by the workers, COPY, index rebuild "
                f"{seconds_of.get('passage_indexes', 0):.0f} s, VACUUM ANALYZE "
                f"{seconds_of.get('passage_vacuum', 0):.0f} s (part of {name}_s); "
                f"{passages / passage_s if passage_s else 0:,.0f} passages/s"
            ),
            "goal": "< 600 extra on 2 cores",
        },
        f"{name}_peak_rss_mb": {
            "value": round(max(peak[0], largest_kb) / 1024, 1),
            "unit": "MB",
            "note": (
                f"peak memory (PSS) summed over seed_demo and its generator processes (largest single "
                f"process RSS {largest_kb / 1024:.0f} MB); PostgreSQL not counted"
            ),
        },
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
