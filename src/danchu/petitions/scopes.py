"""How this app's rows are scoped in the permission layer (see accounts.permissions)."""

from __future__ import annotations


def register_request_scopes() -> None:
    """Requests, their deadlines and answers (feedback, complaints, denunciations)."""


def register_community_scopes() -> None:
    """Reception days, dialogues and mediation."""
