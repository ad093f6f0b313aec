"""The use cases of notices: write a draft, approve, publish (freeze the recipients), withdraw, acknowledge,
record a printed slip, remind the rest. Each is one transaction; refusals are coded DomainErrors.

Rules:
- Only an approved notice is published, once (`not_approved`, `already_published`); an empty audience is
  refused (`empty_audience`); the audience's area must lie in the author's (and the publisher's) scope.
- The approver is never the author (`own_draft`): four eyes on what a whole city will read.
- Publishing writes one `Recipient` per household (per person for a per-person notice) and per account, by
  one INSERT … SELECT in the database (1.14 million rows in well under a minute): moves afterwards change
  nothing. In-app delivery is the row itself (`delivered_at` = publishing time).
- An acknowledgement is recorded once (`already_acknowledged`, with the time), never for a withdrawn or
  expired notice (`notice_withdrawn`, `notice_expired`).
- "Remind the rest" reaches only those who have not acknowledged, at most once per `remind_minutes` of
  the in-app channel policy for the same notice and grid (`reminded_recently`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F, IntegerField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core import audit
from lianfang.core.errors import DomainError
from lianfang.core.roles import APPROVE_NOTICES, RECORD_SLIPS, REMIND_NOTICES, WRITE_NOTICES
from lianfang.core.scoping import authorize_write, not_found
from lianfang.notices import outbox
from lianfang.notices.audience import AudienceSpec, accounts_of, households_of, residents_of
from lianfang.notices.models import (
    AckUnit,
    AckVia,
    Audience,
    AudienceTag,
    Channel,
    Notice,
    NoticeKind,
    NoticeStatus,
    PrintedSlip,
    Recipient,
    Reminder,
)
from lianfang.notices.policies import policy_for
from lianfang.notices.text import MAX_BODY, clean_body
from lianfang.places.models import Area, Compound, Grid


def _check_audience(
    user: Any, *, area: Area, compound: Compound | None, audiences: list[str], tags: list[str]
) -> None:
    authorize_write(user, action=WRITE_NOTICES, path=area.path)
    if compound is not None and not compound.path.startswith(area.path):
        raise DomainError("compound_outside_area", _("The compound is not in the area."), field="compound")
    if not audiences or any(a not in Audience.values for a in audiences):
        raise DomainError("no_audience", _("Choose who receives the notice."), field="audiences")
    if any(t not in AudienceTag.values for t in tags):
        raise DomainError("bad_tag", _("Unknown tag."), field="tags")


@transaction.atomic
def create_draft(
    *,
    user: Any,
    kind: str,
    title: str,
    body: str,
    area: Area,
    compound: Compound | None = None,
    audiences: Sequence[str] = (Audience.HOUSEHOLDS,),
    tags: Sequence[str] = (),
    ack_unit: str = AckUnit.HOUSEHOLD,
    expires_at: datetime.datetime | None = None,
    attachment: Any = None,
) -> Notice:
    audiences, tags = list(dict.fromkeys(audiences)), list(dict.fromkeys(tags))
    _check_audience(user, area=area, compound=compound, audiences=audiences, tags=tags)
    title, body = clean_body(title)[:200], clean_body(body)
    if not title:
        raise DomainError("no_title", _("A notice needs a title."), field="title")
    if not body or len(body) > MAX_BODY:
        raise DomainError("bad_body", _("Write the text (at most 20,000 characters)."), field="body")
    if kind not in NoticeKind.values or ack_unit not in AckUnit.values:
        raise DomainError("bad_kind", _("Unknown kind."), field="kind")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(
            "expires_in_past", _("The notice would expire before it is read."), field="expires_at"
        )
    notice = Notice.objects.create(
        kind=kind,
        title=title,
        body=body,
        area=area,
        compound=compound,
        audiences=" ".join(audiences),
        tags=" ".join(tags),
        ack_unit=ack_unit,
        author=user,
        path=area.path,
        expires_at=expires_at,
        attachment=attachment or "",
    )
    audit.log(
        user=user, action="create", obj=notice, summary=_("Notice drafted: {title}").format(title=title[:60])
    )
    return notice


def _locked(user: Any, notice_id: int) -> Notice:
    notice = Notice.objects.visible_to(user).select_for_update().filter(pk=notice_id).first()
    if notice is None:
        raise not_found()
    return notice


@transaction.atomic
def approve_notice(*, user: Any, notice: Notice) -> Notice:
    authorize_write(user, action=APPROVE_NOTICES, path=notice.path)
    notice = _locked(user, notice.pk)
    if notice.status != NoticeStatus.DRAFT:
        raise DomainError("not_a_draft", _("Only a draft is approved."))
    if notice.author_id == user.pk and not user.is_superuser:
        raise DomainError("own_draft", _("Another person must approve what you wrote."), status=403)
    notice.status, notice.approver, notice.approved_at = NoticeStatus.APPROVED, user, timezone.now()
    notice.save(update_fields=["status", "approver", "approved_at"])
    audit.log(
        user=user,
        action="change",
        obj=notice,
        summary=_("Notice approved: {title}").format(title=notice.title[:60]),
    )
    return notice


def check_publishable(*, user: Any, notice: Notice) -> None:
    """The refusals of publishing, before any row is written (the page asks before it enqueues)."""
    authorize_write(user, action=APPROVE_NOTICES, path=notice.path)
    if notice.status in (NoticeStatus.PUBLISHED, NoticeStatus.WITHDRAWN, NoticeStatus.EXPIRED):
        raise DomainError("already_published", _("This notice was published already."))
    if notice.status != NoticeStatus.APPROVED:
        raise DomainError("not_approved", _("A notice is published only after its approval."))


def _insert_select(sql_select: Any, columns: str) -> int:
    try:
        sql, params = sql_select.query.sql_with_params()
    except EmptyResultSet:  # .none(): an audience without this kind of recipient
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO notices_recipient ({columns}) {sql}", params)
        return cursor.rowcount


@transaction.atomic
def publish_notice(*, user: Any, notice: Notice, now: datetime.datetime | None = None) -> Notice:
    """Freeze the recipients and publish. One INSERT … SELECT per kind of recipient."""
    now = now or timezone.now()
    authorize_write(user, action=APPROVE_NOTICES, path=notice.path)
    notice = _locked(user, notice.pk)
    check_publishable(user=user, notice=notice)
    spec = AudienceSpec.of(notice)
    today = timezone.localdate(now)
    null_int = Cast(Value(None), IntegerField())
    common = {"n": Value(notice.pk), "at": Value(now), "zero": Value(0), "via": Value("")}
    cols = (
        "notice_id, delivered_at, reminders, step, ack_via, household_id, resident_id, user_id, path, grid_id"
    )
    if notice.ack_unit == AckUnit.PERSON:
        people = (
            residents_of(spec, today=today)
            .annotate(**common, none=null_int)
            .values_list(
                "n",
                "at",
                "zero",
                "zero",
                "via",
                "household_id",
                "id",
                "none",
                "household__path",
                "household__grid_id",
            )
        )
        written = _insert_select(people, cols)
    else:
        households = (
            households_of(spec, today=today)
            .annotate(**common, none=null_int)
            .values_list("n", "at", "zero", "zero", "via", "id", "none", "none", "path", "grid_id")
        )
        written = _insert_select(households, cols)
    accounts = (
        accounts_of(spec)
        .annotate(**common, none=null_int, g=F("grid_id"))
        .values_list("n", "at", "zero", "zero", "via", "none", "none", "id", "scope_path_cache", "g")
    )
    written += _insert_select(accounts, cols)
    if written == 0:
        raise DomainError("empty_audience", _("Nobody is in this audience: nothing was published."))
    notice.status, notice.published_at, notice.recipient_count = NoticeStatus.PUBLISHED, now, written
    notice.save(update_fields=["status", "published_at", "recipient_count"])
    outbox.queue_publication(notice=notice, now=now)
    audit.log(
        user=user,
        action="change",
        obj=notice,
        summary=_("Notice published to {n} recipients: {title}").format(n=written, title=notice.title[:60]),
    )
    return notice


@transaction.atomic
def withdraw_notice(*, user: Any, notice: Notice) -> Notice:
    authorize_write(user, action=APPROVE_NOTICES, path=notice.path)
    notice = _locked(user, notice.pk)
    if notice.status == NoticeStatus.WITHDRAWN:
        raise DomainError("already_withdrawn", _("This notice was withdrawn already."))
    notice.status, notice.withdrawn_at = NoticeStatus.WITHDRAWN, timezone.now()
    notice.save(update_fields=["status", "withdrawn_at"])
    outbox.cancel_pending(notice=notice)
    audit.log(
        user=user,
        action="change",
        obj=notice,
        summary=_("Notice withdrawn: {title}").format(title=notice.title[:60]),
    )
    return notice


def _refuse_dead(notice: Notice, now: datetime.datetime) -> None:
    if notice.status == NoticeStatus.WITHDRAWN:
        raise DomainError("notice_withdrawn", _("This notice was withdrawn."))
    if notice.status == NoticeStatus.EXPIRED or (notice.expires_at is not None and notice.expires_at <= now):
        raise DomainError("notice_expired", _("This notice has expired."))
    if notice.status != NoticeStatus.PUBLISHED:
        raise not_found()


@transaction.atomic
def acknowledge(
    *,
    recipient_id: int,
    household_id: int | None = None,
    user: Any = None,
    via: str = AckVia.APP,
    now: datetime.datetime | None = None,
) -> Recipient:
    """A household (by its page: `household_id`) or an account (`user`) acknowledges one of its rows."""
    now = now or timezone.now()
    qs = Recipient.objects.select_for_update().select_related("notice")
    if household_id is not None:
        qs = qs.filter(household_id=household_id)
    elif user is not None and getattr(user, "is_authenticated", False):
        qs = qs.filter(user_id=user.pk)
    else:
        raise not_found()
    recipient = qs.filter(pk=recipient_id).first()
    if recipient is None:
        raise not_found()
    _refuse_dead(recipient.notice, now)
    if recipient.acknowledged_at is not None:
        raise DomainError(
            "already_acknowledged",
            _("Already acknowledged on {at}.").format(
                at=timezone.localtime(recipient.acknowledged_at).strftime("%Y-%m-%d %H:%M")
            ),
        )
    recipient.acknowledged_at, recipient.ack_via = now, via
    recipient.read_at = recipient.read_at or now
    recipient.save(update_fields=["acknowledged_at", "ack_via", "read_at"])
    return recipient


def mark_read(*, recipient_ids: list[int], now: datetime.datetime | None = None) -> int:
    """The page that showed these rows marks them read (once: the first time counts)."""
    if not recipient_ids:
        return 0
    return Recipient.objects.filter(pk__in=recipient_ids, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


@transaction.atomic
def record_slip(
    *, user: Any, recipient: Recipient, note: str = "", now: datetime.datetime | None = None
) -> PrintedSlip:
    """The grid worker brought back the signed tear-off slip: the household's acknowledgement."""
    now = now or timezone.now()
    authorize_write(user, action=RECORD_SLIPS, obj=recipient)
    recipient = Recipient.objects.select_for_update().select_related("notice").get(pk=recipient.pk)
    _refuse_dead(recipient.notice, now)
    if recipient.household_id is None:
        raise DomainError("not_a_household", _("Slips are for households."))
    if PrintedSlip.objects.filter(recipient=recipient).exists() or recipient.acknowledged_at is not None:
        raise DomainError("already_acknowledged", _("This household has acknowledged already."))
    slip = PrintedSlip.objects.create(
        recipient=recipient, delivered_by=user, delivered_at=now, note=note[:200]
    )
    recipient.acknowledged_at, recipient.ack_via = now, AckVia.SLIP
    recipient.read_at = recipient.read_at or now
    recipient.save(update_fields=["acknowledged_at", "ack_via", "read_at"])
    return slip


