"""What the import stores is what the rest of Lianfang stores: the ID hash and ciphertext as
core.idnumbers makes them, and free text exactly as typed (tabs, line breaks, backslashes)."""

import base64
import datetime
import gc
import io

from lianfang.conftest import id_for
from lianfang.core import idnumbers
from lianfang.people.importer import run_import
from lianfang.people.models import Resident
from lianfang.people.tests.import_files import xlsx_bytes

NUMBER = id_for(datetime.date(1986, 4, 2), 21, "M")
HEADER = ["姓名", "身份证号", "小区", "楼栋", "单元", "门牌号", "备注"]


def test_the_id_numbers_are_stored_as_idnumbers_protect_stores_them(world):
    other = id_for(datetime.date(1990, 1, 1), 22, "F")
    rows = [["王五", NUMBER, "阳光小区", 9, 1, 101, ""], ["赵六", other, "阳光小区", 9, 1, 102, ""]]
    report = run_import(
        fileobj=io.BytesIO(xlsx_bytes(rows, header=HEADER)),
        filename="f.xlsx",
        community=world.community_a,
        user=world.staff_a,
        commit="all",
    )
    assert report["written"] == 2
    for number in (NUMBER, other):
        resident = Resident.objects.get(id_hash=idnumbers.digest(number))
        stored = idnumbers.protect(number)
        assert (resident.id_prefix, resident.id_last4) == (stored.prefix, stored.last4)
        assert idnumbers.decrypt(resident.id_cipher) == number
    imported = [idnumbers.digest(NUMBER), idnumbers.digest(other)]
    ciphers = Resident.objects.filter(id_hash__in=imported).values_list("id_cipher", flat=True)
    assert len({base64.b64decode(c.removeprefix("v1:"))[:12] for c in ciphers}) == 2  # a nonce each


def test_free_text_with_tabs_line_breaks_and_backslashes_is_stored_as_typed(world):
    notes = "第一行\n第二行\t制表 C:\\目录\\文件"
    rows = [["王\\五", NUMBER, "阳光小区", 9, 1, 101, notes]]
    report = run_import(
        fileobj=io.BytesIO(xlsx_bytes(rows, header=HEADER)),
        filename="f.xlsx",
        community=world.community_a,
        user=world.staff_a,
        commit="all",
    )
    assert report["written"] == 1
    resident = Resident.objects.get(id_hash=idnumbers.digest(NUMBER))
    assert (resident.name, resident.notes) == ("王\\五", notes)
    assert resident.full_id() == NUMBER


def test_the_garbage_collector_is_back_on_after_an_import(world):
    assert gc.isenabled()
    run_import(
        fileobj=io.BytesIO(xlsx_bytes([["王五", NUMBER, "阳光小区", 9, 1, 101, ""]], header=HEADER)),
        filename="f.xlsx",
        community=world.community_a,
        commit=None,
    )
    assert gc.isenabled()
