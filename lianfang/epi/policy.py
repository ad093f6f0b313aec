"""Which epidemic rules apply where (the nearest EpiPolicy up the area tree wins; none means the
defaults). Who may change epidemic data where: `core.roles.EDIT_EPI`, checked by
`core.scoping.authorize_write`."""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.epi.models import EpiPolicy
from lianfang.places.inherit import nearest


@dataclass(frozen=True)
class EpiRules:
    lockdown_days: int = 14
    home_quarantine_days: int = 14
    facility_quarantine_days: int = 14
    case_quarantine_days: int = 14
    contact_window_minutes: int = 15
    infectious_days_before_onset: int = 2
    same_unit_contacts: bool = True
    release_normal_checks: int = 2
    source_area: str = ""  # code of the area the policy is set on ("" = defaults)

    @classmethod
    def from_model(cls, p: EpiPolicy) -> EpiRules:
        return cls(
            lockdown_days=p.lockdown_days,
            home_quarantine_days=p.home_quarantine_days,
            facility_quarantine_days=p.facility_quarantine_days,
            case_quarantine_days=p.case_quarantine_days,
            contact_window_minutes=p.contact_window_minutes,
            infectious_days_before_onset=p.infectious_days_before_onset,
            same_unit_contacts=p.same_unit_contacts,
            release_normal_checks=p.release_normal_checks,
            source_area=p.area.code,
        )


DEFAULT_RULES = EpiRules()


def epi_policy_for_path(path: str) -> EpiRules:
    """The rules for an area path: the EpiPolicy of the deepest area above (or at) it, else defaults.
    One query; not cached (epidemic actions are rare next to gate scans)."""
    row = nearest(EpiPolicy, path)
    return EpiRules.from_model(row) if row else DEFAULT_RULES
