"""The household's pages show its passes (access), its quarantine (epi) and its care team (care): the
fixtures of those apps' tests."""

from lianfang.access.tests.conftest import _fresh_caches, passes, scan  # noqa: F401
from lianfang.care.tests.conftest import at, held_a1, leader, today  # noqa: F401
from lianfang.epi.tests.conftest import unit31  # noqa: F401
