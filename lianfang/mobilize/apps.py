from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilizeConfig(AppConfig):
    name = "lianfang.mobilize"
    label = "mobilize"
    verbose_name = _("Mobilization")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from lianfang.mobilize.attendance import check_in_on_login  # needs the models, loaded only now

        # A volunteer (or the guard of a gate) who logs in during their shift is checked in to it.
        user_logged_in.connect(check_in_on_login, dispatch_uid="mobilize_check_in_on_login")
