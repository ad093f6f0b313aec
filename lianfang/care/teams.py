"""Care teams (四包一): opened set-based when epi reports changed holds, closed when the hold ends;
staff change members. Public through lianfang.care.services."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.care.common import not_found
from lianfang.care.models import CareTeam, CareTeamMember, TeamRole
from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.roles import EDIT_CARE_TEAM, Role
from lianfang.core.scoping import authorize_write
from lianfang.places.models import Household

# The user role each team role must have.
ROLE_OF_MEMBER = {
    TeamRole.GRID: Role.GRID,
    TeamRole.SECRETARY: Role.COMMUNITY,
    TeamRole.HEALTH: Role.HEALTH,
    TeamRole.LEADER: Role.COMMAND,
}

# One new team per held household of the targets without an open team. It starts with the household's
# earliest active home quarantine, but not before today (nobody could call before the team existed).
TEAM_INSERT = """
INSERT INTO care_careteam (household_id, started, ended, path, created_at)
SELECT h.id,
       (SELECT CASE WHEN MIN(q.start) > %s THEN MIN(q.start) ELSE %s END
          FROM epi_quarantine q
         WHERE q.household_id = h.id AND q.status = 'active' AND q.kind = 'home'),
       NULL, h.path, %s
FROM places_household h
WHERE h.id IN ({targets})
  AND h.id NOT IN (SELECT t.household_id FROM care_careteam t WHERE t.ended IS NULL)
RETURNING id
"""

# The proposed members of the new teams. Picks depend only on the household's grid, compound and path,
# so they are computed once per distinct (grid, compound, path) — a handful for a whole compound — then
# joined to the teams. Lowest id wins; the health worker and the leader: the nearest area first. Role
# values are code constants.
MEMBER_INSERT = """
WITH new AS (
  SELECT t.id AS team_id, COALESCE(h.grid_id, 0) AS gk, h.compound_id AS ck, h.path AS pk
  FROM care_careteam t JOIN places_household h ON h.id = t.household_id
  WHERE t.id IN ({ids})
),
picks AS (
  SELECT k.gk, k.ck, k.pk,
    (SELECT u.id FROM accounts_user u
      WHERE u.role = 'grid' AND u.is_active = %s AND u.grid_id = k.gk ORDER BY u.id LIMIT 1) AS grid_user,
    (SELECT u.id FROM accounts_user u JOIN places_compound c ON c.community_id = u.area_id
      WHERE c.id = k.ck AND u.role = 'community' AND u.is_active = %s
      ORDER BY u.id LIMIT 1) AS secretary_user,
    (SELECT u.id FROM accounts_user u JOIN places_area a ON a.id = u.area_id
      WHERE u.role = 'health' AND u.is_active = %s AND substr(k.pk, 1, length(a.path)) = a.path
      ORDER BY length(a.path) DESC, u.id LIMIT 1) AS health_user,
    (SELECT u.id FROM accounts_user u JOIN places_area a ON a.id = u.area_id
      WHERE u.role = 'command' AND u.is_active = %s AND a.level IN ('street', 'district')
        AND substr(k.pk, 1, length(a.path)) = a.path
      ORDER BY length(a.path) DESC, u.id LIMIT 1) AS leader_user
  FROM (SELECT DISTINCT gk, ck, pk FROM new) k
)
INSERT INTO care_careteammember (team_id, user_id, role)
SELECT x.team_id, x.user_id, x.role FROM (
  SELECT n.team_id, p.grid_user AS user_id, 'grid' AS role FROM new n
    JOIN picks p ON p.gk = n.gk AND p.ck = n.ck AND p.pk = n.pk
  UNION ALL
  SELECT n.team_id, p.secretary_user, 'secretary' FROM new n
    JOIN picks p ON p.gk = n.gk AND p.ck = n.ck AND p.pk = n.pk
  UNION ALL
  SELECT n.team_id, p.health_user, 'health' FROM new n
    JOIN picks p ON p.gk = n.gk AND p.ck = n.ck AND p.pk = n.pk
  UNION ALL
  SELECT n.team_id, p.leader_user, 'leader' FROM new n
    JOIN picks p ON p.gk = n.gk AND p.ck = n.ck AND p.pk = n.pk
) x WHERE x.user_id IS NOT NULL
"""

CHUNK = 5000


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _marks(ids: list[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def _targets(household_ids: Iterable[int | None] | QuerySet) -> QuerySet:
    if isinstance(household_ids, QuerySet):
        return Household.objects.filter(pk__in=household_ids).order_by().values("pk")
    ids = sorted({int(i) for i in household_ids if i is not None})
    return Household.objects.filter(pk__in=ids).order_by().values("pk")


def sync_care_teams(
    household_ids: Iterable[int | None] | QuerySet, today: datetime.date | None = None
) -> int:
    """Open a proposed team for every held household of `household_ids` that has none, and end the open
    teams of those no longer held. Set-based: a few statements whatever the number of households.
    Returns the number of teams opened. Runs inside the caller's transaction (epi's service)."""
    today = today or timezone.localdate()
    # The targets' ids and whether each is held, read once: the statements below then filter on plain id
    # lists, whose plans stay good on the stale statistics right after epi's UPDATE (nested subqueries
    # planned as one scan per team took a second for a 1,000-household lift).
    rows = _targets(household_ids).values_list("pk", "exits_held_until")
    held = [pk for pk, until in rows if until is not None and until >= today]
    released = [pk for pk, until in rows if until is None or until < today]
    for chunk in _chunks(released):
        CareTeam.objects.filter(ended__isnull=True, household_id__in=chunk).update(ended=today)
    ops = connection.ops
    day = ops.adapt_datefield_value(today)
    new_ids: list[int] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(held):
            cursor.execute(
                TEAM_INSERT.format(targets=_marks(chunk)),
                [day, day, ops.adapt_datetimefield_value(timezone.now()), *chunk],
            )
            new_ids += [row[0] for row in cursor.fetchall()]
        for chunk in _chunks(new_ids):
            cursor.execute(MEMBER_INSERT.format(ids=_marks(chunk)), [*chunk, True, True, True, True])
    return len(new_ids)


def on_holds_changed(sender: Any, household_ids: list[int], **kwargs: Any) -> None:
    """Receiver of epi.signals.holds_changed (connected in CareConfig.ready)."""
    sync_care_teams(household_ids)


def end_finished_teams(today: datetime.date | None = None) -> int:
    """End the open teams whose household's hold ran out by date (no epi change sent a signal)."""
    today = today or timezone.localdate()
    return (
        CareTeam.objects.filter(ended__isnull=True)
        .filter(Q(household__exits_held_until__isnull=True) | Q(household__exits_held_until__lt=today))
        .update(ended=today)
    )


