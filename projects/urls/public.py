"""public routes; see projects/urls/__init__.py.

Residents (no account): /projects/ and /projects/<pk>/ (rating form), photos of public
projects. Staff: /manage/ratings/ to publish or hide residents' ratings.
"""

from django.urls import path

from projects.views import public, ratings

urlpatterns: list = [
    path("projects/", public.project_list, name="public_list"),
    path("projects/<int:pk>/", public.project_detail, name="public_detail"),
    path(
        "projects/photos/pairs/<int:pk>/<str:side>/<str:size>/",
        public.pair_photo,
        name="public_pair_photo",
    ),
    path("projects/photos/meetings/<int:pk>/<str:size>/", public.meeting_photo, name="public_meeting_photo"),
    path("manage/ratings/", ratings.rating_list, name="rating_list"),
    path("manage/ratings/<int:pk>/moderate/", ratings.rating_moderate_view, name="rating_moderate"),
]
