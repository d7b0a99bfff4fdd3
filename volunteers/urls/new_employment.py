"""new_employment routes; see volunteers/urls/__init__.py.

Staff: /new-employment/ (registry, counts, care activities), /new-employment/workers/…,
/new-employment/stations/ (暖心驿站 and their amenities).
"""

from django.urls import path

from volunteers.views import new_employment as views

urlpatterns = [
    path("new-employment/", views.worker_list, name="worker_list"),
    path("new-employment/workers/new/", views.worker_create, name="worker_create"),
    path("new-employment/workers/<int:pk>/", views.worker_detail, name="worker_detail"),
    path("new-employment/workers/<int:pk>/edit/", views.worker_update, name="worker_update"),
    path("new-employment/workers/<int:pk>/enlist/", views.worker_enlist, name="worker_enlist"),
    path("new-employment/stations/", views.station_list, name="station_list"),
    path("new-employment/stations/<int:pk>/amenities/add/", views.amenity_add, name="amenity_add"),
    path(
        "new-employment/stations/<int:pk>/amenities/<int:amenity_pk>/remove/",
        views.amenity_remove,
        name="amenity_remove",
    ),
]
