"""meetings routes; see projects/urls/__init__.py. Consultation meetings, 票决 and public polls."""

from django.urls import path

from projects.views import meetings as views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/outcome/", views.meeting_outcome, name="meeting_outcome"),
    path("meetings/<int:pk>/links/", views.meeting_links, name="meeting_links"),
    path("meetings/<int:pk>/ballot/", views.meeting_ballot, name="meeting_ballot"),
    path("meetings/<int:pk>/participants/", views.participant_add, name="meeting_participant_add"),
    path(
        "meetings/<int:pk>/participants/<int:participant_pk>/remove/",
        views.participant_remove,
        name="meeting_participant_remove",
    ),
    path("meetings/<int:pk>/opinions/", views.opinion_add, name="meeting_opinion_add"),
    path("meetings/<int:pk>/opinions/<int:opinion_pk>/adopt/", views.opinion_adopt, name="meeting_opinion_adopt"),
    path("meetings/<int:pk>/opinions/<int:opinion_pk>/remove/", views.opinion_remove, name="meeting_opinion_remove"),
    path("meetings/<int:pk>/follow-ups/", views.follow_up_add, name="meeting_follow_up_add"),
    path(
        "meetings/<int:pk>/follow-ups/<int:follow_up_pk>/done/", views.follow_up_done, name="meeting_follow_up_done"
    ),
    path("meetings/<int:pk>/photos/", views.photo_add, name="meeting_photo_add"),
    path("meetings/<int:pk>/photos/<int:photo_pk>/public/", views.photo_public, name="meeting_photo_public"),
    path("meetings/<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete, name="meeting_photo_delete"),
    path("meetings/photos/<int:pk>/<str:size>/", views.photo, name="meeting_photo"),
    path("manage/polls/", views.poll_manage_list, name="poll_manage_list"),
    path("manage/polls/new/", views.poll_create, name="poll_create"),
    path("manage/polls/<int:pk>/", views.poll_manage_detail, name="poll_manage_detail"),
    path("manage/polls/<int:pk>/edit/", views.poll_edit, name="poll_edit"),
    path("manage/polls/<int:pk>/close/", views.poll_close, name="poll_close"),
    path("polls/", views.poll_public_list, name="poll_public_list"),
    path("polls/<int:pk>/", views.poll_public, name="poll_public"),
]
