"""Every gate event carries a client id: sending it twice records it once and answers the first decision."""

import datetime
import uuid

from lianfang.access.models import Passage
from lianfang.access.scan import queries_per_scan
from lianfang.access.tests.conftest import at

D = datetime.date(2026, 3, 2)


def test_retry_returns_the_first_decision_and_stores_nothing_new(passes, scan):
    cid = uuid.uuid4()
    first = scan(passes["household_a1"], "out", at(D, 9), client_id=cid)
    again = scan(passes["household_a1"], "out", at(D, 9, 5), client_id=cid)
    assert first.code == again.code == "exit_allowed"
    assert again.duplicate and not first.duplicate
    assert again.exits_left == first.exits_left == 0
    assert again.household == first.household
    assert Passage.objects.count() == 1


def test_retry_of_a_refusal_stays_a_refusal_with_its_date(passes, scan):
    scan(passes["household_a1"], "out", at(D, 9))
    cid = uuid.uuid4()
    first = scan(passes["household_a1"], "out", at(D, 10), client_id=cid)
    again = scan(passes["household_a1"], "out", at(D, 11), client_id=cid)
    assert first.code == again.code == "quota_used"
    assert again.next_allowed == first.next_allowed == D + datetime.timedelta(days=2)
    assert Passage.objects.count() == 2


def test_a_scan_and_its_retry_take_one_statement_each(passes, scan, django_assert_num_queries):
    scan(passes["household_a2"], "in", at(D, 9))  # warm the gate and policy caches (kept for seconds)
    with django_assert_num_queries(queries_per_scan()):
        scan(passes["household_a1"], "out", at(D, 9))
    first_id = Passage.objects.order_by("id").last().client_id
    with django_assert_num_queries(queries_per_scan()):  # a retry stores nothing and reads its first answer
        again = scan(passes["household_a1"], "out", at(D, 9), client_id=first_id)
    assert again.duplicate and again.household
