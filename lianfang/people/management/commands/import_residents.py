"""manage.py import_residents FILE --community CODE [--commit all|valid] [--user USERNAME]

Prints the report as JSON: {"rows", "valid", "errors": [{"row", "column", "code", "message"}], "written"}.
Without --commit nothing is written; --commit all with any error writes nothing and exits with status 1.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianfang.accounts.models import User
from lianfang.core.errors import DomainError
from lianfang.people.importer import run_import
from lianfang.places.models import Area, AreaLevel


class Command(BaseCommand):
    help = "Check (and with --commit, import) residents from an .xlsx or .csv file into a community."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--community", required=True, help="Code of the community (Area.code).")
        parser.add_argument(
            "--commit",
            choices=["all", "valid"],
            help="Write all rows (only if none is bad) or the valid ones.",
        )
        parser.add_argument("--user", help="Username recorded in the audit log.")

    def handle(self, *args, file: Path, community: str, commit: str | None, user: str | None, **options):
        area = Area.objects.filter(code=community, level=AreaLevel.COMMUNITY).first()
        if area is None:
            raise CommandError(f"No community with code {community}.")
        account = None
        if user:
            account = User.objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user {user}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            with file.open("rb") as f:
                report = run_import(
                    fileobj=f, filename=file.name, community=area, user=account, commit=commit
                )
        except DomainError as err:
            raise CommandError(str(err.message)) from None
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
        if commit == "all" and report["errors"]:
            raise CommandError(
                "{} error(s): nothing was written.".format(len(report["errors"])), returncode=1
            )
