"""The counts of a shift's assignments that PostgreSQL keeps (mobilize.models.Shift) agree with counting the
assignments, after random inserts, status changes and deletes, single and in bulk; a plain save of a shift
keeps them."""

from __future__ import annotations

import random

import pytest
from django.db.models import Count, Q

from lianfang.mobilize.models import COVERING_ASSIGNMENTS, Assignment, AssignmentStatus, Shift
from lianfang.mobilize.tests.conftest import add_shift, local, make_volunteer

pytestmark = pytest.mark.django_db


def counted() -> dict[int, tuple[int, int, int]]:
    """The oracle: the assignments counted by the ORM."""
    rows = Shift.objects.annotate(
        cov=Count("assignments", filter=Q(assignments__status__in=COVERING_ASSIGNMENTS)),
        inv=Count("assignments", filter=Q(assignments__status=AssignmentStatus.INVITED)),
        chk=Count("assignments", filter=Q(assignments__status__in=("checked_in", "checked_out"))),
    ).values_list("pk", "cov", "inv", "chk")
    return {pk: (cov, inv, chk) for pk, cov, inv, chk in rows}


def kept() -> dict[int, tuple[int, int, int]]:
    return {
        pk: (a, b, c)
        for pk, a, b, c in Shift.objects.values_list("pk", "n_covering", "n_invited", "n_checked_in")
    }


def test_the_kept_counts_agree_with_counting_after_random_changes(world):
    rng = random.Random(14)
    people = [make_volunteer(world, i) for i in range(1, 7)]
    shifts = [add_shift(world, local(2026, 3, 2 + i // 3, 8 * (i % 3))) for i in range(6)]
    statuses = list(AssignmentStatus.values)
    for _step in range(60):
        op = rng.random()
        rows = list(Assignment.objects.all())
        if op < 0.4 or not rows:
            s, v = rng.choice(shifts), rng.choice(people)
            if not Assignment.objects.filter(shift=s, volunteer=v).exists():
                Assignment.objects.create(shift=s, volunteer=v, status=rng.choice(statuses))
        elif op < 0.7:
            a = rng.choice(rows)
            a.status = rng.choice(statuses)
            a.save()
        elif op < 0.85:
            Assignment.objects.filter(pk__in=[a.pk for a in rng.sample(rows, min(3, len(rows)))]).update(
                status=rng.choice(statuses)
            )
        else:
            rng.choice(rows).delete()
        assert kept() == counted()
    Assignment.objects.filter(shift=shifts[0]).delete()
    assert kept() == counted()


def test_saving_a_shift_keeps_its_counts(world, volunteers):
    s = add_shift(world, local(2026, 3, 2, 8))
    stale = Shift.objects.get(pk=s.pk)  # read before the assignment: counts 0
    Assignment.objects.create(shift=s, volunteer=volunteers[0], status=AssignmentStatus.ACCEPTED)
    stale.needed = 2
    stale.save()
    s.refresh_from_db()
    assert (s.needed, s.n_covering) == (2, 1)
