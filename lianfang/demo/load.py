"""Writing the generated rows: `bulk_create` everywhere, `COPY` on PostgreSQL for big loads.

The bulk tables' secondary indexes and foreign keys can be dropped before a COPY and rebuilt after it
(`deferred_indexes`): building an index once over three million rows is much faster than keeping it
up to date row by row. Everything runs inside the caller's transaction, so a failed load leaves the
indexes (and the data) as they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models

from lianfang.access.models import Pass, Passage
from lianfang.demo.generate import COLUMNS, _text, copy_text
from lianfang.people.models import Membership, Resident, TravelRecord
from lianfang.places.models import Area, Building, Compound, Gate, Grid, Household, Unit

MODELS: dict[str, type[models.Model]] = {
    "area": Area,
    "grid": Grid,
    "compound": Compound,
    "gate": Gate,
    "building": Building,
    "unit": Unit,
    "household": Household,
    "resident": Resident,
    "membership": Membership,
    "travel": TravelRecord,
    "pass": Pass,
    "passage": Passage,
}
ORDER = [
    "area",
    "grid",
    "compound",
    "gate",
    "building",
    "unit",
    "household",
    "resident",
    "membership",
    "travel",
    "pass",
    "passage",
]
BULK_TABLES = ["household", "resident", "membership"]
ACCESS_TABLES = ["pass", "passage"]


def next_ids() -> dict[str, int]:
    """The first free primary key of every table we write (explicit ids never collide with old rows)."""
    out = {}
    for key, model in MODELS.items():
        last = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
        out[key] = last + 1
    return out


def write_orm(rows: dict[str, list[tuple]], *, batch_size: int = 2000) -> None:
    for key in ORDER:
        batch = rows.get(key)
        if not batch:
            continue
        model = MODELS[key]
        attnames = {f.column: f.attname for f in model._meta.concrete_fields}
        cols = [attnames[c] for c in COLUMNS[key]]  # COLUMNS names database columns (Passage: pass_id)
        objs = [model(**dict(zip(cols, row, strict=True))) for row in batch]
        model._default_manager.bulk_create(objs, batch_size=batch_size)


_EXTRA: dict[str, tuple[list[str], bytes]] = {}


def extra_columns(key: str) -> tuple[list[str], bytes]:
    """Columns the generator does not write that need a value the database would not give them:
    fields (added later by other apps) with a Python-side default. Their default is appended to every row."""
    if key not in _EXTRA:
        model, cols = MODELS[key], set(COLUMNS[key])
        extra: list[str] = []
        values: list[str] = []
        for f in model._meta.concrete_fields:
            if f.primary_key or f.attname in cols or f.column in cols:
                continue
            if f.db_default is not models.NOT_PROVIDED or not f.has_default():
                continue  # the database fills it (db_default, NULL) or the generator must be taught it
            extra.append(str(f.column))
            values.append(_text(f.get_db_prep_save(f.get_default(), connection)))
        _EXTRA[key] = (extra, ("\t" + "\t".join(values)).encode() if values else b"")
    return _EXTRA[key]


def write_copy(key: str, data: bytes) -> None:
    """COPY pre-encoded text rows into the table of `key` (PostgreSQL only)."""
    if not data:
        return
    table = MODELS[key]._meta.db_table
    extra, suffix = extra_columns(key)
    cols = ", ".join(list(COLUMNS[key]) + extra)
    if suffix:
        data = data.replace(b"\n", suffix + b"\n")
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        copy.write(data)


def write_copy_rows(rows: dict[str, list[tuple]]) -> None:
    for key in ORDER:
        if rows.get(key):
            write_copy(key, copy_text(rows[key]))


def reset_sequences() -> None:
    """After explicit ids: move each table's id sequence past its highest id."""
    sql = connection.ops.sequence_reset_sql(no_style(), list(MODELS.values()))
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def analyze() -> None:
    """Planner statistics of the tables just written (inside the transaction: PostgreSQL counts its own
    new rows). The epidemic services that run next join these tables; planned on a fresh database without
    statistics, the contact-candidates statement took seconds per case instead of milliseconds."""
    with connection.cursor() as cursor:
        for model in MODELS.values():
            cursor.execute(f"ANALYZE {model._meta.db_table}")


@contextmanager
def deferred_indexes(keys: list[str]) -> Iterator[list[str]]:
    """Drop the secondary indexes, unique constraints and foreign keys of these tables (PostgreSQL),
    yield, then rebuild them exactly as they were (same names and definitions)."""
    tables = [MODELS[k]._meta.db_table for k in keys]
    with connection.cursor() as cursor:
        # Deferred foreign-key checks already queued would forbid ALTER TABLE: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')
            ORDER BY c.contype DESC, c.conname
            """,
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.tablename, i.indexname, i.indexdef
            FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname
                              AND c.conrelid = i.tablename::regclass)
            ORDER BY i.indexname
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    done: list[str] = []
    yield done
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _table, name, definition in indexes:
            cursor.execute(definition)
            done.append(name)
        # Unique constraints before foreign keys (contype DESC puts 'u' first).
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            done.append(name)
