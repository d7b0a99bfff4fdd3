"""/api/v1/ routes of the volunteers app (scoped, like the pages)."""

from rest_framework.routers import DefaultRouter

from volunteers.api import activities as activities_api
from volunteers.api import teams as teams_api

router = DefaultRouter()
router.include_root_view = False
router.register("teams", teams_api.TeamViewSet, basename="team")
router.register("volunteers", teams_api.VolunteerViewSet, basename="volunteer")
router.register("activities", activities_api.ActivityViewSet, basename="activity")
router.register("service-hours", activities_api.ServiceHoursViewSet, basename="service-hours")

urlpatterns = router.urls
