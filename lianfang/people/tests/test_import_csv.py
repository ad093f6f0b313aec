"""CSV files work too, in UTF-8 (with or without BOM) and in GBK as Excel on Chinese Windows saves them."""

import io

import pytest

from lianfang.people.importer import run_import
from lianfang.people.tests.import_files import GOOD_1, GOOD_2

CSV = (
    "居民信息表,,,,\n姓名,身份证号,小区,楼栋,门牌号\n"
    f"赵六,{GOOD_1},阳光小区,3,102\n钱七,{GOOD_2},阳光小区,3,\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_csv_file_is_read_in_its_encoding(world, encoding):
    data = CSV.encode(encoding)
    report = run_import(fileobj=io.BytesIO(data), filename="居民.csv", community=world.community_a)
    assert report["rows"] == 2 and report["valid"] == 1
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (4, "门牌号", "address_incomplete")
    ]


def test_an_old_xls_file_is_refused_with_a_clear_message(world):
    from lianfang.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        run_import(fileobj=io.BytesIO(b"\xd0\xcf\x11\xe0"), filename="old.xls", community=world.community_a)
    assert exc.value.code == "import_format"


def test_a_broken_xlsx_is_refused_with_a_clear_message(world):
    from lianfang.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        run_import(fileobj=io.BytesIO(b"not a zip"), filename="x.xlsx", community=world.community_a)
    assert exc.value.code == "import_format"
