"""Test settings: the base settings with fast hashing and tasks run inline.

``DATABASE_URL`` still selects PostgreSQL, so the same suite runs on both databases.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DANCHU_DEBUG", "1")

from danchu.config.settings import *  # noqa: E402,F403
from danchu.config.settings import DATABASE_URL, sqlite_database  # noqa: E402

DEBUG = False
DATA_DIR = Path(tempfile.gettempdir()) / "danchu-test"
DATA_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not DATABASE_URL:
    # A file, not :memory:, so live-server tests (browser, schemathesis) share it.
    DATABASES = {"default": sqlite_database(DATA_DIR / "test.sqlite3")}
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
# Hashing is not what most tests measure; a test asserts argon2 in the real settings.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SMS_BACKEND = "danchu.notifications.sms.MemorySmsBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
