from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    """Dân làm: what residents contribute — money, land, workdays, materials — and its spending."""

    name = "danchu.contributions"
    verbose_name = _("Contribution campaigns")

    def ready(self) -> None:
        from danchu.accounts.permissions import register_scope

        commune = {"province": "commune__parent_id", "commune": "commune_id"}
        # A campaign is commune-level; receipts and pledges sit in the contributor's village
        # (a village head sees and collects those of their own village).
        register_scope("contributions.campaign", commune)
        register_scope("contributions.receipt", {**commune, "village": "village_id"})
        register_scope("contributions.pledge", {**commune, "village": "village_id"})
        register_scope("contributions.exemption", {**commune, "village": "household__village_id"})
        register_scope("contributions.spending", commune)

    def load_demo(self, commune: Any, *, seed: int, stdout: Any) -> None:
        """``danchu demo``: a finished new-rural-road campaign and an open fund campaign."""
        from danchu.contributions.demo import demo_load

        created = demo_load(commune, seed=seed)
        if not created:
            stdout.write(gettext("The demo commune already has its contribution campaigns."))
            return
        stdout.write(gettext("Demo contribution campaigns: %(count)d.") % {"count": created})

    def reset_demo(self, commune: Any) -> None:
        """``danchu demo --reset``: remove the campaigns before the villages and accounts go."""
        from danchu.contributions.demo import demo_reset

        demo_reset(commune)
