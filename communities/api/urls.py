"""/api/v1/ routes for community data. URL names: `<basename>-list`, `<basename>-detail`."""

from rest_framework.routers import DefaultRouter

from communities.api import views

router = DefaultRouter()
router.register("communities", views.CommunityViewSet, basename="community")
router.register("grids", views.GridViewSet, basename="grid")
router.register("compounds", views.CompoundViewSet, basename="compound")
router.register("buildings", views.BuildingViewSet, basename="building")
router.register("stairwells", views.StairwellViewSet, basename="stairwell")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("party-tiers", views.PartyTierViewSet, basename="party-tier")
router.register("party-organisations", views.PartyOrganisationViewSet, basename="party-organisation")
router.register("party-members", views.PartyMemberViewSet, basename="party-member")
router.register("residents", views.ResidentViewSet, basename="resident")
router.register("co-building-units", views.CoBuildingUnitViewSet, basename="co-building-unit")
router.register("service-positions", views.ServicePositionViewSet, basename="service-position")

urlpatterns = router.urls
