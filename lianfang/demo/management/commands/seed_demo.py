"""manage.py seed_demo --scale tiny|demo|city: the Huainan demo city with households, residents and
one demo account per role (printed at the end; see also manage.py demo_logins)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError
from lianfang.demo.accounts import DEFAULT_PASSWORD, demo_logins, format_logins
from lianfang.demo.plan import SCALES
from lianfang.demo.seed import DEFAULT_SEED, database_has_areas, seed


class Command(BaseCommand):
    help = (
        "Seed the demo city of Huainan: tiny (tests, ~200 residents), demo (~5,000 residents) or "
        "city (~3,000,000 residents in 1,140,000 households; PostgreSQL only, loaded with COPY)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (same seed, same city)."
        )
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password of every demo account.")
        parser.add_argument(
            "--reset", action="store_true", help="Delete existing places and residents first."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (exit 0) when the database already has areas."
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="Generator processes for COPY loads (0: in-process)."
        )
        parser.add_argument("--method", choices=["auto", "orm", "copy"], default="auto")
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="COPY into the indexed tables instead of rebuilding their indexes after the load.",
        )
        parser.add_argument(
            "--passage-days",
            type=int,
            default=0,
            help="Also generate the gate records (passages) of the last N days, up to now (0: none).",
        )

    def handle(self, *args, **opts) -> None:
        if opts["if_empty"] and database_has_areas():
            self.stdout.write(str(_("The database already has areas; nothing seeded.")))
            return
        verbose = opts["verbosity"] >= 1
        try:
            result = seed(
                scale=opts["scale"],
                seed=opts["seed"],
                password=opts["password"],
                reset=opts["reset"],
                workers=opts["workers"],
                method=opts["method"],
                defer_indexes=not opts["keep_indexes"],
                passage_days=opts["passage_days"],
                log=(lambda msg: self.stdout.write(msg)) if verbose else (lambda _msg: None),
            )
        except DomainError as err:
            raise CommandError(str(err.message)) from None
        if verbose:
            counts = ", ".join(f"{k} {v:,}" for k, v in result.counts.items())
            self.stdout.write(self.style.SUCCESS(f"Seeded scale {result.scale} ({result.method}): {counts}"))
            times = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
            self.stdout.write(f"Time: {times}")
            self.stdout.write("")
            self.stdout.write(format_logins(demo_logins(opts["password"])))
