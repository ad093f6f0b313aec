"""An uploaded file holds full ID numbers in clear: it is gone at every end state of its import — done,
failed, refused by the worker, nothing to import, checked and then abandoned, stuck on a dead worker —
and a file no import holds is swept away too."""

import datetime
import io

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianfang.conftest import id_for
from lianfang.people import tasks
from lianfang.people.models import ImportAction, ImportJob, ImportStatus
from lianfang.people.tests.hostile_files import WIDE_SHEET
from lianfang.people.tests.import_files import messy_xlsx, xlsx_bytes

ZHANG_SAN_ID = id_for(datetime.date(1980, 5, 17), 12, "M")
NOON = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, community, data, name="花名册.xlsx"):
    return client.post(
        reverse("people:import-start"), {"community": community.pk, "file": SimpleUploadedFile(name, data)}
    )


def job_with_file(world, data=b"x", **fields) -> ImportJob:
    job = ImportJob(
        community=world.community_a, path=world.community_a.path, filename="花名册.xlsx", **fields
    )
    job.file.save("花名册.xlsx", ContentFile(data))
    return job


def test_a_done_import_leaves_no_file(world, login, settings):
    client = login(world.staff_a)
    upload(client, world.community_a, messy_xlsx(ZHANG_SAN_ID))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEWED and len(stored_files(settings)) == 1
    client.post(reverse("people:import-commit", args=[job.pk]), {"mode": "valid"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.file.name == "" and stored_files(settings) == []


def test_a_file_with_nothing_to_import_is_deleted_once_checked(world, login, settings):
    rows = [["", "男", "", "", "阳光小区", 3, 1, 101, "户主", ""]]  # no name: the only row is bad
    upload(login(world.staff_a), world.community_a, xlsx_bytes(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEWED and job.report["valid"] == 0
    assert job.file.name == "" and stored_files(settings) == []


def test_a_file_the_worker_refuses_is_deleted_and_the_job_says_why(world, settings):
    job = job_with_file(world, WIDE_SHEET)
    tasks.process_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "ZZZZZ" in job.message
    assert job.file.name == "" and stored_files(settings) == []


def test_a_failing_import_deletes_its_file(world, settings, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tasks, "run_import", broken)
    job = job_with_file(world, messy_xlsx(ZHANG_SAN_ID))
    with pytest.raises(RuntimeError):
        tasks.process_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "disk on fire" in job.message
    assert job.file.name == "" and stored_files(settings) == []


def test_a_check_left_without_a_decision_expires_and_its_file_is_deleted(world, login, settings):
    settings.IMPORT_FILE_TTL_MINUTES = 60
    client = login(world.staff_a)
    with time_machine.travel(NOON, tick=False):
        upload(client, world.community_a, messy_xlsx(ZHANG_SAN_ID))
    job = ImportJob.objects.get()
    with time_machine.travel(NOON + datetime.timedelta(minutes=59), tick=False):
        assert tasks.purge_uploads()["expired"] == 0
    assert len(stored_files(settings)) == 1
    with time_machine.travel(NOON + datetime.timedelta(minutes=61), tick=False):
        assert tasks.purge_uploads()["expired"] == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.message and stored_files(settings) == []
    # The user comes back: nothing to commit, and a clear page rather than an error.
    response = client.post(reverse("people:import-commit", args=[job.pk]), {"mode": "valid"})
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200


def test_a_job_stuck_on_a_dead_worker_is_failed_and_its_file_deleted(world, settings):
    settings.IMPORT_STALE_MINUTES = 360
    with time_machine.travel(NOON, tick=False):
        job = job_with_file(world, status=ImportStatus.RUNNING, action=ImportAction.COMMIT_VALID)
    with time_machine.travel(NOON + datetime.timedelta(hours=7), tick=False):
        assert tasks.purge_uploads()["stale"] == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and stored_files(settings) == []


def test_a_file_no_job_holds_is_swept_once_old(world, settings):
    settings.IMPORT_FILE_TTL_MINUTES = 60
    default_storage.save("imports/2026/12/lost.xlsx", io.BytesIO(b"340403198604020215"))
    assert tasks.purge_uploads(now=timezone.now())["orphans"] == 0
    assert tasks.purge_uploads(now=timezone.now() + datetime.timedelta(minutes=61))["orphans"] == 1
    assert stored_files(settings) == []


def test_files_of_finished_jobs_are_swept_if_one_was_left(world, settings):
    job_with_file(world, status=ImportStatus.DONE)
    assert tasks.purge_uploads()["ended"] == 1
    assert stored_files(settings) == []


def test_the_purge_keeps_itself_scheduled_every_15_minutes(db):
    call_command("schedule_tasks", stdout=io.StringIO())
    call_command("schedule_tasks", stdout=io.StringIO())
    waiting = DBTaskResult.objects.filter(task_path=tasks.purge_import_files.module_path, status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after - timezone.now() <= datetime.timedelta(minutes=15)
