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
    """Reception days, dialogues and mediation.

    Reception and dialogues are commune business. Mediation rows sit in the team's village, so
    a mediator (a village role) reaches only their own village's logbook (Luật Hòa giải ở cơ sở
    Art. 4(3): the parties' private information stays with the team and the commune).
    """
    from danchu.accounts.permissions import register_scope

    commune = {"province": "commune__parent_id", "commune": "commune_id"}
    for model in (
        "receptionday", "receptionslot", "receptionbooking", "receptionrecord", "dialogue",
        "dialoguequestion", "questionsupport", "dialoguecommitment",
    ):  # fmt: skip
        register_scope(f"petitions.{model}", commune)
    register_scope("petitions.mediationteam", {**commune, "village": "village_id"})
    register_scope("petitions.mediator", {**commune, "village": "team__village_id"})
    register_scope("petitions.mediationcase", {**commune, "village": "village_id"})
    register_scope("petitions.mediationsession", {**commune, "village": "case__village_id"})
