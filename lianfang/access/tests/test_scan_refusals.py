"""Bad passes and bad input: each has its own code and message, and none changes a count."""

import datetime

import pytest

from lianfang.access.models import Pass, Passage, PassKind, PassStatus
from lianfang.access.tests.conftest import at
from lianfang.access.tokens import make_token

D = datetime.date(2026, 3, 2)


def counted():
    return Passage.objects.filter(counted=True).count()


@pytest.mark.parametrize(
    "mutate, code",
    [
        (lambda t: t[:-3], "token_malformed"),  # truncated
        (lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), "token_forged"),  # tampered signature
        (lambda t: "hello world", "token_malformed"),
        (lambda t: "", "token_malformed"),
    ],
)
def test_damaged_tokens_are_refused(passes, scan, mutate, code):
    r = scan(mutate(passes["household_a1"].qr_text), "out", at(D))
    assert (r.decision, r.code) == ("refused", code)
    assert r.message
    assert counted() == 0


def test_a_token_for_another_pass_id_with_a_copied_signature_is_forged(passes, scan):
    real = passes["household_a1"].qr_text
    other_id = passes["household_a2"].pk
    forged = f"LF1.{other_id:X}." + real.split(".", 2)[2]
    assert scan(forged, "out", at(D)).code == "token_forged"


def test_unknown_pass_number_and_unknown_signed_id(passes, scan):
    assert scan("ZZZZ-ZZZZ", "out", at(D)).code == "pass_unknown"
    assert scan(make_token(999999, 1), "out", at(D)).code == "pass_unknown"


def test_typed_pass_number_works_like_the_qr(passes, scan):
    p = passes["household_a1"]
    assert scan(p.display_number.lower(), "out", at(D)).code == "exit_allowed"


def test_expired_and_not_yet_valid_passes(passes, scan):
    p = passes["household_a1"]
    Pass.objects.filter(pk=p.pk).update(valid_to=D - datetime.timedelta(days=1))
    r = scan(p, "out", at(D))
    assert r.code == "pass_expired"
    Pass.objects.filter(pk=p.pk).update(
        valid_from=D + datetime.timedelta(days=1), valid_to=D + datetime.timedelta(days=9)
    )
    assert scan(p, "in", at(D)).code == "pass_not_yet_valid"
    assert counted() == 0


def test_suspended_pass_may_come_home_but_not_go_out(passes, scan):
    p = passes["household_a1"]
    Pass.objects.filter(pk=p.pk).update(status=PassStatus.SUSPENDED)
    assert scan(p, "in", at(D)).code == "entry_allowed"
    assert scan(p, "out", at(D)).code == "pass_suspended"
    assert counted() == 0


def test_revoked_pass_is_refused_both_ways(passes, scan):
    p = passes["household_a1"]
    Pass.objects.filter(pk=p.pk).update(status=PassStatus.REVOKED)
    assert scan(p, "in", at(D)).code == "pass_revoked"
    assert scan(p, "out", at(D)).code == "pass_revoked"


def test_reissued_pass_voids_the_old_qr(passes, scan):
    p = passes["household_a1"]
    old = p.qr_text
    Pass.objects.filter(pk=p.pk).update(version=2)
    p.refresh_from_db()
    assert scan(old, "out", at(D)).code == "pass_replaced"
    assert scan(p.qr_text, "out", at(D)).code == "exit_allowed"


def test_pass_of_another_compound_is_refused(passes, scan):
    r = scan(passes["household_b"], "in", at(D))
    assert (r.decision, r.code) == ("refused", "wrong_compound")


def test_area_wide_work_pass_is_valid_in_its_area_only(world, passes, scan):
    work = Pass.objects.create(
        kind=PassKind.WORK,
        holder="供电所",
        path=world.community_b.path,
        valid_from=D,
        valid_to=D + datetime.timedelta(days=9),
    )
    assert scan(work, "out", at(D)).code == "wrong_compound"
    work.path = world.street.path
    work.save()
    assert scan(work, "out", at(D)).code == "exit_exempt"


def test_closed_gate_refuses(world, passes, scan):
    west = world.compound_a.gates.get(name="西门")
    assert scan(passes["household_a1"], "in", at(D), gate=west).code == "gate_closed"


def test_gate_that_does_not_accept_the_kind(world, passes, scan):
    world.gate_a.accepted_kinds = "work"
    world.gate_a.save()
    assert scan(passes["household_a1"], "in", at(D)).code == "kind_not_accepted"


@pytest.mark.parametrize("temp", [33.9, 43.1, -5, 100, "abc", "NaN", "Infinity"])
def test_impossible_temperatures_are_refused_and_not_stored(passes, scan, temp):
    r = scan(passes["household_a1"], "out", at(D), temperature=temp)
    assert (r.decision, r.code) == ("refused", "temperature_impossible")
    assert Passage.objects.count() == 0


def test_missing_temperature_is_refused_when_policy_requires_it(passes, scan):
    r = scan(passes["household_a1"], "out", at(D), temperature=None)
    assert r.code == "temperature_missing"
    assert Passage.objects.count() == 0


def test_bad_direction_and_bad_client_id(world, passes):
    from lianfang.access import gatecache
    from lianfang.access.scan import ScanInput, record_scan

    ctx = gatecache.for_gate(world.gate_a.pk)
    p = passes["household_a1"]
    r = record_scan(
        gate=ctx, scan=ScanInput(client_id="not-a-uuid", token=p.qr_text, direction="out", temperature=36.5)
    )
    assert r.code == "bad_client_id"
    import uuid

    r = record_scan(
        gate=ctx,
        scan=ScanInput(client_id=uuid.uuid4(), token=p.qr_text, direction="sideways", temperature=36.5),
    )
    assert r.code == "bad_direction"
    assert Passage.objects.count() == 0


def test_refused_scans_of_real_passes_are_logged_but_not_counted(passes, scan):
    p = passes["household_a1"]
    scan(p, "out", at(D, 9))
    scan(p, "out", at(D, 10))
    rows = list(Passage.objects.order_by("server_time").values_list("decision", "counted"))
    assert rows == [("allowed", True), ("refused", False)]
