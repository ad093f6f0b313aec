"""Every page linked from each demo role's home in the seeded city, over HTTP: worst p95, pages over 300 ms.

    DATABASE_URL=postgres://.../lf_bench_pages python bench/bench_pages.py --out out.json [--role commander]

Needs the city seeded by bench_seed with its demo accounts (commander, district, staff, staff2, grid, health,
guard, volunteer, resident): the database of DATABASE_URL when it holds passages, else its sibling database
`lf_bench_seed`. That database is served as it is; it must be migrated to this checkout (checked first: the
run stops and says how when it is not). DATABASE_URL itself is not used beyond finding the city.

1. The daily statistics the command pages read, as the nightly task would have stored them: for the city's
   last whole day of passages and for today, when `watch.StatDay` has no row for the day,
   `watch.stats.compute_day(day=...)` runs (about 6 s a day on the city). They are kept (watch tables
   only, which no other benchmark reads from the seeded city).
2. A gunicorn on 127.0.0.1 serves the city (2 sync workers, persistent database connections, DEBUG off,
   the full middleware stack; static files through WhiteNoise's finders, as in the other benchmarks; the
   development keys, with which bench_seed stored the ID numbers).
3. For each role: a real login (the login form's GET, then its POST with the CSRF token, once per role),
   then its home `/` (redirects followed), every page linked from the home (one level of `<a href>` and
   the htmx panels a page loads by itself), and for each list on those pages (3 or more links of the same
   path shape, an id or code varying, or a link to the page's own path plus an id: bench/crawl.py) its
   first detail page. The pages of a section count as linked from the home (`/epi/cases/` and
   `/epi/quarantines/` on `/epi/`: paths that extend the page's own, without an id). Of a list on the
   home only its first row counts among the home's links; its other rows (the same page for other ids:
   the dashboard's grids, the districts) come last, while the cap allows. Not followed: other sites,
   logout, the language switch, static files, the admin and the API, files and exports (pdf, xlsx, csv),
   anchors, mailto/tel, and links naming a state change. URLs are deduplicated per role (query sorted);
   at most `--max-pages` pages per role (60).
4. Each page: its first request is the warm-up (status, size and the links come from it), then
   `--requests` timed requests (5; only `--slow-requests`, 2, when the warm-up took more than 5 s), each
   with a 60 s timeout; p50 and p95 per (role, page). A page that answers anything but 200 is listed with
   its status and not timed. `/healthz` (no session, one query) is timed in the same run, for the ratio.
5. What logging in and viewing wrote is removed at the end: the sessions of this run, the audit rows of
   the resident and household views it caused (only rows newer than the run's start, of these accounts),
   the daily reports drafted by opening them (the report page drafts the day's report for the community's
   staff; only drafts newer than the run's start), and each account's `last_login` is put back. Tables
   written during the crawl are listed in the log.

Output: the metrics in --out, and every page (role, path, status, KB, p50, p95) in a Markdown table next to
it (bench/out/pages.md under bench/run.py, which puts it into docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime
import heapq
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)
from crawl import detail_links, extract_links, normalize, other_rows, subpage  # bench/crawl.py
from httpget import p95, wait_up  # bench/httpget.py
from seeded import PASSAGES, find_seeded_city  # bench/seeded.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("LIANFANG_BENCH_PAGES_PORT", 8771))
HOST = f"127.0.0.1:{PORT}"
TIMEOUT_S = 60
SLOW_MS = 5000
GOAL_MS = 300
HOME_GOAL_MS = 150
LOGIN = "/accounts/login/"


def log(msg: str) -> None:
    print(f"[pages {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- HTTP, as a browser would
@dataclass
class Answer:
    status: int  # 0: no answer within TIMEOUT_S (or the connection failed)
    ms: float
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class Browser:
    """One person's cookies on this site; every request on a new connection (gunicorn's sync workers
    close each one), in Chinese."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ) -> Answer:
        sent = {"Accept-Language": "zh-hans", "Accept": "text/html,*/*", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        t = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, timeout=TIMEOUT_S)
        try:
            conn.request(method, path, body=body.encode() if body else None, headers=sent)
            response = conn.getresponse()
            data = response.read()
        except (TimeoutError, OSError):
            return Answer(0, (time.perf_counter() - t) * 1000)
        finally:
            conn.close()
        ms = (time.perf_counter() - t) * 1000
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Answer(response.status, ms, data, {k.lower(): v for k, v in response.getheaders()})

    def get(self, path: str, fragment: bool = False) -> Answer:
        return self.request("GET", path, headers={"HX-Request": "true"} if fragment else None)

    def follow(self, path: str, fragment: bool = False) -> tuple[str, Answer]:
        """GET `path`, following up to 5 redirects on this site: (the final path, its answer)."""
        answer = self.get(path, fragment)
        for _ in range(5):
            if answer.status not in (301, 302, 303, 307, 308):
                break
            target = normalize(answer.headers.get("location", ""), path, HOST)
            if target is None:
                break
            path = target
            answer = self.get(path, fragment)
        return path, answer

    def log_in(self, username: str, password: str) -> Answer:
        """The login form as a browser sends it: the POST's answer (302 with a session when logged in)."""
        form = self.get(LOGIN)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
        if form.status != 200 or not token:
            return form
        body = urlencode(
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password}
        )
        origin = f"http://{HOST}"
        return self.request("POST", LOGIN, body, {"Origin": origin, "Referer": origin + LOGIN})


