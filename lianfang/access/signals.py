"""Cache invalidation only (CONVENTIONS.md): gates, gate devices and outing policies are kept in each
process's cache `gatecache.CACHE` for a few seconds; a save or delete here empties it in this process."""

from django.db.models.signals import post_delete, post_save

from lianfang.access import gatecache, policy
from lianfang.access.models import GateDevice, OutingPolicy
from lianfang.places.models import Gate

post_save.connect(policy.clear_cache, sender=OutingPolicy, dispatch_uid="lf-policy-save")
post_delete.connect(policy.clear_cache, sender=OutingPolicy, dispatch_uid="lf-policy-delete")
for sender in (Gate, GateDevice):
    post_save.connect(gatecache.clear, sender=sender, dispatch_uid=f"lf-gate-save-{sender.__name__}")
    post_delete.connect(gatecache.clear, sender=sender, dispatch_uid=f"lf-gate-delete-{sender.__name__}")
