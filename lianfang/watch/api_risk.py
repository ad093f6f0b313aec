"""The JSON API of the watch app's risk part (added to /api/v1/ by lianfang/api.py)."""

from ninja import Router

router = Router(tags=["watch"])
