"""Resident import from the spreadsheets communities keep.

Three steps, so that a preview writes nothing and a commit re-checks everything:

1. Reading (``RowSource``): find the header row (Chinese headers in any order, common synonyms, title
   rows above), read every row and validate what a row says on its own (name, ID number checksum and
   birth date, sex, phone, duplicates within the file). No database access.
2. Checking (``check_chunk``): what depends on the database — the compound must belong to the chosen
   community, the ID number must not be registered already.
3. Writing (``Writer``): buildings, units, households, residents and memberships in bulk, in the
   caller's transaction.

The file is handled in chunks of ``CHUNK_ROWS`` rows, and the reading runs in a thread of its own: while
the database ingests chunk n (COPY, its indexes, foreign-key checks), Python reads and validates chunk
n + 1. A commit is one transaction: "all" stops writing at the first bad row and rolls everything back
at the end, so nothing is written unless every row is good; "valid" writes the good rows. The report
lists every bad row either way.

``run_import`` ties them together; the views, the background task and ``manage.py import_residents``
all call it. The report is ``{"rows", "valid", "errors": [{"row", "column", "code", "message"}],
"written"}``.

Per-row validation gives the same answers as ``people.services.clean_resident`` (the rule for every
other way a resident is created): valid rows take a fast path that a test proves equivalent, and any
row the fast path has a doubt about goes through ``clean_resident`` itself, so every error code and
message is the service's own. ID numbers are checked by ``core.idnumbers`` (GB 11643) on both paths.
The ID number's keyed hash and ciphertext are made by ``core.idnumbers.protector()``, the object behind
``idnumbers.protect``, whose keys and cipher are set up once instead of once per row. Rows go in
with PostgreSQL's COPY, each row adapted by psycopg (``Copy.write_row``).
"""

from __future__ import annotations

import datetime
import gc
import queue
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianfang.core import audit, idnumbers, names
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.phones import MOBILE, parse_phone
from lianfang.people.models import Membership, Relation, Resident, Tag
from lianfang.people.pinyin import pinyin_keys
from lianfang.people.services import CleanResident, ResidentData, clean_resident, invalid_id_number
from lianfang.people.sheets import SheetSize, read_rows
from lianfang.places.models import Area, Building, Compound, Grid, Household, Unit
from lianfang.places.services import clean_number

Progress = Callable[[int], None]

CHUNK_ROWS = 5000  # rows read, checked and written together

# Field -> header words (compared after normalising: full-width to ASCII, no spaces, lower case,
# a leading * and a trailing "(必填)" removed). English words let an export be imported back.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "居民姓名", "name"),
    "sex": ("性别", "sex", "gender"),
    "id_number": ("身份证号", "身份证号码", "证件号码", "公民身份号码", "身份证", "idnumber", "id"),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "phone"),
    "compound": ("小区", "小区名称", "所在小区", "compound"),
    "building": ("楼栋", "楼号", "栋", "幢", "楼栋号", "building"),
    "unit": ("单元", "单元号", "unit"),
    "room": ("门牌号", "房号", "室", "户号", "房间号", "room"),
    "relation": ("与户主关系", "关系", "relation", "relationtothehouseholdhead"),
    "birth_date": ("出生日期", "出生年月", "birthdate"),
    "tags": ("标签", "人员类别", "特殊人群", "tags"),
    "notes": ("备注", "notes"),
}
FIELDS = tuple(SYNONYMS)  # the order of a row's values after reading
REQUIRED = ("name", "compound", "building", "room")
HEADER_SCAN_ROWS = 10
_HEADER_WORDS = {word: key for key, words in SYNONYMS.items() for word in words}

