from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "lianfang.access"
    label = "access"
    verbose_name = _("Closed management")

    def ready(self) -> None:
        from lianfang.access import signals  # noqa: F401  local import: cache receivers need the models
