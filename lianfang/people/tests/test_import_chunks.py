"""A file is read, checked and written in chunks (the reading in a thread of its own): the outcome is the
same as in one piece — every bad row reported, "all" writing nothing, households shared across chunks."""

import datetime
import io

import pytest
from django.utils import translation

from lianfang.conftest import id_for
from lianfang.people import importer
from lianfang.people.importer import run_import
from lianfang.people.models import Membership, Resident
from lianfang.people.tests.import_files import VALID_ROWS, messy_xlsx, xlsx_bytes
from lianfang.places.models import Household

ZHANG_SAN_ID = id_for(datetime.date(1980, 5, 17), 12, "M")
HEADER = ["姓名", "性别", "身份证号", "联系电话", "小区", "楼栋", "单元", "门牌号", "与户主关系", "备注"]


def _run(world, data, commit, progress=None):
    return run_import(
        fileobj=io.BytesIO(data),
        filename="花名册.xlsx",
        community=world.community_a,
        user=world.staff_a,
        commit=commit,
        progress=progress,
    )


def _people(n, *, first_day=datetime.date(1960, 1, 1)):
    """n good rows, three per household, in building 20."""
    return [
        [f"居民{i}", "", id_for(first_day + datetime.timedelta(days=i), 40, "M"), "", "阳光小区", 20, 1]
        + [101 + i // 3, "户主" if i % 3 == 0 else "子女", ""]
        for i in range(n)
    ]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)


def test_a_chunked_preview_reports_exactly_what_a_single_chunk_reports(world, monkeypatch):
    data = messy_xlsx(ZHANG_SAN_ID)
    whole = _run(world, data, None)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    assert _run(world, data, None) == whole
    assert whole["valid"] == VALID_ROWS


def test_a_chunked_commit_of_valid_rows_writes_them_all(world, small_chunks):
    before = Resident.objects.count()
    report = _run(world, messy_xlsx(ZHANG_SAN_ID), "valid")
    assert report["written"] == VALID_ROWS
    assert Resident.objects.count() == before + VALID_ROWS


def test_households_split_across_chunks_are_one_household(world, small_chunks):
    report = _run(world, xlsx_bytes(_people(7), header=HEADER), "all")
    assert report == {"rows": 7, "valid": 7, "errors": [], "written": 7}
    # rows 1-3 | 4-6 | 7: the first two households straddle chunk boundaries
    households = Household.objects.filter(compound=world.compound_a, unit__building__number="20")
    assert households.count() == 3
    assert sorted(h.residents.count() for h in households) == [1, 3, 3]
    assert Membership.objects.filter(household__in=households, ended=None).count() == 7


def test_commit_all_writes_nothing_when_the_bad_row_is_in_a_late_chunk(world, small_chunks):
    rows = _people(6)
    rows[5][2] = rows[5][2][:17] + ("0" if rows[5][2][17] != "0" else "1")  # bad check digit, last chunk
    before = (Resident.objects.count(), Household.objects.count(), Membership.objects.count())
    report = _run(world, xlsx_bytes(rows, header=HEADER), "all")
    assert report["written"] == 0 and [e["row"] for e in report["errors"]] == [8]
    assert (Resident.objects.count(), Household.objects.count(), Membership.objects.count()) == before


def test_a_duplicate_in_a_later_chunk_names_the_row_of_the_first(world, small_chunks):
    rows = _people(5)
    rows[4][2] = rows[0][2]
    with translation.override("en"):
        report = _run(world, xlsx_bytes(rows, header=HEADER), "valid")
    assert report["written"] == 4
    assert report["errors"] == [
        {
            "row": 7,
            "column": "身份证号",
            "code": "id_duplicate_in_file",
            "message": "The same ID number is already on row 3 of this file.",
        }
    ]


def test_messages_from_the_reading_thread_are_in_the_callers_language(world):
    rows = _people(2)
    rows[1][2] = rows[0][2]
    with translation.override("zh-hans"):
        report = _run(world, xlsx_bytes(rows, header=HEADER), None)
    assert report["errors"][0]["message"] == "相同的身份证号已出现在本文件第 3 行。"


def test_progress_is_reported_chunk_by_chunk(world, small_chunks):
    seen = []
    _run(world, xlsx_bytes(_people(5), header=HEADER), "valid", progress=seen.append)
    assert seen == [2, 4, 5]


def test_a_registered_number_is_found_in_any_chunk(world, small_chunks):
    rows = _people(5)
    rows[4][2] = ZHANG_SAN_ID
    report = _run(world, xlsx_bytes(rows, header=HEADER), "valid")
    assert [(e["row"], e["code"]) for e in report["errors"]] == [(7, "id_duplicate")]
    assert report["written"] == 4
