from django.urls import path

from communities import views, views_sheets

app_name = "communities"

urlpatterns = [
    path("places/", views.community_list, name="community_list"),
    path("places/communities/<int:pk>/", views.community_detail, name="community_detail"),
    path("places/grids/<int:pk>/", views.grid_detail, name="grid_detail"),
    path("places/compounds/<int:pk>/", views.compound_detail, name="compound_detail"),
    path("places/buildings/<int:pk>/", views.building_detail, name="building_detail"),
    path("places/households/<int:pk>/", views.household_detail, name="household_detail"),
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/new/", views.resident_create, name="resident_create"),
    path("residents/export/", views_sheets.resident_export, name="resident_export"),
    path("residents/import/", views_sheets.resident_import, name="resident_import"),
    path("residents/import/template.xlsx", views_sheets.resident_import_template, name="resident_import_template"),
    path("residents/import/<int:pk>/", views_sheets.resident_import_review, name="resident_import_review"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/edit/", views.resident_update, name="resident_update"),
    path("residents/<int:pk>/delete/", views.resident_delete, name="resident_delete"),
    path("residents/<int:pk>/reveal-id/", views.resident_reveal_id, name="resident_reveal_id"),
    path("party/", views.party_tree, name="party_tree"),
    path("party/<int:pk>/", views.party_organisation_detail, name="party_organisation_detail"),
    path("units/", views.co_building_unit_list, name="co_building_unit_list"),
    path("units/new/", views.co_building_unit_edit, name="co_building_unit_create"),
    path("units/<int:pk>/", views.co_building_unit_detail, name="co_building_unit_detail"),
    path("units/<int:pk>/edit/", views.co_building_unit_edit, name="co_building_unit_update"),
    path("positions/", views.service_position_list, name="service_position_list"),
    path("positions/new/", views.service_position_edit, name="service_position_create"),
    path("positions/<int:pk>/", views.service_position_detail, name="service_position_detail"),
    path("positions/<int:pk>/edit/", views.service_position_edit, name="service_position_update"),
]