# --------------------------------------------------------------------------- the crawl
@dataclass
class Page:
    role: str
    path: str
    level: int  # 0 home, 1 linked from the home, 2 first detail of a list (fragments: their page's + 1)
    status: int = 0
    size: int = 0
    first_ms: float = 0.0
    times: list[float] = field(default_factory=list)
    fragment: bool = False
    via: str = ""  # the link's URL when it redirected here

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else 0.0

    @property
    def p95(self) -> float:
        return p95(self.times)

    @property
    def label(self) -> str:
        return self.path + (" (htmx)" if self.fragment else "")


def visit(browser: Browser, role: str, path: str, level: int, fragment: bool, args: Any) -> tuple[Page, str]:
    """Warm up and time one page; (the page, its HTML when it is an HTML page answered 200)."""
    final, first = browser.follow(path, fragment)
    page = Page(role, final, level, first.status, len(first.body), first.ms, fragment=fragment)
    page.via = path if final != path else ""
    if final.startswith(LOGIN) and not path.startswith(LOGIN):
        page.status = 401  # sent to the login page: the session was lost
    if page.status != 200:
        return page, ""
    n = args.requests if first.ms <= SLOW_MS else min(args.requests, args.slow_requests)
    for _ in range(n):
        answer = browser.get(final, fragment)
        if answer.status != 200:
            page.status = answer.status
            page.times = []
            return page, ""
        page.times.append(answer.ms)
    html = first.headers.get("content-type", "").startswith("text/html")
    return page, first.body.decode("utf-8", errors="replace") if html else ""


