"""Cache invalidation only (CONVENTIONS.md): policies and gate devices are cached per process."""

from django.db.models.signals import post_delete, post_save

from lianfang.access import gatecache, policy
from lianfang.access.models import GateDevice, OutingPolicy
from lianfang.places.models import Gate

for model in (OutingPolicy,):
    post_save.connect(policy.clear_cache, sender=model, dispatch_uid=f"lf-policy-save-{model.__name__}")
    post_delete.connect(policy.clear_cache, sender=model, dispatch_uid=f"lf-policy-del-{model.__name__}")
for model in (Gate, GateDevice):
    post_save.connect(gatecache.clear, sender=model, dispatch_uid=f"lf-gate-save-{model.__name__}")
    post_delete.connect(gatecache.clear, sender=model, dispatch_uid=f"lf-gate-del-{model.__name__}")
