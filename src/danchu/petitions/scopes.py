"""How this app's rows are scoped in the permission layer (see accounts.permissions)."""

from __future__ import annotations


def register_request_scopes() -> None:
    """Requests, their deadlines and answers (feedback, complaints, denunciations)."""
    from danchu.accounts.permissions import register_scope

    commune = {"province": "commune__parent_id", "commune": "commune_id"}
    # Commune-wide: a request about a village is still the commune's to handle.
    register_scope("petitions.citizenrequest", commune)
    register_scope("petitions.clockdecision", commune)


def register_community_scopes() -> None:
    """Reception days, dialogues and mediation."""
