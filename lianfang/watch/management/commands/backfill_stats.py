"""manage.py backfill_stats --from 2026-11-01 --to 2026-11-30: rebuild past days' statistics from the
records."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from lianfang.core.bounds import EVENT, parse_date
from lianfang.watch.management.common import checked
from lianfang.watch.stats import MAX_BACKFILL_DAYS, backfill, check_range


class Command(BaseCommand):
    help = (
        "Compute the daily statistics of every day from --from to --to (inclusive, at most "
        f"{MAX_BACKFILL_DAYS} days, not in the future) from the records, each day replacing its rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")

    def handle(self, *args, start: str, end: str, **options):
        first = checked(lambda: parse_date(start, EVENT, field="from"))
        last = checked(lambda: parse_date(end, EVENT, field="to"))
        days = checked(lambda: check_range(first, last, timezone.localdate()))  # refused: nothing written
        began = time.monotonic()
        done = backfill(start=days[0], end=days[-1])
        for day, rows in done:
            self.stdout.write(f"{day.isoformat()} {rows}")
        self.stdout.write(f"{len(done)} days, {time.monotonic() - began:.1f} s")
