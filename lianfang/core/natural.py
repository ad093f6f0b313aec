"""Natural order of building, unit and room numbers: 1, 2, 10, 101, 1001 and 1栋, 2栋, 12栋 — not the text
order (1001 before 101, 12栋 before 2栋). One key, the same in Python and in SQL:

- the text is NFKC-normalised (full-width １２ is 12);
- each run of digits becomes its length in two digits followed by the digits without leading zeros
  (12 -> "0212", 101 -> "03101", 1001 -> "041001"), so that comparing the keys as text compares the numbers;
- the rest is kept as it is; keys compare by code point (SQL: COLLATE "C").

`natural_key` is the Python key (for lists sorted in Python); `NaturalKey("label")` the SQL expression
(`.order_by(NaturalKey("label"))`), a call of the function `lianfang_natural_key` made by core's migration
0006. test_natural_order checks that both agree.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db.models import Func, TextField
from django.db.models.functions import Collate

_RUNS = re.compile(r"([0-9]+)|([^0-9]+)")


def natural_key(text: object) -> str:
    parts = []
    for digits, other in _RUNS.findall(unicodedata.normalize("NFKC", str(text or ""))):
        if digits:
            number = digits.lstrip("0") or "0"
            parts.append(f"{len(number):02d}{number}")
        else:
            parts.append(other)
    return "".join(parts)


class _NaturalKeyCall(Func):
    function = "lianfang_natural_key"
    output_field = TextField()


def NaturalKey(expression: Any) -> Collate:
    """The natural-order key of a text column, compared byte by byte like `natural_key`'s strings."""
    return Collate(_NaturalKeyCall(expression), "C")


# The SQL twin of natural_key (core/migrations/0006_natural_key.py creates it).
FUNCTION_SQL = r"""
CREATE OR REPLACE FUNCTION lianfang_natural_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(
           CASE WHEN m[1] IS NOT NULL
                THEN lpad(length(coalesce(nullif(ltrim(m[1], '0'), ''), '0'))::text, 2, '0')
                     || coalesce(nullif(ltrim(m[1], '0'), ''), '0')
                ELSE m[2] END,
           '' ORDER BY n), '')
  FROM regexp_matches(normalize(coalesce(t, ''), NFKC), '([0-9]+)|([^0-9]+)', 'g') WITH ORDINALITY AS r(m, n)
$$;
"""
