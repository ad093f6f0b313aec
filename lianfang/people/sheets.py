"""Reading the spreadsheets communities keep: xlsx (Excel, WPS, LibreOffice) and csv (UTF-8 or GBK).

An uploaded file is measured before anything parses it (``measure``), because a small file can ask for
a great deal of memory: a 409 KB zip bomb unpacks to gigabytes, and a 1 KB sheet with one cell at
column ZZZZZ (or a reference like ``XFDXFDXFD2``) makes any reader build a grid of millions of cells.
What is measured, and refused past the limits in settings (``IMPORT_MAX_*``):

- the file as uploaded (bytes);
- an xlsx's zip listing (member count, central directory, declared sizes) and then the real unpacked
  size of every member, read in blocks up to the size it declares: a member that unpacks to more than
  it declares, or that fails its CRC, is refused, so the reader below never meets more than measured;
- the sheet's highest column and highest row, and so the cells of the grid a reader builds
  (highest row x highest column); csv: lines x the widest line.

The xlsx reader is python-calamine (Rust). It builds a dense grid from the first to the last cell of the
sheet, so the bound that matters is exactly the one measured. Positions are scanned from the sheet XML
the way calamine reads them: a cell's ``r`` reference when it has one (the last one, if repeated),
otherwise the next column of the current row. The common shape (``<c r="B7" s="1" t="s">`` as Excel,
WPS, LibreOffice, openpyxl and others write it) is scanned with one regular expression per block; a
block with any other shape (namespace prefixes, cells without references, other attributes) has the
whole member scanned again tag by tag, and the file is marked doubtful (read on the worker only). The
scan only ever over-counts (markup inside comments counts too): a file may be refused too eagerly,
never read past the limits.
"""

from __future__ import annotations

import copy
import csv
import datetime
import html
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from lianfang.core.errors import DomainError

Row = tuple[int, list[str | None]]  # (spreadsheet row number, cell texts by column, A = 0)

MAX_COLUMNS = 256  # "IV", the old Excel limit; a roster has about fifteen columns
MAX_MEMBERS = 1000  # files in an xlsx (Excel writes about ten)
MAX_DIRECTORY_BYTES = 1 << 20  # the zip's central directory (each member costs Python a ZipInfo)
DOUBTFUL_RATIO = 100  # unpacked / packed beyond this (spreadsheet XML: about 10) goes to the worker
CSV_RECORD_LINES = 50  # physical lines one csv record may span (quoted line breaks)
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


def _bad_xlsx() -> DomainError:
    return DomainError("import_format", _("This file is not a readable .xlsx workbook."), field="file")


# --- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetSize:
    """What an upload would cost to read. ``scanned`` is False when only the zip listing was read
    (the file is too large to scan inside a web request): rows and columns are then unknown (0)."""

    kind: str
    packed: int  # bytes as uploaded
    unpacked: int  # bytes once unzipped (declared, when not scanned); csv: as uploaded
    rows: int  # highest row
    columns: int  # highest column
    elements: int = 0  # cell elements in the sheet XML (a reader keeps each, even repeated ones)
    scanned: bool = True
    doubtful: bool = False  # packed far tighter than spreadsheets are, or scanned tag by tag

    @property
    def cells(self) -> int:
        """The cells a reader holds: the grid up to the highest row and column, or the elements."""
        return max(self.rows * self.columns, self.elements)


def measure(fileobj: IO[bytes], filename: str, *, scan_limit: int | None = None) -> SheetSize:
    """The size of an upload, refused (DomainError) past the limits. Reads the file in blocks and
    parses nothing. With ``scan_limit``, a file that unpacks to more bytes is only listed, not scanned
    (``scanned=False``): the worker scans it before it reads it. The file is rewound."""
    kind = file_kind(filename)
    try:
        fileobj.seek(0, io.SEEK_END)
        packed = fileobj.tell()
        fileobj.seek(0)
        if packed > settings.IMPORT_MAX_FILE_BYTES:
            raise DomainError(
                "import_too_large",
                _("The file is {size} MB; files of up to {limit} MB are accepted.").format(
                    size=_mb(packed), limit=_mb(settings.IMPORT_MAX_FILE_BYTES)
                ),
                field="file",
            )
        if kind == "csv":
            size = _measure_csv(fileobj, packed, scan_limit)
        else:
            size = _measure_xlsx(fileobj, packed, scan_limit)
    finally:
        fileobj.seek(0)
    if size.columns > MAX_COLUMNS:
        raise DomainError(
            "import_too_wide",
            _(
                "The sheet has a cell in column {column}; a resident list may use columns up to {limit}."
            ).format(column=column_name(size.columns), limit=column_name(MAX_COLUMNS)),
            field="file",
        )
    if size.cells > settings.IMPORT_MAX_CELLS:
        raise DomainError(
            "import_too_many_cells",
            _(
                "The sheet holds {cells} cells (up to row {rows}, column {column}); at most {limit} are "
                "accepted. Delete the empty rows and columns around the list, or split the file."
            ).format(
                cells=size.cells,
                rows=size.rows,
                column=column_name(size.columns),
                limit=settings.IMPORT_MAX_CELLS,
            ),
            field="file",
        )
    return size


