"""manage.py print_passes --compound ID [--building NUMBER] --out FILE.pdf [--language en]

Writes A4 sheets of the compound's active and suspended pass cards (8 per page) and prints how many
cards were written. Nothing is written when there is nothing to print.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from lianfang.access.models import Pass
from lianfang.access.pdf import printable_passes, printed_summary, render_pass_sheets
from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.fonts import FontMissing
from lianfang.places.models import Building, Compound


class Command(BaseCommand):
    help = "Write printable pass cards (A4 PDF, 8 cards a page) of one compound or one of its buildings."

    def add_arguments(self, parser):
        parser.add_argument("--compound", type=int, required=True, help="Compound id.")
        parser.add_argument("--building", help="Only this building number (as written on it, e.g. 3).")
        parser.add_argument("--out", type=Path, required=True, help="The PDF file to write.")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the card labels.",
        )

    def handle(self, *args, compound: int, building: str | None, out: Path, language: str, **options):
        place = Compound.objects.filter(pk=compound).first()
        if place is None:
            raise CommandError(f"No compound with id {compound}.")
        block = None
        if building:
            block = Building.objects.filter(compound=place, number=building.strip()).first()
            if block is None:
                raise CommandError(f"No building {building} in compound {place.name} (id {place.pk}).")
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        passes = printable_passes(Pass.objects.all(), compound=place, building=block)
        where = f"{place.name} building {block.number}" if block else place.name
        if not passes:
            raise CommandError(
                f"No active or suspended passes in {where}: nothing written. Issue passes first."
            )
        title = f"{place.name} {block.number}栋" if block else place.name
        with translation.override(language):
            try:
                pdf = render_pass_sheets(passes, title=title)
            except FontMissing as err:
                raise CommandError(str(err)) from err
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(pdf)
        tmp.replace(out)
        audit.log(
            user=None, action=AuditAction.EXPORT, obj=place, summary=printed_summary(len(passes), block)
        )
        pages = -(-len(passes) // 8)
        self.stdout.write(f"Wrote {len(passes)} pass cards on {pages} page(s) of {where} to {out}.")
