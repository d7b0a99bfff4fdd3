"""lists routes (需求清单, 资源清单, 实事菜单); see projects/urls/__init__.py.

/needs/evidence/ (from the request inbox) is routed in projects/urls/__init__.py."""

from django.urls import path

from projects.views import lists as views

urlpatterns = [
    path("needs/", views.need_list, name="need_list"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", views.need_update, name="need_update"),
    path("needs/<int:pk>/decline/", views.need_decline, name="need_decline"),
    path("needs/<int:pk>/met/", views.need_mark_met, name="need_mark_met"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/edit/", views.resource_update, name="resource_update"),
    path("resources/<int:pk>/withdraw/", views.resource_withdraw, name="resource_withdraw"),
    path("menu/", views.menu_item_list, name="menu_item_list"),
    path("menu/new/", views.menu_item_create, name="menu_item_create"),
    path("menu/<int:pk>/", views.menu_item_detail, name="menu_item_detail"),
    path("menu/<int:pk>/edit/", views.menu_item_update, name="menu_item_update"),
    path("menu/<int:pk>/screen/", views.menu_item_screen, name="menu_item_screen"),
]