def crawl_role(browser: Browser, role: str, args: Any) -> tuple[list[Page], int]:
    """The role's home, then the pages it links to, then each list's first detail, then the other rows
    of the home's lists (the same pages for other ids) while the cap allows; timed as they come."""
    # (tier, order, path, level, htmx panel): tier 0 home, 1 its links (a list's first row only), the pages
    # of their sections and the panels of those pages, 2 the first detail of each list on a tier 1 page,
    # 3 the home's other rows.
    queue: list[tuple[int, int, str, int, bool]] = []
    seen: set[str] = set()

    def add(tier: int, path: str, level: int, fragment: bool = False) -> None:
        if path not in seen:
            seen.add(path)
            heapq.heappush(queue, (tier, len(seen), path, level, fragment))

    for path in args.only_path or ["/"]:
        add(0, path, 0 if path == "/" else 1)
    pages: list[Page] = []
    while queue and len(pages) < args.max_pages:
        tier, _order, path, level, fragment = heapq.heappop(queue)
        page, html = visit(browser, role, path, level, fragment, args)
        if page.via and page.path in {p.path for p in pages}:
            continue  # a redirect to a page already timed
        seen.add(page.path)
        pages.append(page)
        shown = "—" if not page.times else f"p50 {page.p50:.0f} ms, p95 {page.p95:.0f} ms"
        via = f" <- {page.via}" if page.via else ""
        log(f"  {role} {page.status or 'timeout'} {page.label}{via}: {shown}")
        if not html or args.only_path:
            continue
        found = [(normalize(link.href, page.path, HOST), link.fragment) for link in extract_links(html)]
        links = [url for url, frag in found if url is not None and not frag]
        for url, frag in found:
            if url is not None and frag:
                add(max(tier, 1), url, level + 1, fragment=True)
        if tier == 0:
            rows = other_rows(links)
            for url in links:
                add(3 if url in rows else 1, url, 1)
        elif tier == 1 and not fragment:
            for url in links:
                if subpage(url, page.path):
                    add(1, url, level + 1)  # a page of this section (`/epi/` -> `/epi/cases/`)
            for url in detail_links(links, page.path):
                add(2, url, level + 1)
    if queue:
        log(f"  {role}: {len(queue)} more pages found, not visited (--max-pages {args.max_pages})")
    return pages, len(queue)


# --------------------------------------------------------------------------- the seeded city
def pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def ensure_stats() -> list[str]:
    """The statistics of the last whole day of passages and of today, computed when missing."""
    from django.db.models import Max
    from django.utils import timezone

    from lianfang.access.models import Passage
    from lianfang.watch.models import StatDay
    from lianfang.watch.stats import compute_day

    last = Passage.objects.aggregate(last=Max("server_time"))["last"]
    today = timezone.localdate()
    days = sorted({timezone.localtime(last).date() - datetime.timedelta(days=1), today})
    done = []
    for day in days:
        if StatDay.objects.filter(day=day).exists():
            done.append(f"{day} (stored)")
            continue
        t = time.perf_counter()
        rows = compute_day(day=day)
        done.append(f"{day} (computed now: {rows:,} rows, {time.perf_counter() - t:.1f} s)")
        log(f"statistics of {done[-1]}")
    return done


def write_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")
        return {name: int(n) for name, n in cursor.fetchall()}


@dataclass
class Undo:
    """What logging in and viewing write into the seeded city, to remove at the end."""

    audit_from: int = 0
    report_from: int = 0
    last_login: dict[int, Any] = field(default_factory=dict)
    sessions: list[str] = field(default_factory=list)

    def start(self, usernames: list[str]) -> None:
        from django.db.models import Max

        from lianfang.accounts.models import User
        from lianfang.core.models import AuditLog
        from lianfang.watch.models import DailyReport

        self.audit_from = AuditLog.objects.aggregate(n=Max("id"))["n"] or 0
        self.report_from = DailyReport.objects.aggregate(n=Max("id"))["n"] or 0
        self.last_login = dict(User.objects.filter(username__in=usernames).values_list("id", "last_login"))

    def finish(self) -> str:
        from django.contrib.sessions.models import Session

        from lianfang.accounts.models import User
        from lianfang.core.models import AuditLog
        from lianfang.watch.models import DailyReport

        audit, _ = AuditLog.objects.filter(id__gt=self.audit_from, user_id__in=self.last_login).delete()
        sessions, _ = Session.objects.filter(session_key__in=self.sessions).delete()
        reports = DailyReport.objects.filter(id__gt=self.report_from, status="draft").count()
        DailyReport.objects.filter(id__gt=self.report_from, status="draft").delete()  # events cascade
        for pk, when in self.last_login.items():
            User.objects.filter(pk=pk).update(last_login=when)
        return f"removed {sessions} sessions, {audit} audit rows, {reports} drafted reports; last_login back"


