"""The importer's fast path gives exactly clean_resident's answer, or steps aside for it."""

import datetime

import pytest
from django.utils import timezone

from lianfang.conftest import id_for
from lianfang.core.errors import DomainError
from lianfang.people.importer import fast_clean
from lianfang.people.services import ResidentData, clean_resident
from lianfang.people.tests.import_files import GOOD_X, bad_checksum, full_width, with_check

GOOD = id_for(datetime.date(1986, 4, 2), 21, "M")
CASES = [
    ResidentData(name="赵六", id_number=GOOD),
    ResidentData(name=" 赵  六 ", id_number=full_width(GOOD), sex="M", relation="head", tags=["chronic"]),
    ResidentData(name="钱七", id_number=GOOD_X.lower(), notes=" 备注 "),
    ResidentData(name="钱七", id_number=f"{GOOD[:6]} {GOOD[6:14]}-{GOOD[14:]}"),
    ResidentData(name="孙八", id_number=GOOD, sex="F"),
    ResidentData(name="孙八", id_number=GOOD, birth_date=datetime.date(1986, 4, 3)),
    ResidentData(name="孙八", id_number=GOOD, birth_date=datetime.date(1986, 4, 2)),
    ResidentData(name="", id_number=GOOD),
    ResidentData(name="x" * 51),
    ResidentData(name="李九", id_number=bad_checksum(GOOD)),
    ResidentData(name="李九", id_number=with_check("34040319900230001")),
    ResidentData(name="李九", id_number=with_check("34040330000101001")),
    ResidentData(name="李九", id_number=with_check("99999919900101001")),
    ResidentData(name="李九", id_number="3404031990010100"),
    ResidentData(name="李九", id_number="340403800517012"),
    ResidentData(name="李九", id_number="34040319900101001A"),
    ResidentData(name="李九", sex="?"),
    ResidentData(name="李九", birth_date=timezone.localdate() + datetime.timedelta(days=1)),
    ResidentData(name="李九", birth_date=datetime.date(1950, 1, 1), sex="F", tags=["infant", "infant"]),
]


def _slow(data):
    try:
        return clean_resident(data)
    except DomainError as err:
        return err.code


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
def test_fast_path_agrees_with_clean_resident(data):
    fast = fast_clean(data, timezone.localdate())
    slow = _slow(data)
    if fast is None:
        # It stepped aside; the importer then asks clean_resident. It may only do so for real doubts.
        assert (
            isinstance(slow, str)
            or data.id_number.strip()[-3:].isdigit()
            and len(data.id_number.strip()) == 15
        )
    else:
        assert fast == slow


def test_the_fast_path_handles_the_common_valid_rows_itself():
    assert fast_clean(CASES[0], timezone.localdate()) is not None
    assert fast_clean(CASES[1], timezone.localdate()) is not None
    assert fast_clean(CASES[2], timezone.localdate()) is not None
