"""Pages list buildings, units and rooms in natural order: 2栋 before 12栋, room 101 before 1001."""

import datetime

from django.urls import reverse

from lianfang.access.models import Pass, PassKind
from lianfang.places.services import ensure_household


def test_the_pass_list_and_the_lockdown_form_sort_numbers_as_numbers(world, login):
    for building, room in [("12", "101"), ("2", "1001"), ("2", "101"), ("2", "201"), ("１０", "1")]:
        h = ensure_household(compound=world.compound_a, building=building, unit="1", room=room)
        Pass.objects.create(
            kind=PassKind.HOUSEHOLD,
            household=h,
            compound=h.compound,
            path=h.path,
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2030, 1, 1),
        )
    client = login(world.staff_a)
    page = client.get(f"/access/compounds/{world.compound_a.pk}/passes/").content.decode()
    order = [
        "2栋1单元101",
        "2栋1单元201",
        "2栋1单元1001",
        "3栋1单元101",
        "5栋1单元201",
        "10栋1单元1",
        "12栋1单元101",
    ]
    positions = [page.index(label) for label in order]
    assert positions == sorted(positions)

    form = client.get(reverse("epi:lockdown-new"), {"compound": world.compound_a.pk}).content.decode()
    buildings = [form.index(f">{b}栋") for b in ("2", "3", "5", "10", "12")]
    assert buildings == sorted(buildings)