def start_server(db_url: str, server_log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lianfang.settings",
        "DATABASE_URL": db_url,
        "DB_CONN_MAX_AGE": "600",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("DJANGO_DEBUG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lianfang.wsgi:application", "-b", HOST, "-w", "2",
         "--worker-class", "sync", "--timeout", "180", "--log-level", "warning",
         "--access-logfile", "/dev/null", "--error-logfile", str(server_log)],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=server_log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip


# --------------------------------------------------------------------------- reporting
def slowest(pages: list[Page], n: int = 10) -> str:
    rows = sorted((p for p in pages if p.times), key=lambda p: -p.p95)[:n]
    return "; ".join(f"{p.role} {p.label} {p.p50:.0f}/{p.p95:.0f}" for p in rows)


def write_table(pages: list[Page], path: Path, summary: list[str]) -> None:
    bad = [p for p in pages if p.status != 200]
    timed = sorted((p for p in pages if p.status == 200), key=lambda p: -p.p95)
    lines = [
        *summary,
        "",
        "| Role | Page | Status | KB | p50 ms | p95 ms | Requests |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for p in bad + timed:
        label = p.label.replace("|", "\\|") + (f" (from {p.via})" if p.via else "")
        times = ("—", "—") if not p.times else (f"{p.p50:,.1f}", f"{p.p95:,.1f}")
        lines.append(
            f"| {p.role} | `{label}` | {p.status or 'timeout'} | {p.size / 1024:,.1f} | {times[0]} "
            f"| {times[1]} | {len(p.times)} |"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def metrics(pages: list[Page], healthz: list[float], args: Any, facts: str) -> dict[str, dict[str, Any]]:
    timed = [p for p in pages if p.times]
    bad = [p for p in pages if p.status != 200]
    worst = max(timed, key=lambda p: p.p95) if timed else None
    over = [p for p in timed if p.p95 > GOAL_MS]
    home = next((p for p in timed if p.role == "commander" and p.level == 0), None)
    base = statistics.median(healthz)
    top = f"slowest ten (role, page, p50/p95 ms): {slowest(pages)}"
    failed = "; ".join(f"{p.role} {p.label} {p.status or 'timeout'}" for p in bad) or "none"
    ratio = (
        f"the slowest page's p95 is {worst.p95 / base:,.0f}× the p50 of /healthz ({base:.1f} ms, one query, "
        f"no session) measured in the same run"
        if worst
        else "no page timed"
    )
    return {
        "pages_city_p95_max_ms": {
            "value": round(worst.p95, 1) if worst else 0,
            "unit": "ms",
            "goal": f"< {GOAL_MS}",
            "note": f"{worst.role} {worst.label}; {ratio}; {facts}; {top}" if worst else facts,
        },
        "pages_city_over_300": {
            "value": len(over),
            "unit": "pages",
            "goal": "= 0",
            "note": f"pages whose p95 is over {GOAL_MS} ms, of {len(timed)} timed; {top}",
        },
        "pages_city_home_commander_p95_ms": {
            "value": round(home.p95, 1) if home else 0,
            "unit": "ms",
            "goal": f"< {HOME_GOAL_MS}",
            "note": (
                f"GET / as the city commander, p50 {home.p50:.1f} ms, {home.size / 1024:.0f} KB, "
                f"{len(home.times)} requests; {top}"
            )
            if home
            else "the commander's home was not timed",
        },  # fmt: skip
        "pages_city_count": {
            "value": len(timed),
            "unit": "pages",
            "note": f"pages timed (status 200) over {len({p.role for p in pages})} roles; "
            f"not 200 (listed, not timed): {failed}; {top}",
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--table", default="", help="the Markdown table (default: --out with .md)")
    parser.add_argument("--requests", type=int, default=5, help="timed requests per page after the warm-up")
    parser.add_argument(
        "--slow-requests", type=int, default=2, help=f"for pages whose warm-up took > {SLOW_MS} ms"
    )
    parser.add_argument("--max-pages", type=int, default=60, help="pages per role")
    parser.add_argument("--role", default="", help="comma-separated demo usernames (default: all)")
    parser.add_argument("--only-path", action="append", default=[], help="time only this path (repeatable)")
    args = parser.parse_args()
    found = find_seeded_city(require_database_url("pages"), PASSAGES)
    if not found:
        raise SystemExit("bench_pages needs the seeded city (make bench BENCH=seed): no passages in "
                         "DATABASE_URL nor in its sibling lf_bench_seed")  # fmt: skip
    seed_url, source = found
    os.environ["DATABASE_URL"] = seed_url
    os.environ.pop("DJANGO_DEBUG", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    import django

    django.setup()
    from lianfang.demo.accounts import DEFAULT_PASSWORD, USERNAMES

    pending = pending_migrations()
    if pending:
        raise SystemExit(f"{source} lacks migrations of this checkout ({', '.join(pending)}): run "
                         f"DATABASE_URL={seed_url} python manage.py migrate, or seed it again")  # fmt: skip
    roles = [r.strip() for r in args.role.split(",") if r.strip()] or USERNAMES
    started = time.perf_counter()
    stats = ensure_stats()
    table = Path(args.table or Path(args.out).with_suffix(".md"))
    server_log = table.with_suffix(".server.log")
    server_log.unlink(missing_ok=True)
    undo = Undo()
    undo.start(roles)
    before = write_counts()
    server = start_server(seed_url, server_log)
    pages: list[Page] = []
    healthz: list[float] = []
    left: dict[str, int] = {}
    try:
        wait_up(f"http://{HOST}/healthz")
        bare = Browser()
        healthz = [bare.get("/healthz").ms for _ in range(21)][1:]
        for role in roles:
            browser = Browser()
            answer = browser.log_in(role, DEFAULT_PASSWORD)
            if answer.status != 302 or "sessionid" not in browser.cookies:
                log(f"{role}: the login answered {answer.status}, not a redirect with a session")
                pages.append(Page(role, LOGIN + " (POST)", 0, answer.status))
                continue
            undo.sessions.append(browser.cookies["sessionid"])
            t = time.perf_counter()
            found, left[role] = crawl_role(browser, role, args)
            pages += found
            log(f"{role}: {sum(p.role == role for p in pages)} pages in {time.perf_counter() - t:.0f} s")
        healthz += [bare.get("/healthz").ms for _ in range(20)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        after = write_counts()
        changed = {k: after.get(k, 0) - v for k, v in before.items() if after.get(k, 0) != v}
        log(f"tables written during the crawl: {changed or 'none'}")
        log(undo.finish())
    elapsed = time.perf_counter() - started
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    capped = ", ".join(f"{role} {n}" for role, n in left.items() if n) or "none"
    facts = (
        f"{len(pages)} pages of {len(roles)} roles of {source} over HTTP (gunicorn 2 sync workers, DEBUG "
        f"off, full middleware, logged in through the login form); home, its links and their sections' "
        f"pages, each list's first detail, then the home's other list rows, at most {args.max_pages} per "
        f"role (found but not visited: {capped}); warm-up then {args.requests} requests per page "
        f"({args.slow_requests} when the warm-up took over {SLOW_MS / 1000:.0f} s); statistics: "
        f"{', '.join(stats)}; run {elapsed / 60:.0f} min; load average {load}"
    )
    result = metrics(pages, healthz, args, facts)
    summary = [
        f"Every page reachable from each demo role's home, timed over HTTP by `bench/bench_pages.py` on "
        f"{time.strftime('%Y-%m-%d')}: "
        f"{facts}. Slowest first; pages that did not answer 200 are at the top, untimed. /healthz p50 "
        f"{statistics.median(healthz):.1f} ms in the same run."
    ]
    write_table(pages, table, summary)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    log(f"table: {table}; server log: {server_log}")


if __name__ == "__main__":
    main()
