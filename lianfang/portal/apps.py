from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """A top app: the pages a household opens itself through its secret link (no login). May import every
    app below it; nothing imports it."""

    name = "lianfang.portal"
    label = "portal"
    verbose_name = _("Household pages")
