from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """A top app: the demo city of Huainan (`manage.py seed_demo`, `demo_logins`). May import every app
    below it; nothing imports it."""

    name = "lianfang.demo"
    label = "demo"
    verbose_name = _("Demo city")
