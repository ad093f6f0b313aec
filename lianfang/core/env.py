"""Small typed readers for environment variables (settings only), and the development defaults that
core/checks.py refuses in production."""

import os

from django.core.exceptions import ImproperlyConfigured

# The keys a fresh checkout runs with. With DEBUG off, core/checks.py refuses them (lianfang.E001/E002).
DEV_SECRET_KEY = "insecure-dev-key-change-me-in-production"
DEV_DATA_KEY = "insecure-dev-data-key-change-me-in-production"

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """1/true/yes/on or 0/false/no/off; unset or empty means the default. Anything else is refused, so a
    typo in a security switch (DJANGO_SESSION_COOKIE_SECURE=ture) stops the start instead of reading as 0."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use 1 or 0.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: a whole number is expected.") from None


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; empty items are dropped."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]
