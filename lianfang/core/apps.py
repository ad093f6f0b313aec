from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lianfang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from lianfang.core import checks  # noqa: F401  # local import: registers the system checks once apps are ready
        from lianfang.core.alerts import clear_policy_cache  # local import: needs the models
        from lianfang.core.models import AlertPolicy  # local import: models load after apps

        # Cache invalidation only: the response times of alerts are cached (core.alerts.policy_table).
        post_save.connect(clear_policy_cache, sender=AlertPolicy, dispatch_uid="lf-alertpolicy-save")
        post_delete.connect(clear_policy_cache, sender=AlertPolicy, dispatch_uid="lf-alertpolicy-delete")
