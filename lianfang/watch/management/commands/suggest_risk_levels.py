"""`manage.py suggest_risk_levels [--day YYYY-MM-DD] [--rule CODE]`: assess a day (default yesterday) with
every current rule, or with the latest version of one rule; prints how many suggestions were made.
Running a day twice changes nothing (watch.risk.suggest_levels)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lianfang.core.errors import DomainError
from lianfang.watch.models import RiskRule
from lianfang.watch.risk import suggest_all, suggest_levels


class Command(BaseCommand):
    help = "Suggest risk levels for a day (default: yesterday) with every current rule, or with one."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", help="YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--rule", help="a rule's code (default: every current rule)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = (
                datetime.date.fromisoformat(options["day"])
                if options["day"]
                else timezone.localdate() - datetime.timedelta(days=1)
            )
        except ValueError:
            raise CommandError("--day: expected YYYY-MM-DD") from None
        try:
            if options["rule"]:
                rule = RiskRule.objects.filter(code=options["rule"]).order_by("-version").first()
                if rule is None:
                    raise CommandError(f"no risk rule with the code {options['rule']}")
                made = suggest_levels(day=day, rule=rule)
            else:
                made = suggest_all(day=day)
        except DomainError as err:
            raise CommandError(f"{err.code}: {err.message}") from None
        self.stdout.write(f"{day.isoformat()}: {made} suggestion(s)")
