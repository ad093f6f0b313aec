"""An upload is measured before anything parses it: a zip bomb, a sheet with a cell at column ZZZZZ or a
reference like XFDXFDXFD2, too many cells or too many bytes are refused with a clear message, nothing is
written, and measuring (or trying to read) them keeps the process small."""

import io
import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from lianfang.core.errors import DomainError
from lianfang.people.models import ImportJob
from lianfang.people.sheets import measure
from lianfang.people.tests.hostile_files import FAR_REFERENCE_SHEET, WIDE_SHEET, sheet_xlsx, zip_bomb

CJK = re.compile(r"[\u4e00-\u9fff]")
TALL_SHEET = sheet_xlsx(
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="L1"><v>1</v></c></row>'
    '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def refusal(data: bytes, name: str = "花名册.xlsx") -> DomainError:
    with pytest.raises(DomainError) as err:
        measure(io.BytesIO(data), name)
    return err.value


def test_a_410_kb_zip_bomb_is_refused_from_its_listing():
    bomb = zip_bomb()
    assert len(bomb) < 420_000
    err = refusal(bomb)
    assert err.code == "import_too_large" and "400 MB" in str(err.message)


def test_a_member_that_unpacks_past_the_size_it_declares_is_refused():
    # The listing says 4 KB; reading stops one byte past it instead of unpacking 400 MB.
    assert refusal(zip_bomb(declared=4096)).code == "import_format"


def test_a_1_kb_sheet_with_cells_at_column_zzzzz_is_refused():
    assert len(WIDE_SHEET) < 2048
    err = refusal(WIDE_SHEET)
    assert err.code == "import_too_wide" and "ZZZZZ" in str(err.message)


def test_a_reference_like_xfdxfdxfd2_is_refused():
    err = refusal(FAR_REFERENCE_SHEET)
    assert err.code == "import_too_wide" and "XFDXFDXFD" in str(err.message)


def test_a_cell_a_million_rows_down_is_refused_for_the_grid_it_spans():
    err = refusal(TALL_SHEET)
    assert err.code == "import_too_many_cells" and "1048576" in str(err.message)


def test_repeated_cells_count_even_when_they_share_one_place(settings):
    settings.IMPORT_MAX_CELLS = 50_000
    assert refusal(zip_bomb(megabytes=2, cells=True)).code == "import_too_many_cells"


def test_a_file_larger_than_the_upload_limit_is_refused(settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    err = refusal(sheet_xlsx('<row r="1"><c r="A1"><v>1</v></c></row>'))
    assert err.code == "import_too_large"


def test_a_csv_line_with_too_many_columns_is_refused():
    assert refusal(("姓名" + "," * 300 + "\n").encode(), "名单.csv").code == "import_too_wide"


@pytest.mark.parametrize(
    ("sheet", "columns"),
    [
        ('<row r="1"><x:c xmlns:x="urn:x" r="CZ1"><v>1</v></x:c></row>', 104),  # a prefixed cell
        ("<row>" + "<c><v>1</v></c>" * 30 + "</row><row><c><v>2</v></c></row>", 30),  # no references
        ('<row r="1"><c r="A1" r = "AB1"><v>1</v></c></row>', 28),  # the last r counts, as the reader does
        # A quote inside a comment does not hide the cell after it.
        ('<!-- <c a=" --><row r="1"><c r="A1"><v>1</v></c><c r="AD1"><v>1</v></c></row><!-- " -->', 30),
    ],
    ids=["prefixed", "no references", "repeated r", "quote in a comment"],
)
def test_cells_in_other_shapes_are_measured_tag_by_tag_and_sent_to_the_worker(sheet, columns):
    size = measure(io.BytesIO(sheet_xlsx(sheet)), "x.xlsx")
    assert size.columns == columns and size.doubtful


HOSTILE = {"bomb": zip_bomb(), "wide": WIDE_SHEET, "far reference": FAR_REFERENCE_SHEET, "tall": TALL_SHEET}


@pytest.mark.parametrize("name", HOSTILE)
def test_the_upload_page_refuses_them_and_writes_nothing(world, login, name):
    response = login(world.staff_a).post(
        reverse("people:import-start"),
        {"community": world.community_a.pk, "file": SimpleUploadedFile("花名册.xlsx", HOSTILE[name])},
    )
    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = str(refusal(HOSTILE[name]).message)
    assert CJK.search(message) and escape(message) in response.text  # the refusal, in Chinese
    assert not ImportJob.objects.exists()
    assert not (settings.MEDIA_ROOT.exists() and any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*")))


def test_the_refusals_read_in_english_too():
    with translation.override("en"):
        assert str(refusal(WIDE_SHEET).message) == (
            "The sheet has a cell in column ZZZZZ; a resident list may use columns up to IV."
        )
    with translation.override("zh-hans"):
        message = str(refusal(WIDE_SHEET).message)
        assert "ZZZZZ" in message and CJK.search(message)


PEAK_SCRIPT = """
import json, sys
import django
django.setup()
from django.conf import settings
from lianfang.core.errors import DomainError
from lianfang.people.sheets import measure, read_rows
codes = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        # What the upload page does, then what the worker does.
        for step in (
            lambda: measure(f, path, scan_limit=settings.IMPORT_BACKGROUND_BYTES),
            lambda: list(read_rows(f, path)),
        ):
            try:
                step()
                codes.append(None)
            except DomainError as err:
                codes.append(err.code)
# The peak of this process since its exec (VmHWM): ru_maxrss would also count the pages of the test
# runner it was forked from, however large that had grown.
hwm_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"codes": codes, "peak_mb": hwm_kb / 1024}))
"""


def test_measuring_and_reading_them_keeps_the_process_under_300_mb(tmp_path):
    paths = []
    for name, data in HOSTILE.items():
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(data)
        paths.append(str(path))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lianfang.settings"}
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, *paths],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert None not in result["codes"]  # every file refused, by the page and by the worker
    assert result["peak_mb"] < 300
