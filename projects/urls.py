from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("needs/evidence/", views.need_evidence, name="need_evidence"),
]
