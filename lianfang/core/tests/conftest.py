"""Rows of every kind in community A (the personas' own) and in community B (out of their scope)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from lianfang.conftest import PASSWORD


@pytest.fixture
def things(world) -> SimpleNamespace:
    """One row of each kind in community A (staff_a's) and one in community B, made by a superuser."""
    from lianfang.access.models import PassKind
    from lianfang.access.services import ensure_link_key, issue_pass
    from lianfang.accounts.models import User
    from lianfang.care.services import raise_errand
    from lianfang.core.alerts import raise_alert
    from lianfang.core.models import AlertKind
    from lianfang.epi.models import Case, CaseSource, CaseStatus, Facility, Lockdown, QuarantineKind
    from lianfang.epi.services import start_quarantine
    from lianfang.notices.models import Recipient
    from lianfang.notices.services import approve_notice, create_draft, publish_notice
    from lianfang.people.models import ImportJob, ImportStatus
    from lianfang.places.models import Gate, Grid
    from lianfang.watch.models import DailyReport, DailyStat, Detector, RiskAssessment, RiskRule, Signal

    root = User.objects.create_superuser(username="root", password=PASSWORD)
    # A rule of the tests' own (rating nothing): the shipped ones are gone after a transactional test.
    rule, _new = RiskRule.objects.get_or_create(
        code="test-rule", version=1, defaults={"kind": "feb2020", "targets": ""}
    )
    today = timezone.localdate()
    detector = Detector.objects.create(name="fevers C2", metric="fevers", level="grid", method="c2")
    t = SimpleNamespace(link_key=ensure_link_key(household=world.household_a1))
    for side, community, compound, household, person in (
        ("a", world.community_a, world.compound_a, world.household_a1, world.zhang_san),
        ("b", world.community_b, world.compound_b, world.household_b, world.wang_wu),
    ):
        gate = (
            world.gate_a
            if side == "a"
            else Gate.objects.create(compound=compound, name="北门", path=compound.path)
        )
        quarantine = start_quarantine(
            user=root,
            resident=person,
            kind=QuarantineKind.HOME,
            reason="contact",
            start=today,
            days=14,
            today=today,
        )
        household.refresh_from_db()
        values = {
            "community": community,
            "compound": compound,
            "building": household.unit.building,
            "household": household,
            "resident": person,
            "gate": gate,
            "pass": issue_pass(user=root, kind=PassKind.HOUSEHOLD, household=household),
            "quarantine": quarantine,
            "errand": raise_errand(user=root, household=household, category="vegetables", details="米和油"),
            "case": Case.objects.create(
                resident=person,
                household=household,
                status=CaseStatus.SUSPECTED,
                source=CaseSource.OTHER,
                path=household.path,
                grid=household.grid,
            ),
            "lockdown": Lockdown.objects.create(
                scope_kind="compound",
                compound=compound,
                label=compound.name,
                start=today,
                days=14,
                ends_on=today + datetime.timedelta(days=13),
                path=compound.path,
            ),
            "facility": Facility.objects.create(area=community, name=f"{community.name}宾馆"),
            "risk": RiskAssessment.objects.create(
                area=community,
                path=community.path,
                rule=rule,
                day=today,
                suggested="medium",
            ),
            "stat": DailyStat.objects.create(
                path=f"{community.path}g{household.grid_id or 0}.",
                grid_id=household.grid_id,
                level="grid",
                day=today,
                metric="fevers",
                value=3,
            ),
            "signal": Signal.objects.create(
                detector=detector,
                path=f"{community.path}g{household.grid_id or 0}.",
                grid_id=household.grid_id,
                level="grid",
                day=today,
                observed=3,
            ),
            "report": DailyReport.objects.create(community=community, path=community.path, day=today),
            "alert": raise_alert(
                kind=AlertKind.FEVER,
                title=f"{compound.name} 发热",
                path=community.path,
                household_id=household.pk,
                grid_id=household.grid_id,
                dedup_key=f"things:{side}",
            ),
            "grid": world.grid_a1
            if side == "a"
            else Grid.objects.create(
                community=community, code=f"{community.code}-01", name="一网格", path=community.path
            ),
            "job": ImportJob.objects.create(
                community=community,
                path=community.path,
                file="imports/residents.xlsx",
                filename="residents.xlsx",
                status=ImportStatus.PREVIEWED,
                report={"errors": [], "valid": 1},
            ),
        }
        notice = create_draft(user=root, kind="letter", title="一封信", body="请居家。", area=community)
        notice.attachment.save("letter.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        notice = publish_notice(user=root, notice=approve_notice(user=root, notice=notice))
        values["notice"] = notice
        values["recipient"] = Recipient.objects.get(notice=notice, household=household)
        for key, value in values.items():
            setattr(t, f"{key}_{side}", value)
    return t
