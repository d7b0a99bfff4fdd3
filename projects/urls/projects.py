"""projects routes (staff project pages); see projects/urls/__init__.py."""

from django.urls import path

from projects.views import projects as views

urlpatterns: list = [
    path("manage/projects/", views.project_list, name="project_list"),
    path("manage/projects/new/", views.project_create, name="project_create"),
    path("manage/projects/export/", views.project_export, name="project_export"),
    path("manage/projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("manage/projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("manage/projects/<int:pk>/act/<slug:action>/", views.project_act, name="project_act"),
]
