from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    # Teams, activities, hours and points arrive with issue 5.
    name = "volunteers"
    verbose_name = "志愿服务"
