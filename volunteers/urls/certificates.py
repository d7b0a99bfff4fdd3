"""certificates routes; see volunteers/urls/__init__.py."""

from django.urls import path

from volunteers.views import certificates as views

urlpatterns: list = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/new/", views.certificate_issue, name="certificate_issue"),
    path("certificates/verify/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/retry/", views.certificate_retry, name="certificate_retry"),
]
