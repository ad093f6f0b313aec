"""Report-in (报到): validated like residents' registrations, accepted into an account, declined, lapsed."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lianfang.conftest import id_for
from lianfang.core.errors import DomainError
from lianfang.core.roles import Role
from lianfang.mobilize.models import Volunteer, VolunteerKind, VolunteerStatus
from lianfang.mobilize.services import (
    ReportIn,
    accept_volunteer,
    decline_volunteer,
    lapse_volunteers,
    report_in,
)
from lianfang.mobilize.volunteers import volunteer_of

pytestmark = pytest.mark.django_db


def data(world, **over):
    base = dict(
        community=world.community_a.code,
        name="赵党员",
        phone="13900001111",
        id_number=id_for(datetime.date(1975, 6, 1), 41, "M"),
        kind=VolunteerKind.PARTY_MEMBER,
        employer="淮南市供电公司",
        skills="gate driving",
        availability="晚上",
    )
    return ReportIn(**{**base, **over})


def test_a_report_in_keeps_the_id_number_protected_and_masked(world):
    v = report_in(user=None, data=data(world))
    assert v.status == VolunteerStatus.PENDING
    assert v.path == world.community_a.path
    number = id_for(datetime.date(1975, 6, 1), 41, "M")
    assert number not in v.id_cipher and v.id_hash != number
    assert v.masked_id == number[:6] + "********" + number[-4:]


def test_an_id_number_that_fails_its_checksum_is_refused_and_nothing_is_written(world):
    good = id_for(datetime.date(1975, 6, 1), 41, "M")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(DomainError) as err:
        report_in(user=None, data=data(world, id_number=bad))
    assert err.value.code == "id_bad_checksum"
    assert not Volunteer.objects.exists()


def test_a_party_member_names_an_employer(world):
    with pytest.raises(DomainError) as err:
        report_in(user=None, data=data(world, employer=""))
    assert err.value.code == "employer_required"


def test_the_same_person_reports_to_a_community_once(world):
    report_in(user=None, data=data(world))
    with pytest.raises(DomainError) as err:
        report_in(user=None, data=data(world, phone="13900002222"))
    assert err.value.code == "already_reported"
    assert Volunteer.objects.count() == 1


def test_a_resident_reporting_in_gets_the_address_of_the_registry(world):
    zs = world.zhang_san
    v = report_in(user=None, data=data(world, id_number=id_for(datetime.date(1980, 5, 17), 12, "M")))
    assert v.resident_id == zs.pk
    assert v.address.startswith("阳光小区")


def test_accepting_makes_a_volunteer_account_scoped_to_the_community(world):
    v = report_in(user=None, data=data(world))
    done = accept_volunteer(user=world.staff_a, volunteer=v.pk)
    account = done.volunteer.user
    assert account.role == Role.VOLUNTEER and account.area_id == world.community_a.pk
    assert account.check_password(done.password)
    assert done.volunteer.status == VolunteerStatus.ACTIVE
    assert volunteer_of(account) == done.volunteer


def test_staff_of_another_community_cannot_accept(world):
    v = report_in(user=None, data=data(world))
    with pytest.raises(DomainError) as err:
        accept_volunteer(user=world.staff_b, volunteer=v.pk)
    assert err.value.code == "not_found"
    with pytest.raises(DomainError) as err:
        accept_volunteer(user=world.guard_a, volunteer=v.pk)
    assert err.value.code == "forbidden"


def test_a_declined_report_in_cannot_be_accepted_but_the_person_may_report_again(world):
    v = report_in(user=None, data=data(world))
    decline_volunteer(user=world.staff_a, volunteer=v.pk, reason="不在本社区")
    with pytest.raises(DomainError) as err:
        accept_volunteer(user=world.staff_a, volunteer=v.pk)
    assert err.value.code == "volunteer_declined"
    again = report_in(user=None, data=data(world))
    assert again.status == VolunteerStatus.PENDING


def test_a_report_in_lapses_after_the_policy_months_unless_renewed(world):
    with time_machine.travel(datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC), tick=False):
        v = report_in(user=None, data=data(world))
        v = accept_volunteer(user=world.staff_a, volunteer=v.pk).volunteer
    assert v.lapses_on == datetime.date(2026, 7, 10)
    assert lapse_volunteers(today=datetime.date(2026, 7, 10)) == 0
    assert lapse_volunteers(today=datetime.date(2026, 7, 11)) == 1
    v.refresh_from_db()
    assert v.status == VolunteerStatus.LAPSED
    with time_machine.travel(datetime.datetime(2026, 7, 12, 9, tzinfo=datetime.UTC), tick=False):
        renewed = accept_volunteer(user=world.staff_a, volunteer=v.pk).volunteer
    assert renewed.status == VolunteerStatus.ACTIVE and renewed.lapses_on == datetime.date(2027, 1, 12)
    assert renewed.user_id == v.user_id
