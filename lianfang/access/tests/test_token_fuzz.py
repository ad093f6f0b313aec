"""10,000 randomly mutated tokens: none is allowed, none changes a count."""

import datetime
import random
import string
import uuid

import time_machine

from lianfang.access import gatecache
from lianfang.access.models import Passage
from lianfang.access.scan import ScanInput, record_scan
from lianfang.access.tests.conftest import at
from lianfang.access.tokens import parse_token

ALPHABET = string.ascii_uppercase + string.digits + ".-_ "


def mutate(rng: random.Random, token: str) -> str:
    chars = list(token)
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        i = rng.randrange(len(chars)) if chars else 0
        if op < 0.5 and chars:
            chars[i] = rng.choice(ALPHABET)
        elif op < 0.75 and chars:
            del chars[i]
        else:
            chars.insert(i, rng.choice(ALPHABET))
    return "".join(chars)


def test_ten_thousand_mutated_tokens_parse_to_nothing_valid(passes):
    rng = random.Random(20200207)
    real = {p.qr_text for p in passes.values()}
    valid_ids = {(p.pk, p.version) for p in passes.values()}
    accepted = 0
    for _ in range(10_000):
        base = rng.choice(sorted(real))
        t = mutate(rng, base)
        if t.strip().upper() in real:  # the same token (a space added at an end, lower case): not a mutation
            continue
        parsed = parse_token(t)
        if parsed.pass_id is not None and (parsed.pass_id, parsed.version) in valid_ids:
            accepted += 1
    assert accepted == 0


def test_a_sample_of_mutated_tokens_is_refused_at_the_gate(world, passes):
    rng = random.Random(7)
    ctx = gatecache.for_gate(world.gate_a.pk)
    base = passes["household_a1"].qr_text
    decisions = set()
    for _ in range(300):
        t = mutate(rng, base)
        if t.strip().upper() == base:
            continue
        with time_machine.travel(at(datetime.date(2026, 3, 2)), tick=False):
            r = record_scan(
                gate=ctx,
                scan=ScanInput(client_id=uuid.uuid4(), token=t, direction="out", temperature=36.4),
            )
        decisions.add(r.decision)
    assert decisions == {"refused"}
    assert Passage.objects.filter(counted=True).count() == 0
