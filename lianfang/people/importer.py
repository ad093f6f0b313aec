"""Resident import from the spreadsheets communities keep.

Three stages, so that a preview writes nothing and a commit re-checks everything:

1. ``parse_file``: find the header row (Chinese headers in any order, common synonyms, title rows
   above), read every row and validate what a row says on its own (name, ID number checksum and
   birth date, sex, phone, duplicates within the file). No database access.
2. ``check_rows``: what depends on the database — the compound must belong to the chosen community,
   the ID number must not be registered already.
3. ``write_rows``: buildings, units, households, residents and memberships in bulk, in the caller's
   transaction.

``run_import`` ties them together; the views, the background task and ``manage.py import_residents``
all call it. The report is ``{"rows", "valid", "errors": [{"row", "column", "code", "message"}],
"written"}``.

Per-row validation gives the same answers as ``people.services.clean_resident`` (the rule for every
other way a resident is created): valid rows take a fast path that a test proves equivalent, and any
row the fast path has a doubt about goes through ``clean_resident`` itself, so every error code and
message is the service's own. Residents and memberships are inserted with multi-row INSERTs rather
than ``bulk_create``: building 100,000 model instances costs more than reading the file.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core import audit, idnumbers
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.phones import parse_phone
from lianfang.people.models import Membership, Relation, Resident, Tag
from lianfang.people.pinyin import pinyin_keys
from lianfang.people.services import CleanResident, ResidentData, clean_resident
from lianfang.people.sheets import read_rows
from lianfang.places.models import Area, Building, Compound, Household, Unit
from lianfang.places.services import clean_number

Progress = Callable[[int], None]

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
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


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
class Parsed:
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field -> header text as written
    rows: list[ParsedRow] = field(default_factory=list)
    file_errors: list[dict[str, Any]] = field(default_factory=list)


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


def _number_text(value: str) -> str:
    if value.isdigit():
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


def _fast_id(raw: str, today: datetime.date) -> idnumbers.IdInfo | None:
    """idnumbers.parse for well-formed numbers; None whenever it might disagree (the caller then asks it)."""
    number = raw.upper() if raw.isascii() and raw.isalnum() else idnumbers.normalize(raw)
    if len(number) != 18 or not number.isascii() or not number[:17].isdigit():
        return None
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth > today or birth.year < 1900:
        return None
    total = sum(int(d) * w for d, w in zip(number, _ID_WEIGHTS, strict=False))
    if number[17] != _ID_CHECK[total % 11] or not idnumbers._known_region(number[:6]):
        return None
    return idnumbers.IdInfo(
        number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F", region=number[:6]
    )


def fast_clean(data: ResidentData, today: datetime.date) -> CleanResident | None:
    """clean_resident's answer for a valid person (phone excluded), or None when in doubt."""
    name = " ".join(str(data.name or "").split())
    if not name or len(name) > 50:
        return None
    raw_id = str(data.id_number or "")
    info = None
    if raw_id.strip():
        info = _fast_id(raw_id, today)
        if info is None:
            return None
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


# --- stage 1: the file on its own ------------------------------------------------------------


def parse_file(fileobj: IO[bytes], filename: str, *, progress: Progress | None = None) -> Parsed:
    parsed = Parsed()
    rows = read_rows(fileobj, filename)
    head: list[tuple[int, list[str | None]]] = []
    for item in rows:
        head.append(item)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    header_row, pos, texts = find_header(head)
    if not header_row:
        parsed.file_errors.append(
            _error(
                0,
                "",
                "header_missing",
                _("No header row found: the first rows need column titles such as 姓名, 小区, 楼栋, 门牌号."),
            )
        )
        return parsed
    parsed.header_row, parsed.columns = header_row, texts
    missing = [key for key in REQUIRED if key not in pos]
    if missing:
        for key in missing:
            parsed.file_errors.append(
                _error(
                    header_row,
                    SYNONYMS[key][0],
                    "column_missing",
                    _("The file has no “{column}” column.").format(column=SYNONYMS[key][0]),
                )
            )
        return parsed

    def data_rows() -> Iterable[tuple[int, list[str | None]]]:
        for number, cells in head:
            if number > header_row:
                yield number, cells
        yield from rows

    col = {key: texts[key] for key in texts}
    today = timezone.localdate()
    first_seen: dict[str, int] = {}
    limit = settings.IMPORT_MAX_ROWS
    get = _getter(pos)
    for count, (number, cells) in enumerate(data_rows(), start=1):
        if count > limit:
            parsed.file_errors.append(
                _error(number, "", "too_many_rows", _("The file has more than {n} rows.").format(n=limit))
            )
            return parsed
        if progress and count % 2000 == 0:
            progress(count)
        parsed.rows.append(_parse_row(number, get(cells), col, today, first_seen))
    if progress:
        progress(len(parsed.rows))
    return parsed


