from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Dân kiểm tra, dân giám sát: inspection and community investment supervision boards."""

    name = "danchu.oversight"
    verbose_name = _("Oversight boards")
