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


def _row_blocks(f: IO[bytes]) -> Iterator[ET.Element]:
    """Parse <sheetData> in blocks of whole rows; yields <row> elements."""
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
        try:
            rows = ET.fromstring(wrapper + part + "</w>")
        except ET.ParseError:
            raise _bad_xlsx() from None
        yield from rows
        if not block:
            return


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
    number = 0
    ns = None
    v_tag = is_tag = t_tag = ""
    columns: dict[str, int] = {}
    for row in _row_blocks(sheet):
        if ns is None:
            ns = row.tag[: -len("row")]
            v_tag, is_tag, t_tag = ns + "v", ns + "is", ns + "t"
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
            yield number, cells
