"""namhoc settings: one file, every environment difference read through ``env.py``.

Modes (``NAMHOC_ENV``):
- ``development`` (default): embedded SQLite under the data directory, a secret key generated
  and kept there, DEBUG on unless told otherwise.
- ``test``: as development, with a fast password hasher and background tasks run immediately.
- ``production``: secret key, allowed hosts required; secure cookies, HSTS, HTTPS redirect.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from namhoc.config.env import (
    EnvError,
    env_bool,
    env_choice,
    env_database_url,
    env_int,
    env_list,
    env_optional,
    env_path,
    env_str,
    load_or_create_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent  # src/namhoc
REPO_DIR = BASE_DIR.parent.parent

NAMHOC_ENV = env_choice("NAMHOC_ENV", ("development", "test", "production"), "development")
PRODUCTION = NAMHOC_ENV == "production"
TESTING = NAMHOC_ENV == "test"

DATA_DIR = env_path("NAMHOC_DATA_DIR", REPO_DIR / "var")
DEBUG = env_bool("NAMHOC_DEBUG", NAMHOC_ENV == "development")
if PRODUCTION and DEBUG:
    raise EnvError("NAMHOC_DEBUG", "must not be on when NAMHOC_ENV=production")

if PRODUCTION:
    SECRET_KEY = env_str("NAMHOC_SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise EnvError("NAMHOC_SECRET_KEY", "must be at least 50 random characters in production")
else:
    SECRET_KEY = env_optional("NAMHOC_SECRET_KEY") or load_or_create_secret(DATA_DIR / "secret_key")
# The file the key is kept in, when it is kept in one: `namhoc backup` carries it (ADR 0010).
_key_file = env_optional("NAMHOC_SECRET_KEY_FILE")
SECRET_KEY_FILE: Path | None = (
    Path(_key_file)
    if _key_file
    else None
    if PRODUCTION or env_optional("NAMHOC_SECRET_KEY")
    else DATA_DIR / "secret_key"
)

ALLOWED_HOSTS = env_list(
    "NAMHOC_ALLOWED_HOSTS",
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise EnvError("NAMHOC_ALLOWED_HOSTS", "is required in production (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env_list("NAMHOC_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "namhoc.web.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",
    "namhoc.core",
    "namhoc.orgunits",
    "namhoc.accounts",
    "namhoc.legal",
    "namhoc.directives",
    "namhoc.tracking",
    "namhoc.indicators",
    "namhoc.reporting",
    "namhoc.inspections",
    "namhoc.emulation",
    "namhoc.disclosure",
    "namhoc.notifications",
    "namhoc.ops",
    "namhoc.web",
]

MIDDLEWARE = [
    # First: its clock covers the whole stack; it settles the request id (ADR 0010).
    "namhoc.ops.middleware.RequestObservationMiddleware",
    "namhoc.web.errors.ApiErrorsAsJsonMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "namhoc.web.middleware.RequestSizeLimitMiddleware",
    "namhoc.web.middleware.RefuseNulInAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "namhoc.accounts.middleware.AccessMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "namhoc.accounts.middleware.SessionTimeoutMiddleware",
    "namhoc.accounts.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "namhoc.web.middleware.NoStoreWhenSignedInMiddleware",
]

ROOT_URLCONF = "namhoc.config.urls"
WSGI_APPLICATION = "namhoc.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "namhoc.web.context_processors.site",
                "namhoc.notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_database = env_database_url("NAMHOC_DATABASE_URL")
if _database is None:
    if PRODUCTION and not env_bool("NAMHOC_ALLOW_SQLITE", False):
        raise EnvError(
            "NAMHOC_DATABASE_URL",
            "is required in production (postgres://…); set NAMHOC_ALLOW_SQLITE=1 to run a "
            "single-server install on the embedded SQLite database",
        )
    _database = {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "namhoc.sqlite3"}
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database.setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at
            # BEGIN so that concurrent writers queue instead of failing with "database is locked".
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    _database["CONN_MAX_AGE"] = 0
    _database["CONN_HEALTH_CHECKS"] = False
elif env_bool("NAMHOC_DB_PREPARED", True):
    # PostgreSQL: values bound by the server, and a statement run five times on a connection
    # prepared and planned once for the connection's life (CONN_MAX_AGE): planning was about
    # half of PostgreSQL's CPU per request (issue 15, ADR 0010). Bulk statements plan for the
    # data as it is (core.sql.planned_for_the_data_now). Django turns prepared statements off
    # for transaction-pooling proxies (PgBouncer before 1.21); NAMHOC_DB_PREPARED=0 does too.
    _database.setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # One PBKDF2 hash costs ~0.5 s on the CI machine; tests only need a hash, not a strong one.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
else:
    # Argon2id at OWASP's minimum (ops.hashers, ADR 0010): ~35 ms a sign-in instead of ~0.3 s;
    # PBKDF2 hashes made before are accepted and upgraded at the next sign-in.
    PASSWORD_HASHERS = [
        "namhoc.ops.hashers.Argon2idHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]

# Sign-in goes through the throttle (namhoc.accounts.throttle; ADR 0004).
AUTHENTICATION_BACKENDS = ["namhoc.accounts.backends.ThrottledModelBackend"]
SIGNIN_WINDOW_MINUTES = 15
SIGNIN_FAILURES_PER_ACCOUNT = 5
SIGNIN_FAILURES_PER_ADDRESS = env_int("NAMHOC_SIGNIN_FAILURES_PER_ADDRESS", 20, minimum=5)
# Reverse proxies in front that append to X-Forwarded-For (0: trust REMOTE_ADDR only).
PROXY_HOPS = env_int("NAMHOC_PROXY_HOPS", 0, minimum=0, maximum=5)

# Absolute session lifetime (seconds) and idle timeout; both enforced by
# namhoc.accounts.middleware.SessionTimeoutMiddleware.
SESSION_COOKIE_AGE = env_int("NAMHOC_SESSION_MAX_AGE", 12 * 3600, minimum=300)
SESSION_IDLE_SECONDS = 60 * env_int("NAMHOC_SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read by one query written out (namhoc.accounts.session_store).
SESSION_ENGINE = "namhoc.accounts.session_store"
SESSION_COOKIE_SAMESITE = "Lax"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Collected (and compressed, fingerprinted) only in production; development serves from the apps.
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
MEDIA_ROOT = DATA_DIR / "media"  # private: files are served only through access-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
UPLOAD_MAX_BYTES = env_int("NAMHOC_UPLOAD_MAX_MB", 20, minimum=1, maximum=1024) * 1024 * 1024
# An Excel import of figures that runs longer stops, saving nothing, with a message to split the
# file: a request must end well before gunicorn's 120 s and nginx's 130 s (issue 15).
IMPORT_MAX_SECONDS = env_int("NAMHOC_IMPORT_MAX_SECONDS", 60, minimum=5, maximum=110)
# Reading an uploaded directive (namhoc.ingest.ReadLimits; issue 9): beyond any of these the
# read stops with a Vietnamese message on the source page.
READ_MAX_PAGES = env_int("NAMHOC_READ_MAX_PAGES", 500, minimum=1, maximum=100_000)
READ_MAX_CHARS = env_int("NAMHOC_READ_MAX_CHARS", 3_000_000, minimum=10_000, maximum=100_000_000)
READ_MAX_SECONDS = env_int("NAMHOC_READ_MAX_SECONDS", 180, minimum=5, maximum=3600)
OCR_MAX_PAGES = env_int("NAMHOC_OCR_MAX_PAGES", 40, minimum=0, maximum=10_000)  # 0: no OCR
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- E-mail and notifications (ADR 0009) ---------------------------------------------------
# Without NAMHOC_SMTP_HOST mail is printed to the console (development); tests use Django's
# in-memory outbox or a real SMTP server on loopback.
EMAIL_HOST = env_str("NAMHOC_SMTP_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("NAMHOC_SMTP_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("NAMHOC_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = env_str("NAMHOC_SMTP_PASSWORD", "")
    _smtp_security = env_choice("NAMHOC_SMTP_SECURITY", ("starttls", "ssl", "none"), "starttls")
    EMAIL_USE_TLS = _smtp_security == "starttls"
    EMAIL_USE_SSL = _smtp_security == "ssl"
    EMAIL_TIMEOUT = env_int("NAMHOC_SMTP_TIMEOUT", 20, minimum=1, maximum=300)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("NAMHOC_EMAIL_FROM", "namhoc <namhoc@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach namhoc at, for the links in e-mails and webhook posts.
SITE_URL = env_str("NAMHOC_SITE_URL", "http://127.0.0.1:8000")
# Default quiet hours (local time): no e-mail between these, held until they end.
_quiet = env_str("NAMHOC_QUIET_HOURS", "21:00-06:30")
try:
    NOTIFY_QUIET_START, NOTIFY_QUIET_END = (
        dt.time.fromisoformat(part.strip().zfill(5)) for part in _quiet.split("-")
    )
except ValueError:
    raise EnvError("NAMHOC_QUIET_HOURS", f"expected HH:MM-HH:MM, got {_quiet!r}") from None
# Webhooks may post to loopback/private addresses (a bridge on the same server or LAN); off in
# production unless set, so that a webhook cannot be used to reach internal services.
NOTIFY_WEBHOOK_ALLOW_PRIVATE = env_bool("NAMHOC_WEBHOOK_ALLOW_PRIVATE", not PRODUCTION)

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("NAMHOC_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("NAMHOC_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("NAMHOC_HSTS_PRELOAD", True)
    if env_bool("NAMHOC_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        USE_X_FORWARDED_HOST = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logs, metrics, backups (ADR 0010) -------------------------------------------------------
# One line per request (logger namhoc.request): JSON objects in production, readable text else.
LOG_FORMAT = env_choice("NAMHOC_LOG_FORMAT", ("json", "text"), "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"()": "namhoc.ops.logs.TextFormatter"},
        "json": {"()": "namhoc.ops.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("NAMHOC_LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's own request log repeats namhoc.request's line for every 4xx/5xx.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "namhoc.request": {"level": env_str("NAMHOC_REQUEST_LOG_LEVEL", "INFO").upper()},
    },
}
# /metrics: with a token, only "Authorization: Bearer <token>"; without, loopback only.
METRICS_TOKEN = env_optional("NAMHOC_METRICS_TOKEN") or ""
if METRICS_TOKEN and len(METRICS_TOKEN) < 20:
    raise EnvError("NAMHOC_METRICS_TOKEN", "must be at least 20 characters (a random string)")
# `namhoc check-prod` fails when the last good backup is older than this.
BACKUP_MAX_AGE_HOURS = env_int("NAMHOC_BACKUP_MAX_AGE_HOURS", 26, minimum=1, maximum=24 * 31)

NINJA_PAGINATION_PER_PAGE = 50
