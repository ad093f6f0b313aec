"""The roster as Excel (inert cells, the wall grid) and the quarterly service card as PDF."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import pytest
import time_machine
from openpyxl import load_workbook

from lianfang.mobilize.attendance import quarter_bounds
from lianfang.mobilize.models import Volunteer
from lianfang.mobilize.services import check_in, check_out, take_shift
from lianfang.mobilize.tests.conftest import add_shift, local

pytestmark = pytest.mark.django_db


def test_the_roster_sheet_has_a_row_per_day_and_writes_a_formula_like_name_as_text(world, login, volunteers):
    v = volunteers[0]
    Volunteer.objects.filter(pk=v.pk).update(name='=HYPERLINK("http://x","y")')
    with time_machine.travel(local(2026, 3, 2, 9), tick=False):
        s = add_shift(world, local(2026, 3, 2, 16))
        add_shift(world, local(2026, 3, 3, 0))
        take_shift(user=v.user, shift=s.pk)
        response = login(world.staff_a).get(f"/mobilize/gates/{world.gate_a.pk}/roster.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][1:] == ("00:00", "16:00")
    assert rows[2][0] == "2026-03-02" and len(rows) == 2 + 7
    cell = ws.cell(row=3, column=3)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_service_card_counts_the_quarters_hours(world, login, volunteers):
    v = volunteers[0]
    with time_machine.travel(local(2026, 2, 1, 9), tick=False):
        a = take_shift(user=v.user, shift=add_shift(world, local(2026, 2, 2, 8)).pk)
    check_in(user=world.guard_a, assignment=a.pk, now=local(2026, 2, 2, 8))
    check_out(user=world.guard_a, assignment=a.pk, now=local(2026, 2, 2, 16))
    response = login(world.staff_a).get(f"/mobilize/volunteers/{v.pk}/service-card.pdf?quarter=2026-1")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True
        ).stdout.decode()
        assert v.name in text and "8.0" in text
    assert login(world.staff_b).get(f"/mobilize/volunteers/{v.pk}/service-card.pdf").status_code == 404


def test_quarters_run_from_january_april_july_and_october():
    assert quarter_bounds(datetime.date(2026, 2, 14)) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert quarter_bounds(datetime.date(2026, 12, 31)) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
