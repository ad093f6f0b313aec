"""An export of the gate log with more than exports.DIRECT_ROWS passages is written on the worker: the user
is sent to "my exports", the worker writes the xlsx with the user's scope, the file is downloaded by that
user only (each download audited), it holds at most exports.MAX_ROWS passages (and says so), and it is
deleted a day after it was asked for. A small export is still sent at once."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from lianfang.access import exports
from lianfang.access.models import ExportStatus, PassageExport
from lianfang.access.passages import PassageFilter
from lianfang.access.tests.gatelog import NOW, make, passage
from lianfang.core.models import AuditLog

EXPORT = "/access/passages/export.xlsx"


@pytest.fixture(autouse=True)
def small_limits(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(exports, "DIRECT_ROWS", 3)
    monkeypatch.setattr(exports, "MAX_ROWS", 5)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rows(world):
    with time_machine.travel(NOW, tick=False):
        return make(
            [
                passage(
                    world.gate_a, NOW - datetime.timedelta(days=d, minutes=1), household=world.household_a1
                )
                for d in range(4)
            ]
        )


def sheet(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def ask(client, **query):
    with time_machine.travel(NOW, tick=False):
        return client.get(EXPORT, {"start": "2026-02-20", "end": "2026-03-02", **query})


def test_a_small_export_is_sent_at_once(login, world, rows):
    with time_machine.travel(NOW, tick=False):
        response = login(world.staff_a).get(EXPORT, {"start": "2026-03-01"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(sheet(response.content)) == 1 + 2
    assert not PassageExport.objects.exists()


def test_a_large_export_is_written_by_the_worker(
    login, world, rows, frozen, django_capture_on_commit_callbacks
):
    client = login(world.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client)
    assert response.status_code == 302 and response.url == "/access/passages/exports/"
    export = PassageExport.objects.get()
    assert export.status == ExportStatus.PENDING and export.user == world.staff_a
    tasks = {t.task_path.rsplit(".", 1)[1]: t for t in DBTaskResult.objects.all()}
    assert set(tasks) == {"write_passage_export", "delete_passage_export"}
    assert tasks["delete_passage_export"].run_after == export.created_at + datetime.timedelta(days=1)
    assert "排队中" in client.get("/access/passages/exports/").content.decode()

    exports.write_export(export.pk)
    export.refresh_from_db()
    assert (export.status, export.rows, export.truncated) == (ExportStatus.DONE, 4, False)
    assert AuditLog.objects.filter(action="export").count() == 0  # nothing has left yet

    page = client.get("/access/passages/exports/").content.decode()
    assert f'href="/access/passages/exports/{export.pk}.xlsx"' in page
    download = client.get(f"/access/passages/exports/{export.pk}.xlsx")
    assert download.status_code == 200
    table = sheet(b"".join(download.streaming_content))
    assert [r[4] for r in table[1:]] == ["3栋1单元101"] * 4
    assert table[1][0] > table[-1][0]  # newest first
    entry = AuditLog.objects.get(action="export", object_type="passage")
    assert "4" in entry.summary and "2026-02-20" in entry.summary


def test_the_file_is_for_its_user_only(login, world, rows, frozen):
    export = exports.new_export(user=world.staff_a, f=_filter(), words=[])
    exports.write_export(export.pk)
    assert login(world.staff_b).get(f"/access/passages/exports/{export.pk}.xlsx").status_code == 404
    assert login(world.commander).get(f"/access/passages/exports/{export.pk}.xlsx").status_code == 404
    listed = login(world.commander).get("/access/passages/exports/").context["exports"]
    assert listed == []


def test_the_worker_reads_with_the_users_scope(world, rows):
    north = world.compound_b.gates.create(name="北门", path=world.compound_b.path)
    with time_machine.travel(NOW, tick=False):
        make([passage(north, NOW - datetime.timedelta(hours=1), household=world.household_b)])
    export = exports.new_export(user=world.staff_b, f=_filter(), words=[])
    exports.write_export(export.pk)
    export.refresh_from_db()
    assert export.rows == 1
    with export.file.open("rb") as f:
        assert [r[4] for r in sheet(f.read())[1:]] == ["1栋1单元101"]


def test_an_export_past_the_row_limit_holds_the_newest_and_says_so(world, rows):
    with time_machine.travel(NOW, tick=False):
        make([passage(world.gate_a, NOW - datetime.timedelta(minutes=m)) for m in range(2, 6)])
    export = exports.new_export(user=world.staff_a, f=_filter(), words=[])
    exports.write_export(export.pk)
    export.refresh_from_db()
    assert (export.rows, export.truncated) == (5, True)
    assert "最新的 5 条" in export.message
    with export.file.open("rb") as f:
        assert len(sheet(f.read())) == 1 + 5


def test_an_export_is_deleted_with_its_file_a_day_later(world, rows):
    export = exports.new_export(user=world.staff_a, f=_filter(), words=[])
    exports.write_export(export.pk)
    export.refresh_from_db()
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)
    exports.delete_export(export.pk)
    assert not storage.exists(name) and not PassageExport.objects.exists()
    exports.delete_export(export.pk)  # twice: nothing left to do


def test_an_export_is_written_once(world, rows):
    export = exports.new_export(user=world.staff_a, f=_filter(), words=[])
    exports.write_export(export.pk)
    export.refresh_from_db()
    first = export.file.name
    exports.write_export(export.pk)
    export.refresh_from_db()
    assert export.file.name == first


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_writes_it(login, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    now = timezone.now()  # the worker runs on the real clock: the deletion must not be due yet
    make([passage(world.gate_a, now - datetime.timedelta(minutes=m)) for m in range(4)])
    today = timezone.localdate()
    response = login(world.staff_a).get(EXPORT, {"start": today - datetime.timedelta(days=1), "end": today})
    assert response.status_code == 302
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0
    )
    export = PassageExport.objects.get()
    assert (export.status, export.rows) == (ExportStatus.DONE, 4)
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # the deletion, a day later


def _filter() -> PassageFilter:
    return PassageFilter(start=datetime.date(2026, 2, 20), end=datetime.date(2026, 3, 2))
