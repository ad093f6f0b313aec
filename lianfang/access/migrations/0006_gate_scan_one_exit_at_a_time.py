"""PostgreSQL only: `access_record_scan` decides the exits of one household one at a time.

Two members of a household leaving at two gates in the same instant both counted the household's exits
before either stored its passage, so both were allowed with a quota of one. The function now takes a
transaction-level advisory lock on the household before counting: the second exit waits for the first
to commit (a few milliseconds), then counts it. Entries, refusals before the count and exempt passes take
no lock. The Python path (SQLite) gets the same order from one immediate transaction per scan.

The function is 0004's with that one statement added.
"""

import importlib

from django.db import migrations

BEFORE = importlib.import_module("lianfang.access.migrations.0004_gate_scan_function").FUNCTION

COUNT = """            SELECT count(*) INTO v_used FROM access_passage x"""
# 19526 ('LF'): the class of Lianfang's household locks; the household id folded into the integer key
# (two households sharing a key only wait for each other).
LOCK = """            PERFORM pg_advisory_xact_lock(19526, (r_household_id % 2147483647)::integer);
"""
if BEFORE.count(COUNT) != 1:
    raise RuntimeError("0004's function changed: place the household lock again")
FUNCTION = BEFORE.replace(COUNT, LOCK + COUNT)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BEFORE, params=None)


class Migration(migrations.Migration):
    dependencies = [("access", "0005_passage_log_without_constraints")]

    operations = [migrations.RunPython(create, restore, elidable=False)]
