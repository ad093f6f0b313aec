"""manage.py import_residents FILE --community CODE [--commit all|valid] prints the report as JSON."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from lianfang.conftest import id_for
from lianfang.people.models import Resident
from lianfang.people.tests.import_files import VALID_ROWS, messy_xlsx

ZHANG_SAN_ID = id_for(datetime.date(1980, 5, 17), 12, "M")


@pytest.fixture
def messy_file(tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(messy_xlsx(ZHANG_SAN_ID))
    return path


def test_without_commit_it_prints_the_report_and_writes_nothing(world, messy_file, capsys):
    before = Resident.objects.count()
    call_command("import_residents", str(messy_file), "--community", world.community_a.code)
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"rows", "valid", "errors", "written"}
    assert (report["rows"], report["valid"], report["written"]) == (13, VALID_ROWS, 0)
    assert {"row": 7, "column": "身份证号", "code": "id_bad_checksum"}.items() <= report["errors"][0].items()
    assert Resident.objects.count() == before


def test_commit_all_with_errors_writes_nothing_and_fails(world, messy_file, capsys):
    before = Resident.objects.count()
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_residents", str(messy_file), "--community", world.community_a.code, "--commit", "all"
        )
    assert exc.value.returncode == 1
    assert json.loads(capsys.readouterr().out)["written"] == 0
    assert Resident.objects.count() == before


def test_commit_valid_writes_the_valid_rows(world, messy_file, capsys):
    before = Resident.objects.count()
    call_command(
        "import_residents", str(messy_file), "--community", world.community_a.code, "--commit", "valid",
        "--user", "staff_a",
    )  # fmt: skip
    assert json.loads(capsys.readouterr().out)["written"] == VALID_ROWS
    assert Resident.objects.count() == before + VALID_ROWS


def test_an_unknown_community_is_refused(world, messy_file):
    with pytest.raises(CommandError, match="No community"):
        call_command("import_residents", str(messy_file), "--community", "999999999999")
