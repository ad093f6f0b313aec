"""The demo city's mobilization data (seed_demo, tiny scale): volunteers in every community, a week's roster
with tonight's gap at the guard's gate, the demo volunteer's shift and an open call on their home page, and
the party member's service card."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from lianfang.accounts.models import User
from lianfang.core.models import Alert, AlertKind
from lianfang.demo.accounts import DEFAULT_PASSWORD
from lianfang.demo.seed import seed
from lianfang.mobilize.gaps import gap_rows
from lianfang.mobilize.models import AssignmentStatus, Volunteer, VolunteerKind
from lianfang.places.models import Area, AreaLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def afternoon(at):
    seed(scale="tiny", password=DEFAULT_PASSWORD, now=at(15, 0))
    return {u.username: u for u in User.objects.all()}


def test_every_community_has_volunteers_and_tonight_has_a_gap_at_the_guards_gate(afternoon, at):
    communities = Area.objects.filter(level=AreaLevel.COMMUNITY).count()
    assert Volunteer.objects.values("community").distinct().count() == communities
    rows = gap_rows(afternoon["staff"], now=at(15, 0))
    gaps = [r for r in rows if r.gap != "ok" and r.starts_at < at(15, 0) + datetime.timedelta(hours=18)]
    assert [r.gate_id for r in gaps] == [afternoon["guard"].gate_id]
    assert Alert.objects.filter(kind=AlertKind.ROSTER_GAP).count() == 1


def test_the_volunteer_login_shows_a_shift_and_an_open_call(afternoon):
    client = Client()
    client.force_login(afternoon["volunteer"])
    page = client.get("/").content.decode()
    assert 'data-test="my-shift"' in page and 'data-test="open-call"' in page


def test_the_party_member_has_duties_for_the_service_card(afternoon):
    party = Volunteer.objects.get(kind=VolunteerKind.PARTY_MEMBER)
    assert party.assignments.filter(status=AssignmentStatus.CHECKED_OUT).count() >= 1
    client = Client()
    client.force_login(afternoon["staff"])
    response = client.get(f"/mobilize/volunteers/{party.pk}/service-card.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
