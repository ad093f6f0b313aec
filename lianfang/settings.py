"""Lianfang settings: everything that varies between machines comes from the environment.

Every variable is listed in `.env.example`.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lianfang import devdb
from lianfang.core.env import DEV_DATA_KEY, DEV_SECRET_KEY, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LIANFANG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
# Signs sessions, CSRF tokens and every pass's QR (access/tokens.py): changing it voids printed passes.
# With DEBUG off the development default is refused (core/checks.py, lianfang.E001).
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
# Key for ID-number hashing and encryption (32+ characters). Losing it makes stored ID numbers unreadable.
# With DEBUG off the development default is refused (lianfang.E002).
LIANFANG_DATA_KEY = env_str("LIANFANG_DATA_KEY", DEV_DATA_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Check ids to silence: lianfang.E001,lianfang.E002 on a throwaway benchmark database, never in production.
SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS")

# ---- HTTPS (docs/operations.md, "HTTPS and production checks"). LIANFANG_HTTPS=1 says the site is served
# over HTTPS: redirect http to https, secure cookies, HSTS for a year. Each DJANGO_* variable overrides it.
HTTPS = env_bool("LIANFANG_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
# Only for a domain meant for browsers' HSTS preload lists (hstspreload.org): hard to undo.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", HTTPS)
# Behind a proxy that terminates TLS: trust its X-Forwarded-Proto (links are built as https://) and its
# X-Forwarded-Host. Only when the proxy sets these headers itself and nothing else can reach the server.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", False)
# How many proxies in front append to X-Forwarded-For: the client's address for the audit log, the login
# lockout and the throttles is the one the outermost of them saw (core/audit.py). 0: REMOTE_ADDR.
LIANFANG_TRUSTED_PROXIES = env_int("LIANFANG_TRUSTED_PROXIES", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_htmx",
    "django_tasks_db",
    "lianfang.core",
    "lianfang.accounts",
    "lianfang.places",
    "lianfang.people",
    "lianfang.supplies",
    "lianfang.access",
    "lianfang.epi",
    "lianfang.care",
    "lianfang.mobilize",
    "lianfang.notices",
    "lianfang.watch",
    # Top apps: they may import every app listed before them; nothing imports them (docs/architecture.md).
    "lianfang.home",
    "lianfang.portal",
    "lianfang.demo",
]

MIDDLEWARE = [
    # First, so that it compresses what every other layer answers: pages, JSON and, without the manifest
    # storage, the static files WhiteNoise finds (with LIANFANG_MANIFEST_STATIC=1 WhiteNoise serves its own
    # precompressed .br/.gz files, which this leaves alone). Django pads the compressed body against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "lianfang.core.bounds.BoundedInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says `login_not_required` (lianfang/urls.py lists them).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a login refused during a lockout into the lockout page (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lianfang.urls"
WSGI_APPLICATION = "lianfang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lianfang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lianfang.watch.context_processors.alert_inbox",
            ],
        },
    },
]

# PostgreSQL only. DATABASE_URL unset: the checkout's private server, which `make demo` and `make test` start
# (lianfang/devdb.py; var/postgres.json says where it listens: reading it starts nothing).
DATABASE_URL = env_str("DATABASE_URL") or devdb.private_url(VAR_DIR.resolve())
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must be a PostgreSQL URL: postgres://USER:PASSWORD@HOST/NAME")
# JIT off for Lianfang's connections (an OLTP setting: short, indexed queries). PostgreSQL compiles a
# query whose ESTIMATED cost passes jit_above_cost; the contact search's range join is estimated far
# above its real work and spent ~190-300 ms compiling for a 5 ms statement (docs/operations.md).
# LIANFANG_PG_OPTIONS replaces these options ("" keeps the server's settings).
pg_options = env_str("LIANFANG_PG_OPTIONS", "-c jit=off")
if pg_options:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = pg_options
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every login (the login page, the admin's, anything calling authenticate()) goes through django-axes'
# backend first, which refuses a locked account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "lianfang.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (accounts/lockout.py): this many lock the account, or the address whatever the usernames,
# for LIANFANG_LOGIN_LOCK_MINUTES after the last one counted.
AXES_FAILURE_LIMIT = env_int("LIANFANG_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_IP_LIMIT = env_int("LIANFANG_LOGIN_FAILURE_IP_LIMIT", 20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LIANFANG_LOGIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "lianfang.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "lianfang.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "lianfang.core.audit.client_ip"
AXES_USERNAME_CALLABLE = "lianfang.accounts.lockout.client_username"  # bounded to what a username can be
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True  # the account's failures only (LockoutHandler.reset_user_attempts)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # attempts refused during a lock do not extend it
AXES_DISABLE_ACCESS_LOG = True  # failures are kept; successful logins are not logged a second time
SESSION_COOKIE_AGE = env_int("LIANFANG_SESSION_SECONDS", 12 * 3600)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lianfang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "lianfang" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("LIANFANG_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not env_bool("LIANFANG_MANIFEST_STATIC", False)

# The throttles (secret-link guesses, portal/views.py) count in this cache. The default is per
# process: with several gunicorn workers each counts on its own. "django.core.cache.backends.db.DatabaseCache"
# with LIANFANG_CACHE_LOCATION=lianfang_cache (after `manage.py createcachetable`) shares the counts.
# "gate": what every gate scan reads (access/gatecache.py: gates and devices; access/policy.py: outing
# policies), for a few seconds, in each process's own memory: never a shared backend, which would cost the
# scan a round trip. A save clears it in its process at once (access/signals.py); others catch up in seconds.
CACHES = {
    "default": {
        "BACKEND": env_str("LIANFANG_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("LIANFANG_CACHE_LOCATION", "lianfang"),
    },
    "gate": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lianfang-gate",
        "OPTIONS": {"MAX_ENTRIES": 20_000},  # a city's gates, devices and policy paths
    },
}
# The household's secret link (portal/views.py): after the household's release from quarantine it
# shows only "released on ... — thank you", and this many days after the release it stops working.
LINK_DAYS_AFTER_RELEASE = env_int("LIANFANG_LINK_DAYS_AFTER_RELEASE", 7)
# Wrong secret links from one address within LINK_GUESS_MINUTES before it is answered 429 for that long.
LINK_GUESS_LIMIT = env_int("LIANFANG_LINK_GUESS_LIMIT", 20)
LINK_GUESS_MINUTES = env_int("LIANFANG_LINK_GUESS_MINUTES", 15)

TASKS = {
    "default": {
        "BACKEND": env_str("LIANFANG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Notices (lianfang/notices, docs/notices.md): the SMS gateway (an HTTP provider: URL and key), the webhooks
# told of every published notice (space-separated URLs, signed with HMAC-SHA256 of the secret), and the
# audiences larger than NOTICE_BACKGROUND_RECIPIENTS that are published on the background worker.
NOTICES_SMS_URL = env_str("LIANFANG_SMS_URL", "")
NOTICES_SMS_KEY = env_str("LIANFANG_SMS_KEY", "")
NOTICES_SMS_TIMEOUT = env_int("LIANFANG_SMS_TIMEOUT", 10)
NOTICES_WEBHOOK_URLS = env_str("LIANFANG_NOTICE_WEBHOOKS", "").split()
NOTICES_WEBHOOK_SECRET = env_str("LIANFANG_NOTICE_WEBHOOK_SECRET", "")
NOTICE_BACKGROUND_RECIPIENTS = env_int("LIANFANG_NOTICE_BACKGROUND_RECIPIENTS", 20_000)
# E-mail (notices to staff) goes through Django's mailer: an SMTP server by default.
MAILERS = {
    "default": {
        "BACKEND": env_str("LIANFANG_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env_str("LIANFANG_EMAIL_HOST", "localhost"),
            "port": env_int("LIANFANG_EMAIL_PORT", 25),
            "username": env_str("LIANFANG_EMAIL_USER", ""),
            "password": env_str("LIANFANG_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("LIANFANG_EMAIL_TLS", False),
            "timeout": env_int("LIANFANG_EMAIL_TIMEOUT", 10),
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("LIANFANG_EMAIL_FROM", "lianfang@localhost")
# Imports with more rows than this run on the background worker; smaller ones run in the request.
IMPORT_BACKGROUND_ROWS = env_int("LIANFANG_IMPORT_BACKGROUND_ROWS", 2000)
IMPORT_MAX_ROWS = env_int("LIANFANG_IMPORT_MAX_ROWS", 200_000)
# Uploaded spreadsheets are measured before anything parses them (people/sheets.py) and refused past these:
# bytes as uploaded, bytes unzipped, and cells of the sheet's grid (highest row x highest column).
IMPORT_MAX_FILE_BYTES = env_int("LIANFANG_IMPORT_MAX_FILE_BYTES", 32 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env_int("LIANFANG_IMPORT_MAX_UNPACKED_BYTES", 256 * 1024 * 1024)
IMPORT_MAX_CELLS = env_int("LIANFANG_IMPORT_MAX_CELLS", 5_000_000)
# Files past these (or packed suspiciously tight) are checked on the worker too, not in the request.
IMPORT_BACKGROUND_BYTES = env_int("LIANFANG_IMPORT_BACKGROUND_BYTES", 4 * 1024 * 1024)
IMPORT_BACKGROUND_CELLS = env_int("LIANFANG_IMPORT_BACKGROUND_CELLS", 60_000)
# Address space an import on the worker may add to the worker process (RLIMIT_AS), in MB.
IMPORT_WORKER_MEMORY_MB = env_int("LIANFANG_IMPORT_WORKER_MEMORY_MB", 1024)
# Uploaded files hold full ID numbers: a checked file waits this long for a decision, then it is deleted;
# a job still pending or running after IMPORT_STALE_MINUTES is failed and its file deleted.
IMPORT_FILE_TTL_MINUTES = env_int("LIANFANG_IMPORT_FILE_TTL_MINUTES", 60)
IMPORT_STALE_MINUTES = env_int("LIANFANG_IMPORT_STALE_MINUTES", 360)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LIANFANG_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LIANFANG_LOG_LEVEL", "WARNING")},
}
