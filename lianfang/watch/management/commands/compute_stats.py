"""manage.py compute_stats [--day YYYY-MM-DD]: one day's statistics (by default today's so far)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from lianfang.core.bounds import EVENT, parse_date
from lianfang.watch.management.common import checked
from lianfang.watch.stats import check_day, compute_day


class Command(BaseCommand):
    help = "Compute one day's statistics from the records (default: today so far), replacing that day's rows."

    def add_arguments(self, parser):
        parser.add_argument("--day", default="", help="The day, YYYY-MM-DD (default today).")

    def handle(self, *args, day: str, **options):
        chosen = checked(lambda: parse_date(day, EVENT, field="day")) or timezone.localdate()
        checked(lambda: check_day(chosen, timezone.localdate()))
        began = time.monotonic()
        rows = compute_day(day=chosen)
        self.stdout.write(f"{chosen.isoformat()} {rows} ({time.monotonic() - began:.1f} s)")
