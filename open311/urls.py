"""/open311/v2/: GeoReport v2, every resource as .json or .xml."""

from django.urls import path, re_path, register_converter

from open311 import views

app_name = "open311"


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")

urlpatterns = [
    path("discovery.<open311_format:fmt>", views.discovery, name="discovery"),
    path("services.<open311_format:fmt>", views.service_list, name="services"),
    path("services/<slug:service_code>.<open311_format:fmt>", views.service_definition, name="service"),
    path("requests.<open311_format:fmt>", views.requests, name="requests"),
    path("requests/<slug:service_request_id>.<open311_format:fmt>", views.request_detail, name="request"),
    path("tokens/<slug:token>.<open311_format:fmt>", views.token, name="token"),
    # Not a GeoReport resource: the after-photos GET requests names in media_url.
    path("media/<str:signed>/", views.media, name="media"),
    re_path(r"^(?P<path>.*)$", views.unknown, name="unknown"),
]
