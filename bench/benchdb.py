"""The database a benchmark runs on: the PostgreSQL database of DATABASE_URL, which the benchmark may fill
(bench/run.py gives each benchmark a fresh one on a throwaway server). Run alone without it, a benchmark
stops with one line: it never falls back to the checkout's private server, whose database is the demo's."""

from __future__ import annotations

import os


def require_database_url(bench: str) -> str:
    """DATABASE_URL when it is a PostgreSQL URL; otherwise exit with one line saying what to set."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            f"bench_{bench}: set DATABASE_URL=postgres://USER:PASSWORD@HOST/NAME, a PostgreSQL database it "
            f"may fill, or run it through bench/run.py (make bench BENCH={bench}), which gives it a fresh one"
        )
    return url
