"""Production settings come from the environment, and a production start with development keys is refused
(core/checks.py, core/env.py, settings.py; docs/operations.md "HTTPS and production checks")."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from lianfang.core.env import DEV_DATA_KEY, DEV_SECRET_KEY, env_bool

ROOT = Path(__file__).resolve().parents[3]
REAL_SECRET = secrets.token_urlsafe(50)
REAL_DATA_KEY = secrets.token_urlsafe(32)


def ids(**settings) -> set[str]:
    with override_settings(**settings):
        return {m.id for m in run_checks() if m.id and m.id.startswith("lianfang.")}


def test_debug_off_with_the_default_secret_key_is_an_error():
    assert "lianfang.E001" in ids(DEBUG=False, SECRET_KEY=DEV_SECRET_KEY, LIANFANG_DATA_KEY=REAL_DATA_KEY)


def test_debug_off_with_the_default_data_key_is_an_error():
    assert "lianfang.E002" in ids(DEBUG=False, SECRET_KEY=REAL_SECRET, LIANFANG_DATA_KEY=DEV_DATA_KEY)


def test_the_errors_stop_management_commands():
    with override_settings(DEBUG=False, SECRET_KEY=DEV_SECRET_KEY, LIANFANG_DATA_KEY=DEV_DATA_KEY):
        with pytest.raises(SystemCheckError, match="lianfang.E001"):
            call_command("check")


def test_real_keys_or_debug_on_pass():
    assert ids(DEBUG=False, SECRET_KEY=REAL_SECRET, LIANFANG_DATA_KEY=REAL_DATA_KEY) == set()
    assert ids(DEBUG=True, SECRET_KEY=DEV_SECRET_KEY, LIANFANG_DATA_KEY=DEV_DATA_KEY) == set()


def test_a_short_data_key_is_a_warning():
    assert ids(DEBUG=False, SECRET_KEY=REAL_SECRET, LIANFANG_DATA_KEY="short") == {"lianfang.W001"}


def test_a_mistyped_switch_stops_the_start_instead_of_reading_as_off(monkeypatch):
    monkeypatch.setenv("DJANGO_SESSION_COOKIE_SECURE", "ture")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SESSION_COOKIE_SECURE"):
        env_bool("DJANGO_SESSION_COOKIE_SECURE", False)
    monkeypatch.setenv("DJANGO_SESSION_COOKIE_SECURE", "0")
    assert env_bool("DJANGO_SESSION_COOKIE_SECURE", True) is False


def manage(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIANFANG_"))}
    base.update(DJANGO_SETTINGS_MODULE="lianfang.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": REAL_SECRET,
    "LIANFANG_DATA_KEY": REAL_DATA_KEY,
    "DJANGO_ALLOWED_HOSTS": "lianfang.example.gov.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://lianfang.example.gov.cn",
    "LIANFANG_HTTPS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
    "DJANGO_USE_X_FORWARDED_HOST": "1",
}


def test_check_deploy_is_clean_with_the_production_variables():
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def https_settings(**env: str) -> dict:
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "USE_X_FORWARDED_HOST",
    ]
    code = (
        "import json; from django.conf import settings as s;"
        f"print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    )
    result = manage(["shell", "--no-imports", "-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_https_variables_reach_the_settings():
    assert https_settings(**PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "USE_X_FORWARDED_HOST": True,
    }
    assert https_settings(**PRODUCTION, DJANGO_SECURE_HSTS_SECONDS="3600")["SECURE_HSTS_SECONDS"] == 3600


def test_without_the_variables_nothing_trusts_proxy_headers_or_forces_https():
    assert https_settings(DJANGO_DEBUG="1") == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "USE_X_FORWARDED_HOST": False,
    }


def test_check_deploy_refuses_the_development_keys():
    env = {k: v for k, v in PRODUCTION.items() if k not in ("DJANGO_SECRET_KEY", "LIANFANG_DATA_KEY")}
    result = manage(["check", "--deploy"], **env)
    assert result.returncode != 0
    assert "lianfang.E001" in result.stderr and "lianfang.E002" in result.stderr


def test_every_variable_the_settings_read_is_in_env_example():
    read = set(
        re.findall(r'env_(?:str|bool|int|list)\("([A-Z0-9_]+)"', (ROOT / "lianfang/settings.py").read_text())
    )
    listed = set(re.findall(r"^(?:# )?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - listed == set()
