from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """A top app: each role's home page and the staff pages that gather several apps (places with their
    counts of residents, a household's residents and passes, a resident's quarantines). May import every
    app below it; nothing imports it."""

    name = "lianfang.home"
    label = "home"
    verbose_name = _("Home pages")
