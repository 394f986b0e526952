"""The SQLite defaults are for concurrent use, and production settings are safe (bars R10, R11)."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from danchu.config.settings import sqlite_database


@pytest.mark.django_db
def test_sqlite_connection_runs_with_wal_immediate_full_sync_and_20s_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only settings; this run uses PostgreSQL")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 20000
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.transaction_mode == "IMMEDIATE"


def test_the_default_database_is_configured_the_same_way():
    options = sqlite_database("x.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20


def test_passwords_are_hashed_with_argon2_in_production_settings():
    code = (
        "import os; os.environ['DANCHU_SECRET_KEY']='x'*50; "
        "os.environ['DANCHU_DATA_KEY']='ZGFuY2h1LWRldmVsb3BtZW50LWRhdGEta2V5LTAwMDA='; "
        "os.environ.pop('DANCHU_DEBUG', None); "
        "from danchu.config import settings as s; print(s.PASSWORD_HASHERS[0]); print(s.DEBUG)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, debug = out.stdout.split()
    assert first == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert debug == "False"


def test_production_refuses_to_start_without_keys():
    code = (
        "import os; [os.environ.pop(k, None) for k in "
        "('DANCHU_DEBUG','DANCHU_SECRET_KEY','DANCHU_DATA_KEY')]; "
        "import danchu.config.settings"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode != 0
    assert "DANCHU_SECRET_KEY" in out.stderr


def test_time_zone_and_language():
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ
    assert settings.LANGUAGE_CODE == "vi"


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DANCHU_SECRET_KEY": "k" * 20
        + "-production-like-secret-key-with-enough-entropy-1234567890",
        "DANCHU_DATA_KEY": "ZGFuY2h1LWRldmVsb3BtZW50LWRhdGEta2V5LTAwMDA=",
        "DANCHU_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "danchu.config.settings",
        # Production sends real mail; the console default is rightly flagged by --deploy.
        "DANCHU_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    code = (
        "from danchu.cli import main; "
        "main(['danchu', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "no issues" in out.stdout
