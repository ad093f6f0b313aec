"""Natural order of building, unit and room numbers, the same in Python and in PostgreSQL."""

import random

import pytest
from django.db import connection

from lianfang.core.natural import natural_key

MIXED = [
    "1001",
    "101",
    "2",
    "10",
    "1",
    "12栋",
    "2栋",
    "１２栋",
    "1栋",
    "15栋",
    "3栋2单元401",
    "3栋10单元1",
    "3栋2单元1001",
    "A座",
    "007",
    "0",
    "",
    "B2",
    "B10",
    "甲1",
    "甲12",
    "12345678901234567890",
]


def test_numbers_sort_as_numbers_and_full_width_digits_as_ordinary_ones():
    assert sorted(["1001", "101", "2", "10", "1"], key=natural_key) == ["1", "2", "10", "101", "1001"]
    assert sorted(["12栋", "2栋", "15栋", "1栋"], key=natural_key) == ["1栋", "2栋", "12栋", "15栋"]
    assert natural_key("１２栋") == natural_key("12栋")
    assert sorted(["3栋10单元1", "3栋2单元1001", "3栋2单元401"], key=natural_key) == [
        "3栋2单元401",
        "3栋2单元1001",
        "3栋10单元1",
    ]
    assert natural_key("007") == natural_key("7")


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(5))
def test_postgresql_orders_exactly_like_python(seed):
    rng = random.Random(seed)
    values = MIXED + [
        "".join(rng.choice("0123456789栋单元AB-") for _ in range(rng.randint(0, 8))) for _ in range(60)
    ]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT v FROM unnest(%s::text[]) AS t(v)"
            ' ORDER BY lianfang_natural_key(v) COLLATE "C", v COLLATE "C"',
            [values],
        )
        in_sql = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT lianfang_natural_key(v) FROM unnest(%s::text[]) AS t(v)", [values])
        keys = [row[0] for row in cur.fetchall()]
    assert keys == [natural_key(v) for v in values]
    assert in_sql == sorted(values, key=lambda v: (natural_key(v), v.encode()))
