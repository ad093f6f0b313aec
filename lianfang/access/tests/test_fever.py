"""A temperature at or above the fever line: referred, the household flagged, an alert for its community."""

import datetime
from decimal import Decimal

from lianfang.access.models import OutingPolicy, Passage
from lianfang.access.tests.conftest import at
from lianfang.core.models import Alert

D = datetime.date(2026, 3, 2)


def test_fever_at_the_gate_refers_flags_and_alerts(world, passes, scan):
    r = scan(passes["household_a1"], "out", at(D), temperature=37.3)
    assert (r.decision, r.code) == ("referred", "fever")
    assert "37.3" in r.message
    world.household_a1.refresh_from_db()
    assert world.household_a1.flag_reason == "fever" and world.household_a1.flagged_at
    alert = Alert.objects.get()
    assert alert.household == world.household_a1
    assert list(Alert.objects.visible_to(world.staff_a)) == [alert]
    assert list(Alert.objects.visible_to(world.staff_b)) == []
    assert Passage.objects.get().temperature == Decimal("37.3")
    assert Passage.objects.filter(counted=True).count() == 0


def test_just_below_the_line_passes(passes, scan):
    assert scan(passes["household_a1"], "out", at(D), temperature=37.2).code == "exit_allowed"
    assert Alert.objects.count() == 0


def test_fever_line_follows_policy(world, passes, scan):
    OutingPolicy.objects.create(area=world.city, fever_line=Decimal("37.5"))
    assert scan(passes["household_a1"], "in", at(D), temperature=37.4).code == "entry_allowed"
    assert scan(passes["household_a1"], "in", at(D), temperature=37.5).code == "fever"


def test_a_retried_fever_scan_raises_one_alert(passes, scan):
    import uuid

    cid = uuid.uuid4()
    scan(passes["household_a1"], "in", at(D), temperature=38.0, client_id=cid)
    r = scan(passes["household_a1"], "in", at(D), temperature=38.0, client_id=cid)
    assert r.code == "fever" and r.duplicate
    assert Alert.objects.count() == 1
