"""Reading the spreadsheets communities keep: xlsx (Excel, WPS, LibreOffice) and csv (UTF-8 or GBK).

The xlsx reader is our own, because openpyxl's read-only mode needs about 160 µs a row on a small
server: the sheet XML is cut into blocks of whole rows and each block is parsed by the C parser of
``xml.etree`` in one call, so Python only touches cells, never XML events. Only what an import
needs is read: the first worksheet, shared and inline strings, numbers as their text. Dates come
as Excel serial numbers; the importer knows which column holds dates.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree import ElementTree as ET

from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError

Row = tuple[int, list[str | None]]  # (spreadsheet row number, cell texts by column)

_NSDECL = re.compile(r'\sxmlns(?::[\w.-]+)?="[^"]*"')
_SHEETDATA = re.compile(r"<(?:[\w.-]+:)?sheetData\b[^>]*?(/?)>")
_SHEETDATA_END = re.compile(r"</(?:[\w.-]+:)?sheetData>")
_WORKSHEET = re.compile(r"<(?:[\w.-]+:)?worksheet\b[^>]*>")
_ROW_END = re.compile(r"</(?:[\w.-]+:)?row>")
_DIMENSION = re.compile(r'<(?:[\w.-]+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BLOCK = 1 << 20


def file_kind(filename: str) -> str:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise DomainError(
        "import_format",
        _("Please upload an .xlsx or .csv file (old .xls files: open and save them as .xlsx first)."),
        field="file",
    )


def read_rows(fileobj: IO[bytes], filename: str) -> Iterator[Row]:
    """Every non-empty row of the first sheet, with its spreadsheet row number."""
    if file_kind(filename) == "csv":
        return _csv_rows(fileobj)
    return _xlsx_rows(fileobj)


def count_rows(fileobj: IO[bytes], filename: str) -> int:
    """A cheap row count (for progress bars and choosing the background worker); 0 if unknown."""
    try:
        if file_kind(filename) == "csv":
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fileobj.read(_BLOCK), b""))
        with zipfile.ZipFile(fileobj) as zf, zf.open(_first_sheet(zf)) as f:
            head = f.read(4096).decode("utf-8", "replace")
            if m := _DIMENSION.search(head):
                return int(m.group(1))
            total = head.count("</row>")
            for block in iter(lambda: f.read(_BLOCK), b""):
                total += block.count(b"</row>")
            return total
    except (zipfile.BadZipFile, KeyError, OSError):
        return 0
    finally:
        fileobj.seek(0)


# --- csv -------------------------------------------------------------------------------------


def _csv_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    raw = fileobj.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise DomainError("import_encoding", _("The file is neither UTF-8 nor GBK text."), field="file")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if any(c.strip() for c in cells):
            yield number, [c if c != "" else None for c in cells]


# --- xlsx ------------------------------------------------------------------------------------


def _bad_xlsx() -> DomainError:
    return DomainError("import_format", _("This file is not a readable .xlsx workbook."), field="file")


def _first_sheet(zf: zipfile.ZipFile) -> str:
    """Path of the first worksheet in workbook order."""
    names = set(zf.namelist())
    try:
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        if not sheets:
            raise _bad_xlsx() from None
        return sheets[0]
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for el in wb.iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            target = targets.get(rid, "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            if path in names:
                return path
    raise _bad_xlsx()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    try:
        data = zf.read("xl/sharedStrings.xml")
    except KeyError:
        return []
    root = ET.fromstring(data)
    return [_string_item(si) for si in root]


def _string_item(si: ET.Element) -> str:
    """Text of an <si>/<is>: plain <t> or rich-text runs <r><t>; phonetic runs <rPh> are skipped."""
    parts = []
    for child in si:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            for t in child:
                if _local(t.tag) == "t":
                    parts.append(t.text or "")
    return "".join(parts)


def _column(ref: str) -> int:
    n = 0
    for ch in ref:
        o = ord(ch)
        if 65 <= o <= 90:
            n = n * 26 + o - 64
        else:
            break
    return n - 1


def _row_texts(f: IO[bytes]) -> Iterator[tuple[str, str]]:
    """<sheetData> cut into blocks of whole rows: (wrapper start tag with the namespaces, rows text)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    buf = ""
    wrapper = ""
    started = False
    while True:
        block = f.read(_BLOCK)
        buf += decoder.decode(block, final=not block)
        if not started:
            m = _SHEETDATA.search(buf)
            if not m:
                if not block:
                    return
                continue
            root = _WORKSHEET.search(buf)
            wrapper = "<w{}>".format("".join(_NSDECL.findall(root.group(0))) if root else "")
            if m.group(1):  # <sheetData/>: an empty sheet
                return
            buf = buf[m.end() :]
            started = True
        if block:
            last = None
            for match in _ROW_END.finditer(buf, max(0, len(buf) - _BLOCK - 64)):
                last = match
            if last is None:
                continue
            part, buf = buf[: last.end()], buf[last.end() :]
        else:
            end = _SHEETDATA_END.search(buf)
            part, buf = (buf[: end.start()] if end else buf), ""
        yield wrapper, part
        if not block:
            return


