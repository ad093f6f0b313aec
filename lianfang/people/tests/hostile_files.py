"""Small files that would take a reader gigabytes: zip bombs and sheets with far-away cells.

Built by hand (the zip structure with struct, the deflate stream from one compressed block repeated),
so that a 400 MB bomb takes a moment to make and 410 KB on disk.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
FRAME = {
    "[Content_Types].xml": (
        f'<?xml version="1.0"?><Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{REL_NS}">'
        '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET = "xl/worksheets/sheet1.xml"


def sheet_xlsx(sheet_data: str) -> bytes:
    """A workbook whose only sheet holds this <sheetData> content (rows and cells as XML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in FRAME.items():
            zf.writestr(name, text)
        zf.writestr(SHEET, f'<worksheet xmlns="{NS}"><sheetData>{sheet_data}</sheetData></worksheet>')
    return out.getvalue()


WIDE_SHEET = sheet_xlsx(
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="ZZZZZ1"><v>1</v></c></row>'
    '<row r="2"><c r="ZZZZZ2" t="inlineStr"><is><t>张三</t></is></c></row>'
)
FAR_REFERENCE_SHEET = sheet_xlsx(
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
    '<row r="2"><c r="XFDXFDXFD2"><v>2</v></c></row>'
)


def _deflated(data: bytes, *, times: int = 1, last: bool = True) -> bytes:
    """A raw deflate stream of data * times: one block compressed after a full flush (so that it starts
    from an empty dictionary) repeated, then (``last``) a final empty block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * times + (zlib.compressobj(9, zlib.DEFLATED, -15).flush() if last else b"")


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already deflated members (name, deflated bytes, CRC-32, declared unpacked size)."""
    out = bytearray()
    directory = bytearray()
    for name, data, crc, size in members:
        offset = len(out)
        encoded = name.encode()
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        directory += struct.pack(
            "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0, 0, 0, 0,
            0,
            offset,
        )  # fmt: skip
        directory += encoded
    end = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(out), 0
    )
    return bytes(out + directory + end)


def _frame_members() -> list[tuple[str, bytes, int, int]]:
    return [
        (name, _deflated(text.encode()), zlib.crc32(text.encode()), len(text.encode()))
        for name, text in FRAME.items()
    ]


def zip_bomb(*, megabytes: int = 400, declared: int | None = None, cells: bool = False) -> bytes:
    """A workbook whose sheet unpacks to ``megabytes`` MB: blank space between two cells (about 1 KB per
    MB: 410 KB for the default 400 MB), or with ``cells`` nothing but cells at A1 (about 2.5 KB per MB).
    With ``declared``, the zip says the sheet unpacks to that many bytes (a lie zip readers believe)."""
    head = f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c>'.encode()
    cell = b'<c r="A1"><v>1</v></c>'
    chunk = cell * ((1 << 20) // len(cell)) if cells else b" " * (1 << 20)
    tail = b'<c r="B1"><v>2</v></c></row></sheetData></worksheet>'
    data = _deflated(head, last=False) + _deflated(chunk, times=megabytes, last=False) + _deflated(tail)
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(chunk) * megabytes + len(tail)
    return raw_zip([*_frame_members(), (SHEET, data, crc, size if declared is None else declared)])
