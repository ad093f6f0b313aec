"""Signals other apps listen to (care proposes a care team when a household's home quarantine starts)."""

from django.dispatch import Signal

# Sent by epi.holds.recompute_holds after households' holds were recomputed, inside the service's
# transaction. Argument: household_ids — a sorted list of household primary keys (plain ints) whose hold
# (Household.exits_held_until) may have started, changed or ended. Receivers must be set-based (a
# lockdown sends 1,000s).
holds_changed = Signal()
