"""The passage log is written at every scan: no database constraints on its references (each would check
and lock the referenced row at every commit), yet deletions still reach it through Django's on_delete; the
scan statement's cursor is kept from scan to scan and replaced when the connection is."""

import datetime

import pytest
from django.db import connection

from lianfang.access.models import Passage
from lianfang.access.scan import _pg_array
from lianfang.access.tests.conftest import at
from lianfang.accounts.models import User
from lianfang.places.models import Gate

D = datetime.date(2026, 3, 2)


def test_the_passage_table_has_no_foreign_key_constraints(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Passage._meta.db_table)
    assert [name for name, c in constraints.items() if c["foreign_key"]] == []


def test_deleting_a_gate_still_deletes_its_passages(world, passes, scan):
    west = Gate.objects.create(
        compound=world.gate_a.compound, name="西门", is_open=True, path=world.gate_a.path
    )
    scan(passes["household_a1"], "out", at(D, 9), gate=west)
    scan(passes["household_a1"], "in", at(D, 11), gate=west)
    scan(passes["household_a2"], "in", at(D, 11))
    assert Passage.objects.filter(gate=west).count() == 2
    west.delete()
    assert list(Passage.objects.values_list("gate_id", flat=True)) == [world.gate_a.pk]


def test_deleting_a_household_keeps_its_passages_without_the_household(world, passes, scan):
    scan(passes["household_a1"], "out", at(D, 9))
    household_id = world.household_a1.pk
    passes["household_a1"].delete()
    User.objects.filter(household=world.household_a1).delete()
    world.household_a1.residents.all().delete()
    world.household_a1.delete()
    passage = Passage.objects.get()
    assert passage.household_id is None and passage.pass_obj_id is None
    assert not Passage.objects.filter(household_id=household_id).exists()


@pytest.mark.django_db(transaction=True)
def test_scans_go_on_after_the_database_connection_is_replaced(passes, scan):
    first = scan(passes["household_a1"], "in", at(D, 8))
    connection.close()
    second = scan(passes["household_a2"], "in", at(D, 8, 5))
    assert first.code == second.code == "entry_allowed"
    assert Passage.objects.count() == 2


def test_pass_kinds_reach_postgresql_as_a_text_array(db):
    kinds = frozenset({"work", "household", 'odd"kind', "back\\slash"})
    text = _pg_array(kinds)
    assert text == '{"back\\\\slash","household","odd\\"kind","work"}'
    assert _pg_array(frozenset()) == "{}"
    with connection.cursor() as cursor:  # the literal as the server reads it
        cursor.execute("SELECT %s::text[]", [text])
        assert cursor.fetchone()[0] == sorted(kinds)
