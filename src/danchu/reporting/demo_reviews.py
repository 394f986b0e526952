"""Demo data for the steering reports: the reviews part (idempotent)."""

from __future__ import annotations

from typing import Any


def load(commune: Any, *, seed: int, stdout: Any) -> None:
    """Load this part's demo data for commune (does nothing when already loaded)."""


def reset(commune: Any) -> None:
    """Remove this part's demo data for commune."""
