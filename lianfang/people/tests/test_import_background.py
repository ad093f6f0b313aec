"""Large files go to the background worker (django-tasks-db): the page polls a progress bar."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lianfang.conftest import id_for
from lianfang.people.models import ImportJob, ImportStatus, Resident
from lianfang.people.tests.import_files import VALID_ROWS, messy_xlsx

ZHANG_SAN_ID = id_for(datetime.date(1980, 5, 17), 12, "M")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def run_worker():
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0
    )


@pytest.fixture
def small_threshold(settings):
    settings.IMPORT_BACKGROUND_ROWS = 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_committed_by_the_worker(world, login, small_threshold):
    client = login(world.staff_a)
    response = client.post(
        reverse("people:import-start"),
        {"community": world.community_a.pk, "file": SimpleUploadedFile("big.xlsx", messy_xlsx(ZHANG_SAN_ID))},
    )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PENDING and job.total > 5
    assert DBTaskResult.objects.count() == 1

    page = client.get(response.url)
    assert 'hx-get="{}"'.format(reverse("people:import-progress", args=[job.pk])) in page.text
    assert 'class="bar"' in page.text
    assert client.get(reverse("people:import-progress", args=[job.pk])).status_code == 200

    run_worker()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and job.report["valid"] == VALID_ROWS
    assert job.progress == job.report["rows"]
    # When the job is finished the polling partial asks htmx to reload the page.
    done = client.get(reverse("people:import-progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert done.headers.get("HX-Refresh") == "true"

    before = Resident.objects.count()
    client.post(reverse("people:import-commit", args=[job.pk]), {"mode": "valid"})
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING and Resident.objects.count() == before
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Resident.objects.count() == before + VALID_ROWS
    assert not job.file or not job.file.storage.exists(job.file.name)