SEX_WORDS = {"男": "M", "女": "F", "男性": "M", "女性": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
RELATION_WORDS = {
    **dict.fromkeys(("户主", "本人", "head"), Relation.HEAD),
    **dict.fromkeys(("配偶", "妻子", "丈夫", "夫", "妻", "spouse"), Relation.SPOUSE),
    **dict.fromkeys(
        ("子", "女", "儿子", "女儿", "子女", "长子", "长女", "次子", "次女", "child"), Relation.CHILD
    ),
    **dict.fromkeys(("父亲", "母亲", "父母", "父", "母", "parent"), Relation.PARENT),
    **dict.fromkeys(("孙子", "孙女", "外孙", "外孙女", "grandchild"), Relation.GRANDCHILD),
    **dict.fromkeys(("祖父", "祖母", "外祖父", "外祖母", "grandparent"), Relation.GRANDPARENT),
    **dict.fromkeys(("兄弟", "姐妹", "兄", "弟", "姐", "妹", "sibling"), Relation.SIBLING),
    **dict.fromkeys(("租户", "租客", "tenant"), Relation.TENANT),
}
TAG_WORDS = {
    "独居老人": Tag.ELDERLY_ALONE,
    "残疾": Tag.DISABLED,
    "残疾人": Tag.DISABLED,
    "孕妇": Tag.PREGNANT,
    "孕产妇": Tag.PREGNANT,
    "慢性病": Tag.CHRONIC,
    "慢性病人": Tag.CHRONIC,
    "婴幼儿": Tag.INFANT,
    **{t.value: t for t in Tag},
}
_TAG_SPLIT = re.compile(r"[,，、;；/\s]+")
_HEADER_NOISE = re.compile(r"^\*|[(（][^)）]*[)）]$|[\s:：*]")
_FLOAT_INT = re.compile(r"^(\d+)\.0+$")
_DATE_PARTS = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?(?:\s+[\d:]+)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def _norm_header(text: str) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def _norm_name(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(slots=True)
class ParsedRow:
    row: int
    clean: CleanResident | None
    compound: str
    building: str
    unit: str
    room: str
    id_hash: str | None
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Report:
    """What an import found: counts and errors in file order (file-level errors first)."""

    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field -> header text as written
    file_errors: list[dict[str, Any]] = field(default_factory=list)
    row_errors: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    bad_rows: int = 0

    def add(self, chunk: list[ParsedRow]) -> None:
        self.rows += len(chunk)
        for r in chunk:
            if r.errors:
                self.bad_rows += 1
                self.row_errors.extend(r.errors)

    def as_dict(self, written: int = 0) -> dict[str, Any]:
        valid = 0 if self.file_errors else self.rows - self.bad_rows
        return {
            "rows": self.rows,
            "valid": valid,
            "errors": self.file_errors + self.row_errors,
            "written": written,
        }


def _error(row: int, column: str, code: str, message: Any) -> dict[str, Any]:
    return {"row": row, "column": column, "code": code, "message": str(message)}


def find_header(first_rows: list[tuple[int, list[str | None]]]) -> tuple[int, dict[str, int], dict[str, str]]:
    """(row number, field -> column index, field -> header text) of the first row with 3+ known headers."""
    for number, cells in first_rows:
        positions: dict[str, int] = {}
        texts: dict[str, str] = {}
        for index, cell in enumerate(cells):
            if cell is None:
                continue
            key = _HEADER_WORDS.get(_norm_header(str(cell)))
            if key and key not in positions:
                positions[key] = index
                texts[key] = str(cell).strip()
        if len(positions) >= 3:
            return number, positions, texts
    return 0, {}, {}


# --- cell values -----------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _number_text(value: str) -> str:
    # ASCII digits only on the short way: "１２" and "²" pass isdigit() and are normalised by clean_number.
    if value.isascii() and value.isdigit():
        return value
    if m := _FLOAT_INT.match(value):
        return m.group(1)
    return clean_number(value)


def _birth(value: str, has_id: bool) -> datetime.date | None:
    """A birth date from a date text, YYYYMMDD or an Excel serial number; ValueError if it is none."""
    text = unicodedata.normalize("NFKC", value).strip()
    if m := _DATE_COMPACT.match(text):
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    if re.fullmatch(r"\d{1,6}(\.\d+)?", text):
        return _EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
    if m := _DATE_PARTS.match(text):
        if m[3]:
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        month = datetime.date(int(m[1]), int(m[2]), 1)  # 出生年月: the ID number has the day
        return None if has_id else month
    raise ValueError(text)


def _tags(value: str) -> tuple[list[str], list[str]]:
    known: list[str] = []
    other: list[str] = []
    for word in _TAG_SPLIT.split(value):
        if not word or word in ("无", "-"):
            continue
        tag = TAG_WORDS.get(word)
        (known if tag else other).append(tag.value if tag else word)
    return known, other


def _phone(value: str) -> str:
    """parse_phone, with the plain 11-digit mobile number answered directly."""
    if len(value) == 11 and value.isascii() and MOBILE.match(value):
        return value
    return parse_phone(value)


def clean_name(raw: Any) -> str:
    """A person's name as clean_resident stores it (the fast path must give the same name)."""
    return names.normalize_name(str(raw or ""))


def fast_clean(data: ResidentData, today: datetime.date) -> CleanResident | None:
    """clean_resident's answer for a valid person (phone excluded), or None when in doubt."""
    name = clean_name(data.name)
    if not name or len(name) > 50:
        return None
    info = None
    if str(data.id_number or "").strip():
        try:
            info = idnumbers.parse(data.id_number, today=today)
        except DomainError:
            return None  # clean_resident gives the error
    sex = data.sex or (info.sex if info else "")
    if sex and sex not in ("M", "F"):
        return None
    birth = data.birth_date or (info.birth_date if info else None)
    if info and (
        (data.sex and data.sex != info.sex) or (data.birth_date and data.birth_date != info.birth_date)
    ):
        return None
    if birth and birth > today:
        return None
    tags = data.tags or []
    return CleanResident(
        name=name,
        sex=sex,
        birth_date=birth,
        phone="",
        relation=data.relation or Relation.OTHER,
        tags=" ".join(dict.fromkeys(tags)),
        notes=str(data.notes or "").strip(),
        id_info=info,
    )


# --- step 1: the file on its own -------------------------------------------------------------


class RowSource:
    """The rows of an uploaded file, validated on their own, in chunks. No database access."""

    def __init__(
        self, fileobj: IO[bytes], filename: str, report: Report, measured: SheetSize | None = None
    ) -> None:
        self.report = report
        self.rows = read_rows(fileobj, filename, measured=measured)
        self.head: list[tuple[int, list[str | None]]] = []
        for item in self.rows:
            self.head.append(item)
            if len(self.head) >= HEADER_SCAN_ROWS:
                break
        header_row, pos, texts = find_header(self.head)
        self.positions = pos
        if not header_row:
            message = _(
                "No header row found: the first rows need column titles such as 姓名, 小区, 楼栋, 门牌号."
            )
            report.file_errors.append(_error(0, "", "header_missing", message))
            return
        report.header_row, report.columns = header_row, texts
        for key in REQUIRED:
            if key not in pos:
                report.file_errors.append(
                    _error(
                        header_row,
                        SYNONYMS[key][0],
                        "column_missing",
                        _("The file has no “{column}” column.").format(column=SYNONYMS[key][0]),
                    )
                )

    def _data_rows(self) -> Iterator[tuple[int, list[str | None]]]:
        for number, cells in self.head:
            if number > self.report.header_row:
                yield number, cells
        yield from self.rows

    def chunks(self, today: datetime.date, size: int) -> Iterator[list[ParsedRow]]:
        """Lists of up to ``size`` parsed rows; stops (with a file error) past settings.IMPORT_MAX_ROWS."""
        report = self.report
        col = dict(report.columns)
        width = max(self.positions.values()) + 1
        # Each row's cells padded to width + 1; a field the file lacks reads the always-empty last cell.
        pick = itemgetter(*(self.positions.get(key, width) for key in FIELDS))
        pad: list[str | None] = [None] * (width + 1)
        parse = _RowParser(col, today)
        limit = settings.IMPORT_MAX_ROWS
        chunk: list[ParsedRow] = []
        for count, (number, cells) in enumerate(self._data_rows(), start=1):
            if count > limit:
                report.file_errors.append(
                    _error(number, "", "too_many_rows", _("The file has more than {n} rows.").format(n=limit))
                )
                break
            if len(cells) <= width:
                cells = cells + pad[len(cells) :]
            chunk.append(parse(number, [v.strip() if v else "" for v in pick(cells)]))
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


class _RowParser:
    """One row's values (in FIELDS order) -> ParsedRow; remembers ID numbers to find duplicates."""

    def __init__(self, col: dict[str, str], today: datetime.date) -> None:
        self.col = col
        self.today = today
        self.first_seen: dict[str, int] = {}
        self.digest = idnumbers.protector().digest  # the keys and HMAC object made once

    def __call__(self, number: int, v: list[str]) -> ParsedRow:
        col = self.col
        name, raw_sex, id_number, raw_phone, compound, building, unit, room = v[:8]
        raw_relation, raw_birth, raw_tags, notes = v[8:]
        errors: list[dict[str, Any]] = []
        sex = SEX_WORDS.get(raw_sex.lower(), raw_sex) if raw_sex else ""
        birth = None
        if raw_birth:
            try:
                birth = _birth(raw_birth, bool(id_number))
            except (ValueError, OverflowError):
                errors.append(
                    _error(
                        number,
                        col.get("birth_date", ""),
                        "birth_bad",
                        _("“{value}” is not a possible birth date.").format(value=raw_birth),
                    )
                )
        tags: list[str] = []
        if raw_tags:
            tags, other_tags = _tags(raw_tags)
            if other_tags:
                notes = " ".join(x for x in (notes, " ".join(other_tags)) if x)
        relation = Relation.OTHER
        if raw_relation:
            relation = RELATION_WORDS.get(raw_relation.lower(), Relation.OTHER)
        data = ResidentData(
            name=name,
            id_number=id_number,
            sex=sex,
            birth_date=birth,
            relation=relation,
            tags=tags,
            notes=notes,
        )
        clean = fast_clean(data, self.today)
        if clean is None:
            try:
                clean = clean_resident(data)
            except DomainError as err:
                column = col.get(err.field or "", "") or col.get("id_number", "")
                errors.append(_error(number, column, err.code, err.message))
        try:
            phone = _phone(raw_phone) if raw_phone else ""
        except DomainError as err:
            errors.append(_error(number, col.get("phone", ""), err.code, err.message))
            phone = ""
        if clean is not None:
            clean.phone = phone
        id_hash = None
        if clean is not None and clean.id_info:
            number_id = clean.id_info.number
            first = self.first_seen.setdefault(number_id, number)
            if first != number:
                errors.append(
                    _error(
                        number,
                        col.get("id_number", ""),
                        "id_duplicate_in_file",
                        _("The same ID number is already on row {row} of this file.").format(row=first),
                    )
                )
            else:
                id_hash = self.digest(number_id)
        building = _number_text(building) if building else ""
        room = _number_text(room) if room else ""
        for key, value in (("building", building), ("room", room)):
            if not value:
                message = _("Building and room number are both needed.")
                errors.append(_error(number, col[key], "address_incomplete", message))
        return ParsedRow(
            row=number,
            clean=clean if not errors else None,
            compound=compound,
            building=building,
            unit=(_number_text(unit) if unit else "") or "1",
            room=room,
            id_hash=id_hash,
            errors=errors,
        )


def in_background(chunks: Iterator[list[ParsedRow]], depth: int = 3) -> Iterator[list[ParsedRow]]:
    """Run a chunk iterator in a thread of its own (with the caller's language and time zone), so that
    reading the next chunk goes on while the caller waits for the database."""
    items: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            with translation.override(language), timezone.override(zone):
                for chunk in chunks:
                    if not put(("chunk", chunk)):
                        return
            put(("end", None))
        except BaseException as err:  # handed to the caller's thread
            put(("error", err))
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()

    thread = threading.Thread(target=work, name="resident-import-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = items.get()
            if kind == "chunk":
                yield value
            elif kind == "end":
                return
            else:
                raise value
    finally:
        stop.set()
        thread.join()


# --- step 2: against the database ------------------------------------------------------------


def community_compounds(community: Area) -> dict[str, Compound]:
    return {_norm_name(c.name): c for c in Compound.objects.filter(community=community)}


def registered_hashes(hashes: list[str], community: Area) -> dict[str, bool]:
    """Which of these ID hashes are registered already: hash -> registered inside the community."""
    if not hashes:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_hash, bool_or(starts_with(path, %s)) FROM {Resident._meta.db_table}"
            " WHERE id_hash = ANY(%s::varchar[]) GROUP BY id_hash",
            [community.path, hashes],
        )
        return dict(cursor.fetchall())


def registered_without_id(
    chunk: list[ParsedRow], compounds: dict[str, Compound]
) -> set[tuple[int, str, str]]:
    """(compound id, household label, name) of the rows without an ID number whose person is registered
    already in that household under that name (a file uploaded twice, a row repeated in a later file)."""
    wanted: set[tuple[int, str, str]] = set()
    for r in chunk:
        compound = compounds.get(_norm_name(r.compound))
        if r.id_hash is None and r.clean is not None and compound is not None:
            wanted.add((compound.pk, Household.make_label(r.building, r.unit or "1", r.room), r.clean.name))
    if not wanted:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT h.compound_id, h.label, r.name FROM {Resident._meta.db_table} r"
            f" JOIN {Household._meta.db_table} h ON h.id = r.household_id"
            " WHERE (h.compound_id, h.label, r.name) IN"
            " (SELECT * FROM unnest(%s::int[], %s::varchar[], %s::varchar[]))",
            [[w[0] for w in wanted], [w[1] for w in wanted], [w[2] for w in wanted]],
        )
        return {(c, label, name) for c, label, name in cursor.fetchall()}


def check_chunk(
    chunk: list[ParsedRow], compounds: dict[str, Compound], report: Report, community: Area
) -> None:
    """Add compound and already-registered errors to the rows."""
    column = report.columns.get("compound", "")
    registered = registered_hashes([r.id_hash for r in chunk if r.id_hash], community)
    known_without_id = registered_without_id(chunk, compounds)
    seen_names: dict[str, str] = {}
    for r in chunk:
        key = seen_names.get(r.compound)
        if key is None:
            key = seen_names[r.compound] = _norm_name(r.compound)
        if not key:
            r.errors.append(_error(r.row, column, "compound_missing", _("The compound is missing.")))
        elif key not in compounds:
            r.errors.append(
                _error(
                    r.row,
                    column,
                    "compound_unknown",
                    _("There is no compound “{name}” in {community}.").format(
                        name=r.compound, community=community.name
                    ),
                )
            )
        if r.id_hash in registered:
            # Registered in this community: say so. Elsewhere: the refusal of a mistyped number, word
            # for word (people.services.invalid_id_number): an import tells nobody who lives elsewhere.
            inside = registered[r.id_hash]
            refusal = (
                DomainError("id_duplicate", _("A resident with this ID number is already registered."))
                if inside
                else invalid_id_number()
            )
            r.errors.append(
                _error(r.row, report.columns.get("id_number", ""), refusal.code, str(refusal.message))
            )
        compound = compounds.get(key) if key else None
        if (
            r.id_hash is None
            and r.clean is not None
            and compound is not None
            and (compound.pk, Household.make_label(r.building, r.unit or "1", r.room), r.clean.name)
            in known_without_id
        ):
            r.errors.append(
                _error(
                    r.row,
                    report.columns.get("name", ""),
                    "already_registered",
                    _(
                        "{name} is already registered in this household (no ID number to tell them apart)."
                    ).format(name=r.clean.name),
                )
            )
        if r.errors:
            r.clean = None


# --- step 3: writing -------------------------------------------------------------------------


def _next_ids(model: type, n: int) -> list[int]:
    """n ids from the table's sequence (safe with concurrent writers)."""
    meta = model._meta  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, n],
        )
        return [r[0] for r in cursor.fetchall()]


