"""Staff pages: a compound's passes and gates, pass actions, the gate log and its export, outing rules."""

import datetime
import io
import uuid

from openpyxl import load_workbook

from lianfang.access.models import OutingPolicy, Pass, Passage, PassStatus
from lianfang.core.models import AuditLog


def test_compound_passes_page_scope(client, login, world, passes, django_assert_max_num_queries):
    url = f"/access/compounds/{world.compound_a.pk}/passes/"
    assert client.get(url).status_code == 302
    c = login(world.staff_a)
    with django_assert_max_num_queries(12):
        r = c.get(url)
    assert r.status_code == 200 and passes["household_a1"].display_number in r.content.decode()
    assert login(world.staff_b).get(url).status_code == 404
    assert login(world.guard_a).get(url).status_code == 404
    assert login(world.resident_a).get(url).status_code == 404


def test_grid_worker_sees_only_their_grid_households_on_the_passes_page(login, world, passes):
    html = (
        login(world.grid_a1_worker).get(f"/access/compounds/{world.compound_a.pk}/passes/").content.decode()
    )
    assert passes["household_a1"].display_number in html
    assert passes["household_a2"].display_number not in html


def test_bulk_issue_gives_each_household_one_pass(login, world):
    c = login(world.staff_a)
    c.post(f"/access/compounds/{world.compound_a.pk}/passes/issue/", {"valid_to": "2026-12-31"})
    assert Pass.objects.filter(compound=world.compound_a).count() == 2
    c.post(f"/access/compounds/{world.compound_a.pk}/passes/issue/", {})
    assert Pass.objects.filter(compound=world.compound_a).count() == 2  # nobody gets two


def test_bulk_issue_refused_for_grid_worker_and_out_of_scope(login, world):
    r = login(world.grid_a1_worker).post(
        f"/access/compounds/{world.compound_a.pk}/passes/issue/", {}, follow=True
    )
    assert Pass.objects.count() == 0 and "msg error" in r.content.decode()
    assert (
        login(world.staff_b).post(f"/access/compounds/{world.compound_a.pk}/passes/issue/", {}).status_code
        == 404
    )


def test_bulk_issue_with_end_before_start_changes_nothing(login, world):
    r = login(world.staff_a).post(
        f"/access/compounds/{world.compound_a.pk}/passes/issue/", {"valid_to": "2001-01-01"}, follow=True
    )
    assert Pass.objects.count() == 0 and "msg error" in r.content.decode()


def test_pass_actions_suspend_resume_revoke_reissue(login, world, passes, scan):
    c = login(world.staff_a)
    p = passes["household_a1"]
    old_qr = p.qr_text
    c.post(f"/access/passes/{p.pk}/action/", {"action": "suspend", "reason": "确诊密接"})
    p.refresh_from_db()
    assert p.status == PassStatus.SUSPENDED and scan(p, "out").code == "pass_suspended"
    c.post(f"/access/passes/{p.pk}/action/", {"action": "resume"})
    c.post(f"/access/passes/{p.pk}/action/", {"action": "reissue", "reason": "丢失"})
    p.refresh_from_db()
    assert p.version == 2 and scan(old_qr, "in").code == "pass_replaced"
    r = c.post(f"/access/passes/{p.pk}/action/", {"action": "revoke", "reason": ""}, follow=True)
    p.refresh_from_db()
    assert p.status == PassStatus.ACTIVE and "msg error" in r.content.decode()  # a reason is required
    c.post(f"/access/passes/{p.pk}/action/", {"action": "revoke", "reason": "搬离"})
    p.refresh_from_db()
    assert p.status == PassStatus.REVOKED
    assert (
        login(world.staff_b).post(f"/access/passes/{p.pk}/action/", {"action": "resume"}).status_code == 404
    )


def test_gate_toggle(login, world, passes, scan):
    login(world.staff_a).post(f"/access/gates/{world.gate_a.pk}/toggle/", {"open": "0"})
    world.gate_a.refresh_from_db()
    assert not world.gate_a.is_open
    assert scan(passes["household_a1"], "in").code == "gate_closed"


def test_passage_log_filters_and_scope(login, world, passes, scan):
    scan(passes["household_a1"], "out")
    scan(passes["household_a2"], "in")
    c = login(world.staff_a)
    html = c.get("/access/passages/", {"household": "3-1-101"}).content.decode()
    assert "3栋1单元101" in html and "5栋1单元201" not in html
    html = c.get("/access/passages/", {"gate": world.gate_a.pk, "decision": "allowed"}).content.decode()
    assert "5栋1单元201" in html
    assert "3栋1单元101" not in login(world.staff_b).get("/access/passages/").content.decode()
    assert login(world.guard_a).get("/access/passages/").status_code == 404
    r = login(world.staff_a).get(
        "/access/passages/", {"start": "2026-03-02T10:00", "end": "2026-03-01T10:00"}
    )
    assert "before its start" in r.content.decode() or "之前" in r.content.decode()


def test_passage_export_is_a_real_xlsx_and_audited(login, world, passes, scan):
    scan(passes["household_a1"], "out")
    r = login(world.staff_a).get("/access/passages/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == "3栋1单元101"
    assert AuditLog.objects.filter(action="export", object_type="passage").count() == 1


def test_policy_edit_sets_and_validates(login, world):
    c = login(world.staff_a)
    url = f"/access/areas/{world.community_a.code}/policy/"
    assert c.get(url).status_code == 200
    r = c.post(
        url,
        {
            "exits_per_period": 1,
            "period_days": 3,
            "fever_line": "37.3",
            "temperature_required": "on",
            "visitors": "refuse",
            "retention_days": 30,
            "exempt": ["work"],
        },
    )
    assert r.status_code == 302
    assert OutingPolicy.objects.get(area=world.community_a).period_days == 3
    r = c.post(
        url,
        {
            "exits_per_period": 0,
            "period_days": 3,
            "fever_line": "41",
            "visitors": "refuse",
            "retention_days": 30,
        },
    )
    assert r.status_code == 200
    assert OutingPolicy.objects.get(area=world.community_a).period_days == 3
    assert login(world.staff_b).get(url).status_code == 404
    assert login(world.grid_a1_worker).get(url).status_code == 404


def test_purge_removes_passages_older_than_retention(world, passes, scan):
    from django.core.management import call_command
    from django.utils import timezone

    OutingPolicy.objects.create(area=world.city, retention_days=14)
    old = scan(passes["household_a1"], "out", timezone.now() - datetime.timedelta(days=15))
    scan(passes["household_a1"], "in", timezone.now() - datetime.timedelta(days=13))
    assert old.stored
    out = io.StringIO()
    call_command("purge_passages", stdout=out)
    assert out.getvalue().strip() == "1"
    assert Passage.objects.count() == 1
    assert uuid.UUID(str(Passage.objects.get().client_id))


def test_the_gate_log_names_each_answer_in_words_not_codes(login, world, passes, scan):
    scan(passes["household_a1"], "out")
    scan(passes["household_a1"], "out")  # the second exit of the day: refused, quota used
    html = login(world.staff_a).get("/access/passages/").content.decode()  # Chinese by default
    assert "出行次数已用完" in html and "准予外出" in html
    assert ">quota_used<" not in html and ">exit_allowed<" not in html
