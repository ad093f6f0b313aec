"""Query helpers that several apps' pages share."""

from __future__ import annotations

from django.db.models import IntegerField, Subquery


class SubqueryCount(Subquery):
    """COUNT(*) of a subquery, as an integer annotation (0 when empty)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()
