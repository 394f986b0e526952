import importlib.util
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    """Dân tham gia ý kiến: residents' opinions on drafts, answered, and the opinion map."""

    name = "danchu.consultation"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from danchu.accounts.permissions import register_scope

        commune = {"province": "commune__parent_id", "commune": "commune_id"}
        # A consultation and its synthesis are the commune's; an opinion sits in its village
        # (none for paper opinions without one) and belongs to its author.
        register_scope("consultation.consultation", commune)
        register_scope("consultation.section", commune)
        register_scope("consultation.opiniongroup", commune)
        register_scope("consultation.affectedcitizen", {**commune, "person": "user_id"})
        register_scope(
            "consultation.opinion", {**commune, "village": "village_id", "person": "author_id"}
        )

    def load_demo(self, commune: Any, *, seed: int, stdout: Any) -> None:
        """``danchu demo``: a closed consultation with its synthesis, and an open one."""
        from danchu.consultation.demo import demo_load

        result = demo_load(commune, seed=seed)
        if result.already_loaded:
            stdout.write(
                gettext("The demo commune already has %(count)d consultations.")
                % {"count": result.consultations}
            )
            return
        # The opinion map's demo (its own part) fills the open consultation when it exists.
        if result.open_consultation is not None and importlib.util.find_spec(
            "danchu.consultation.map_demo"
        ):
            from danchu.consultation import map_demo  # type: ignore[attr-defined]

            map_demo.demo_load(result.open_consultation, seed)
        stdout.write(
            gettext("Demo consultations: %(count)d, %(opinions)d opinions.")
            % {"count": result.consultations, "opinions": result.opinions}
        )

    def reset_demo(self, commune: Any) -> None:
        """``danchu demo --reset``: remove the consultations before the villages and accounts."""
        from danchu.consultation.demo import demo_reset

        demo_reset(commune)
