"""The default early-warning detectors (docs/watch.md says why these): fevers at the gates per grid
with EARS C1 and C2 and a fixed threshold, fevers per community with the CDC's C3, and new cases per
community with C2. Stored as data: a commander may change their options or switch them off."""

from django.db import migrations

DEFAULTS = [
    # name, metric, level, method, baseline, alpha, min_sigma, threshold
    ("网格发热人数（EARS C1）", "fevers", "grid", "c1", 7, 0.001, 0.5, None),
    ("网格发热人数（EARS C2）", "fevers", "grid", "c2", 7, 0.001, 0.7, None),
    ("网格发热人数（单日达5人）", "fevers", "grid", "threshold", 7, 0.001, 0, 5),
    ("社区发热人数（EARS C3）", "fevers", "community", "c3", 7, 0.025, 1.0, None),
    ("社区新增病例（EARS C2）", "cases_new", "community", "c2", 7, 0.001, 0.5, None),
]


def add_defaults(apps, schema_editor):
    Detector = apps.get_model("watch", "Detector")
    for name, metric, level, method, baseline, alpha, min_sigma, threshold in DEFAULTS:
        Detector.objects.get_or_create(
            metric=metric,
            level=level,
            method=method,
            name=name,
            defaults={"baseline": baseline, "alpha": alpha, "min_sigma": min_sigma, "threshold": threshold},
        )


def remove_defaults(apps, schema_editor):
    Detector = apps.get_model("watch", "Detector")
    for name, metric, level, method, *_options in DEFAULTS:
        Detector.objects.filter(name=name, metric=metric, level=level, method=method).delete()


class Migration(migrations.Migration):
    dependencies = [("watch", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
