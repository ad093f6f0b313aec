"""The demo city's care data is checked at fixed hours of today: care's tests' `today` and `at`."""

from lianfang.care.tests.conftest import at, today  # noqa: F401
