"""/api/v1/ routes for the three lists, projects, meetings and contributions (scoped, like the pages)."""

from rest_framework.routers import DefaultRouter

from projects.api import lists, work
from projects.api import meetings as meetings_api
from projects.api import projects as projects_api

# /api/v1/ itself is the communities router's root view.
router = DefaultRouter()
router.include_root_view = False
# Each area registers its viewsets here, e.g.
# router.register("projects", projects.ProjectViewSet, basename="project")

router.register("projects", projects_api.ProjectViewSet, basename="project")
router.register("contributions", work.ContributionViewSet, basename="contribution")
router.register("needs", lists.NeedViewSet, basename="need")
router.register("resources", lists.ResourceViewSet, basename="resource")
router.register("menu-items", lists.MenuItemViewSet, basename="menu-item")
router.register("meetings", meetings_api.MeetingViewSet, basename="meeting")

urlpatterns = router.urls
