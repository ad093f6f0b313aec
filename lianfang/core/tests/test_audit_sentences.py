"""The audit trail reads as sentences: a representative action of each app, done through its service, shows
on the trail page as the object named in words and what happened to it, with names, labels, dates and sums,
never an English word, a code or an id. The summary is written in the language active when it happens."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from lianfang.access.models import PassKind
from lianfang.access.services import issue_pass, set_gate_open, suspend_pass
from lianfang.care.models import CallWindow
from lianfang.care.services import assign_errand, deliver_errand, raise_errand, record_call
from lianfang.core.models import AuditLog
from lianfang.epi.models import CaseSource, CaseStatus, QuarantineKind, QuarantineReason
from lianfang.epi.services import (
    apply_lockdown,
    change_case_status,
    create_case,
    lift_lockdown,
    start_quarantine,
)

NOW = datetime.datetime(2026, 12, 6, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()
# What the trail used to show: English codes, arrows and equals signs, ids after a hash.
CODE_WORDS = re.compile(r"errand|quarantine|home|contact|->|=|#\s*\d", re.IGNORECASE)


def object_cells(page: str) -> list[str]:
    """The text of the trail's "Object" column (the object's kind and label, then what happened), per row."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    cells = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cell = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[3]
        cells.append(" ".join(re.sub(r"<[^>]+>", " ", cell).split()))
    return cells


@pytest.fixture
def trail(world, time_machine):
    """A morning's work in community A, written in Chinese: 张三 in home quarantine, his errand and care
    call; building 5 sealed and lifted; 李四 a case; her household's pass suspended; the east gate closed."""
    time_machine.move_to(NOW, tick=False)
    with translation.override("zh-hans"):
        start_quarantine(
            user=world.health_a,
            resident=world.zhang_san,
            kind=QuarantineKind.HOME,
            reason=QuarantineReason.CONTACT,
            start=TODAY,
            days=14,
            today=TODAY,
        )
        errand = raise_errand(
            user=world.grid_a1_worker, household=world.household_a1, category="medicine", details="退烧药"
        )
        assign_errand(user=world.staff_a, errand=errand, assignee=world.grid_a1_worker)
        deliver_errand(user=world.grid_a1_worker, errand=errand, money_advanced="32.5")
        record_call(
            user=world.grid_a1_worker,
            household=world.household_a1,
            window=CallWindow.MORNING,
            reached=True,
            checks=[{"resident": world.zhang_san.pk, "temperature": "36.6", "symptoms": []}],
        )
        lockdown = apply_lockdown(
            user=world.health_a,
            scope="building",
            target_id=world.household_a2.unit.building_id,
            start=TODAY,
            today=TODAY,
        )
        lift_lockdown(user=world.health_a, lockdown=lockdown, reason="核酸全部阴性", today=TODAY)
        case = create_case(
            user=world.health_a,
            resident=world.li_si,
            status=CaseStatus.SUSPECTED,
            source=CaseSource.SCREENING,
            today=TODAY,
        )
        change_case_status(
            user=world.health_a, case=case, status=CaseStatus.CONFIRMED, note="核酸阳性", today=TODAY
        )
        card = issue_pass(user=world.staff_a, kind=PassKind.HOUSEHOLD, household=world.household_a2)
        suspend_pass(user=world.staff_a, p=card, reason="户内有确诊病例")
        set_gate_open(user=world.staff_a, gate=world.gate_a, is_open=False)
    return SimpleNamespace(card=card, lockdown=lockdown, case=case)


def test_each_apps_action_reads_as_a_sentence_with_names_labels_dates_and_sums(world, trail, login):
    cells = object_cells(login(world.staff_a).get(reverse("core:audit-list")).content.decode())
    a1, a2 = "阳光小区 3栋1单元101", "阳光小区 5栋1单元201"
    for said in [
        "隔离 张三 居家隔离 · 开始居家隔离（密切接触者），最后一天 2026-12-19",
        f"代办 {a1} · 药品 · 新代办（来源：工作人员），2026-12-07 09:30 前完成",
        f"代办 {a1} · 药品 · 代办已指派给 grid_a1",
        f"代办 {a1} · 药品 · 已送达，垫付 32.50 元",
        f"暖心电话 {a1} · 12-06 上午 · 已接通，登记体温 1 人，提出需求 0 项",
        f"封控 {trail.lockdown.label} · 提前解封，结束隔离 1 人，原因：核酸全部阴性",
        "病例 李四 · 确诊 · 报告病例：疑似，来源：筛查发现",
        "病例 李四 · 确诊 · 病例状态 疑似 → 确诊，原因：核酸阳性",
        f"出入证 {a2} · 户出入证 {trail.card.display_number} · 证件已暂停使用，原因：户内有确诊病例",
        "出入口 阳光小区 东门 · 出入口已关闭",
    ]:
        assert said in cells


def test_no_row_of_the_trail_shows_an_english_code_or_an_id(world, trail, login):
    cells = object_cells(login(world.staff_a).get(reverse("core:audit-list")).content.decode())
    assert len(cells) == AuditLog.objects.filter(path__startswith=world.community_a.path).count() > 10
    assert [cell for cell in cells if CODE_WORDS.search(cell)] == []


def test_the_summary_is_written_in_the_language_of_the_request_that_did_it(world, login, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(world.staff_a).post(reverse("access:gate-toggle", args=[world.gate_a.pk]), {"open": "0"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.post(reverse("access:gate-toggle", args=[world.gate_a.pk]), {"open": "1"})
    assert list(AuditLog.objects.order_by("id").values_list("summary", flat=True)) == [
        "Gate closed",
        "出入口已开启",
    ]
