"""In home, the top app, because it schedules the recurring tasks of several apps (access, care, notices,
people and watch): one place that imports each app's task and lists what runs when."""

from django.core.management.base import BaseCommand

from lianfang.access.tasks import schedule_purge
from lianfang.care.tasks import schedule_overdue_alerts
from lianfang.mobilize.tasks import schedule_roster_tasks
from lianfang.notices.tasks import schedule_escalation as schedule_notice_escalation
from lianfang.notices.tasks import schedule_outbox
from lianfang.people.tasks import schedule_import_purge
from lianfang.watch.escalation_tasks import schedule_escalation
from lianfang.watch.report_tasks import schedule_report_missing_alerts
from lianfang.watch.risk_tasks import schedule_risk_suggestions
from lianfang.watch.tasks import schedule_nightly_stats


class Command(BaseCommand):
    help = "Make sure the recurring background tasks (the daily gate-record purge) are waiting on the worker."

    def handle(self, *args, **options):
        self.stdout.write("scheduled" if schedule_purge() else "already scheduled")
        schedule_overdue_alerts()  # care: overdue calls and errands, every 15 minutes
        schedule_import_purge()  # people: uploaded files no import needs any more, every 15 minutes
        schedule_risk_suggestions()  # watch: risk-level suggestions for the day before, at 00:30
        schedule_report_missing_alerts()  # watch: daily reports missing after the cut-off, every 30 minutes
        schedule_nightly_stats()  # watch: yesterday's statistics at 00:15, then today's so far
        schedule_escalation()  # watch: alerts nobody acknowledged in time go one level up, every 5 minutes
        schedule_roster_tasks()  # mobilize: attendance and calls every 15 min, shifts 00:05, gap alerts 14:00
        schedule_outbox()  # notices: the outbox sender (SMS, e-mail, webhooks), every minute
        schedule_notice_escalation()  # notices: in-app -> SMS -> door to door, and expiries, every 5 minutes
