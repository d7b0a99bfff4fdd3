"""/api/v1/ routes of the volunteers app (scoped, like the pages)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
router.include_root_view = False
# Each area registers its viewsets below (teams/volunteers, then activities/sign-ups/hours).
# (volunteers: teams area)
# (volunteers: activities area)

urlpatterns = router.urls
