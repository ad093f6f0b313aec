"""manage.py demo_logins: the table of demo accounts (username, password, role, scope), and the secret links
of the demo households in home quarantine (their own page, no login)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from lianfang.demo.accounts import DEFAULT_PASSWORD, demo_logins, format_logins
from lianfang.demo.care import LINK_BASE, format_household_links, household_links


class Command(BaseCommand):
    help = "Print the demo accounts created by seed_demo and their password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="The password given to seed_demo.")
        parser.add_argument(
            "--base-url", default=LINK_BASE, help="Where the site is served, for the households' links."
        )

    def handle(self, *args, **opts) -> None:
        self.stdout.write(format_logins(demo_logins(opts["password"])))
        links = format_household_links(household_links(opts["base_url"]))
        if links:
            self.stdout.write("\n" + links)
