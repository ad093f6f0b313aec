"""Every input is bounded before it is used: integers, dates and times, JSON bodies and request sizes.

One place for the rules, so that no query parameter, form field, API field or gate scan can carry a value
that the database, the calendar arithmetic or the JSON parser cannot take (each used to answer 500):

- **Integers** go through `parse_int`: exactly what `int()` takes (ASCII or other decimal digits, an
  optional sign, underscores between digits), never what only `str.isdigit()` takes (`²`, `①`), and
  within bounds (by default PostgreSQL's bigint). `parse_id` is the form for primary keys: a positive
  bigint, or None (the caller answers 404 or ignores the parameter).
- **Dates** fall in a window of `DateWindow`, refused with the code `date_out_of_range` (`onset_too_early`
  for an onset that is too early) and a message naming the window:
  - `EVENT`: something that happened (a report or isolation date, a health check, an arrival, a visit,
    a passage, a care call): from 1900-01-01 to one day after today (device clocks and time zones).
  - `ONSET`: a case's onset: no earlier than `ONSET_MAX_DAYS_BACK` (366) days before today (a fixed
    limit here rather than an EpiPolicy field), refused with `onset_too_early`; and not after today
    (`date_in_future`, as epi's services say it).
  - `BIRTH`: from 1900-01-01 to today (`birth_future` after it, as people's services say it).
  - `PLAN`: a day that is planned (a lockdown's first day, a quarantine's new last day, a pass's end):
    from 1900-01-01 to `PLAN_MAX_DAYS_AHEAD` (366) days after today.
  Datetimes use the same windows on their local date, in Asia/Shanghai (naive values are local).
- **JSON** bodies are parsed by `load_json`: at most `MAX_JSON_DEPTH` (32) nested arrays/objects, refused
  with 400 `json_too_deep` (Python's parser would raise RecursionError on deep input).
- **Request bodies** over `settings.DATA_UPLOAD_MAX_MEMORY_SIZE` (env `LIANFANG_UPLOAD_MAX_BYTES`, 50 MB)
  are refused with 413 `body_too_large` by `BoundedInputMiddleware`, before anything reads them.
- **NUL characters** (which PostgreSQL cannot store in text, and no one types) in the path, the query
  string, a URL-encoded form field or a JSON string are refused with 400 `nul_character`: the middleware
  checks the path, the query and URL-encoded forms, `load_json` the body (multipart forms: their fields).

Each refusal is a `DomainError(code, message, field=...)` with a translatable message; the form fields
below turn it into a form error, the API answers it as `{"code", "message", "field"}`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.parser import Parser
from pydantic import AfterValidator, ValidationInfo

from lianfang.core.errors import DomainError

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
MAX_INT_CHARS = 40  # longer text is no integer we store: refused before int() spends time on it
MIN_DATE = datetime.date(1900, 1, 1)
ONSET_MAX_DAYS_BACK = 366
PLAN_MAX_DAYS_AHEAD = 366
MAX_JSON_DEPTH = 32


# ------------------------------------------------------------------ integers
def parse_int(raw: Any, *, field: str = "", min_value: int = BIGINT_MIN, max_value: int = BIGINT_MAX) -> int:
    """The integer `raw` stands for, within [min_value, max_value]; DomainError otherwise."""
    if isinstance(raw, bool):
        raise _not_an_integer(field)
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw if raw is not None else "").strip()
        if not text or len(text) > MAX_INT_CHARS:
            raise _not_an_integer(field)
        try:
            value = int(text)
        except ValueError:
            raise _not_an_integer(field) from None
    if not min_value <= value <= max_value:
        raise DomainError(
            "integer_out_of_range",
            _("The number must be between {min} and {max}.").format(min=min_value, max=max_value),
            field=field or None,
        )
    return value


def parse_int_or(raw: Any, default: int, *, min_value: int = BIGINT_MIN, max_value: int = BIGINT_MAX) -> int:
    """For optional query parameters (`?days=`): the bounded integer, or `default` for anything else."""
    if raw is None or raw == "":
        return default
    try:
        return parse_int(raw, min_value=min_value, max_value=max_value)
    except DomainError:
        return default


def parse_id(raw: Any) -> int | None:
    """A primary key from a query parameter or form field: a positive bigint, or None."""
    if raw is None or raw == "":
        return None
    try:
        return parse_int(raw, min_value=1)
    except DomainError:
        return None


def _not_an_integer(field: str) -> DomainError:
    return DomainError("integer_invalid", _("Enter a whole number."), field=field or None)


# ------------------------------------------------------------------ dates
@dataclass(frozen=True)
class DateWindow:
    """[MIN_DATE or today - days_back, today + days_ahead], in local dates. A date before the window is
    refused with `early_code`, one after it with `late_code` (both `date_out_of_range` unless given)."""

    days_ahead: int
    days_back: int | None = None
    early_code: str = "date_out_of_range"
    late_code: str = "date_out_of_range"

    def limits(self, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
        today = today or timezone.localdate()
        first = MIN_DATE if self.days_back is None else today - datetime.timedelta(days=self.days_back)
        return first, today + datetime.timedelta(days=self.days_ahead)

    def check(self, value: Any, *, field: str = "", today: datetime.date | None = None) -> Any:
        """The date (or datetime: its local date) itself when inside the window; DomainError otherwise.
        None passes (optional fields say themselves whether they are required)."""
        if value is None:
            return None
        day = _local_day(value)
        first, last = self.limits(today)
        if day is not None and first <= day <= last:
            return value
        code = self.late_code if day is None or day > last else self.early_code
        raise DomainError(code, self._message(code, day, first, last), field=field or None)

    @staticmethod
    def _message(code: str, day: datetime.date | None, first: datetime.date, last: datetime.date) -> str:
        if code == "onset_too_early":
            return _("The onset date must be between {first} and {last} (at most a year back).").format(
                first=first.isoformat(), last=last.isoformat()
            )
        if code == "date_in_future" and day is not None:
            return _("The date {date} is in the future.").format(date=day)
        if code == "birth_future":
            return _("The birth date is in the future.")
        return _("The date must be between {first} and {last}.").format(
            first=first.isoformat(), last=last.isoformat()
        )


EVENT = DateWindow(days_ahead=1)
ONSET = DateWindow(
    days_ahead=0, days_back=ONSET_MAX_DAYS_BACK, early_code="onset_too_early", late_code="date_in_future"
)
BIRTH = DateWindow(days_ahead=0, late_code="birth_future")
PLAN = DateWindow(days_ahead=PLAN_MAX_DAYS_AHEAD)


def _local_day(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            return value.date()
        if not datetime.datetime(1, 1, 2, tzinfo=datetime.UTC) <= value <= _LATEST:
            return None  # localtime() itself would overflow; far outside every window anyway
        return timezone.localtime(value).date()
    if isinstance(value, datetime.date):
        return value
    return None


_LATEST = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)


def parse_date(raw: Any, window: DateWindow, *, field: str = "") -> datetime.date | None:
    """'2026-03-02' (ISO) -> a date inside the window; '' or None -> None; DomainError otherwise."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = datetime.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise DomainError("date_invalid", _("Enter a valid date."), field=field or None) from None
    checked: datetime.date = window.check(value, field=field)
    return checked


