"""One reading of typed addresses for search, the gate's visitor and drop-off forms, and the gate log."""

import pytest

from lianfang.places.services import Address, parse_address


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3栋2单元401", Address("3", "2", "401")),
        ("3-2-401", Address("3", "2", "401")),
        ("３栋２单元４０１室", Address("3", "2", "401")),
        ("3号楼401", Address("3", "", "401")),
        ("3 2 401", Address("3", "2", "401")),
        ("C栋1单元101", Address("C", "1", "101")),
        ("2单元401", Address("", "2", "401")),
    ],
)
def test_typed_addresses_are_read_alike(text, expected):
    assert parse_address(text) == expected


@pytest.mark.parametrize("text", ["", "张三", "3栋", "栋单元"])
def test_what_is_not_an_address_reads_as_none(text):
    assert parse_address(text) is None