def _getter(pos: dict[str, int]) -> Callable[[list[str | None]], dict[str, str]]:
    items = list(pos.items())

    def get(cells: list[str | None]) -> dict[str, str]:
        n = len(cells)
        out = {}
        for key, index in items:
            value = cells[index] if index < n else None
            out[key] = value.strip() if value else ""
        return out

    return get


def _parse_row(
    number: int, v: dict[str, str], col: dict[str, str], today: datetime.date, first_seen: dict[str, int]
) -> ParsedRow:
    errors: list[dict[str, Any]] = []
    raw_sex = v.get("sex", "")
    sex = SEX_WORDS.get(raw_sex.lower(), raw_sex) if raw_sex else ""
    birth = None
    if raw_birth := v.get("birth_date", ""):
        try:
            birth = _birth(raw_birth, bool(v.get("id_number")))
        except (ValueError, OverflowError):
            errors.append(
                _error(
                    number,
                    col.get("birth_date", ""),
                    "birth_bad",
                    _("“{value}” is not a possible birth date.").format(value=raw_birth),
                )
            )
    tags, other_tags = _tags(v.get("tags", ""))
    notes = " ".join(x for x in (v.get("notes", ""), " ".join(other_tags)) if x)
    raw_relation = v.get("relation", "")
    relation = RELATION_WORDS.get(raw_relation.lower(), Relation.OTHER) if raw_relation else Relation.OTHER
    data = ResidentData(
        name=v["name"],
        id_number=v.get("id_number", ""),
        sex=sex,
        birth_date=birth,
        relation=relation,
        tags=tags,
        notes=notes,
    )
    clean = fast_clean(data, today)
    if clean is None:
        try:
            clean = clean_resident(data)
        except DomainError as err:
            column = col.get(err.field or "", "") or col.get("id_number", "")
            errors.append(_error(number, column, err.code, err.message))
    try:
        phone = parse_phone(v.get("phone", ""))
    except DomainError as err:
        errors.append(_error(number, col.get("phone", ""), err.code, err.message))
        phone = ""
    if clean is not None:
        clean.phone = phone
    id_hash = None
    if clean is not None and clean.id_info:
        id_number = clean.id_info.number
        if id_number in first_seen:
            errors.append(
                _error(
                    number,
                    col.get("id_number", ""),
                    "id_duplicate_in_file",
                    _("The same ID number is already on row {row} of this file.").format(
                        row=first_seen[id_number]
                    ),
                )
            )
        else:
            first_seen[id_number] = number
            id_hash = idnumbers.digest(id_number)
    building = _number_text(v["building"]) if v["building"] else ""
    room = _number_text(v["room"]) if v["room"] else ""
    for key, value in (("building", building), ("room", room)):
        if not value:
            errors.append(
                _error(number, col[key], "address_incomplete", _("Building and room number are both needed."))
            )
    return ParsedRow(
        row=number,
        clean=clean if not errors else None,
        compound=v["compound"],
        building=building,
        unit=(_number_text(v["unit"]) if v.get("unit") else "") or "1",
        room=room,
        id_hash=id_hash,
        errors=errors,
    )


# --- stage 2: against the database -----------------------------------------------------------


