from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentRequestsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "resident_requests"
    verbose_name = _("居民诉求")
