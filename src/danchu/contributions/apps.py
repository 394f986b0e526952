from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    """Dân làm: what residents contribute — money, land, workdays, materials — and its spending."""

    name = "danchu.contributions"
    verbose_name = _("Contribution campaigns")
