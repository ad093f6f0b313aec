"""The figures of the daily statistics (`DailyStat.metric`): one code per figure, the same at every level
of the tree. `STOCK` figures are counted at the end of the day (how many there are); the others count
what happened during the day (flows). Both add up from children to parents."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    # The registry (stock, at the end of the day).
    HOUSEHOLDS = "households", _("Households")
    RESIDENTS = "residents", _("Residents")
    VULNERABLE = "vulnerable", _("Vulnerable residents")
    RETURNEES_ARRIVED = "returnees_arrived", _("Returnees arrived")
    RETURNEES_WATCHED = "returnees_watched", _("Returnees under watch (14 days)")
    # Cases.
    CASES_NEW = "cases_new", _("New cases")
    CASES_CUMULATIVE = "cases_cumulative", _("Cumulative cases")
    CASES_SUSPECTED = "cases_suspected", _("Suspected cases (open)")
    CASES_CONFIRMED = "cases_confirmed", _("Confirmed cases (open)")
    CASES_ASYMPTOMATIC = "cases_asymptomatic", _("Asymptomatic cases (open)")
    CASES_RECOVERED = "cases_recovered", _("Recovered cases")
    CASES_EXCLUDED = "cases_excluded", _("Excluded cases")
    # Lockdowns and holds.
    LOCKDOWNS_ACTIVE = "lockdowns_active", _("Sealed areas")
    HOUSEHOLDS_HELD = "households_held", _("Households held")
    PEOPLE_HELD = "people_held", _("People held")
    # Quarantine.
    HOME_Q_STARTED = "home_q_started", _("Home quarantine started")
    HOME_Q_ENDED = "home_q_ended", _("Home quarantine ended")
    HOME_Q_CURRENT = "home_q_current", _("In home quarantine")
    FACILITY_Q_STARTED = "facility_q_started", _("Facility quarantine started")
    FACILITY_Q_ENDED = "facility_q_ended", _("Facility quarantine ended")
    FACILITY_Q_CURRENT = "facility_q_current", _("In facility quarantine")
    CONTACTS_CONFIRMED = "contacts_confirmed", _("Close contacts confirmed")
    # The gates.
    PASSAGES_IN = "passages_in", _("Entries")
    PASSAGES_OUT = "passages_out", _("Exits")
    REFUSALS = "refusals", _("Refusals at the gate")
    FEVERS = "fevers", _("Fevers at the gate")
    # Care.
    CALLS_MADE = "calls_made", _("Care calls made")
    CALLS_OVERDUE = "calls_overdue", _("Care calls overdue")
    ERRANDS_RAISED = "errands_raised", _("Errands raised")
    ERRANDS_DONE = "errands_done", _("Errands done")
    ERRAND_MINUTES_MEDIAN = "errand_minutes_median", _("Errand response, median minutes")
    DISINFECTIONS = "disinfections", _("Disinfections")
    KITS_DELIVERED = "kits_delivered", _("Kits delivered")
    # Alerts.
    ALERTS_OPENED = "alerts_opened", _("Alerts raised")
    ALERTS_RESOLVED = "alerts_resolved", _("Alerts resolved")


# Refusals are also counted per code: metric "refusal:<DecisionCode>" (e.g. "refusal:quota_used").
REFUSAL_PREFIX = "refusal:"

# A median does not add up from children to parents: each level computes its own from the records.
NOT_ADDITIVE = frozenset({Metric.ERRAND_MINUTES_MEDIAN})
