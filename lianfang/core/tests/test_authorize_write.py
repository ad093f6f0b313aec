"""`core.scoping.authorize_write`: the one check every service makes before it writes. The role first
(403 `forbidden`, the action's message), then the scope by the model's own ScopeRule — the rule the reads
use — refused as 404 `not_found`, worded like a row that does not exist."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from lianfang.accounts.models import User
from lianfang.care.models import Errand
from lianfang.conftest import PASSWORD
from lianfang.core.errors import DomainError
from lianfang.core.models import ScopedModel
from lianfang.core.roles import EDIT_CARE, EDIT_EPI, EDIT_REGISTRY, SET_OUTING_RULES, Role
from lianfang.core.scoping import ScopedManager, ScopeRule, authorize_write

PERSONAS = ("commander", "staff_a", "grid_a1_worker", "staff_b", "guard_a", "health_a", "resident_a")


def refused(user, **kw) -> DomainError:
    with pytest.raises(DomainError) as err:
        authorize_write(user, **kw)
    return err.value


def test_a_role_that_may_not_act_is_refused_403_before_the_scope_is_looked_at(world):
    err = refused(world.guard_a, action=EDIT_EPI, obj=world.household_b)

    assert (err.code, err.status) == ("forbidden", 403)
    assert err.message == EDIT_EPI.refused


def test_a_row_out_of_scope_is_refused_404_in_the_words_of_a_missing_row(world):
    err = refused(world.staff_a, action=EDIT_REGISTRY, obj=world.household_b)

    with translation.override("en"):  # what the API answers for a row that does not exist (lianfang/api.py)
        assert (err.code, err.status, str(err.message)) == ("not_found", 404, "Not found.")


def test_a_row_in_scope_passes(world):
    authorize_write(world.staff_a, action=EDIT_REGISTRY, obj=world.household_a2)
    authorize_write(world.grid_a1_worker, action=EDIT_REGISTRY, obj=world.household_a1)


def test_a_grid_worker_writes_only_in_their_grid_not_in_the_whole_community(world):
    # The community's path covers household A2, but grid workers reach rows through their grid.
    assert refused(world.grid_a1_worker, action=EDIT_REGISTRY, obj=world.household_a2).code == "not_found"
    assert (
        refused(world.grid_a1_worker, action=EDIT_REGISTRY, path=world.community_a.path).code == "not_found"
    )


def test_a_row_about_to_be_created_is_checked_through_its_foreign_keys(world):
    mine = Errand(household=world.household_a1, path=world.household_a1.path)
    theirs = Errand(household=world.household_a2, path=world.household_a2.path)

    authorize_write(world.grid_a1_worker, action=EDIT_CARE, obj=mine)
    assert refused(world.grid_a1_worker, action=EDIT_CARE, obj=theirs).code == "not_found"


def test_a_path_must_lie_in_the_area_of_the_user(world):
    authorize_write(world.commander, action=SET_OUTING_RULES, path=world.community_b.path)
    authorize_write(world.staff_a, action=SET_OUTING_RULES, path=world.community_a.path)

    assert refused(world.staff_a, action=SET_OUTING_RULES, path=world.community_b.path).code == "not_found"
    assert refused(world.staff_a, action=SET_OUTING_RULES, path=world.street.path).code == "not_found"


def test_without_a_row_or_path_only_the_role_is_checked(world):
    authorize_write(world.staff_b, action=EDIT_EPI)

    assert refused(world.grid_a1_worker, action=EDIT_EPI).code == "forbidden"


def test_a_superuser_may_write_anywhere_and_an_inactive_or_anonymous_user_nowhere(world):
    from django.contrib.auth.models import AnonymousUser

    root = User.objects.create_superuser(username="root", password=PASSWORD)
    authorize_write(root, action=EDIT_EPI, obj=world.household_b)
    gone = User.objects.create_user(
        username="gone", password=PASSWORD, role=Role.COMMUNITY, area=world.community_a, is_active=False
    )

    for user in (gone, AnonymousUser(), None):
        assert refused(user, action=EDIT_REGISTRY, obj=world.household_a1).code == "forbidden"


def scoped_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if isinstance(getattr(m, "scope", None), ScopeRule)]


def test_every_scoped_model_declares_a_rule_whose_lookups_exist():
    for model in scoped_models():
        rule: ScopeRule = model.scope  # type: ignore[attr-defined]
        assert isinstance(model._default_manager, ScopedManager) or model._meta.label == "accounts.User"
        for lookup in filter(None, (rule.path, rule.grid, rule.household, rule.gate)):
            current = model
            for part in lookup.split("__"):
                field = current._meta.get_field(part)
                current = field.related_model or current


def test_every_model_with_its_own_path_column_is_a_scoped_model():
    with_path = [m for m in apps.get_models() if any(f.name == "path" for f in m._meta.fields)]

    assert len(with_path) == 42
    assert [m.__name__ for m in with_path if not issubclass(m, ScopedModel)] == []


@pytest.fixture
def rows_of_every_kind(world, things):
    """`things` plus, in A and in B, a row of each scoped model the services above did not write."""
    import datetime

    from lianfang.access.models import Delivery, GateDevice, OutingPolicy, Passage, Visitor
    from lianfang.care.models import CareCall, CarePolicy, Disinfection, KitDelivery, KitTemplate
    from lianfang.core.models import Alert
    from lianfang.epi.models import Contact, EpiPolicy, HealthCheck, Room
    from lianfang.mobilize.models import Claim, LimitPolicy, RosterRule
    from lianfang.notices.models import OutboxMessage, PrintedSlip
    from lianfang.people.models import TravelRecord, Visit

    today = datetime.date(2026, 3, 1)
    for side in "ab":

        def t(name: str, side: str = side) -> Any:
            return getattr(things, f"{name}_{side}")

        household, gate, community, path = t("household"), t("gate"), t("community"), t("household").path
        Passage.objects.create(
            gate=gate, household=household, direction="out", decision="allowed", code="ok", path=path
        )
        Visitor.objects.create(
            gate=gate,
            host=household,
            name="访客",
            phone="13900000000",
            purpose="探亲",
            decision="allowed",
            path=path,
        )
        Delivery.objects.create(gate=gate, household=household, path=path)
        GateDevice.objects.create(gate=gate, digest=f"digest-{side}")
        OutingPolicy.objects.create(area=community)
        EpiPolicy.objects.create(area=community)
        CarePolicy.objects.create(area=community)
        Room.objects.create(facility=t("facility"), number="101")
        HealthCheck.objects.create(
            resident=t("resident"),
            household=household,
            date=today,
            source="health",
            path=path,
            grid=household.grid,
        )
        Contact.objects.create(case=t("case"), resident=t("resident"), status="confirmed", path=path)
        template = KitTemplate.objects.create(area=community, name="九个一", items="口罩")
        KitDelivery.objects.create(household=household, template=template, items="口罩", path=path)
        Disinfection.objects.create(building=t("building"), date=today, path=path)
        CareCall.objects.create(household=household, date=today, window="am", reached=True, path=path)
        Alert.objects.create(kind="other", title="提醒", path=path, household=household)
        TravelRecord.objects.create(resident=t("resident"), origin="武汉", arrival_date=today)
        Visit.objects.create(household=household)
        RosterRule.objects.create(gate=gate, path=gate.path)
        LimitPolicy.objects.create(area=community)
        Claim.objects.create(call=t("helpcall"), volunteer=t("volunteer"), status="claimed")
        OutboxMessage.objects.create(key=f"k{side}", notice=t("notice"), channel="sms", address="1", body="x")
        PrintedSlip.objects.create(recipient=t("recipient"))
    return things


def test_the_write_check_and_the_reads_agree_for_every_scoped_row_and_persona(world, rows_of_every_kind):
    """`ScopeRule.covers` decides on the row in hand; `visible_to` in SQL. Same answer, every time."""
    disagree, compared, kinds = [], 0, set()
    for model in scoped_models():
        rows = list(model._default_manager.all())
        for name in PERSONAS:
            user = getattr(world, name)
            seen = set(model.objects.visible_to(user).values_list("pk", flat=True))  # type: ignore[attr-defined]
            for row in rows:
                covered = model.scope.covers(user, row)  # type: ignore[attr-defined]
                compared, kinds = compared + 1, kinds | {(model, covered)}
                if covered != (row.pk in seen):
                    disagree.append(f"{model.__name__} #{row.pk} for {name}")
    assert not disagree
    # Every scoped model had rows that some persona sees and rows that some persona does not.
    assert (
        {m for m, covered in kinds if covered}
        == {m for m, covered in kinds if not covered}
        == set(scoped_models())
    ), compared
