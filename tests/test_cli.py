"""The one entry point: ``danchu <command>`` with hyphens or underscores."""

import subprocess
import sys


def _danchu(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from danchu.cli import main; main(sys.argv)"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={
            "DANCHU_DEBUG": "1",
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "danchu.config.test_settings",
        },
        timeout=60,
        check=False,
    )


def test_hyphenated_commands_reach_their_management_command():
    for name in ("load-units", "verify-audit", "import-households", "demo"):
        result = _danchu(name, "--help")
        assert result.returncode == 0, (name, result.stderr[-500:])
        assert "usage: danchu" in result.stdout


def test_unknown_command_fails_cleanly():
    result = _danchu("no-such-command")
    assert result.returncode != 0
    assert "Unknown command" in result.stderr
