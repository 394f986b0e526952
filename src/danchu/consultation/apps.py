from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    """Dân tham gia ý kiến: residents' opinions on drafts, answered, and the opinion map."""

    name = "danchu.consultation"
    verbose_name = _("Consultations")
