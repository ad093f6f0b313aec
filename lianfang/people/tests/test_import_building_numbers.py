"""Building, unit and room numbers of a roster are read as the bare ASCII number printed on the building:
full-width digits (１２栋), superscripts (²) and spreadsheet floats (12.0) name the same building as 12."""

import pytest

from lianfang.people.importer import _number_text


@pytest.mark.parametrize("raw", ["12", "１２", "12.0", "12栋", "１２栋"])
def test_every_spelling_of_twelve_is_building_12(raw):
    assert _number_text(raw) == "12"


def test_a_superscript_digit_is_not_kept_as_it_was_typed():
    assert _number_text("3²") == "32"
