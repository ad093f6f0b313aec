"""Resident import jobs: created from an upload, checked (preview), then committed on the user's choice.

Files with more than settings.IMPORT_BACKGROUND_ROWS rows run as the django.tasks task
``run_import_job`` on the database worker (``manage.py db_worker``); smaller ones run in the request.
The job row carries status, progress and the report; the uploaded file is deleted once written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError
from lianfang.people.importer import run_import
from lianfang.people.models import ImportAction, ImportJob, ImportStatus
from lianfang.people.sheets import count_rows, file_kind
from lianfang.places.models import Area


def create_job(*, user: Any, community: Area, upload: Any, request: Any = None) -> ImportJob:
    """Store the upload and check it (in the request or on the worker); nothing is imported yet."""
    file_kind(upload.name)
    total = count_rows(upload, upload.name)
    job = ImportJob.objects.create(
        community=community,
        path=community.path,
        user=user,
        file=upload,
        filename=upload.name[-200:],
        total=total,
    )
    dispatch(job, request=request)
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
        if mode == ImportAction.COMMIT_VALID and not job.report.get("valid"):
            raise DomainError("import_nothing_valid", _("No row of the file is valid: nothing to write."))
        job.action, job.status, job.progress, job.message = mode, ImportStatus.PENDING, 0, ""
        job.save(update_fields=["action", "status", "progress", "message"])
    dispatch(job, request=request)
    job.refresh_from_db()
    return job


def dispatch(job: ImportJob, *, request: Any = None) -> None:
    if job.total > settings.IMPORT_BACKGROUND_ROWS:
        run_import_job.enqueue(job.pk)
    else:
        process_job(job.pk, request=request)


def process_job(job_id: int, *, request: Any = None) -> None:
    job = ImportJob.objects.select_related("community", "user").get(pk=job_id)
    jobs = ImportJob.objects.filter(pk=job.pk)
    jobs.update(status=ImportStatus.RUNNING, progress=0)
    commit = None if job.action == ImportAction.PREVIEW else job.action

    progress, done = _progress_reporter(job.pk)
    try:
        with job.file.open("rb") as f:
            report = run_import(
                fileobj=f, filename=job.filename, community=job.community, user=job.user, commit=commit,
                progress=progress, request=request,
            )  # fmt: skip
    except DomainError as err:
        jobs.update(status=ImportStatus.FAILED, message=str(err.message)[:500], finished_at=timezone.now())
        return
    except Exception as err:
        jobs.update(
            status=ImportStatus.FAILED,
            message=f"{type(err).__name__}: {err}"[:500],
            finished_at=timezone.now(),
        )
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
    if status == ImportStatus.DONE:
        job.file.delete(save=False)  # the file holds ID numbers; what was written is in the registry now


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


@task()
def run_import_job(job_id: int) -> None:
    process_job(job_id)
