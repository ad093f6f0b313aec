"""The policy of each channel (`ChannelPolicy`), with the defaults used while no row was saved: SMS obeys
the carriers (15 a minute and 50 a day per number) and is quiet from 22:00 to 07:00; e-mail and webhooks
have no quiet hours; the in-app channel's `remind_minutes` and `escalate_minutes` pace "remind the rest" and
the escalation steps."""

from __future__ import annotations

import datetime

from lianfang.notices.models import Channel, ChannelPolicy

NO_QUIET = {"quiet_from": datetime.time(0, 0), "quiet_until": datetime.time(0, 0)}
DEFAULTS: dict[str, dict[str, object]] = {
    Channel.APP: {**NO_QUIET},
    Channel.SMS: {},
    Channel.EMAIL: {**NO_QUIET, "per_address_minute": 60, "per_address_day": 500},
    Channel.WEBHOOK: {**NO_QUIET, "per_address_minute": 6000, "per_address_day": 1_000_000},
}


def policy_for(channel: str) -> ChannelPolicy:
    row = ChannelPolicy.objects.filter(channel=channel).first()
    return row if row is not None else ChannelPolicy(channel=channel, **DEFAULTS.get(channel, {}))
