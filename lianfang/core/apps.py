from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lianfang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from lianfang.core import checks  # noqa: F401  # local import: registers the system checks once apps are ready
