"""activities routes (staff: activities, shifts, sign-ups, attendance, hours); see volunteers/urls/__init__.py."""

from django.urls import path

from volunteers.views import activities as views
from volunteers.views import attendance

urlpatterns: list = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/hours/", attendance.hours_list, name="hours_list"),
    path("activities/hours/<int:pk>/", attendance.hours_detail, name="hours_detail"),
    path("activities/hours/<int:pk>/<str:action>/", attendance.hours_act, name="hours_act"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/shifts/add/", views.shift_add, name="activity_shift_add"),
    path("activities/<int:pk>/shifts/<int:shift_pk>/edit/", views.shift_edit, name="activity_shift_edit"),
    path("activities/<int:pk>/shifts/<int:shift_pk>/remove/", views.shift_remove, name="activity_shift_remove"),
    path("activities/<int:pk>/publish/", views.activity_publish, name="activity_publish"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/photos/add/", views.photo_add, name="activity_photo_add"),
    path("activities/<int:pk>/photos/<int:photo_pk>/<str:size>/", views.photo, name="activity_photo"),
    path("activities/<int:pk>/stalls/add/", views.stall_add, name="activity_stall_add"),
    path("activities/<int:pk>/stalls/<int:stall_pk>/", views.stall_update, name="activity_stall_update"),
    path("activities/<int:pk>/stalls/<int:stall_pk>/remove/", views.stall_remove, name="activity_stall_remove"),
    path("activities/<int:pk>/served/", views.people_served, name="activity_people_served"),
    path("activities/<int:pk>/signups/add/", views.signup_add, name="activity_signup_add"),
    path("activities/<int:pk>/signups/<int:signup_pk>/cancel/", views.signup_cancel, name="activity_signup_cancel"),
    path("activities/<int:pk>/signups/<int:signup_pk>/check-in/", attendance.check_in, name="activity_check_in"),
    path("activities/<int:pk>/signups/<int:signup_pk>/check-out/", attendance.check_out, name="activity_check_out"),
    path("activities/<int:pk>/qr/", attendance.activity_qr, name="activity_qr"),
]