def _copy(model: type, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows into the model's table (columns by attname); psycopg adapts and escapes each value."""
    meta = model._meta  # type: ignore[attr-defined]
    by_attname = {f.attname: f.column for f in meta.concrete_fields}
    qn = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(qn(meta.db_table), ", ".join(qn(by_attname[c]) for c in columns))
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


RESIDENT_COLUMNS = (
    ["name", "sex", "birth_date", "id_hash", "id_cipher", "id_prefix", "id_last4", "phone", "phone_last4"]
    + ["household_id", "relation", "tags", "notes", "name_pinyin", "name_initials", "path", "grid_id"]
    + ["created_at", "updated_at"]
)
MEMBERSHIP_COLUMNS = ["resident_id", "household_id", "relation", "started", "ended", "reason"]


class Writer:
    """Writes valid rows chunk by chunk into the caller's transaction, creating the buildings, units and
    households they need (remembered across chunks)."""

    def __init__(self, compounds: dict[str, Compound]) -> None:
        self.compounds = compounds
        self.compound_ids = [c.pk for c in compounds.values()]
        self.paths = {c.pk: c.path for c in compounds.values()}
        self.by_name: dict[str, Compound] = {}
        self.encrypt = idnumbers.protector().encrypt_many  # one AES-GCM object, nonces drawn per chunk
        self.written = 0
        # (compound id, building number) -> (building id, grid id)
        self.buildings = {
            (cid, number): (pk, grid_id)
            for pk, cid, number, grid_id in Building.objects.filter(
                compound_id__in=self.compound_ids
            ).values_list("id", "compound_id", "number", "grid_id")
        }
        # (building id, unit number) -> unit id
        self.units = {
            (bid, number): pk
            for pk, bid, number in Unit.objects.filter(
                building__compound_id__in=self.compound_ids
            ).values_list("id", "building_id", "number")
        }
        # (unit id, room) -> (household id, grid id, path)
        self.households = {
            (unit_id, room): (pk, grid_id, path)
            for unit_id, room, pk, grid_id, path in Household.objects.filter(
                compound_id__in=self.compound_ids
            ).values_list("unit_id", "room", "id", "grid_id", "path")
        }
        self.default_grids: dict[int, int | None] = {}
        self.now = timezone.now()
        self.today = timezone.localdate()

    def _compound(self, name: str) -> Compound:
        c = self.by_name.get(name)
        if c is None:
            c = self.by_name[name] = self.compounds[_norm_name(name)]
        return c

    def _default_grid(self, compound: Compound) -> int | None:
        """The grid a building new to the registry joins: the community's only grid, else the grid most of
        the compound's buildings belong to; None when neither says (staff assign it on the compound page)."""
        if compound.pk not in self.default_grids:
            grids = list(
                Grid.objects.filter(community_id=compound.community_id).values_list("pk", flat=True)[:2]
            )
            if len(grids) == 1:
                self.default_grids[compound.pk] = grids[0]
            else:
                usual = (
                    Building.objects.filter(compound=compound, grid__isnull=False)
                    .values("grid_id")
                    .annotate(n=Count("pk"))
                    .order_by("-n", "grid_id")
                    .first()
                )
                self.default_grids[compound.pk] = usual["grid_id"] if usual else None
        return self.default_grids[compound.pk]

    def _places(self, rows: list[ParsedRow]) -> list[tuple[int, int | None, str]]:
        """Per row (household id, grid id, path), creating what is missing."""
        compound_of = [self._compound(r.compound) for r in rows]
        missing_b = {
            (c, r.building)
            for c, r in zip(compound_of, rows, strict=True)
            if (c.pk, r.building) not in self.buildings
        }
        if missing_b:
            new_b = [
                Building(compound=c, number=n, path=c.path, grid_id=self._default_grid(c))
                for c, n in missing_b
            ]
            Building.objects.bulk_create(new_b, batch_size=500)
            self.buildings.update({(b.compound_id, b.number): (b.pk, b.grid_id) for b in new_b})
        places = [(c.pk, *self.buildings[(c.pk, r.building)]) for c, r in zip(compound_of, rows, strict=True)]
        missing_u = {
            (cid, bid, r.unit)
            for (cid, bid, _grid), r in zip(places, rows, strict=True)
            if (bid, r.unit) not in self.units
        }
        if missing_u:
            new_u = [Unit(building_id=bid, number=n, path=self.paths[cid]) for cid, bid, n in missing_u]
            Unit.objects.bulk_create(new_u, batch_size=500)
            self.units.update({(u.building_id, u.number): u.pk for u in new_u})
        new_h: dict[tuple[int, str], tuple] = {}
        keys = []
        for (cid, bid, grid_id), r in zip(places, rows, strict=True):
            key = (self.units[(bid, r.unit)], r.room)
            keys.append(key)
            if key not in self.households and key not in new_h:
                label = Household.make_label(r.building, r.unit, r.room)
                new_h[key] = (key[0], r.room, cid, grid_id, self.paths[cid], label, self.now)
        if new_h:
            created = _next_ids(Household, len(new_h))
            _copy(
                Household,
                ["id", "unit_id", "room", "compound_id", "grid_id", "path", "label", "created_at"],
                ((pk, *values) for pk, values in zip(created, new_h.values(), strict=True)),
            )
            for (key, values), pk in zip(new_h.items(), created, strict=True):
                self.households[key] = (pk, values[3], values[4])
        return [self.households[key] for key in keys]

    def write(self, rows: list[ParsedRow]) -> int:
        """Write the valid rows of a chunk; returns how many residents were written."""
        rows = [r for r in rows if r.clean is not None and not r.errors]
        if not rows:
            return 0
        homes = self._places(rows)
        with_id = [r.clean.id_info.number for r in rows if r.clean.id_info]  # type: ignore[union-attr]
        ciphers = iter(self.encrypt(with_id))
        ids = _next_ids(Resident, len(rows))
        residents = []
        members = []
        for pk, r, (household_id, grid_id, path) in zip(ids, rows, homes, strict=True):
            cl = r.clean
            assert cl is not None
            info = cl.id_info
            if info:  # as idnumbers.protect, with the hash already computed
                id_cols: tuple = (r.id_hash, next(ciphers), info.number[:6], info.number[-4:])
            else:
                id_cols = (None, "", "", "")
            full, initials = pinyin_keys(cl.name)
            relation = str(cl.relation)  # the value ("head"), whatever kind of str it is
            residents.append(
                (pk, cl.name, cl.sex, cl.birth_date, *id_cols, cl.phone, cl.phone[-4:], household_id)
                + (relation, cl.tags, cl.notes, full, initials, path, grid_id, self.now, self.now)
            )
            members.append((pk, household_id, relation, self.today, None, ""))
        _copy(Resident, ["id", *RESIDENT_COLUMNS], residents)
        _copy(Membership, MEMBERSHIP_COLUMNS, members)
        self.written += len(ids)
        return len(ids)


# --- the whole import ------------------------------------------------------------------------


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while an import runs (reference counting still frees everything:
    an import makes no reference cycles). Reading a file allocates millions of short-lived objects, and
    with the collector on, its full passes over the whole heap took a fifth of the import's CPU time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_import(
    *,
    fileobj: IO[bytes],
    filename: str,
    community: Area,
    user: Any = None,
    commit: str | None = None,
    progress: Progress | None = None,
    request: Any = None,
    measured: SheetSize | None = None,
) -> dict[str, Any]:
    """Check a file; with commit="all" write everything only if there is no error, with "valid" the
    valid rows. Returns the report; writes nothing unless asked. The file is measured first (refused
    with a DomainError past the limits) unless ``measured`` says what a full measure found."""
    if commit not in (None, "all", "valid"):
        raise DomainError("import_mode", _("Choose to commit all rows or the valid rows only."))
    with gc_paused():
        return _run(fileobj, filename, community, user, commit, progress, request, measured)


