from django.urls import path

from resident_requests import views, views_public, views_summary

app_name = "requests"

urlpatterns = [
    # Staff
    path("requests/", views.inbox, name="inbox"),
    path("requests/new/", views.request_create, name="create"),
    path("requests/snap/", views.snap_staff, name="snap_staff"),
    path("requests/export/", views.export, name="export"),
    path("requests/summary/", views_summary.summary, name="summary"),
    path("requests/<int:pk>/", views.detail, name="detail"),
    path("requests/<int:pk>/<slug:action>/", views.act, name="act"),
    path("requests/photos/<int:pk>/<str:size>/", views_public.photo, name="photo"),
    # Public (no account)
    path("report/", views_public.submit, name="submit"),
    path("report/done/<str:code>/", views_public.submitted, name="submitted"),
    path("snap/<str:token>/", views_public.snap, name="snap"),
    path("track/", views_public.track, name="track"),
    path("track/<str:code>/", views_public.track_detail, name="track_detail"),
    path("places/options/", views_public.place_options, name="place_options"),
]
