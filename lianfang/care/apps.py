from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lianfang.epi.signals import holds_changed


class CareConfig(AppConfig):
    name = "lianfang.care"
    label = "care"
    verbose_name = _("Care for quarantined households")

    def ready(self) -> None:
        from lianfang.care.teams import on_holds_changed  # local import: needs the models, loaded only now

        # epi recomputed some households' holds: open or end their care teams (set-based).
        holds_changed.connect(on_holds_changed, dispatch_uid="care_teams_on_holds_changed")
