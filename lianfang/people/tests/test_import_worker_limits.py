"""Big or doubtful files are read on the worker, never in the web request, and the worker reads them inside
a memory limit: an import that needs more fails with a clear message, and the worker process lives on."""

import datetime
import io
import os
import resource
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lianfang.conftest import id_for
from lianfang.people import sheets, tasks
from lianfang.people.models import ImportJob, ImportStatus
from lianfang.people.sheets import SheetSize
from lianfang.people.tests.hostile_files import sheet_xlsx
from lianfang.people.tests.import_files import messy_xlsx

ZHANG_SAN_ID = id_for(datetime.date(1980, 5, 17), 12, "M")
PLAIN = SheetSize("xlsx", packed=9000, unpacked=40_000, rows=15, columns=11)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.parametrize(
    ("size", "worker"),
    [
        (PLAIN, False),
        (SheetSize("xlsx", 9000, 40_000, rows=2001, columns=11), True),
        (SheetSize("xlsx", 9000, 40_000, rows=15, columns=11, elements=60_001), True),
        (SheetSize("xlsx", 9000, 5 << 20, rows=15, columns=11), True),
        (SheetSize("xlsx", 9000, 40_000, rows=15, columns=11, doubtful=True), True),
        (SheetSize("xlsx", 9000, 40_000, rows=0, columns=0, scanned=False), True),
    ],
    ids=["small and plain", "many rows", "many cells", "big unzipped", "doubtful", "not scanned"],
)
def test_big_or_doubtful_files_go_to_the_worker(size, worker):
    assert tasks.on_worker(size) is worker


def upload(client, community, data):
    return client.post(
        reverse("people:import-start"),
        {"community": community.pk, "file": SimpleUploadedFile("花名册.xlsx", data)},
    )


def test_a_small_file_in_an_unusual_shape_is_checked_on_the_worker(world, login):
    sheet = sheet_xlsx(
        '<row r="1"><x:c xmlns:x="urn:x" r="A1" t="inlineStr"><is><t>姓名</t></is></x:c></row>'
    )
    upload(login(world.staff_a), world.community_a, sheet)
    assert ImportJob.objects.get().status == ImportStatus.PENDING
    assert DBTaskResult.objects.count() == 1


def test_a_file_too_big_to_scan_in_the_request_is_only_listed_there(world, login, settings, monkeypatch):
    settings.IMPORT_BACKGROUND_BYTES = 10_000
    scans = []
    monkeypatch.setattr(tasks, "measure", lambda f, name, **kw: scans.append(kw) or _listed(f, name, **kw))
    upload(login(world.staff_a), world.community_a, messy_xlsx(ZHANG_SAN_ID))
    assert scans == [{"scan_limit": 10_000}]
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PENDING and DBTaskResult.objects.count() == 1


def _listed(f, name, **kw):
    size = sheets.measure(f, name, **kw)
    assert not size.scanned
    return size


def test_a_worker_import_runs_inside_a_memory_limit_that_is_lifted_after(world, monkeypatch):
    seen = []
    monkeypatch.setattr(
        tasks, "process_job", lambda job_id: seen.append(resource.getrlimit(resource.RLIMIT_AS))
    )
    before = resource.getrlimit(resource.RLIMIT_AS)
    tasks.run_import_job.call(1)
    (soft, _hard) = seen[0]
    assert soft != resource.RLIM_INFINITY and soft <= _mapped() + settings.IMPORT_WORKER_MEMORY_MB * 2**20
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def _mapped() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def test_an_import_that_runs_out_of_memory_fails_clearly_and_deletes_its_file(world, monkeypatch):
    def greedy(**kwargs):
        raise MemoryError

    monkeypatch.setattr(tasks, "run_import", greedy)
    job = ImportJob(community=world.community_a, path=world.community_a.path, filename="花名册.xlsx")
    job.file.save("花名册.xlsx", ContentFile(messy_xlsx(ZHANG_SAN_ID)))
    tasks.process_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "MB" in job.message and job.file.name == ""


LIMIT_SCRIPT = """
import django
django.setup()
from lianfang.people.tasks import memory_limit
with memory_limit(64):
    try:
        bytearray(256 * 2**20)
        print("allocated inside")
    except MemoryError:
        print("refused inside")
bytearray(256 * 2**20)
print("allocated after")
"""


def test_the_memory_limit_refuses_an_allocation_past_it_and_not_after():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lianfang.settings"}
    done = subprocess.run(
        [sys.executable, "-c", LIMIT_SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == ["refused", "inside", "allocated", "after"]


def test_a_stored_file_is_a_real_zip_the_worker_can_read(world, login):
    # The upload is stored as sent after it was measured (the measure rewinds it).
    upload(login(world.staff_a), world.community_a, messy_xlsx(ZHANG_SAN_ID))
    job = ImportJob.objects.get()
    with job.file.open("rb") as f:
        assert zipfile.ZipFile(io.BytesIO(f.read())).testzip() is None
