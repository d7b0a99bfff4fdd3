"""/api/v1/: one router per app, mounted here."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

urlpatterns = [
    # Partners exchange a staff username and password for `Authorization: Token <key>`.
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include("communities.api.urls")),
    path("", include("resident_requests.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("volunteers.api.urls")),
]