def column_name(number: int) -> str:
    """1 -> A, 27 -> AA; for messages."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.1f}".rstrip("0").rstrip(".")


def _too_unpacked(unpacked: int) -> DomainError:
    return DomainError(
        "import_too_large",
        _("Unzipped, the file would take {size} MB; at most {limit} MB are accepted.").format(
            size=_mb(unpacked), limit=_mb(settings.IMPORT_MAX_UNPACKED_BYTES)
        ),
        field="file",
    )


def _measure_csv(fileobj: IO[bytes], packed: int, scan_limit: int | None) -> SheetSize:
    if scan_limit is not None and packed > scan_limit:
        return SheetSize("csv", packed, packed, rows=0, columns=0, scanned=False)
    data = fileobj.read()
    delimiter = _csv_delimiter(data.split(b"\n", 1)[0]).encode()
    lines = data.split(b"\n")
    if lines and not lines[-1].strip():
        lines.pop()
    # The delimiter is ASCII and never a byte inside a UTF-8 or GB 18030 character; quoted delimiters
    # count too (a wider bound).
    widest = max((line.count(delimiter) for line in lines), default=-1) + 1
    return SheetSize("csv", packed, packed, rows=len(lines), columns=widest)


def _measure_xlsx(fileobj: IO[bytes], packed: int, scan_limit: int | None) -> SheetSize:
    _check_directory(fileobj, packed)
    try:
        zf = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _bad_xlsx() from None
    with zf:
        members = zf.infolist()
        declared = sum(m.file_size for m in members)
        if declared > settings.IMPORT_MAX_UNPACKED_BYTES:
            raise _too_unpacked(declared)
        for m in members:
            if m.flag_bits & 0x1 or m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _bad_xlsx()  # encrypted, or compressed as no spreadsheet program does
        doubtful = any(m.file_size > DOUBTFUL_RATIO * max(m.compress_size, 1) for m in members)
        if scan_limit is not None and declared > scan_limit:
            return SheetSize("xlsx", packed, declared, rows=0, columns=0, scanned=False, doubtful=doubtful)
        sheets = _sheet_members(zf, members)
        rows = columns = elements = 0
        for m in members:
            if m in sheets:
                found = _scan_sheet(zf, m)
                rows, columns = max(rows, found.rows), max(columns, found.columns)
                elements = max(elements, found.elements)
                doubtful = doubtful or (not found.plain and found.elements > 0)
            else:
                for _block in _member_blocks(zf, m):  # its real size and CRC
                    pass
    return SheetSize("xlsx", packed, declared, rows, columns, elements, doubtful=doubtful)


def _check_directory(fileobj: IO[bytes], packed: int) -> None:
    """The end-of-directory record: few members and a small directory, before zipfile reads it all."""
    tail_size = min(packed, 22 + 0xFFFF)  # the record and the longest zip comment
    fileobj.seek(packed - tail_size)
    tail = fileobj.read(tail_size)
    fileobj.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise _bad_xlsx()
    _disk, _start, _here, entries, directory, _offset = struct.unpack("<HHHHII", tail[at + 4 : at + 20])
    if entries > MAX_MEMBERS or directory > MAX_DIRECTORY_BYTES:
        raise _bad_xlsx()


def _member_blocks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes in blocks, never more than it declares: read as if it declared one byte more,
    so that a member unpacking past its declared size shows itself (the reader would unpack it all)."""
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1
    total = 0
    try:
        with zf.open(probe) as f:
            while block := f.read(_BLOCK):
                total += len(block)
                if total > info.file_size:
                    raise _bad_xlsx()
                yield block
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error):
        raise _bad_xlsx() from None
    if total != info.file_size:
        raise _bad_xlsx()


