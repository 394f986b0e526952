from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Dân kiểm tra, dân giám sát: inspection and community investment supervision boards."""

    name = "danchu.oversight"
    verbose_name = _("Oversight boards")

    def ready(self) -> None:
        from danchu.accounts.permissions import register_scope

        commune = {"province": "commune__parent_id", "commune": "commune_id"}
        # Boards, works and their records are commune-level: the boards serve the commune.
        for model in (
            "inspectionboard", "inspectionboardmember", "supervisedwork", "fundingsource",
            "milestone", "investordocument", "supervisionboard", "supervisionboardmember",
            "boardplan", "inspection", "inspectionphoto", "recommendation", "concern",
        ):  # fmt: skip
            register_scope(f"oversight.{model}", commune)

    def load_demo(self, commune: Any, *, seed: int, stdout: Any) -> None:
        """``danchu demo``: a supervised work with its board, findings and recommendations."""
        from danchu.oversight.demo import demo_load

        result = demo_load(commune, seed=seed)
        message = gettext(
            "Demo oversight: %(works)d supervised work(s), %(recommendations)d recommendations."
        )
        stdout.write(message % {"works": result.works, "recommendations": result.recommendations})

    def reset_demo(self, commune: Any) -> None:
        """``danchu demo --reset``: remove the oversight rows before the villages go."""
        from danchu.oversight.demo import demo_reset

        demo_reset(commune)
