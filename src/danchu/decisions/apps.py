from django.apps import AppConfig
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
