from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lianfang.accounts.api_auth import StaffToken
from lianfang.accounts.models import ApiToken


def test_the_command_prints_a_token_that_is_stored_only_as_a_digest(world):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "--user", "staff_a", "--name", "gate tablet", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("lf_")
    token = ApiToken.objects.get(digest=ApiToken.hash(raw))
    assert token.user == world.staff_a
    assert token.name == "gate tablet"
    assert raw not in token.digest


def test_the_token_authenticates_api_calls(world, client):
    out = StringIO()
    call_command("create_api_token", "--user", "staff_a", stdout=out, stderr=StringIO())
    request = type("Request", (), {})()
    assert StaffToken().authenticate(request, out.getvalue().strip()) == world.staff_a


def test_an_unknown_user_is_a_clear_error(world):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("create_api_token", "--user", "ghost", stdout=StringIO(), stderr=StringIO())
    assert ApiToken.objects.count() == 0


def test_residents_get_no_staff_token(world):
    with pytest.raises(CommandError, match="resident"):
        call_command("create_api_token", "--user", "resident_a", stdout=StringIO(), stderr=StringIO())
