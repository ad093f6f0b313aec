"""The gate log to Excel. A small export (at most DIRECT_ROWS passages) is written in the request, as a
download; a larger one becomes a `PassageExport` that the worker writes (access/tasks.py) to a file only
its user downloads, from "my exports", until it is deleted a day after it was asked for (KEEP). The worker
writes at most MAX_ROWS passages, newest first, and says so when the filter held more.

Every cell is inert (core.exports), and every export that reaches a user is audited: a direct one when it
is sent, a background one each time its file is downloaded.
"""

from __future__ import annotations

import datetime
import secrets
import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from lianfang.access.models import ExportStatus, Passage, PassageExport
from lianfang.access.passages import PassageFilter, count_upto, iter_passages
from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.exports import inert_row
from lianfang.core.roles import READ_CLOSED_MANAGEMENT
from lianfang.core.scoping import authorize_write

DIRECT_ROWS = 10_000  # written in the request; more go to the worker
MAX_ROWS = 1_000_000  # a background export holds at most this many passages
KEEP = datetime.timedelta(days=1)  # a background export's file (and its row) is deleted after this


def too_large_for_request(user: Any, f: PassageFilter) -> bool:
    """Whether the filter holds more than DIRECT_ROWS passages (counted no further)."""
    return count_upto(user, f, DIRECT_ROWS + 1) > DIRECT_ROWS


def export_now(*, user: Any, f: PassageFilter, words: list[str], request: Any = None) -> bytes:
    """The xlsx of a small export (at most DIRECT_ROWS passages), audited."""
    authorize_write(user, action=READ_CLOSED_MANAGEMENT)  # the rows are read through visible_to
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
        n, _more = write_xlsx(buffer, iter_passages(user, f, cap=DIRECT_ROWS), cap=DIRECT_ROWS)
        log_export(user=user, n=n, words=words, request=request)
        buffer.seek(0)
        return buffer.read()


def new_export(*, user: Any, f: PassageFilter, words: list[str]) -> PassageExport:
    """The record of a background export (tasks.start_passage_export hands it to the worker)."""
    authorize_write(user, action=READ_CLOSED_MANAGEMENT)
    return PassageExport.objects.create(
        user=user,
        path=user.scope_path,
        grid_id=user.grid_id,
        filters=f.as_json(),
        summary=audit.listed(words)[:500],
        language=translation.get_language() or "",
    )


def write_export(export_id: int) -> None:
    """The worker's part: read the passages with the user's scope as it is now, write the file."""
    claimed = PassageExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING
    )
    if not claimed:
        return  # deleted, or written already
    export = PassageExport.objects.select_related("user").get(pk=export_id)
    try:
        language = export.language or settings.LANGUAGE_CODE
        with translation.override(language), tempfile.TemporaryFile() as tmp:
            rows = iter_passages(export.user, PassageFilter.from_json(export.filters), cap=MAX_ROWS + 1)
            n, more = write_xlsx(tmp, rows, cap=MAX_ROWS)
            tmp.seek(0)
            name = f"passages-{timezone.localtime(export.created_at):%Y%m%d-%H%M}-{secrets.token_hex(8)}.xlsx"
            export.file.save(name, File(tmp), save=False)
            message = (
                _(
                    "The filter holds more than {max} passages: the newest {max} were written. "
                    "Export a shorter period or fewer gates for the rest."
                ).format(max=f"{MAX_ROWS:,}")
                if more
                else ""
            )
    except Exception as err:
        failed = f"{type(err).__name__}: {err}"[:500]
        PassageExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, message=failed, finished_at=timezone.now()
        )
        raise
    PassageExport.objects.filter(pk=export_id).update(
        status=ExportStatus.DONE,
        file=export.file.name,
        rows=n,
        truncated=more,
        message=message,
        finished_at=timezone.now(),
    )


def delete_export(export_id: int) -> None:
    """Delete an export and its file (a day after it was asked for)."""
    export = PassageExport.objects.filter(pk=export_id).first()
    if export is None:
        return
    if export.file.name:
        export.file.storage.delete(export.file.name)
    export.delete()


def log_export(*, user: Any, n: int, words: Iterable[Any], request: Any = None) -> None:
    audit.log(
        user=user,
        action=AuditAction.EXPORT,
        object_type="passage",
        summary=audit.filtered(_("{n} gate records exported").format(n=n), words),
        path=user.scope_path,
        request=request,
    )


def write_xlsx(out: IO[bytes], rows: Iterable[Passage], *, cap: int) -> tuple[int, bool]:
    """Write at most `cap` passages to `out` as an xlsx sheet; (rows written, whether more were given)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Passages"))
    header = [
        _("Server time"),
        _("Device time"),
        _("Compound"),
        _("Gate"),
        _("Household"),
        _("Direction"),
        _("Temperature"),
        _("Decision"),
        _("Code"),
    ]
    ws.append(inert_row(ws, header))
    n = 0
    for p in rows:
        if n == cap:
            wb.save(out)
            return n, True
        ws.append(
            inert_row(
                ws,
                [
                    timezone.localtime(p.server_time).strftime("%Y-%m-%d %H:%M:%S"),
                    timezone.localtime(p.client_time).strftime("%Y-%m-%d %H:%M:%S") if p.client_time else "",
                    p.gate.compound.name,
                    p.gate.name,
                    p.household.label if p.household else "",
                    p.get_direction_display(),
                    float(p.temperature) if p.temperature is not None else None,
                    p.get_decision_display(),
                    p.code,
                ],
            )
        )
        n += 1
    wb.save(out)
    return n, False
