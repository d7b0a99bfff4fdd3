"""/api/v1/ routes for the three lists, projects, meetings and contributions (scoped, like the pages)."""

from rest_framework.routers import DefaultRouter

# /api/v1/ itself is the communities router's root view.
router = DefaultRouter()
router.include_root_view = False
# Each area registers its viewsets here, e.g.
# router.register("projects", projects.ProjectViewSet, basename="project")

urlpatterns = router.urls