def _run(
    fileobj: IO[bytes],
    filename: str,
    community: Area,
    user: Any,
    commit: str | None,
    progress: Progress | None,
    request: Any,
    measured: SheetSize | None,
) -> dict[str, Any]:
    report = Report()
    source = RowSource(fileobj, filename, report, measured)
    if report.file_errors:
        return report.as_dict()
    chunks = in_background(source.chunks(timezone.localdate(), CHUNK_ROWS))
    if commit is None:
        compounds = community_compounds(community)
        for chunk in chunks:
            check_chunk(chunk, compounds, report, community)
            report.add(chunk)
            if progress:
                progress(report.rows)
        return report.as_dict()
    with transaction.atomic():
        # Foreign keys checked as each COPY ends (overlapping the reading of the next chunk) rather
        # than all at COMMIT. The same checks; DEFERRED again below (Django's FKs are deferrable).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        compounds = community_compounds(community)
        writer = Writer(compounds)
        for chunk in chunks:
            check_chunk(chunk, compounds, report, community)
            report.add(chunk)
            if commit == "valid" or not report.bad_rows:
                writer.write(chunk)
            if progress:
                progress(report.rows)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if report.file_errors or (commit == "all" and report.bad_rows) or not writer.written:
            transaction.set_rollback(True)
            return report.as_dict()
        result = report.as_dict(written=writer.written)
        audit.log(
            user=user,
            action=AuditAction.IMPORT,
            obj=community,
            summary=gettext(
                "{written} residents imported from {file} ({mode}); rows read: {rows}, errors: {errors}"
            ).format(
                written=writer.written,
                file=filename,
                mode=gettext("valid rows only") if commit == "valid" else gettext("all rows or none"),
                rows=result["rows"],
                errors=len(result["errors"]),
            ),
            request=request,
        )
    return result
