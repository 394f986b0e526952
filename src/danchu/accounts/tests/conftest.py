"""Fixtures for the accounts tests: a fake SMS gateway and a base.html stand-in if none exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from danchu.accounts import services

FALLBACK_TEMPLATES = Path(__file__).parent / "templates"


class FakeSms:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


@pytest.fixture
def sms(monkeypatch):
    fake = FakeSms()
    monkeypatch.setattr(services, "_sms_backend", lambda: fake)
    return fake


@pytest.fixture(autouse=True)
def _base_template(settings):
    """Use the web app's base.html when it exists; otherwise a minimal stand-in."""
    try:
        get_template("base.html")
    except TemplateDoesNotExist:
        templates = [dict(t) for t in settings.TEMPLATES]
        templates[0]["DIRS"] = [*templates[0]["DIRS"], FALLBACK_TEMPLATES]
        settings.TEMPLATES = templates
