from django.apps import AppConfig


class XietangConfig(AppConfig):
    name = "xietang"
    verbose_name = "平台"
