"""Routes of the dashboards app: /dashboard/ (figures, charts) and /reports/ (Celery report runs)."""

from django.urls import path  # noqa: F401

app_name = "dashboards"

urlpatterns: list = [
    # (dashboards: dashboard routes)
    # (dashboards: report routes)
]
