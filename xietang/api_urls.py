"""/api/v1/: one router per app, mounted here."""

from django.urls import include, path

urlpatterns = [
    path("", include("communities.api.urls")),
]