@transaction.atomic
def remind_rest(
    *, user: Any, notice: Notice, grid: Grid | None = None, now: datetime.datetime | None = None
) -> Reminder:
    """Remind those who have not acknowledged (of one grid, or all that the user sees): in the app, and by
    SMS to the households with a mobile number. At most once per policy interval per notice and grid."""
    now = now or timezone.now()
    if grid is not None:
        authorize_write(user, action=REMIND_NOTICES, obj=grid)
    else:
        authorize_write(user, action=REMIND_NOTICES, path=notice.path)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _refuse_dead(notice, now)
    interval = datetime.timedelta(minutes=policy_for(Channel.APP).remind_minutes)
    last = Reminder.objects.filter(notice=notice, grid=grid, at__gt=now - interval).first()
    if last is not None:
        raise DomainError(
            "reminded_recently",
            _("Reminded at {at}; the next reminder is possible from {next}.").format(
                at=timezone.localtime(last.at).strftime("%H:%M"),
                next=timezone.localtime(last.at + interval).strftime("%H:%M"),
            ),
        )
    rest = Recipient.objects.visible_to(user).filter(notice=notice, acknowledged_at__isnull=True)
    if grid is not None:
        rest = rest.filter(grid=grid)
    reminder = Reminder.objects.create(notice=notice, grid=grid, by=user, at=now)
    ids = list(rest.values_list("pk", flat=True))
    reached = Recipient.objects.filter(pk__in=ids).update(reminded_at=now, reminders=F("reminders") + 1)
    outbox.queue_sms(recipient_ids=ids, notice=notice, key=f"remind{reminder.pk}", now=now, reminder=True)
    reminder.reached = reached
    reminder.save(update_fields=["reached"])
    return reminder
