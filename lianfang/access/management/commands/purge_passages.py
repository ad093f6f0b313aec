from django.core.management.base import BaseCommand

from lianfang.access.services import purge_passages


class Command(BaseCommand):
    help = "Delete gate records older than the retention days of their outing policy."

    def handle(self, *args, **options):
        n = purge_passages()
        self.stdout.write(f"{n}")
