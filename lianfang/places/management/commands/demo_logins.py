"""manage.py demo_logins: the table of demo accounts (username, password, role, scope)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from lianfang.places.demo.accounts import DEFAULT_PASSWORD, demo_logins, format_logins


class Command(BaseCommand):
    help = "Print the demo accounts created by seed_demo and their password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="The password given to seed_demo.")

    def handle(self, *args, **opts) -> None:
        self.stdout.write(format_logins(demo_logins(opts["password"])))
