import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from lianfang.care.services import assign_errand, raise_errand
from lianfang.core import audit
from lianfang.core.models import AuditAction
from lianfang.epi.models import Case, CaseStatus, QuarantineKind
from lianfang.epi.services import start_quarantine


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def trail(world):
    audit.log(user=world.staff_a, action=AuditAction.VIEW, obj=world.zhang_san, summary="张三")
    audit.log(user=world.staff_a, action=AuditAction.VIEW_FULL_ID, obj=world.li_si, summary="李四")
    audit.log(user=world.staff_b, action=AuditAction.VIEW, obj=world.wang_wu, summary="王五")


def test_anonymous_is_sent_to_login(db, client):
    response = client.get(reverse("core:audit-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_community_staff_read_their_communitys_trail(world, trail, login):
    page = login(world.staff_a).get(reverse("core:audit-list")).content.decode()
    assert "张三" in page and "李四" in page
    assert "王五" not in page
    assert "Viewed full ID number" in page
    assert "staff_a" in page


def test_the_trail_filters_by_action(world, trail, login):
    response = login(world.staff_a).get(reverse("core:audit-list"), {"action": "view_full_id"})
    page = response.content.decode()
    assert "李四" in page
    assert "张三" not in page
    assert '<option value="view_full_id" selected>' in page


def test_grid_workers_and_guards_have_no_audit_page(world, trail, login):
    assert login(world.grid_a1_worker).get(reverse("core:audit-list")).status_code == 404
    assert login(world.guard_a).get(reverse("core:audit-list")).status_code == 404


def test_the_audit_page_query_count_does_not_grow_with_rows(
    world, trail, login, django_assert_max_num_queries
):
    for _ in range(20):
        audit.log(user=world.staff_a, action=AuditAction.VIEW, obj=world.zhang_san, summary="张三")
    client = login(world.staff_a)
    # One query per kind of object on the page, and the header's open alert count.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("core:audit-list")).status_code == 200


def test_the_trail_reads_as_sentences_with_names_not_ids(world, login, client):
    # The services write in the active language; an earlier test's request may have left English active.
    with translation.override("zh-hans"):
        start_quarantine(
            user=world.health_a,
            resident=world.zhang_san,
            kind=QuarantineKind.HOME,
            reason="contact",
            start=timezone.localdate(),
            days=14,
            today=timezone.localdate(),
        )
        errand = raise_errand(
            user=world.grid_a1_worker, household=world.household_a1, category="medicine", details="药"
        )
        assign_errand(user=world.staff_a, errand=errand, assignee=world.grid_a1_worker)
        case = Case.objects.create(
            resident=world.zhang_san,
            household=world.household_a1,
            status=CaseStatus.SUSPECTED,
            path=world.household_a1.path,
        )
        audit.log(user=world.health_a, action=AuditAction.CREATE, obj=case)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = login(world.staff_a).get(reverse("core:audit-list")).content.decode()
    assert "代办已指派给 grid_a1" in page  # the assignee's name, not their id
    assert (
        "阳光小区 3栋1单元101 · 买药" in page or "阳光小区 3栋1单元101 · " in page
    )  # the errand by household
    assert "张三 · 疑似" in page  # the case by person and status, not 病例 #id
    assert "网格员" in page and ">grid<" not in page  # roles in words
