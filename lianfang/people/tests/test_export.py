"""Export to xlsx: masked by default, full ID numbers only for roles that see them and only when asked;
every export is audited; only what the user may see."""

import io

import openpyxl
import pytest
from django.urls import reverse

from lianfang.core.models import AuditAction, AuditLog


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    width = len(rows[0])
    return rows[0], {r[0]: dict(zip(rows[0], r + [None] * (width - len(r)), strict=True)) for r in rows[1:]}


def id_column(header):
    return next(h for h in header if h in ("ID number", "身份证号"))


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get(reverse("people:export"))
    assert response.status_code == 302 and "login" in response.url


def test_the_export_is_masked_by_default_and_audited(world, login):
    header, rows = sheet(login(world.staff_a).get(reverse("people:export")))
    assert set(rows) == {"张三", "李四"}  # 王五 lives in community B
    masked = rows["张三"][id_column(header)]
    assert masked == world.zhang_san.masked_id and "*" in masked
    assert "****" in rows["张三"][header[4]]  # phone
    log = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert log.user == world.staff_a
    assert log.summary == "导出居民 2 人（身份证号和电话已脱敏）"


def test_full_id_numbers_only_when_asked_by_a_role_that_sees_them(world, login):
    header, rows = sheet(login(world.staff_a).get(reverse("people:export"), {"full_id": "1"}))
    assert rows["张三"][id_column(header)] == world.zhang_san.full_id()
    assert AuditLog.objects.get(action=AuditAction.EXPORT).summary == "导出居民 2 人（含完整身份证号和电话）"


def test_the_audit_trail_says_the_exports_filter_in_words(world, login):
    query = {"compound": world.compound_a.pk, "q": "张"}
    login(world.staff_a).get(reverse("people:export"), query)
    summary = AuditLog.objects.get(action=AuditAction.EXPORT).summary
    assert summary == "导出居民 1 人（身份证号和电话已脱敏）；筛选：阳光小区、搜索“张”"


def test_a_grid_worker_exports_masked_but_may_not_ask_for_full_ids(world, login):
    client = login(world.grid_a1_worker)
    _header, rows = sheet(client.get(reverse("people:export")))
    assert set(rows) == {"张三"}
    assert client.get(reverse("people:export"), {"full_id": "1"}).status_code == 403
    assert AuditLog.objects.filter(action=AuditAction.EXPORT).count() == 1


@pytest.mark.parametrize("persona", ["guard_a", "resident_a"])
def test_roles_without_the_registry_may_not_export(world, login, persona):
    assert login(getattr(world, persona)).get(reverse("people:export")).status_code == 403


def test_filters_by_query_and_compound(world, login):
    client = login(world.commander)
    _h, rows = sheet(client.get(reverse("people:export"), {"q": "zs"}))
    assert set(rows) == {"张三"}
    _h, rows = sheet(client.get(reverse("people:export"), {"compound": world.compound_b.pk}))
    assert set(rows) == {"王五"}


def test_a_compound_outside_the_scope_is_not_found(world, login):
    response = login(world.staff_a).get(reverse("people:export"), {"compound": world.compound_b.pk})
    assert response.status_code == 404


def test_the_export_query_count_does_not_grow_with_residents(world, login, django_assert_max_num_queries):
    client = login(world.commander)
    with django_assert_max_num_queries(8):
        sheet(client.get(reverse("people:export")))