def check_rows(parsed: Parsed, community: Area) -> dict[str, Compound]:
    """Add compound and already-registered errors to the rows; returns the community's compounds by name."""
    compounds = {_norm_name(c.name): c for c in Compound.objects.filter(community=community)}
    column = parsed.columns.get("compound", "")
    hashes = [r.id_hash for r in parsed.rows if r.id_hash]
    registered: set[str] = set()
    for i in range(0, len(hashes), 5000):
        registered.update(
            Resident.objects.filter(id_hash__in=hashes[i : i + 5000]).values_list("id_hash", flat=True)
        )
    seen_names: dict[str, str | None] = {}
    for r in parsed.rows:
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
            r.errors.append(
                _error(
                    r.row,
                    parsed.columns.get("id_number", ""),
                    "id_duplicate",
                    _("A resident with this ID number is already registered."),
                )
            )
        if r.errors:
            r.clean = None
    return compounds


def report_of(parsed: Parsed, written: int = 0) -> dict[str, Any]:
    errors = list(parsed.file_errors)
    for r in parsed.rows:
        errors.extend(r.errors)
    valid = 0 if parsed.file_errors else sum(1 for r in parsed.rows if not r.errors)
    return {"rows": len(parsed.rows), "valid": valid, "errors": errors, "written": written}


# --- stage 3: writing ------------------------------------------------------------------------


