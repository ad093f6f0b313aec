"""Chinese phone numbers: mobiles and landlines, normalised; anything else is refused clearly."""

import pytest

from lianfang.core.errors import DomainError
from lianfang.core.phones import parse_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13955401234", "13955401234"),
        ("139 5540 1234", "13955401234"),
        ("139-5540-1234", "13955401234"),
        ("+86 139 5540 1234", "13955401234"),
        ("008613955401234", "13955401234"),
        ("１３９５５４０１２３４", "13955401234"),
        ("0554-6661111", "05546661111"),
        ("(0554) 6661111", "05546661111"),
        ("（0554）66611112", "055466611112"),
        ("010-12345678", "01012345678"),
    ],
)
def test_valid_numbers_are_normalised(raw, expected):
    assert parse_phone(raw) == expected


def test_an_empty_phone_is_allowed_and_stays_empty():
    assert parse_phone("") == ""
    assert parse_phone("  ") == ""


@pytest.mark.parametrize("raw", ["12955401234", "1395540123", "139554012345", "6661111", "phone", "0554-66"])
def test_other_numbers_are_refused_with_the_value_in_the_message(raw):
    with pytest.raises(DomainError) as exc:
        parse_phone(raw)

    assert exc.value.code == "phone_bad"
    assert exc.value.field == "phone"
    assert raw in str(exc.value.message)
