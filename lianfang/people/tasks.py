"""Resident import jobs: created from an upload, checked (preview), then committed on the user's choice.

An upload is measured before it is stored (``people.sheets.measure``: sizes, zip listing, highest row and
column); past the limits it is refused and nothing is written. Small, plain files are checked and
committed inside the request. Big or doubtful ones run as the task ``run_import_job`` on the database
worker (``manage.py db_worker``): more than IMPORT_BACKGROUND_ROWS rows or IMPORT_BACKGROUND_CELLS cells,
more than IMPORT_BACKGROUND_BYTES unzipped (the request then reads only the zip listing, and the worker
scans the sheet before reading it), packed far tighter than spreadsheets are, or in an unusual XML shape.

On the worker an import runs inside a memory limit (``memory_limit``): the process's address space
(RLIMIT_AS) may grow by IMPORT_WORKER_MEMORY_MB while the import runs, and is given back after. Past it an
allocation fails: Python raises MemoryError and the job fails with a clear message; the Rust reader
aborts the worker process instead, which its supervisor restarts, and the job left running is failed
by the purge below. Either way the machine's other processes (the web server, PostgreSQL) keep their
memory.

The uploaded file holds full ID numbers in clear, so it is deleted at every end state: at once when an
import is done, fails or finds nothing to import, and by ``purge_import_files`` (every 15 minutes on the
worker; ``manage.py schedule_tasks`` makes sure one run is waiting) when a checked file waits more than
IMPORT_FILE_TTL_MINUTES for a decision, when a job has been pending or running for more than
IMPORT_STALE_MINUTES (its worker died), and for any file in the upload folder that no job holds.
"""

from __future__ import annotations

import datetime
import os
import resource
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from lianfang.core.errors import DomainError
from lianfang.core.roles import IMPORT_RESIDENTS
from lianfang.core.scoping import authorize_write
from lianfang.people.importer import run_import
from lianfang.people.models import ImportAction, ImportJob, ImportStatus
from lianfang.people.sheets import SheetSize, measure
from lianfang.places.models import Area

UPLOAD_FOLDER = "imports"  # ImportJob.file's upload_to starts here
PURGE_EVERY = datetime.timedelta(minutes=15)


def create_job(*, user: Any, community: Area, upload: Any, request: Any = None) -> ImportJob:
    """Measure the upload (refused past the limits: nothing stored), store it and check it (in the
    request or on the worker); nothing is imported yet."""
    authorize_write(user, action=IMPORT_RESIDENTS, obj=community)
    size = measure(upload, upload.name, scan_limit=settings.IMPORT_BACKGROUND_BYTES)
    job = ImportJob.objects.create(
        community=community,
        path=community.path,
        user=user,
        file=upload,
        filename=upload.name[-200:],
        total=size.rows,
    )
    dispatch(job, size=size, request=request)
    return job


def request_commit(*, job: ImportJob, mode: str, request: Any = None) -> ImportJob:
    """The user's explicit choice: "all" (refused when the check found errors) or "valid"."""
    if mode not in (ImportAction.COMMIT_ALL, ImportAction.COMMIT_VALID):
        raise DomainError("import_mode", _("Choose to commit all rows or the valid rows only."))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.PREVIEWED:
            raise DomainError("import_state", _("This import is not waiting for a decision."), status=409)
        if mode == ImportAction.COMMIT_ALL and job.report.get("errors"):
            raise DomainError(
                "import_has_errors",
                _(
                    "The file has {n} error(s): nothing was written. "
                    "Correct the file, or commit the valid rows only."
                ).format(n=len(job.report["errors"])),
            )
        if not job.report.get("valid"):
            raise DomainError("import_nothing_valid", _("No row of the file is valid: nothing to write."))
        job.action, job.status, job.progress, job.message = mode, ImportStatus.PENDING, 0, ""
        job.save(update_fields=["action", "status", "progress", "message"])
    dispatch(job, request=request)
    job.refresh_from_db()
    return job


