"""Rows of every kind in community A (the personas' own) and in community B (out of their scope)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from lianfang.conftest import PASSWORD


@pytest.fixture
def things(world, settings, tmp_path) -> SimpleNamespace:
    """One row of each kind in community A (staff_a's) and one in community B, made by a superuser."""

    from lianfang.access.models import ExportStatus, PassageExport, PassKind
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
    from lianfang.supplies.models import (
        DonorKind,
        Item,
        Location,
        LocationKind,
        Movement,
        Request,
        StockTake,
        Threshold,
    )
    from lianfang.supplies.services import (
        DonatedLine,
        acknowledge_donation,
        pledge_donation,
        receive_donation,
    )
    from lianfang.watch.models import DailyReport, DailyStat, Detector, RiskAssessment, RiskRule, Signal

    settings.MEDIA_ROOT = tmp_path  # the files of the rows below (a gate log export)
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    # A rule of the tests' own (rating nothing): the shipped ones are gone after a transactional test.
    rule, _new = RiskRule.objects.get_or_create(
        code="test-rule", version=1, defaults={"kind": "feb2020", "targets": ""}
    )
    today = timezone.localdate()
    detector = Detector.objects.create(name="fevers C2", metric="fevers", level="grid", method="c2")
    t = SimpleNamespace(link_key=ensure_link_key(household=world.household_a1))
    masks = Item.objects.create(name="口罩", unit="只", category="protective")

    def donated(store: Location) -> object:
        d = pledge_donation(
            user=root, location=store, donor_kind=DonorKind.COMPANY, donor_name="某公司", name_public=True,
            lines=[DonatedLine(masks, 100)],
        )  # fmt: skip
        receive_donation(user=root, donation=d)
        return acknowledge_donation(user=root, donation=d)

    for side, community, compound, household, person, staff in (
        ("a", world.community_a, world.compound_a, world.household_a1, world.zhang_san, world.staff_a),
        ("b", world.community_b, world.compound_b, world.household_b, world.wang_wu, world.staff_b),
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
            "export": PassageExport.objects.create(user=staff, path=community.path, status=ExportStatus.DONE),
        }
        values["export"].file.save(f"passages-{side}.xlsx", ContentFile(b"xlsx"))
        values["store"] = Location.objects.create(
            name=f"{community.name}物资站",
            kind=LocationKind.COMMUNITY_STORE,
            area=community,
            path=community.path,
        )
        values["donation"] = donated(values["store"])
        values["movement"] = Movement.objects.get(donation=values["donation"])
        values["request"] = Request.objects.create(
            requester=values["store"], supplier=values["store"], path=community.path
        )
        values["stocktake"] = StockTake.objects.create(location=values["store"], path=community.path)
        Threshold.objects.create(location=values["store"], item=masks, minimum=1)
        values.update(mobilize_rows(root, community, gate, today))
        notice = create_draft(user=root, kind="letter", title="一封信", body="请居家。", area=community)
        notice.attachment.save("letter.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        notice = publish_notice(user=root, notice=approve_notice(user=root, notice=notice))
        values["notice"] = notice
        values["recipient"] = Recipient.objects.get(notice=notice, household=household)
        for key, value in values.items():
            setattr(t, f"{key}_{side}", value)
    return t


def mobilize_rows(root, community, gate, today):
    """A volunteer, a call for help, a shift of the gate with an assignment (mobilize)."""
    from lianfang.conftest import id_for
    from lianfang.mobilize.models import Assignment, HelpCall, HoursEntry, Shift
    from lianfang.mobilize.services import ReportIn, report_in

    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(20)))
    volunteer = report_in(
        user=None,
        data=ReportIn(
            community=community.code,
            name=f"{community.name}志愿者",
            phone="13900009999",
            id_number=id_for(datetime.date(1990, 1, 1), 300 if community.code.endswith("1") else 301, "F"),
            kind="volunteer",
        ),
    )
    shift = Shift.objects.create(
        gate=gate, path=gate.path, starts_at=start, ends_at=start + datetime.timedelta(hours=8), needed=1
    )
    return {
        "volunteer": volunteer,
        "helpcall": HelpCall.objects.create(
            community=community,
            path=community.path,
            audience_path=community.path,
            kind="patrol",
            place="东门",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            head_count=2,
            deadline=start,
        ),
        "shift": shift,
        "assignment": Assignment.objects.create(shift=shift, volunteer=volunteer, status="invited"),
        "hours": HoursEntry.objects.create(
            volunteer=volunteer, path=volunteer.path, day=today, hours=2, note="宣传"
        ),
    }
