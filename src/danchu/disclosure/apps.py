from django.apps import AppConfig
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
