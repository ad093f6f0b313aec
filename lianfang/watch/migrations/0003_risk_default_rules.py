"""The two risk rules Lianfang ships (watch/risk_rules.py holds their evaluators, docs/watch.md the
rules in words): the February 2020 rule, the default, which rates streets and communities; and the later
rule by compound (high while there are new cases, stepping down to medium after 7 days without one and to
low after 3 more). Their numbers are data (`params`), so a new version is a new row, not new code."""

from django.db import migrations

FEB_2020 = {
    "code": "feb-2020",
    "version": 1,
    "name": "February 2020 rule (streets and communities)",
    "description": (
        "Rates streets and communities. Low: no new case in the last 14 days (the day itself and the 13 "
        "before it). Medium: new cases in those 14 days and at most 50 cases in all; or more than 50 in "
        "all without a cluster in those 14 days. High: more than 50 cases in all with a cluster in those "
        "14 days. A cluster is two or more cases of different people, reported in the 14 days, linked by "
        "the same household, the same building unit or a confirmed contact record. Cases: suspected, "
        "confirmed, asymptomatic and recovered; excluded cases do not count."
    ),
    "kind": "feb2020",
    "params": {"window_days": 14, "cumulative_threshold": 50, "cluster_days": 14},
    "targets": "street community",
    "is_default": True,
}
COMPOUND = {
    "code": "compound-stepdown",
    "version": 1,
    "name": "Compound step-down rule",
    "description": (
        "Rates compounds. High while the compound has a new case in the last 7 days; medium from the 7th "
        "day without a new case; low from the 10th (3 more days). The step down never raises a compound: "
        "one at low in force stays low. A compound that never had a case is low."
    ),
    "kind": "compound_stepdown",
    "params": {"quiet_days_to_medium": 7, "more_quiet_days_to_low": 3},
    "targets": "compound",
    "is_default": False,
}


def create_rules(apps, schema_editor):
    RiskRule = apps.get_model("watch", "RiskRule")
    for rule in (FEB_2020, COMPOUND):
        RiskRule.objects.update_or_create(
            code=rule["code"],
            version=rule["version"],
            defaults={k: v for k, v in rule.items() if k not in ("code", "version")},
        )


def delete_rules(apps, schema_editor):
    RiskRule = apps.get_model("watch", "RiskRule")
    RiskRule.objects.filter(code__in=[FEB_2020["code"], COMPOUND["code"]], version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("watch", "0002_ears_default_detectors")]

    operations = [migrations.RunPython(create_rules, delete_rules)]
