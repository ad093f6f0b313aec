"""Home's pages show the work of the apps below them: the fixtures of care's tests (a household in home
quarantine with its care team, a volunteer, today)."""

from lianfang.care.tests.conftest import at, held_a1, leader, today, volunteer_a  # noqa: F401
