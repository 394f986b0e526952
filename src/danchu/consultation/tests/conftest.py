"""Consultation tests keep uploads (the draft documents) in a temporary directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