_TARGET = re.compile(rb"""\bTarget\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _sheet_members(zf: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """The members a reader may take for a worksheet: every target of the workbook's relationships,
    resolved each way a reader might, and everything under xl/worksheets/ (names compared in lower
    case; a name used twice counts twice)."""
    names = {"xl/_rels/workbook.xml.rels"}
    wanted: set[str] = set()
    for m in members:
        if m.filename.lower() in names and m.file_size <= MAX_DIRECTORY_BYTES:
            for double, single in _TARGET.findall(b"".join(_member_blocks(zf, m))):
                target = html.unescape((double or single).decode("utf-8", "replace")).replace("\\", "/")
                bare = target.lstrip("/")
                for path in (bare, f"xl/{bare}", f"xl/{target}"):
                    wanted.update((path.lower(), posixpath.normpath(path).lower()))
        elif m.filename.lower() in names:
            raise _bad_xlsx()
    return [
        m
        for m in members
        if not m.is_dir()
        and (m.filename.lower() in wanted or m.filename.lower().startswith("xl/worksheets/"))
    ]


# A cell's start tag: in the common shape (its reference first, then only the attributes a cell has)
# with the reference's letters and digits, or in any other shape with both groups empty.
_CELL = re.compile(rb'<c(?: r="([A-Za-z]{1,3})([0-9]{1,7})"(?: (?:s|t|cm|vm|ph)="[^"<>]*")*\s*/?>|[\s/>])')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
# Any start or end tag of a row or a cell, with or without a namespace prefix; quoted values may hold ">".
_TAG = re.compile(rb"""<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Markup a reader skips; the tag scan removes it first (a quote inside a comment would mislead it).
_HIDDEN = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?]]>|<\?.*?\?>|<!DOCTYPE\b[^>]*>", re.DOTALL)
_HIDDEN_START = re.compile(rb"<!--|<!\[CDATA\[|<\?|<!DOCTYPE\b")
_REF = re.compile(rb"([A-Za-z]{0,16})([0-9]{0,10})")


class _Found(NamedTuple):
    rows: int  # highest row, 1-based (0: no cell)
    columns: int  # highest column, 1-based
    elements: int  # cell elements
    plain: bool  # every cell in the common shape


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Found:
    return _scan_plain(_member_blocks(zf, info)) or _scan_tags(_member_blocks(zf, info))


