"""work routes (funding, batches, milestones, photos of a project); see projects/urls/__init__.py."""

from django.urls import path

from projects.views import work as views

urlpatterns = [
    path("manage/projects/<int:pk>/contributions/add/", views.contribution_add, name="contribution_add"),
    path(
        "manage/projects/<int:pk>/contributions/<int:contribution_pk>/remove/",
        views.contribution_remove,
        name="contribution_remove",
    ),
    path("manage/projects/<int:pk>/batches/add/", views.batch_add, name="batch_add"),
    path("manage/projects/<int:pk>/batches/<int:batch_pk>/delivery/", views.batch_delivery, name="batch_delivery"),
    path("manage/projects/<int:pk>/milestones/add/", views.milestone_add, name="milestone_add"),
    path(
        "manage/projects/<int:pk>/milestones/<int:milestone_pk>/progress/",
        views.milestone_progress,
        name="milestone_progress",
    ),
    path("manage/projects/<int:pk>/photos/add/", views.photo_pair_add, name="photo_pair_add"),
    path("manage/projects/<int:pk>/photos/<int:pair_pk>/after/", views.photo_pair_after, name="photo_pair_after"),
    path("manage/projects/<int:pk>/photos/<int:pair_pk>/remove/", views.photo_pair_remove, name="photo_pair_remove"),
    path(
        "manage/projects/<int:pk>/photos/<int:pair_pk>/<str:side>/<str:size>/",
        views.photo_pair_image,
        name="photo_pair_image",
    ),
]
