from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lianfang.access.services import create_gate_device
from lianfang.places.models import Gate


class Command(BaseCommand):
    help = "Create a device token for one gate and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("--gate", type=int, required=True, help="Gate id (see GET /api/v1/gates).")
        parser.add_argument("--name", default="", help="A label for the device, e.g. 'east gate kiosk'.")

    def handle(self, *args, gate: int, name: str, **options):
        g = Gate.objects.select_related("compound").filter(pk=gate).first()
        if g is None:
            raise CommandError(_("No gate with id {id}.").format(id=gate))
        _device, raw = create_gate_device(gate=g, name=name)
        self.stdout.write(raw)