def parse_datetime(
    raw: Any, window: DateWindow, *, field: str = "", code: str = ""
) -> datetime.datetime | None:
    """ISO-8601 text (a trailing Z, an offset, or none: local time) -> an aware datetime inside the
    window; '' or None -> None; DomainError (`code`, default datetime_invalid / the window's) otherwise."""
    if raw is None or raw == "":
        return None
    try:
        if isinstance(raw, datetime.datetime):
            value = raw
        elif isinstance(raw, str):
            value = datetime.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        else:
            raise ValueError
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        window.check(value, field=field)
    except (ValueError, TypeError, OverflowError):
        raise DomainError(
            code or "datetime_invalid", _("Enter a valid date and time."), field=field or None
        ) from None
    except DomainError as err:
        if code:
            raise DomainError(code, err.message, field=err.field) from None
        raise
    return value


class BoundedDateField(forms.DateField):
    """A form's date field that refuses dates outside its window (the window's message on the field)."""

    def __init__(self, *args: Any, window: DateWindow = EVENT, **kwargs: Any) -> None:
        self.window = window
        super().__init__(*args, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        _validate_window(self.window, value)


class BoundedDateTimeField(forms.DateTimeField):
    """A form's datetime field that refuses times whose local date is outside its window."""

    def __init__(self, *args: Any, window: DateWindow = EVENT, **kwargs: Any) -> None:
        self.window = window
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except OverflowError:  # year 1 in a time zone east of UTC
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        _validate_window(self.window, value)


def _validate_window(window: DateWindow, value: Any) -> None:
    try:
        window.check(value)
    except DomainError as err:
        raise forms.ValidationError(err.message, code=err.code) from None


def _api_window(window: DateWindow) -> Callable[[Any, ValidationInfo], Any]:
    def check(value: Any, info: ValidationInfo) -> Any:
        # A DomainError is not a ValueError: pydantic lets it through, and the API answers it as a 400 with
        # its code and the field, like any refusal of a service.
        return window.check(value, field=info.field_name or "")

    return check


# API field types: `onset_date: OnsetDate | None = None`.
EventDate = Annotated[datetime.date, AfterValidator(_api_window(EVENT))]
OnsetDate = Annotated[datetime.date, AfterValidator(_api_window(ONSET))]
PlanDate = Annotated[datetime.date, AfterValidator(_api_window(PLAN))]
EventDateTime = Annotated[datetime.datetime, AfterValidator(_api_window(EVENT))]


# ------------------------------------------------------------------ JSON and request bodies
def load_json(body: bytes | str) -> Any:
    """json.loads with its depth bounded: 400 `malformed_json`, `json_too_deep` or `nul_character`."""
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if b"\\u0000" in raw:
        raise _nul_character()
    try:
        data = json.loads(raw)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:  # not JSON, or not UTF-8
        raise DomainError("malformed_json", _("The request body is not valid JSON.")) from None
    # Only a body with more brackets than the limit can be deeper than it: a single scan skips the walk.
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and json_depth(data) > MAX_JSON_DEPTH:
        raise _too_deep()
    return data


def json_depth(data: Any) -> int:
    """Nesting of arrays and objects (a scalar 0, [] 1, [{}] 2), without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _too_deep() -> DomainError:
    return DomainError(
        "json_too_deep",
        _("The JSON body is nested more than {n} levels deep.").format(n=MAX_JSON_DEPTH),
    )


class BoundedParser(Parser):
    """django-ninja's body parser with `load_json`: the API answers its DomainError (lianfang/api.py)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return load_json(request.body)


class BoundedInputMiddleware:
    """Before any view, form or CSRF check reads the request: 413 for a declared body over
    DATA_UPLOAD_MAX_MEMORY_SIZE (Django alone answers 400, and only once the body is read as a form), and
    400 for a NUL character in the path, the query string or a form field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            message = _("The request is too large (at most {mb} MB).").format(mb=limit // (1024 * 1024))
            return error_response(request, DomainError("body_too_large", message, status=413))
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or _nul_in_form(request):
            return error_response(request, _nul_character())
        return self.get_response(request)


def _nul_in_form(request: HttpRequest) -> bool:
    """A URL-encoded form only: its body stays readable after parsing. Multipart forms are left to the form
    fields (Django's CharField refuses NUL), since parsing them here would make `request.body` unreadable."""
    if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
        return False
    return any("\x00" in value for _key, values in request.POST.lists() for value in values)


def _nul_character() -> DomainError:
    return DomainError("nul_character", _("The request contains a NUL character."))


def error_response(request: HttpRequest, err: DomainError) -> HttpResponse:
    """A refusal before any view: JSON for the API and JSON requests, plain text for pages."""
    if request.path.startswith("/api/") or "json" in request.META.get("CONTENT_TYPE", ""):
        return JsonResponse(err.as_dict(), status=err.status)
    return HttpResponse(str(err.message), status=err.status, content_type="text/plain; charset=utf-8")