def on_worker(size: SheetSize) -> bool:
    """Whether a file is big or doubtful enough to be read on the worker rather than in a request."""
    return (
        not size.scanned
        or size.doubtful
        or size.rows > settings.IMPORT_BACKGROUND_ROWS
        or size.cells > settings.IMPORT_BACKGROUND_CELLS
        or size.unpacked > settings.IMPORT_BACKGROUND_BYTES
    )


def dispatch(job: ImportJob, *, size: SheetSize | None = None, request: Any = None) -> None:
    if size is None and job.total <= settings.IMPORT_BACKGROUND_ROWS and job.file:
        try:
            with job.file.open("rb") as f:
                size = measure(f, job.filename, scan_limit=settings.IMPORT_BACKGROUND_BYTES)
        except (DomainError, OSError):
            size = None  # the worker says what is wrong
    if size is None or on_worker(size):
        run_import_job.enqueue(job.pk)
    else:
        process_job(job.pk, request=request)


def process_job(job_id: int, *, request: Any = None) -> None:
    job = ImportJob.objects.select_related("community", "user").get(pk=job_id)
    jobs = ImportJob.objects.filter(pk=job.pk)
    jobs.update(status=ImportStatus.RUNNING, progress=0)
    commit = None if job.action == ImportAction.PREVIEW else job.action
    if not job.file:
        _fail(job, _("The uploaded file is no longer kept: upload it again."))
        return

    progress, done = _progress_reporter(job.pk)
    try:
        with job.file.open("rb") as f:
            size = measure(f, job.filename)  # the whole sheet, before anything parses it
            if size.rows > job.total:
                jobs.update(total=size.rows)
            report = run_import(
                fileobj=f, filename=job.filename, community=job.community, user=job.user, commit=commit,
                progress=progress, request=request, measured=size,
            )  # fmt: skip
    except DomainError as err:
        _fail(job, err.message)
        return
    except FileNotFoundError:
        _fail(job, _("The uploaded file is no longer kept: upload it again."))
        return
    except MemoryError:
        _fail(
            job,
            _(
                "Reading this file needs more memory than an import may take ({mb} MB); split the file."
            ).format(mb=settings.IMPORT_WORKER_MEMORY_MB),
        )
        return
    except Exception as err:
        _fail(job, f"{type(err).__name__}: {err}")
        raise
    finally:
        done()
    status, message = ImportStatus.DONE, ""
    if commit is None:
        status = ImportStatus.PREVIEWED
    elif commit == ImportAction.COMMIT_ALL and report["errors"]:
        # Rows were registered meanwhile: the re-check found errors, so nothing was written.
        status, message = (
            ImportStatus.PREVIEWED,
            str(_("New errors were found while committing: nothing was written.")),
        )
    jobs.update(
        status=status, message=message, report=report, progress=report["rows"],
        total=max(job.total, report["rows"]), finished_at=timezone.now(),
    )  # fmt: skip
    if status == ImportStatus.DONE or not report["valid"]:
        # Done: what was written is in the registry now. Nothing valid: nothing can be committed.
        discard_file(job)


def _fail(job: ImportJob, message: Any) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, message=str(message)[:500], finished_at=timezone.now()
    )
    discard_file(job)


def discard_file(job: ImportJob) -> None:
    """Delete the job's uploaded file (it holds ID numbers) and forget its name."""
    name = job.file.name
    if name:
        job.file.storage.delete(name)
        ImportJob.objects.filter(pk=job.pk).update(file="")
    job.file.name = ""


