"""The JSON API of the watch app's report part (added to /api/v1/ by lianfang/api.py)."""

from ninja import Router

router = Router(tags=["watch"])
