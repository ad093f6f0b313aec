"""Response times per kind per area: community staff and the command centre set them for areas of their
own scope; an empty field follows the area above; new alerts and escalations use them at once."""

from __future__ import annotations

from django.urls import reverse

from lianfang.core.alerts import DEFAULT_RESPOND_MINUTES, respond_minutes
from lianfang.core.models import AlertKind, AlertPolicy
from lianfang.watch.tests.inbox_helpers import raise_in


def url(area) -> str:
    return reverse("watch:alert-policy", args=[area.code])


def test_community_staff_set_a_kinds_response_time_and_new_alerts_use_it(world, login):
    client = login(world.staff_a)
    response = client.post(url(world.community_a), {AlertKind.FEVER: "15"})
    assert response.status_code == 302
    assert AlertPolicy.objects.get(area=world.community_a, kind=AlertKind.FEVER).respond_minutes == 15
    alert = raise_in(world)
    assert (alert.respond_by - alert.created_at).total_seconds() == 15 * 60


def test_the_form_says_what_each_kind_inherits_and_emptying_a_field_inherits_again(world, login):
    AlertPolicy.objects.create(area=world.street, kind=AlertKind.CASE, respond_minutes=45)
    AlertPolicy.objects.create(area=world.community_a, kind=AlertKind.CASE, respond_minutes=20)
    client = login(world.staff_a)
    html = client.get(url(world.community_a)).content.decode()
    assert world.street.name in html and 'value="20"' in html
    client.post(url(world.community_a), {AlertKind.CASE: ""})
    assert not AlertPolicy.objects.filter(area=world.community_a).exists()
    assert respond_minutes(world.community_a.path, AlertKind.CASE) == 45


def test_the_command_centre_sets_the_citys_and_communities_inherit_it(world, login):
    login(world.commander).post(url(world.city), {AlertKind.UNREACHABLE: "90"})
    assert respond_minutes(world.community_b.path, AlertKind.UNREACHABLE) == 90
    assert (
        respond_minutes(world.community_b.path, AlertKind.FEVER) == DEFAULT_RESPOND_MINUTES[AlertKind.FEVER]
    )


def test_out_of_range_minutes_are_refused_and_nothing_is_saved(world, login):
    client = login(world.staff_a)
    for bad in ("0", "-5", "10081", "abc", "1e9"):
        response = client.post(url(world.community_a), {AlertKind.FEVER: bad, AlertKind.CASE: "30"})
        assert response.status_code == 200 and response.context["form"].errors
    assert not AlertPolicy.objects.exists()


def test_other_areas_and_roles_get_404(world, login, client):
    for who, area in (
        ("staff_a", world.community_b),
        ("staff_a", world.street),
        ("health_a", world.community_a),
        ("grid_a1_worker", world.community_a),
        ("guard_a", world.community_a),
    ):
        client.force_login(getattr(world, who))
        assert client.get(url(area)).status_code == 404, who
        assert client.post(url(area), {AlertKind.FEVER: "5"}).status_code == 404, who
    assert not AlertPolicy.objects.exists()
