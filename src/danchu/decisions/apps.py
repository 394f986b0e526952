from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    """Dân bàn và quyết định: matters the households decide (Law 10/2022 Art. 15–24)."""

    name = "danchu.decisions"
    verbose_name = _("Community decisions")

    def ready(self) -> None:
        from danchu.accounts.permissions import register_scope

        commune = {"province": "commune__parent_id", "commune": "commune_id"}
        # A matter is commune-level; its villages, ballots and votes sit in one village.
        register_scope("decisions.matter", commune)
        register_scope("decisions.mattervillage", {**commune, "village": "village_id"})
        in_village = {**commune, "village": "matter_village__village_id"}
        register_scope("decisions.ballot", {**in_village, "household": "household_id"})
        register_scope("decisions.vote", {**in_village, "household": "household_id"})
        register_scope(
            "decisions.initiative", {**commune, "village": "village_id", "person": "proposer_id"}
        )
        register_scope(
            "decisions.consent",
            {**commune, "village": "initiative__village_id", "household": "household_id"},
        )

    def load_demo(self, commune: Any, *, seed: int, stdout: Any) -> None:
        """``danchu demo``: the demo commune's matters (called by the territory demo)."""
        from danchu.decisions.demo import demo_load

        result = demo_load(commune, seed=seed)
        if result.already_loaded:
            message = gettext(
                "The demo commune already has %(count)d matters (use --reset to rebuild)."
            )
            stdout.write(message % {"count": result.matters})
            return
        message = gettext(
            "Demo matters: %(count)d (%(closed)d closed, %(adopted)d adopted; %(open)d open), %(votes)d household votes."  # noqa: E501
        )
        stdout.write(
            message
            % {
                "count": result.matters,
                "closed": result.closed,
                "adopted": result.adopted,
                "open": result.open,
                "votes": result.votes,
            }
        )

    def reset_demo(self, commune: Any) -> None:
        """``danchu demo --reset``: remove the matters before the villages and accounts go."""
        from danchu.decisions.demo import demo_reset

        demo_reset(commune)
