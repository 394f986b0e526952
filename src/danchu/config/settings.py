"""Settings, driven by the environment (HackSoft, Saleor, NetBox).

No ``DATABASE_URL`` → an SQLite file under ``DANCHU_DATA_DIR``; with it → PostgreSQL.
Production (``DANCHU_DEBUG`` unset) refuses to start without its required values.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/danchu
PROJECT_ROOT = BASE_DIR.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DANCHU_DEBUG", False)
DATA_DIR = Path(env("DANCHU_DATA_DIR") or PROJECT_ROOT / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

_DEV_SECRET = "danchu-development-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
# A dev-only key for the encrypted personal-data columns (Fernet, urlsafe base64 of 32 bytes).
_DEV_DATA_KEY = "ZGFuY2h1LWRldmVsb3BtZW50LWRhdGEta2V5LTAwMDA="  # noqa: S105

SECRET_KEY = env("DANCHU_SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
# Key(s) for citizen IDs and phone numbers at rest; comma-separated, newest first (rotation).
DATA_KEYS = [
    k.strip()
    for k in (env("DANCHU_DATA_KEY") or (_DEV_DATA_KEY if DEBUG else "")).split(",")
    if k.strip()
]

if not DEBUG:
    # NetBox's required-parameter check: fail at start-up, not at first use.
    missing = [
        n for n, v in (("DANCHU_SECRET_KEY", SECRET_KEY), ("DANCHU_DATA_KEY", DATA_KEYS)) if not v
    ]
    if missing:
        raise ImproperlyConfigured(
            "Missing required settings: "
            + ", ".join(missing)
            + " (set DANCHU_DEBUG=1 for development)"
        )

ALLOWED_HOSTS = [
    h.strip() for h in (env("DANCHU_ALLOWED_HOSTS") or "127.0.0.1,localhost").split(",")
]
CSRF_TRUSTED_ORIGINS = [o for o in (env("DANCHU_CSRF_TRUSTED_ORIGINS") or "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "ninja",  # serves the API docs page from bundled assets (no CDN: see SECURE_CSP)
    "danchu.core",
    "danchu.territory",
    "danchu.accounts",
    "danchu.notifications",
    "danchu.disclosure",
    "danchu.decisions",
    "danchu.petitions",
    "danchu.contributions",
    "danchu.oversight",
    "danchu.consultation",
    "danchu.reporting",
    "danchu.web",
    "danchu.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "danchu.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "danchu.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "danchu.config.urls"
WSGI_APPLICATION = "danchu.config.wsgi.application"
ASGI_APPLICATION = "danchu.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]


def _database_from_url(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL")
    return {
        # Django's backend, its health check without a round trip (quality bar P7).
        "ENGINE": "danchu.core.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "danchu",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        # The hot paths' hand-written statements (danchu.core.rows.prepared_cursor) are
        # prepared once per connection; Django's own queries never are. Behind a
        # transaction-mode pooler without prepared-statement support, set it to None.
        "OPTIONS": {"prepare_threshold": 0},
    }


def sqlite_database(path: Path | str) -> dict[str, object]:
    """SQLite configured for concurrent use, not only for tests.

    With deferred transactions, concurrent read-then-write requests fail with "database is
    locked" (about 3% of responses measured under load); IMMEDIATE transactions, WAL and a
    20 s busy timeout remove that (quality bar R11). Connections persist for a minute: opening
    the file and running its PRAGMAs cost about 2.5 ms of CPU per request (bench/online_votes.py).
    Write transactions queue on a lock file instead of meeting SQLite's sleeping busy handler
    (``danchu.core.backends.sqlite3``).
    """
    return {
        "ENGINE": "danchu.core.backends.sqlite3",
        "NAME": path,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=FULL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }


DATABASE_URL = env("DATABASE_URL")
DATABASES = {
    "default": _database_from_url(DATABASE_URL)
    if DATABASE_URL
    else sqlite_database(DATA_DIR / "danchu.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: a 50 MB household file must be refused with a clear message, not a 500.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = int(env("DANCHU_IMPORT_MAX_BYTES") or 40 * 1024 * 1024)

# Disclosure attachments and proofs (PDF, DOCX, XLSX, images): the largest file accepted.
DISCLOSURE_FILE_MAX_BYTES = int(env("DANCHU_DISCLOSURE_FILE_MAX_BYTES") or 20 * 1024 * 1024)
# Law 10/2022 Art. 14 sends requests for information to the Law on Access to Information
# (104/2016/QH13), Art. 28: an answer within 10 working days of a valid request. [verify]
# the period against the consolidated text: a setting, not a literal.
INFO_REQUEST_WORKING_DAYS = int(env("DANCHU_INFO_REQUEST_WORKING_DAYS") or 10)
# A village head's term and an interim head's longest stay, in months. Not in Law 10/2022 nor
# Decree 59/2023 (legal-spec §1.f): Thông tư 04/2012/TT-BNV had 2.5 or 5 years; an unofficial
# copy of Decree 185/2026/NĐ-CP (not confirmed) says 5 years, adjustable by the UBND xã by up to
# 6 months, and interim heads for at most 6 months. Configurable until confirmed.
VILLAGE_HEAD_TERM_MONTHS = int(env("DANCHU_VILLAGE_HEAD_TERM_MONTHS") or 60)
VILLAGE_HEAD_INTERIM_MONTHS = int(env("DANCHU_VILLAGE_HEAD_INTERIM_MONTHS") or 6)
# Days before an elected term, an interim period or the 60-day re-election after a dismissal
# (Decree 59/2023 Art. 9(3)) ends that `danchu village-head-sweep` reminds the commune. 60 leaves
# the chair time before the election plan's 20 days (Art. 6). Choices, not law.
VILLAGE_HEAD_TERM_REMIND_DAYS = int(env("DANCHU_VILLAGE_HEAD_TERM_REMIND_DAYS") or 60)
VILLAGE_HEAD_INTERIM_REMIND_DAYS = int(env("DANCHU_VILLAGE_HEAD_INTERIM_REMIND_DAYS") or 30)
VILLAGE_HEAD_REELECTION_REMIND_DAYS = int(env("DANCHU_VILLAGE_HEAD_REELECTION_REMIND_DAYS") or 15)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MAILERS = {
    "default": {
        "BACKEND": env("DANCHU_EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
    }
}
DEFAULT_FROM_EMAIL = env("DANCHU_FROM_EMAIL") or "danchu@localhost"
# SMS gateway: a dotted path to a class with send(phone, text). Console/log by default.
SMS_BACKEND = env("DANCHU_SMS_BACKEND") or "danchu.notifications.sms.LogSmsBackend"

# Sign-in throttling: at most N failures per key (user name, phone, IP) in the window.
SIGNIN_MAX_FAILURES = int(env("DANCHU_SIGNIN_MAX_FAILURES") or 5)
SIGNIN_WINDOW_SECONDS = int(env("DANCHU_SIGNIN_WINDOW_SECONDS") or 15 * 60)
# Whether officials must use the second factor (a commune can also require it per unit).
OFFICIALS_REQUIRE_OTP = env_bool("DANCHU_OFFICIALS_REQUIRE_OTP", False)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and env_bool("DANCHU_HTTPS", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = not DEBUG and env_bool("DANCHU_HTTPS", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL_REDIRECT else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL_REDIRECT
SECURE_HSTS_PRELOAD = SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django 6's built-in Content Security Policy.
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "danchu.core.logging.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env("DANCHU_LOG_LEVEL") or "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
