"""Routes of the dashboards app: /dashboard/ (figures, charts) and /reports/ (Celery report runs)."""

from django.urls import path

from dashboards import views, views_reports

app_name = "dashboards"

urlpatterns: list = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/communities/<int:pk>/", views.dashboard_community, name="community"),
    path("dashboard/grids/<int:pk>/", views.dashboard_grid, name="grid"),
    path("reports/", views_reports.report_list, name="report_list"),
    path("reports/start/", views_reports.report_start, name="report_start"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/status.json", views_reports.report_status, name="report_status"),
    path("reports/<int:pk>/retry/", views_reports.report_retry, name="report_retry"),
    path("reports/<int:pk>/download/<str:fmt>/", views_reports.report_download, name="report_download"),
]
