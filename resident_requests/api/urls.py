"""/api/v1/ routes for resident requests. URL names: `<basename>-list`, `<basename>-detail`, `<basename>-<action>`."""

from rest_framework.routers import DefaultRouter

from resident_requests.api import views

# /api/v1/ itself is the communities router's root view; a second one would never be reached.
router = DefaultRouter()
router.include_root_view = False
router.register("requests", views.ResidentRequestViewSet, basename="resident-request")
router.register("request-categories", views.RequestCategoryViewSet, basename="request-category")

urlpatterns = router.urls