def _row_elements(wrapper: str, part: str) -> list[ET.Element]:
    try:
        return list(ET.fromstring(wrapper + part + "</w>"))
    except ET.ParseError:
        raise _bad_xlsx() from None


def _xlsx_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    try:
        zf = zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile:
        raise _bad_xlsx() from None
    with zf:
        try:
            strings = _shared_strings(zf)
            sheet = zf.open(_first_sheet(zf))
        except (KeyError, ET.ParseError):
            raise _bad_xlsx() from None
        with sheet:
            yield from _sheet_rows(sheet, strings)


def _sheet_rows(sheet: IO[bytes], strings: list[str]) -> Iterator[Row]:
    state = _SheetState(strings)
    for wrapper, part in _row_texts(sheet):
        fast = _fast_rows(part, state)
        if fast is None:
            fast = _element_rows(_row_elements(wrapper, part), state)
        yield from fast


class _SheetState:
    """What reading a sheet carries from one block of rows to the next."""

    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        self.number = 0  # the last row number
        self.columns: dict[str, int] = {}  # column letters -> index
        self.ns: str | None = None


# The common shapes of rows and cells, as Excel, WPS, LibreOffice and openpyxl write them: a cell with
# its reference first, then style and type, and a value <v> (after an optional formula <f>), an inline
# string <is><t> without rich text, or nothing. Anything else (other attribute orders, namespace prefixes,
# rich text, CDATA, comments...) matches "other", and that block goes to the XML parser instead.
_TOKENS = re.compile(
    r'(?P<cell><c) r="(?P<col>[A-Z]+)\d+"(?: s="\d+")?(?: t="(?P<kind>\w+)")?(?: s="\d+")?'
    r'(?: (?:cm|vm|ph)="\d+")*\s*'
    r"(?:/>|>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?"
    r'(?:<v>(?P<v>[^<]*)</v>|<v\s*/>|<is><t(?: xml:space="preserve")?>(?P<t>[^<]*)</t></is>)?</c>)'
    r"|(?P<end></row>)"
    r'|(?P<row><row)(?P<row_attrs>(?:\s+[\w:.-]+="[^"]*")*)\s*/?>'
    r"|\s+"
    r"|(?P<other>.)",
    re.DOTALL,
)
_ROW_NUMBER = re.compile(r'\sr="([^"]*)"')


def _fast_rows(part: str, state: _SheetState) -> list[Row] | None:
    """The rows of a block read with one regular expression, or None if the block has other shapes
    (or character references or carriage returns, which the XML parser resolves)."""
    if "&" in part or "\r" in part:
        return None
    strings = state.strings
    columns = state.columns
    number = state.number
    out: list[Row] = []
    cells: list[str | None] = []
    for cell, letters, kind, v, t, end, row, row_attrs, other in _TOKENS.findall(part):
        if cell:
            col = columns.get(letters)
            if col is None:
                col = columns[letters] = _column(letters)
            value = t if kind == "inlineStr" else v
            if not value:
                continue
            if kind == "s":
                try:
                    value = strings[int(value)]
                except (ValueError, IndexError):
                    raise _bad_xlsx() from None
                if not value:
                    continue
            elif kind == "b":
                value = "TRUE" if value == "1" else "FALSE"
            if col >= len(cells):
                cells.extend([None] * (col + 1 - len(cells)))
            cells[col] = value
        elif row:
            m = _ROW_NUMBER.search(row_attrs) if row_attrs else None
            number = int(m.group(1)) if m else number + 1
            cells = []
        elif end:
            if cells:
                out.append((number, cells))
            cells = []
        elif other:
            return None
    state.number = number
    return out


def _element_rows(rows: list[ET.Element], state: _SheetState) -> list[Row]:
    """The rows of a block parsed by the XML parser (any shape the format allows)."""
    out: list[Row] = []
    if not rows:
        return out
    if state.ns is None:
        state.ns = rows[0].tag[: -len("row")]
    ns = state.ns
    v_tag, is_tag, t_tag = ns + "v", ns + "is", ns + "t"
    columns = state.columns
    strings = state.strings
    number = state.number
    for row in rows:
        r = row.get("r")
        number = int(r) if r else number + 1
        cells: list[str | None] = []
        position = 0
        for c in row:
            ref = c.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = columns.get(letters)
                if col is None:
                    col = columns[letters] = _column(letters)
            else:
                col = position
            position = col + 1
            if not len(c):
                continue
            kind = c.get("t")
            first = c[0]
            value: str | None
            if kind == "inlineStr":
                if first.tag == is_tag and len(first) == 1 and first[0].tag == t_tag:
                    value = first[0].text
                else:
                    value = "".join(_string_item(x) for x in c if x.tag == is_tag)
            else:
                if first.tag == v_tag:
                    value = first.text
                else:
                    value = next((x.text for x in c if x.tag == v_tag), None)
                if kind == "s" and value is not None:
                    try:
                        value = strings[int(value)]
                    except (ValueError, IndexError):
                        raise _bad_xlsx() from None
                elif kind == "b" and value is not None:
                    value = "TRUE" if value == "1" else "FALSE"
            if not value:
                continue
            if col >= len(cells):
                cells.extend([None] * (col + 1 - len(cells)))
            cells[col] = value
        if cells:
            out.append((number, cells))
    state.number = number
    return out
