"""public routes (no account) under /serve/: activities, sign-up, look-up, QR check-in, calendars;
see volunteers/urls/__init__.py."""

from django.urls import path

from volunteers.views import calendars, public

urlpatterns: list = [
    path("serve/", public.activity_list, name="public_activity_list"),
    path("serve/activities/<int:pk>/", public.activity_detail, name="public_activity_detail"),
    path("serve/signup/", public.signup_lookup, name="public_signup_lookup"),
    path("serve/signup/done/", public.signup_done, name="public_signup_done"),
    path("serve/signup/cancel/", public.signup_cancel_public, name="public_signup_cancel"),
    path("serve/check-in/<str:token>/", public.check_in, name="public_check_in"),
    path("serve/calendar.ics", calendars.public_calendar, name="calendar_public"),
    path("serve/calendar/<str:token>.ics", calendars.volunteer_calendar, name="calendar_volunteer"),
]
