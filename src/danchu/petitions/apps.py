from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    """Citizens' requests: phản ánh, khiếu nại, tố cáo; tiếp công dân, đối thoại, hòa giải."""

    name = "danchu.petitions"
    verbose_name = _("Citizens' requests")

    def ready(self) -> None:
        from danchu.petitions.scopes import register_community_scopes, register_request_scopes

        register_request_scopes()
        register_community_scopes()

    def load_demo(self, commune: Any, *, seed: int, stdout: Any) -> None:
        """``danchu demo``: a year of requests, reception days, dialogues and mediation."""
        from danchu.petitions.demo import demo_load

        demo_load(commune, seed=seed, stdout=stdout)

    def reset_demo(self, commune: Any) -> None:
        """``danchu demo --reset``: remove this app's rows before the villages and accounts go."""
        from danchu.petitions.demo import demo_reset

        demo_reset(commune)
