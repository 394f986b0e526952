from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Dân biết: what the commune must publicise (Law 10/2022 Art. 11–14)."""

    name = "danchu.disclosure"
    verbose_name = _("Public disclosures")

    def ready(self) -> None:
        from danchu.accounts.permissions import register_scope

        commune = {"province": "commune__parent_id", "commune": "commune_id"}
        register_scope("disclosure.disclosure", commune)
        register_scope("disclosure.disclosureversion", commune)
        register_scope("disclosure.attachment", commune)
        # A record at a village point belongs to that village: its head records it.
        register_scope("disclosure.publishingrecord", {**commune, "village": "village_id"})
        # An information request is its requester's own (Law 10/2022 Art. 14: answered to them).
        register_scope("disclosure.informationrequest", {**commune, "person": "requester_id"})

    def load_demo(self, commune: Any, *, seed: int, stdout: Any) -> None:
        """``danchu demo``: the demo commune's register (called by the territory demo)."""
        from danchu.disclosure.demo import demo_load

        result = demo_load(commune, seed=seed)
        if result.already_loaded:
            message = gettext(
                "The demo commune already has %(count)d disclosures (use --reset to rebuild)."
            )
            stdout.write(message % {"count": result.disclosures})
            return
        message = gettext(
            "Demo disclosures: %(count)d (%(drafts)d draft), %(records)d acts of publishing, %(requests)d requests for information."  # noqa: E501
        )
        stdout.write(
            message
            % {
                "count": result.disclosures,
                "drafts": result.drafts,
                "records": result.records,
                "requests": result.requests,
            }
        )

    def reset_demo(self, commune: Any) -> None:
        """``danchu demo --reset``: remove the register before the villages and accounts go."""
        from danchu.disclosure.demo import demo_reset

        demo_reset(commune)