def _insert(model: type, columns: list[str], rows: list[tuple], *, returning: bool = False) -> list[int]:
    """Multi-row INSERT (… RETURNING id, in insertion order as bulk_create relies on); COPY on PostgreSQL."""
    if not rows:
        return []
    qn = connection.ops.quote_name
    meta = model._meta  # type: ignore[attr-defined]
    by_attname = {f.attname: f.column for f in meta.concrete_fields}
    if connection.vendor == "postgresql":
        return _copy(meta, [by_attname[c] for c in columns], rows, returning=returning)
    head = "INSERT INTO {} ({}) VALUES ".format(
        qn(meta.db_table), ", ".join(qn(by_attname[c]) for c in columns)
    )
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {qn(meta.pk.column)}" if returning else ""
    size = max(1, min(500, 30000 // len(columns)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for i in range(0, len(rows), size):
            chunk = rows[i : i + size]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, [v for row in chunk for v in row])
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids


def _copy(meta: Any, columns: list[str], rows: list[tuple], *, returning: bool) -> list[int]:
    """PostgreSQL: ids taken from the table's sequence first (safe with concurrent writers), then COPY."""
    qn = connection.ops.quote_name
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns = [meta.pk.column, *columns]
            rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        sql = "COPY {} ({}) FROM STDIN".format(qn(meta.db_table), ", ".join(qn(c) for c in columns))
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    return ids


def write_rows(
    rows: list[ParsedRow], compounds: dict[str, Compound], *, progress: Progress | None = None
) -> int:
    """Create what the valid rows need; call inside a transaction. Returns the number of residents written."""
    rows = [r for r in rows if r.clean is not None and not r.errors]
    if not rows:
        return 0
    by_name = {r.compound: compounds[_norm_name(r.compound)] for r in rows}
    compound_ids = [c.pk for c in compounds.values()]
    # (compound id, building number) -> (building id, grid id); (building id, unit number) -> unit id
    buildings = {
        (cid, number): (pk, grid_id)
        for pk, cid, number, grid_id in Building.objects.filter(compound_id__in=compound_ids).values_list(
            "id", "compound_id", "number", "grid_id"
        )
    }
    missing_b = {(by_name[r.compound], r.building) for r in rows}
    new_b = [Building(compound=c, number=n, path=c.path) for c, n in missing_b if (c.pk, n) not in buildings]
    Building.objects.bulk_create(new_b, batch_size=500)
    buildings.update({(b.compound_id, b.number): (b.pk, None) for b in new_b})
    units = {
        (bid, number): pk
        for pk, bid, number in Unit.objects.filter(building__compound_id__in=compound_ids).values_list(
            "id", "building_id", "number"
        )
    }
    paths = {c.pk: c.path for c in compounds.values()}
    keys = []  # per row: (compound id, building id, grid id, unit number)
    for r in rows:
        cid = by_name[r.compound].pk
        bid, grid_id = buildings[(cid, r.building)]
        keys.append((cid, bid, grid_id))
    new_u = [
        Unit(building_id=bid, number=n, path=paths[cid])
        for cid, bid, n in {(k[0], k[1], r.unit) for k, r in zip(keys, rows, strict=True)}
        if (bid, n) not in units
    ]
    Unit.objects.bulk_create(new_u, batch_size=500)
    units.update({(u.building_id, u.number): u.pk for u in new_u})
    households = {
        (unit_id, room): (pk, grid_id, path)
        for unit_id, room, pk, grid_id, path in Household.objects.filter(
            compound_id__in=compound_ids
        ).values_list("unit_id", "room", "id", "grid_id", "path")
    }
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    new_h: dict[tuple[int, str], tuple] = {}
    unit_of = []
    for (cid, bid, grid_id), r in zip(keys, rows, strict=True):
        uid = units[(bid, r.unit)]
        unit_of.append(uid)
        key = (uid, r.room)
        if key not in households and key not in new_h:
            label = Household.make_label(r.building, r.unit, r.room)
            new_h[key] = (uid, r.room, cid, grid_id, paths[cid], label, now)
    created = _insert(
        Household,
        ["unit_id", "room", "compound_id", "grid_id", "path", "label", "created_at"],
        list(new_h.values()),
        returning=True,
    )
    for (key, values), pk in zip(new_h.items(), created, strict=True):
        households[key] = (pk, values[3], values[4])
    adapt_date = connection.ops.adapt_datefield_value
    encrypt = idnumbers.encrypt
    resident_rows = []
    placed = []
    for uid, r in zip(unit_of, rows, strict=True):
        household_id, grid_id, path = households[(uid, r.room)]
        cl = r.clean
        assert cl is not None
        if cl.id_info:  # as idnumbers.protect, with the hash already computed
            number = cl.id_info.number
            id_cols: tuple = (r.id_hash, encrypt(number), number[:6], number[-4:])
        else:
            id_cols = (None, "", "", "")
        full, initials = pinyin_keys(cl.name)
        phone = cl.phone
        resident_rows.append(
            (cl.name, cl.sex, adapt_date(cl.birth_date), *id_cols, phone, phone[-4:] if phone else "")
            + (household_id, cl.relation, cl.tags, cl.notes, full, initials, path, grid_id, now, now)
        )
        placed.append((household_id, cl.relation))
    if progress:
        progress(len(rows) // 2)
    resident_ids = _insert(
        Resident,
        ["name", "sex", "birth_date", "id_hash", "id_cipher", "id_prefix", "id_last4", "phone", "phone_last4"]
        + ["household_id", "relation", "tags", "notes", "name_pinyin", "name_initials", "path", "grid_id"]
        + ["created_at", "updated_at"],
        resident_rows,
        returning=True,
    )
    _insert(
        Membership,
        ["resident_id", "household_id", "relation", "started", "ended", "reason"],
        [(rid, hid, rel, today, None, "") for rid, (hid, rel) in zip(resident_ids, placed, strict=True)],
    )
    return len(resident_ids)


# --- the whole import ------------------------------------------------------------------------


def run_import(
    *,
    fileobj: IO[bytes],
    filename: str,
    community: Area,
    user: Any = None,
    commit: str | None = None,
    progress: Progress | None = None,
    request: Any = None,
) -> dict[str, Any]:
    """Check a file; with commit="all" write everything only if there is no error, with "valid" the
    valid rows. Returns the report; writes nothing unless asked."""
    if commit not in (None, "all", "valid"):
        raise DomainError("import_mode", _("Choose to commit all rows or the valid rows only."))
    parsed = parse_file(fileobj, filename, progress=progress)
    if parsed.file_errors or commit is None:
        if not parsed.file_errors:
            check_rows(parsed, community)
        return report_of(parsed)
    with transaction.atomic():
        compounds = check_rows(parsed, community)
        report = report_of(parsed)
        if commit == "all" and report["errors"]:
            return report
        written = write_rows(parsed.rows, compounds, progress=progress)
        report["written"] = written
        if written:
            audit.log(
                user=user,
                action=AuditAction.IMPORT,
                obj=community,
                summary="{} residents from {} ({} rows, {} errors, commit {})".format(
                    written, filename, report["rows"], len(report["errors"]), commit
                ),
                request=request,
            )
    return report