def _progress_reporter(job_id: int) -> tuple[Callable[[int], None], Callable[[], None]]:
    """(progress callback, close). A commit reads the file inside its transaction; the rows done go
    through a connection of their own, so the progress bar moves meanwhile (unless the caller holds a
    transaction already, which may have locked the job row)."""
    jobs = ImportJob.objects.filter(pk=job_id)
    if connection.in_atomic_block:
        return (lambda n: jobs.update(progress=n)), (lambda: None)
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    sql = f"UPDATE {ImportJob._meta.db_table} SET progress = %s WHERE id = %s"

    def progress(n: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(sql, [n, job_id])

    return progress, side.close


@contextmanager
def memory_limit(extra_mb: int) -> Iterator[None]:
    """While the block runs, the process may map at most ``extra_mb`` MB more than it has mapped now
    (RLIMIT_AS, soft limit); the previous limit is restored after. Linux only (it reads
    /proc/self/statm); elsewhere the block runs without a limit."""
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = mapped + extra_mb * 1024 * 1024
    for bound in (soft, hard):
        if bound != resource.RLIM_INFINITY:
            limit = min(limit, bound)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@task()
def run_import_job(job_id: int) -> None:
    with memory_limit(settings.IMPORT_WORKER_MEMORY_MB):
        process_job(job_id)


# --- deleting uploaded files -----------------------------------------------------------------


def purge_uploads(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete the uploaded files no import needs any more (see the module docstring); returns counts."""
    now = now or timezone.now()
    expired = _end_jobs(
        ImportJob.objects.filter(
            status=ImportStatus.PREVIEWED,
            finished_at__lt=now - datetime.timedelta(minutes=settings.IMPORT_FILE_TTL_MINUTES),
        ),
        _(
            "No decision was taken within {minutes} minutes: the uploaded file was deleted. "
            "Upload it again to import it."
        ).format(minutes=settings.IMPORT_FILE_TTL_MINUTES),
    )
    stale = _end_jobs(
        ImportJob.objects.filter(
            status__in=(ImportStatus.PENDING, ImportStatus.RUNNING),
            created_at__lt=now - datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES),
        ),
        _("The import stopped without finishing: the uploaded file was deleted. Upload it again."),
    )
    ended = 0
    for job in ImportJob.objects.filter(status__in=(ImportStatus.DONE, ImportStatus.FAILED)).exclude(file=""):
        discard_file(job)
        ended += 1
    return {"expired": expired, "stale": stale, "ended": ended, "orphans": _delete_orphans(now)}


def _end_jobs(jobs: Any, message: Any) -> int:
    """Fail these jobs (those a commit is not holding right now) and delete their files."""
    with transaction.atomic():
        ended = list(jobs.select_for_update(skip_locked=True))
        ImportJob.objects.filter(pk__in=[j.pk for j in ended]).update(
            status=ImportStatus.FAILED, message=str(message)[:500], finished_at=timezone.now()
        )
    for job in ended:
        discard_file(job)
    return len(ended)


def _delete_orphans(now: datetime.datetime) -> int:
    """Files in the upload folder that no job holds (a crash between storing and recording), once they
    are older than the TTL."""
    storage = ImportJob._meta.get_field("file").storage  # type: ignore[attr-defined]
    held = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    cutoff = now - datetime.timedelta(minutes=settings.IMPORT_FILE_TTL_MINUTES)
    deleted = 0
    folders = [UPLOAD_FOLDER]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        folders.extend(f"{folder}/{name}" for name in subfolders)
        for name in files:
            path = f"{folder}/{name}"
            if path not in held and storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                deleted += 1
    return deleted


@task()
def purge_import_files() -> dict[str, int]:
    counts = purge_uploads()
    schedule_import_purge(force=True)
    return counts


def schedule_import_purge(*, force: bool = False) -> bool:
    """Enqueue the next purge unless one is already waiting (force: the running one is about to end)."""
    waiting = DBTaskResult.objects.filter(task_path=purge_import_files.module_path, status="READY")
    if waiting.exists() and not force:
        return False
    purge_import_files.using(run_after=timezone.now() + PURGE_EVERY).enqueue()
    return True
