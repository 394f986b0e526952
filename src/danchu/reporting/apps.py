import importlib
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The demo's parts, loaded in this order (history first: the reviews read it).
DEMO_PARTS = ("history", "steering", "reviews")


class ReportingConfig(AppConfig):
    """Chỉ đạo, sơ kết, tổng kết: indicators rolled up from village to nation, review reports,
    key tasks, emulation and awards. Reads the pillars through their selectors only."""

    name = "danchu.reporting"
    verbose_name = _("Steering and reviews")

    def ready(self) -> None:
        from danchu.accounts.permissions import register_scope
        from danchu.reporting import signals

        signals.connect()  # pillar writes mark their commune's roll-ups dirty
        register_scope(
            "reporting.reportedfigure", {"province": "province_id", "commune": "commune_id"}
        )

    def load_demo(self, commune: Any, *, seed: int, stdout: Any) -> None:
        """``danchu demo``: historical figures, steering plans and awards, then the reviews."""
        for part in DEMO_PARTS:
            module = importlib.import_module(f"danchu.reporting.demo_{part}")
            module.load(commune, seed=seed, stdout=stdout)

    def reset_demo(self, commune: Any) -> None:
        for part in reversed(DEMO_PARTS):
            module = importlib.import_module(f"danchu.reporting.demo_{part}")
            module.reset(commune)
