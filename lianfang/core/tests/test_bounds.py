"""core.bounds: one integer parser, date windows, bounded JSON (the rules every input goes through)."""

import datetime

import pytest
import time_machine
from django import forms

from lianfang.core import bounds
from lianfang.core.errors import DomainError

TODAY = datetime.date(2026, 3, 2)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.parametrize("raw", ["²", "①", "3²", "", " ", "1.5", "1e3", "0x10", "NaN", None, True, "9" * 41])
def test_what_int_would_not_take_is_not_an_integer(raw):
    with pytest.raises(DomainError) as err:
        bounds.parse_int(raw, field="days")
    assert err.value.code == "integer_invalid" and err.value.field == "days"


@pytest.mark.parametrize(
    ("raw", "value"), [("12", 12), (" 7 ", 7), ("+3", 3), ("-4", -4), ("１２", 12), (5, 5)]
)
def test_what_int_takes_is_parsed(raw, value):
    assert bounds.parse_int(raw) == value


def test_an_integer_outside_its_bounds_is_refused_with_its_own_code():
    with pytest.raises(DomainError) as err:
        bounds.parse_int("366", min_value=1, max_value=365)
    assert err.value.code == "integer_out_of_range" and "365" in str(err.value.message)
    with pytest.raises(DomainError):
        bounds.parse_int("99999999999999999999")  # past PostgreSQL's bigint


def test_an_optional_integer_falls_back_to_its_default():
    assert bounds.parse_int_or("²", 7, min_value=1, max_value=365) == 7
    assert bounds.parse_int_or("400", 7, min_value=1, max_value=365) == 7
    assert bounds.parse_int_or("30", 7, min_value=1, max_value=365) == 30


@pytest.mark.parametrize("raw", ["²", "0", "-1", "abc", "99999999999999999999", "", None])
def test_an_id_is_a_positive_bigint_or_nothing(raw):
    assert bounds.parse_id(raw) is None


def test_an_event_is_between_1900_and_tomorrow():
    assert bounds.EVENT.limits() == (datetime.date(1900, 1, 1), TODAY + datetime.timedelta(days=1))
    assert bounds.EVENT.check(TODAY + datetime.timedelta(days=1)) == TODAY + datetime.timedelta(days=1)
    for day in (datetime.date(1, 1, 1), datetime.date(1899, 12, 31), TODAY + datetime.timedelta(days=2)):
        with pytest.raises(DomainError) as err:
            bounds.EVENT.check(day, field="date")
        assert err.value.code == "date_out_of_range" and "1900-01-01" in str(err.value.message)


def test_an_onset_is_at_most_a_year_back():
    bounds.ONSET.check(TODAY - datetime.timedelta(days=366))
    with pytest.raises(DomainError) as err:
        bounds.ONSET.check(TODAY - datetime.timedelta(days=367), field="onset_date")
    assert err.value.code == "onset_too_early" and err.value.field == "onset_date"


def test_a_plan_may_be_a_year_ahead_and_a_birth_not_tomorrow():
    bounds.PLAN.check(TODAY + datetime.timedelta(days=366))
    with pytest.raises(DomainError):
        bounds.PLAN.check(datetime.date(9999, 12, 31))
    with pytest.raises(DomainError):
        bounds.BIRTH.check(TODAY + datetime.timedelta(days=1))


@pytest.mark.parametrize(
    "raw",
    ["0001-01-01T00:00:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "soon", 12, ["x"]],
)
def test_a_datetime_outside_the_window_or_not_a_time_is_refused_with_the_callers_code(raw):
    with pytest.raises(DomainError) as err:
        bounds.parse_datetime(raw, bounds.EVENT, field="scanned_at", code="scanned_at_invalid")
    assert err.value.code == "scanned_at_invalid"


def test_a_datetime_inside_the_window_is_aware():
    value = bounds.parse_datetime("2026-03-02T09:00:00", bounds.EVENT)
    assert value is not None and value.utcoffset() == datetime.timedelta(hours=8)
    assert bounds.parse_datetime("2026-03-02T01:00:00Z", bounds.EVENT) is not None
    assert bounds.parse_datetime("", bounds.EVENT) is None


def test_form_fields_refuse_dates_outside_their_window_with_the_windows_message():
    class F(forms.Form):
        day = bounds.BoundedDateField(window=bounds.ONSET)
        at = bounds.BoundedDateTimeField()

    form = F({"day": "0001-01-01", "at": "0001-01-01T00:00"})
    assert not form.is_valid()
    assert form.errors.as_data()["day"][0].code == "onset_too_early"
    assert form.errors.as_data()["at"][0].code == "date_out_of_range"
    assert F({"day": "2026-03-01", "at": "2026-03-02T08:00"}).is_valid()


def test_json_deeper_than_the_limit_is_refused_without_recursion():
    assert bounds.load_json(b'[{"a": [1, 2]}]') == [{"a": [1, 2]}]
    assert bounds.load_json("[" * 32 + "]" * 32) is not None
    for body in ("[" * 33 + "]" * 33, "[" * 100_000 + "]" * 100_000, '{"a": ' * 40 + "1" + "}" * 40):
        with pytest.raises(DomainError) as err:
            bounds.load_json(body.encode())
        assert err.value.code == "json_too_deep" and err.value.status == 400


def test_a_flat_batch_of_many_objects_is_not_deep():
    assert len(bounds.load_json(b"[" + b",".join([b'{"a": 1}'] * 500) + b"]")) == 500


@pytest.mark.parametrize(
    ("body", "code"), [(b"{not json", "malformed_json"), (b'{"a": "\\u0000"}', "nul_character")]
)
def test_json_that_does_not_parse_or_carries_nul_is_refused(body, code):
    with pytest.raises(DomainError) as err:
        bounds.load_json(body)
    assert err.value.code == code
