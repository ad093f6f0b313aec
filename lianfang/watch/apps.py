import importlib
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# The data the watch app ships with, made by its migrations: the default early-warning detectors and the
# risk rules.
SHIPPED = [
    ("lianfang.watch.migrations.0002_ears_default_detectors", "add_defaults", "Detector"),
    ("lianfang.watch.migrations.0003_risk_default_rules", "create_rules", "RiskRule"),
]


def restore_shipped_data(sender: Any = None, *, apps: Any = None, **_kwargs: Any) -> None:
    """After `migrate` or a `flush` (post_migrate): a table of shipped data that is entirely empty gets its
    rows again, by the migration's own function. A flush (the tests between transactional tests) empties
    every table; an operator who removed one detector or rule keeps it removed."""
    if apps is None:
        return
    try:
        models = {name: apps.get_model("watch", name) for _module, _func, name in SHIPPED}
    except LookupError:  # migrate is not that far yet
        return
    for module, func, name in SHIPPED:
        if not models[name].objects.exists():
            getattr(importlib.import_module(module), func)(apps, None)


class WatchConfig(AppConfig):
    name = "lianfang.watch"
    label = "watch"
    verbose_name = _("Monitoring and early warning")

    def ready(self) -> None:
        post_migrate.connect(restore_shipped_data, sender=self, dispatch_uid="watch_restore_shipped_data")
