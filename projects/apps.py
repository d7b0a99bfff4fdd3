from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    # Micro-projects, the three lists and consultations arrive with issue 4.
    name = "projects"
    verbose_name = "微实事项目"