def _whole_tags(blocks: Iterator[bytes], *, hide: bool = False) -> Iterator[bytes]:
    """The text in pieces that each end before a "<", so that no tag is split (with ``hide``, without
    comments, CDATA and processing instructions). Refuses text that is not ASCII-compatible."""
    rest = b""
    first = True
    for block in blocks:
        if first:
            first = False
            if block[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in block[:2]:
                raise _bad_xlsx()  # UTF-16/32: markup our byte patterns do not see
        data = rest + block
        if hide:
            data = _HIDDEN.sub(b" ", data)
            opened = _HIDDEN_START.search(data)
            cut = opened.start() if opened else data.rfind(b"<")
        else:
            cut = data.rfind(b"<")
        cut = len(data) if cut < 0 else cut
        rest = data[cut:]
        if len(rest) > _BLOCK:
            raise _bad_xlsx()  # a megabyte inside one tag, comment or text
        yield data[:cut]
    if rest:
        yield rest


def _scan_plain(blocks: Iterator[bytes]) -> _Found | None:
    """The bounds when every cell has the common shape; None as soon as one does not."""
    rows = columns = elements = 0
    for block in _whole_tags(blocks):
        if _PREFIXED_CELL.search(block):
            return None
        found = _CELL.findall(block)
        if not found:
            continue
        letters = {cell[0] for cell in found}
        if b"" in letters:
            return None
        elements += len(found)
        columns = max(columns, *map(_column_number, letters))
        rows = max(rows, *map(int, {cell[1] for cell in found}))
    return _Found(rows, columns, elements, plain=True)


def _scan_tags(blocks: Iterator[bytes]) -> _Found:
    """The bounds tag by tag, as calamine places cells: a row's r sets the row and a row's end moves to
    the next row's first column; a cell's r (the last one) sets its place, else it takes the next
    column. Empty elements (<c/>, <row/>) are skipped, as calamine skips them."""
    row = column = 0  # 0-based, as calamine counts
    rows = columns = elements = 0
    for block in _whole_tags(blocks, hide=True):
        for closing, name, attrs in _TAG.findall(block):
            if closing:
                if name == b"row":
                    row, column = row + 1, 0
                continue
            if attrs.rstrip().endswith(b"/"):
                continue
            ref = None
            for key, double, single in _ATTR.findall(attrs):
                if key == b"r":
                    ref = double or single
            if name == b"row":
                if ref is not None:
                    row = _ref_place(ref)[0]
                continue
            place = (row, column) if ref is None else _ref_place(ref)
            column = place[1] + 1
            rows, columns = max(rows, place[0] + 1), max(columns, place[1] + 1)
            elements += 1
    return _Found(rows, columns, elements, plain=False)


def _ref_place(ref: bytes) -> tuple[int, int]:
    """(row, column), 0-based, of a reference such as B7 (or a row's 7); refuses what no sheet holds."""
    m = _REF.fullmatch(ref)
    if not m:
        raise _bad_xlsx()
    row = int(m[2]) - 1 if m[2] else 0
    column = _column_number(m[1]) - 1 if m[1] else 0
    return max(row, 0), max(column, 0)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


# --- reading ---------------------------------------------------------------------------------


def read_rows(fileobj: IO[bytes], filename: str, *, measured: SheetSize | None = None) -> Iterator[Row]:
    """Every non-empty row of the first worksheet, with its spreadsheet row number. The file is measured
    first (DomainError past the limits), unless ``measured`` is what a full measure of it found."""
    size = measured if measured is not None and measured.scanned else measure(fileobj, filename)
    fileobj.seek(0)
    if size.kind == "csv":
        return _csv_rows(fileobj)
    return _xlsx_rows(fileobj)


def _xlsx_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    try:
        book = CalamineWorkbook.from_filelike(fileobj)
        index = next(
            (i for i, s in enumerate(book.sheets_metadata) if s.typ == SheetTypeEnum.WorkSheet), None
        )
        if index is None:
            raise _bad_xlsx()
        sheet = book.get_sheet_by_index(index)
    except CalamineError:
        raise _bad_xlsx() from None
    if sheet.start is None:
        return  # an empty sheet
    # iter_rows gives every row from the first (empty ones above the data too), each from the first
    # column that holds data: cells left of it are put back, so that column A is always index 0.
    pad: list[str | None] = [None] * sheet.start[1]
    for number, values in enumerate(sheet.iter_rows(), start=1):
        cells = [(v or None) if type(v) is str else _text(v) for v in values]
        if any(cells):
            yield number, pad + cells if pad else cells


def _text(value: Any) -> str | None:
    """A cell that is not text, as text: whole numbers without ".0" (a phone or room typed as a
    number), dates as YYYY-MM-DD, TRUE/FALSE."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text or None


def _csv_delimiter(first_line: bytes) -> str:
    return "\t" if first_line.count(b"\t") > first_line.count(b",") else ","


def _csv_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    raw = fileobj.read()
    delimiter = _csv_delimiter(raw.split(b"\n", 1)[0])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise DomainError("import_encoding", _("The file is neither UTF-8 nor GBK text."), field="file")
    del raw
    pending = 0  # lines read since the last whole record

    def lines() -> Iterator[str]:
        nonlocal pending
        for line in io.StringIO(text):
            pending += 1
            if pending > CSV_RECORD_LINES:  # an unclosed quote would make the rest of the file one record
                raise DomainError(
                    "import_format",
                    _("A quoted value in the .csv file runs over more than {n} lines.").format(
                        n=CSV_RECORD_LINES
                    ),
                    field="file",
                )
            yield line

    try:
        for number, cells in enumerate(csv.reader(lines(), delimiter=delimiter), start=1):
            pending = 0
            if any(c.strip() for c in cells):
                yield number, [c if c != "" else None for c in cells]
    except csv.Error:
        raise DomainError("import_format", _("This file is not readable .csv text."), field="file") from None
