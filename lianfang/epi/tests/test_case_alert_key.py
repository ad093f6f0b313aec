"""A new case raises one urgent alert keyed by the case (`case:<id>`), for its area and its grid."""

from __future__ import annotations

from lianfang.core.models import Alert, AlertEventKind, AlertKind, AlertSeverity
from lianfang.epi.models import CaseSource, CaseStatus
from lianfang.epi.services import change_case_status, create_case


def test_a_new_case_is_one_urgent_alert_of_its_grid_and_a_status_change_raises_none(world, today):
    case = create_case(
        user=world.health_a,
        resident=world.zhang_san,
        status=CaseStatus.SUSPECTED,
        source=CaseSource.HOSPITAL,
        today=today,
    )
    change_case_status(user=world.health_a, case=case, status=CaseStatus.CONFIRMED, today=today)
    alert = Alert.objects.get(kind=AlertKind.CASE)
    assert alert.dedup_key == f"case:{case.pk}"
    assert (alert.severity, alert.grid_id, alert.path) == (AlertSeverity.URGENT, world.grid_a1.pk, case.path)
    assert list(alert.events.values_list("kind", flat=True)) == [AlertEventKind.RAISED]
    assert list(Alert.objects.visible_to(world.grid_a1_worker)) == [alert]
