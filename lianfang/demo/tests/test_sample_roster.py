"""The README's sample roster (docs/samples/residents-sample.xlsx) fits the demo: imported by the demo's
community staff into their community, its good rows are valid and only its six deliberately bad rows are
refused (a wrong check digit, an impossible birth date, a duplicate, a missing name, a bad phone and an
unknown compound) — no row is refused for naming a compound the demo does not have."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from lianfang.accounts.models import User
from lianfang.people.importer import run_import

SAMPLE = settings.BASE_DIR / "docs" / "samples" / "residents-sample.xlsx"


@pytest.mark.django_db
def test_the_sample_roster_imports_into_the_demo_staffs_community():
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    staff = User.objects.get(username="staff")
    report = run_import(
        fileobj=io.BytesIO(SAMPLE.read_bytes()),
        filename=SAMPLE.name,
        community=staff.area,
        user=staff,
        commit=None,
    )
    codes = sorted(e["code"] for e in report["errors"])
    assert codes == sorted(
        [
            "id_bad_checksum",
            "id_bad_birth_date",
            "id_duplicate_in_file",
            "name_missing",
            "phone_bad",
            "compound_unknown",
        ]
    )
    assert report["valid"] == 7
