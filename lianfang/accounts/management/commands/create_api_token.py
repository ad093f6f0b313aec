"""Issue a staff API token: `manage.py create_api_token --user NAME [--name LABEL]`.

Prints the raw token once on standard output (only its digest is stored)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.accounts.models import ApiToken, User
from lianfang.core.roles import Role


class Command(BaseCommand):
    help = "Issue an API token for a staff user and print it (it is not stored and cannot be shown again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="Username of the staff member.")
        parser.add_argument(
            "--name", default="", help="A label for the token, e.g. the device or script using it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["user"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f"No user named {username!r}. Create the user first (manage.py createsuperuser or admin)."
            )
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; activate the account before issuing a token.")
        if user.role == Role.RESIDENT and not user.is_superuser:
            raise CommandError(f"User {username!r} is a resident; API tokens are for staff only.")
        token, raw = ApiToken.issue(user, options["name"])
        self.stderr.write(f"Token #{token.pk} for {user.username} ({user.get_role_display()}); store it now:")
        self.stdout.write(raw)
