from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilizeConfig(AppConfig):
    name = "lianfang.mobilize"
    label = "mobilize"
    verbose_name = _("Mobilization")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from lianfang.mobilize import attendance  # local import: needs the models, loaded only now

        # A volunteer who logs in during (or just before) their shift is checked in to it.
        user_logged_in.connect(attendance.check_in_on_login, dispatch_uid="mobilize_check_in_on_login")