@transaction.atomic
def set_team_member(*, user: Any, team: CareTeam, role: str, member: Any | None) -> CareTeam:
    """Community staff put `member` in `role` of an open team (None: leave the role empty)."""
    authorize_write(user, action=EDIT_CARE_TEAM)
    found = (
        CareTeam.objects.visible_to(user)
        .select_for_update()
        .select_related("household")
        .filter(pk=team.pk)
        .first()
    )
    if found is None:
        raise not_found()
    if found.ended is not None:
        raise DomainError("team_ended", _("This care team has ended."))
    if role not in TeamRole.values:
        raise DomainError("bad_team_role", _("Unknown role in a care team."), field="role")
    if member is None:
        CareTeamMember.objects.filter(team=found, role=role).delete()
        audit.log(
            user=user,
            action=AuditAction.CHANGE,
            obj=found,
            summary=_("Care team {role}: nobody").format(role=TeamRole(role).label),
        )
        return found
    if member.role != ROLE_OF_MEMBER[TeamRole(role)] or not member.is_active:
        raise DomainError(
            "member_wrong_role",
            _("{name} cannot be the {role} of a team: their role is {their}.").format(
                name=member, role=TeamRole(role).label, their=member.get_role_display()
            ),
            field="member",
        )
    if not CareTeam.scope.covers(member, found):  # a member must see the team (the read rule)
        raise DomainError(
            "member_out_of_scope",
            _("{name} does not work in the area of this household.").format(name=member),
            field="member",
        )
    CareTeamMember.objects.update_or_create(team=found, role=role, defaults={"user": member})
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=found,
        summary=_("Care team {role}: {name}").format(
            role=TeamRole(role).label, name=member.name or member.username
        ),
    )
    return found


def team_members(team: CareTeam) -> list[CareTeamMember]:
    """The members of a team in the order leader, secretary, grid, health (one query)."""
    order = {r: i for i, r in enumerate(TeamRole.values)}
    rows = list(CareTeamMember.objects.filter(team=team).select_related("user"))
    return sorted(rows, key=lambda m: order[m.role])
