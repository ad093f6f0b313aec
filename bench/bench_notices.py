"""Notices on the seeded city: publishing to every household, a grid's board, the outbox to an SMS gateway.

    DATABASE_URL=postgres://.../lf_bench_notices python bench/bench_notices.py --out out.json

DATABASE_URL is a database of the benchmark's own (migrated here); the seeded city is read, never written,
from the sibling database `lf_bench_seed`.

1. The seeded city's places are copied into DATABASE_URL with their ids and paths (COPY from one server
   connection to the other): areas, grids, compounds, buildings, units and every household (1.14 million).
2. `notice_publish_city_s`: a letter to every household of the city, written by one command account and
   approved by another, is published by `notices.services.publish_notice` (one transaction: the recipients
   frozen by INSERT ... SELECT, with the table's indexes and unique constraints in place); wall time.
3. `notice_board_p95_ms`: a tenth of the city's households acknowledge; a grid worker of a grid of median
   size requests the board of that notice for their grid over HTTP (gunicorn, 1 sync worker, the full
   middleware stack, a real session cookie), `--requests` sequential requests after warm-up; p95.
4. `outbox_msgs_per_s`: `--messages` SMS rows to distinct numbers are sent by `notices.outbox.send_due` to a
   local SMS gateway (bench-free `http.server` in a process of its own, answering like a provider) until none
   is due; messages sent per second, each written back as sent.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
from pathlib import Path
from typing import Any

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)
from httpget import get, p95, wait_up  # bench/httpget.py
from seeded import (  # bench/seeded.py
    SEED_DATABASE,
    copy_tables,
    own_database_beside_seed,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("LIANFANG_BENCH_NOTICES_PORT", 8771))
PLACES = {  # table -> columns copied (in the order of the foreign keys)
    "places_area": "id, code, name, level, parent_id, path",
    "places_grid": "id, community_id, code, name, path",
    "places_compound": "id, community_id, name, address, path",
    "places_building": "id, compound_id, number, grid_id, path",
    "places_unit": "id, building_id, number, path",
    "places_household": "id, unit_id, room, compound_id, grid_id, label, created_at, path, exits_held_until",
}
WRITTEN = [
    "notices_printedslip", "notices_outboxmessage", "notices_reminder", "notices_recipient", "notices_notice",
    "notices_channelpolicy", *reversed(PLACES),
]  # fmt: skip
USERS = ("bench_notices_office", "bench_notices_commander", "bench_notices_grid")


def log(msg: str) -> None:
    print(f"[notices {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    import django

    django.setup()


def copy_places(source: str) -> dict[str, int]:
    from django.db import connection

    from lianfang.accounts.models import User

    User.objects.filter(username__in=USERS).delete()
    with connection.cursor() as dst:
        dst.execute(f"TRUNCATE {', '.join(WRITTEN)} CASCADE")
        return copy_tables(source, dst, PLACES)


def accounts() -> tuple[Any, Any, Any, Any]:
    from django.db.models import Count

    from lianfang.accounts.models import User
    from lianfang.core.roles import Role
    from lianfang.places.models import Area, Grid

    city = Area.objects.get(level="city")
    office = User.objects.create(username=USERS[0], role=Role.COMMAND, area=city, name="市指挥部办公室")
    commander = User.objects.create(username=USERS[1], role=Role.COMMAND, area=city, name="市指挥部")
    sizes = list(Grid.objects.annotate(n=Count("households")).order_by("n", "id").values_list("id", "n"))
    grid_id, size = sizes[len(sizes) // 2]
    worker = User.objects.create(username=USERS[2], role=Role.GRID, grid_id=grid_id, name="网格员")
    return city, office, commander, (worker, size)


def publish(city: Any, office: Any, commander: Any) -> tuple[Any, float]:
    from lianfang.notices.models import NoticeKind
    from lianfang.notices.services import approve_notice, create_draft, publish_notice

    notice = create_draft(
        user=office,
        kind=NoticeKind.LETTER,
        title="致广大市民的一封信",
        body="请尽可能居家，不外出走亲访友。",
        area=city,
    )
    notice = approve_notice(user=commander, notice=notice)
    t = time.perf_counter()
    notice = publish_notice(user=commander, notice=notice)
    return notice, time.perf_counter() - t


def board(notice: Any, worker: Any, requests: int, warmup: int) -> tuple[list[float], int, int]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:  # a tenth of the city has acknowledged
        cursor.execute(
            "UPDATE notices_recipient SET read_at = now(), acknowledged_at = now(), ack_via = 'app' "
            "WHERE notice_id = %s AND id %% 10 = 0",
            [notice.pk],
        )
        cursor.execute("ANALYZE notices_recipient")
    client = Client()
    client.force_login(worker)
    url = f"/notices/{notice.pk}/grids/{worker.grid_id}/"
    if client.get(url).status_code != 200:
        raise SystemExit("the board answered an error through the test client")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lianfang.settings",
        "DB_CONN_MAX_AGE": "600",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("DJANGO_DEBUG", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lianfang.wsgi:application", "-b", f"127.0.0.1:{PORT}",
         "-w", "1", "--worker-class", "sync", "--log-level", "warning", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    times: list[float] = []
    size = 0
    try:
        wait_up(f"http://127.0.0.1:{PORT}/healthz")
        for n in range(warmup + requests):
            try:
                ms, status, size = get(f"http://127.0.0.1:{PORT}{url}", cookie)
            except urllib.error.HTTPError as err:
                raise SystemExit(f"the board answered {err.code} over HTTP: {err.read()[:300]!r}") from None
            if status != 200:
                raise SystemExit(f"the board answered {status} over HTTP")
            if n >= warmup:
                times.append(ms)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    pending = notice.recipients.filter(grid_id=worker.grid_id, acknowledged_at__isnull=True).count()
    return times, size, pending


def _gateway(port_queue: Any) -> None:
    from lianfang.notices.tests.gateway import SmsGatewayServer

    gw = SmsGatewayServer(key="bench")
    port_queue.put(gw.url)
    gw.httpd.serve_forever()


def outbox(messages: int) -> tuple[float, dict[str, int]]:
    from lianfang.notices.models import OutboxMessage as Outbox

    Outbox.objects.all().delete()
    from django.test import override_settings
    from django.utils import timezone

    from lianfang.notices.models import Channel, ChannelPolicy, OutboxMessage, OutboxStatus
    from lianfang.notices.outbox import send_due

    ChannelPolicy.objects.update_or_create(
        channel=Channel.SMS, defaults={"per_second": 0, "quiet_from": "00:00", "quiet_until": "00:00"}
    )
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                key=f"bench:{i}",
                channel=Channel.SMS,
                address=f"139{i:08d}",
                body="【联防】请阅读并确认通告。",
                next_try=now,
                created_at=now,
            )
            for i in range(messages)
        ],
        batch_size=5000,
    )
    queue: Any = multiprocessing.get_context("spawn").Queue()
    proc = multiprocessing.get_context("spawn").Process(target=_gateway, args=(queue,), daemon=True)
    proc.start()
    url = queue.get(timeout=30)
    totals: dict[str, int] = {}
    try:
        with override_settings(NOTICES_SMS_URL=url, NOTICES_SMS_KEY="bench"):
            t = time.perf_counter()
            while True:
                counts = send_due(limit=2000)
                for k, v in counts.items():
                    totals[k] = totals.get(k, 0) + v
                if not counts:
                    break
            elapsed = time.perf_counter() - t
    finally:
        proc.terminate()
        proc.join(10)
    sent = OutboxMessage.objects.filter(status=OutboxStatus.SENT).count()
    if sent != messages:
        raise SystemExit(f"only {sent} of {messages} messages were sent: {totals}")
    return sent / elapsed, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--reuse", action="store_true", help="keep the places and notice of the last run")
    args = parser.parse_args()
    url = require_database_url("notices")
    source = own_database_beside_seed(url, "notices")
    setup_django()
    from django.core.management import call_command

    from lianfang.accounts.models import User
    from lianfang.notices.models import Notice

    call_command("migrate", verbosity=0)
    if args.reuse and Notice.objects.filter(status="published").exists():  # development: skip 1. and 2.
        notice, publish_s = Notice.objects.get(status="published"), -1.0
        worker = User.objects.get(username=USERS[2])
        grid_size = worker.grid.households.count()
        Notice.objects.exclude(pk=notice.pk).delete()
    else:
        t = time.perf_counter()
        copied = copy_places(source)
        log(f"places copied from {SEED_DATABASE}: {copied} in {time.perf_counter() - t:.0f} s")
        city, office, commander, (worker, grid_size) = accounts()
        notice, publish_s = publish(city, office, commander)
        log(f"published to {notice.recipient_count:,} recipients in {publish_s:.1f} s")
    times, size, pending = board(notice, worker, args.requests, args.warmup)
    log(f"board p95 {p95(times):.1f} ms (grid of {grid_size} households, {pending} not acknowledged)")
    rate, totals = outbox(args.messages)
    log(f"outbox {rate:.0f} messages/s {totals}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    metrics = {
        "notice_publish_city_s": {
            "value": round(publish_s, 1),
            "unit": "s",
            "goal": "< 60",
            "note": (
                f"publish_notice of a letter to every household of the seeded city: "
                f"{notice.recipient_count:,} recipients frozen by INSERT ... SELECT in one transaction "
                f"(indexes and unique constraints in place); places copied from {SEED_DATABASE}; "
                f"load average {load}"
            ),
        },
        "notice_board_p95_ms": {
            "value": round(p95(times), 1),
            "unit": "ms",
            "goal": "< 200",
            "note": (
                f"GET the board of that notice for a grid of median size ({grid_size} households, "
                f"{pending} not acknowledged; a tenth of the city acknowledged) as its grid worker over "
                f"HTTP (gunicorn 1 sync worker, session cookie), {len(times)} sequential requests after "
                f"{args.warmup} warm-up; p50 {statistics.median(times):.1f} ms; {size:,} bytes"
            ),
        },
        "outbox_msgs_per_s": {
            "value": round(rate),
            "unit": "msg/s",
            "goal": ">= 500",
            "note": (
                f"{args.messages:,} SMS to distinct numbers sent by notices.outbox.send_due (batches of "
                f"2,000, 8 threads, kept-alive HTTP/1.1) to a local gateway process answering like a "
                f"provider, each written back as sent; outcomes {totals}"
            ),
        },
    }
    Path(args.out).write_text(json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
