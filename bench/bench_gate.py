"""Gate scans through the device API under load (gunicorn, PostgreSQL, wrk on loopback) vs a bare endpoint.

    DATABASE_URL=postgres://... python bench/bench_gate.py --out gate.json [--passes 20000] [--seconds 15]

Builds its own compounds, households and one household pass each (20,000 by default) and a device token
per gate, starts gunicorn (2 worker processes of 4 threads, "gthread": HTTP keep-alive, as gate devices keep
their connection; persistent database connections) on 127.0.0.1, then runs wrk:
GET /api/v1/ping (a bare JSON endpoint of the same server, same middleware) and POST /api/v1/gate/scans
(single scans, and batches of 50) at 16 and 64 connections. Every scan body has a fresh client_id; half
go out, half come in, so quota refusals are part of the mix as at a real gate. Each run also records the CPU
that gunicorn and the PostgreSQL backends spent per request (gate_scan_server_cpu_ms): on a shared machine
requests/s move with the neighbours' load, CPU per request much less.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("LIANFANG_BENCH_PORT", 8765))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    import django

    django.setup()


def build_world(n_passes: int, n_gates: int) -> tuple[list[str], list[str]]:
    """Areas, compounds with one open gate each, households with a household pass each; returns
    (device tokens, QR texts)."""
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from lianfang.access.models import Pass, PassKind
    from lianfang.access.services import create_gate_device
    from lianfang.places.models import Area, AreaLevel, Building, Compound, Gate, Household, Unit

    call_command("migrate", verbosity=0)
    city = Area.objects.create(code="349900", name="基准市", level=AreaLevel.CITY, path="349900.")
    district = Area.objects.create(
        code="349901", name="基准区", level=AreaLevel.DISTRICT, parent=city, path="349900.349901."
    )
    street = Area.objects.create(
        code="349901001000",
        name="基准街道",
        level=AreaLevel.STREET,
        parent=district,
        path=district.path + "349901001000.",
    )
    community = Area.objects.create(
        code="349901001001",
        name="基准社区",
        level=AreaLevel.COMMUNITY,
        parent=street,
        path=street.path + "349901001001.",
    )
    per = n_passes // n_gates
    tokens, qrs = [], []
    today = timezone.localdate()
    for c in range(n_gates):
        compound = Compound.objects.create(community=community, name=f"基准小区{c + 1}", path=community.path)
        gate = Gate.objects.create(compound=compound, name="东门", is_open=True, path=community.path)
        _device, raw = create_gate_device(gate=gate, name="bench")
        tokens.append(raw)
        buildings = Building.objects.bulk_create(
            [
                Building(compound=compound, number=str(b + 1), path=community.path)
                for b in range(per // 100 + 1)
            ]
        )
        units = Unit.objects.bulk_create(
            [Unit(building=b, number="1", path=community.path) for b in buildings]
        )
        households = Household.objects.bulk_create(
            [
                Household(
                    unit=units[i // 100],
                    room=str(100 + i % 100),
                    compound=compound,
                    path=community.path,
                    label=f"{i // 100 + 1}栋1单元{100 + i % 100}",
                )
                for i in range(per)
            ],
            batch_size=2000,
        )
        passes = Pass.objects.bulk_create(
            [
                Pass(
                    kind=PassKind.HOUSEHOLD,
                    household=h,
                    compound=compound,
                    path=community.path,
                    number=f"{c:02d}{i:06d}".translate(str.maketrans("01", "XY")),
                    valid_from=today,
                    valid_to=today + datetime.timedelta(days=30),
                )
                for i, h in enumerate(households)
            ],
            batch_size=2000,
        )
        qrs.append([p.qr_text for p in passes])
    return tokens, qrs


LUA_HEADER = r"""
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
local function uuid()
  local t = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(t, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end
local function scan(q)
  local dir = (math.random() < 0.5) and "out" or "in"
  return string.format('{"client_id":"%s","token":"%s","direction":"%s","temperature":36.%d}',
    uuid(), q, dir, math.random(0, 9))
end
"""


def write_lua(path: Path, token: str, qrs: list[str], batch: int) -> None:
    body = "local qrs = {" + ",".join(f'"{q}"' for q in qrs) + "}\n"
    if batch == 1:
        make = "scan(qrs[math.random(#qrs)])"
    else:
        make = (
            f"(function() local t = {{}} for i = 1, {batch} do t[i] = scan(qrs[math.random(#qrs)]) end "
            "return '[' .. table.concat(t, ',') .. ']' end)()"
        )
    path.write_text(
        LUA_HEADER
        + body
        + 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        + f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        + f"request = function() return wrk.format(nil, nil, nil, {make}) end\n",
        encoding="utf-8",
    )


def parse_wrk(text: str) -> dict[str, float]:
    def ms(s: str) -> float:
        m = re.match(r"([\d.]+)(us|ms|s)", s)
        if not m:
            return float("nan")
        v = float(m[1])
        return v / 1000 if m[2] == "us" else v * 1000 if m[2] == "s" else v

    out: dict[str, float] = {}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(rps[1]) if rps else 0.0
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M)
        out[f"p{pct}"] = ms(m[1]) if m else float("nan")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non2xx"] = float(errors[1]) if errors else 0.0
    sock = re.search(r"Socket errors:.*", text)
    out["socket_errors"] = 1.0 if sock else 0.0
    return out


CLK_TCK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone or unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def server_pids(root: int) -> tuple[list[int], list[int]]:
    """(gunicorn's arbiter and workers, the PostgreSQL backends of this database) (loopback only)."""
    app = [root]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == root:
                app.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        db = [row[0] for row in cursor.fetchall()]
    connection.close()
    return app, db


def wrk(url: str, conns: int, seconds: int, script: Path | None = None, server: int = 0) -> dict[str, float]:
    """One wrk run. With server (gunicorn's pid): also the CPU the server side spent per request (gunicorn
    and PostgreSQL), which does not depend on what else runs on the machine the way requests/s do."""
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", str(script)]
    before = [{pid: _cpu_of(pid) for pid in group} for group in server_pids(server)] if server else []
    text = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    print(f"$ {' '.join(cmd)} {url}\n{text}", file=sys.stderr)
    out = parse_wrk(text)
    if server:
        done = int(m[1]) if (m := re.search(r"(\d+) requests in", text)) else 0
        spent = []
        for group, was in zip(server_pids(server), before, strict=True):
            spent.append(sum(_cpu_of(pid) - was.get(pid, 0.0) for pid in group))
        for key, cpu in (("server", sum(spent)), ("app", spent[0]), ("db", spent[1])):
            out[f"{key}_cpu_ms"] = round(cpu * 1000 / done, 3) if done else float("nan")
    return out


def wait_up(url: str, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer at {url}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--passes", type=int, default=20_000)
    ap.add_argument("--gates", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=15)
    # One process per core, a few threads each (docs/operations.md): on this 2-core machine 2 x 4 gthread
    # did at least as well as 3 sync workers, which close the connection after every request.
    ap.add_argument("--workers", type=int, default=int(os.environ.get("LIANFANG_BENCH_WORKERS", 2)))
    ap.add_argument("--worker-class", default=os.environ.get("LIANFANG_BENCH_WORKER_CLASS", "gthread"))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("LIANFANG_BENCH_THREADS", 4)))
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (make bench installs it)")
    require_database_url("gate")
    setup_django()
    from django.db import connection

    tokens, qrs = build_world(args.passes, args.gates)
    connection.close()

    tmp = Path(tempfile.mkdtemp(prefix="lianfang-bench-gate."))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lianfang.settings",
        "DB_CONN_MAX_AGE": "600",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lianfang.wsgi:application",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
            "--access-logfile",
            "-" if os.environ.get("LIANFANG_BENCH_ACCESS_LOG") else "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{PORT}"
    results: dict[str, dict[str, float]] = {}
    try:
        wait_up(base + "/api/v1/ping")
        single = tmp / "single.lua"
        batch = tmp / "batch.lua"
        write_lua(single, tokens[0], qrs[0], 1)
        write_lua(batch, tokens[1], qrs[1], 50)
        # Warm every worker (device and policy caches, connections).
        wrk(base + "/api/v1/gate/scans", 8, 3, single)
        for conns in (16, 64):
            results[f"bare_{conns}"] = wrk(base + "/api/v1/ping", conns, args.seconds, server=server.pid)
            # A fresh gate for each run, so the quota mix is the same.
            write_lua(single, tokens[2 + conns % 7], qrs[2 + conns % 7], 1)
            results[f"scan_{conns}"] = wrk(
                base + "/api/v1/gate/scans", conns, args.seconds, single, server=server.pid
            )
            write_lua(batch, tokens[10 + conns % 7], qrs[10 + conns % 7], 50)
            results[f"batch_{conns}"] = wrk(
                base + "/api/v1/gate/scans", conns, args.seconds, batch, server=server.pid
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)

    setup_django()
    from lianfang.access.models import Passage

    stored = Passage.objects.count()
    for k, v in results.items():
        print(k, json.dumps(v), file=sys.stderr)
    s64, bare64, b64 = results["scan_64"], results["bare_64"], results["batch_64"]
    s16 = results["scan_16"]
    note_common = (
        f"gunicorn {args.workers} {args.worker_class} workers x {args.threads} threads, wrk -t2, "
        f"{args.seconds}s per run, {args.passes} passes"
    )
    metrics = {
        "gate_scans_per_s": {
            "value": round(s64["rps"], 1),
            "unit": "scans/s",
            "note": f"single scans at 64 connections; at 16: {s16['rps']:.0f}/s; batches of 50 at 64: "
            f"{b64['rps'] * 50:.0f} scans/s ({b64['rps']:.0f} req/s, p99 {b64['p99']:.0f} ms); {note_common}",
            "goal": ">= 1000",
        },
        "gate_scan_vs_bare_ratio": {
            "value": round(s64["rps"] / bare64["rps"], 3) if bare64["rps"] else 0,
            "unit": "ratio",
            "note": f"single scans / bare /api/v1/ping at 64 connections ({bare64['rps']:.0f} req/s bare); "
            f"at 16: {s16['rps'] / results['bare_16']['rps']:.3f}",
            "goal": ">= 0.5",
        },
        "gate_scan_p99_ms": {
            "value": round(s64["p99"], 1),
            "unit": "ms",
            "note": f"single scans at 64 connections (p50 {s64['p50']:.1f} ms); bare endpoint at 64: p50 "
            f"{bare64['p50']:.1f} ms, p99 {bare64['p99']:.1f} ms; at 16: p50 {s16['p50']:.1f} ms, p99 "
            f"{s16['p99']:.1f} ms; closed loop, so mean latency = 64 / throughput (p99 < 50 ms at 64 "
            f"connections needs well over 1,280 scans/s); non-2xx: {int(s64['non2xx'] + s16['non2xx'])}; "
            f"passages stored: {stored}",
            "goal": "< 50",
        },
        "gate_batch50_scans_per_s": {
            "value": round(b64["rps"] * 50, 1),
            "unit": "scans/s",
            "note": f"batches of 50 at 64 connections, p99 {b64['p99']:.0f} ms per batch; at 16: "
            f"{results['batch_16']['rps'] * 50:.0f} scans/s",
        },
        "gate_scan_server_cpu_ms": {
            "value": s64["server_cpu_ms"],
            "unit": "ms",
            "note": f"CPU spent by gunicorn and PostgreSQL per single scan at 64 connections; bare endpoint: "
            f"{bare64['server_cpu_ms']} ms per request; per scan in batches of 50: "
            f"{b64['server_cpu_ms'] / 50:.3f} ms. Split per single scan: gunicorn {s64['app_cpu_ms']} ms "
            f"(bare request {bare64['app_cpu_ms']} ms), PostgreSQL backends {s64['db_cpu_ms']} ms. "
            f"Unlike requests/s, this does not depend on what else "
            f"runs on the machine; bare / scan CPU ({bare64['server_cpu_ms'] / s64['server_cpu_ms']:.2f}) "
            f"is the ratio a CPU-bound quiet machine would show, before wrk's own share",
        },
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(metrics, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
