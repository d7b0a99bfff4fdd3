"""Reads for pages, API and reports. Every function takes the user and starts from visible_to."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from communities.models import (
    Building,
    CoBuildingUnit,
    Community,
    Compound,
    Grid,
    Household,
    PartyMember,
    PartyOrganisation,
    PartyTier,
    Resident,
    ServicePosition,
    Stairwell,
)


@dataclass(frozen=True)
class PartyCoverage:
    compounds: int
    compounds_with_branch: int
    stairwell_groups: int
    buildings: int
    buildings_covered: int

    @property
    def branch_rate(self) -> float | None:
        """小区党支部组建覆盖率 = compounds with a branch ÷ compounds."""
        return self.compounds_with_branch / self.compounds if self.compounds else None

    @property
    def building_rate(self) -> float | None:
        return self.buildings_covered / self.buildings if self.buildings else None


def party_coverage(*, user, community: Community | None = None) -> PartyCoverage:
    """Coverage figures computed from data, for the user's scope or one community in it."""
    return _coverage(
        Compound.objects.visible_to(user),
        Building.objects.visible_to(user),
        PartyOrganisation.objects.visible_to(user),
        community,
    )


def party_coverage_of(community: Community | None) -> PartyCoverage:
    """The same figures for the street (None) or one community, with no user: for callers
    that have decided access already (dashboards, and reports made by beat for nobody)."""
    return _coverage(Compound.objects.all(), Building.objects.all(), PartyOrganisation.objects.all(), community)


def _coverage(compounds, buildings, organisations, community: Community | None) -> PartyCoverage:
    groups = organisations.filter(tier__level=PartyTier.STAIRWELL)
    if community is not None:
        compounds = compounds.filter(community=community)
        buildings = buildings.filter(compound__community=community)
        groups = groups.filter(community=community)
    branches = PartyOrganisation.objects.filter(tier__level=PartyTier.COMPOUND, compound=OuterRef("pk"))
    group_here = PartyOrganisation.objects.filter(tier__level=PartyTier.STAIRWELL).filter(
        Q(building=OuterRef("pk")) | Q(stairwell__building=OuterRef("pk"))
    )
    compound_counts = compounds.aggregate(
        total=Count("pk"), with_branch=Count("pk", filter=Q(Exists(branches)))
    )
    building_counts = buildings.aggregate(total=Count("pk"), covered=Count("pk", filter=Q(Exists(group_here))))
    return PartyCoverage(
        compounds=compound_counts["total"],
        compounds_with_branch=compound_counts["with_branch"],
        stairwell_groups=groups.count(),
        buildings=building_counts["total"],
        buildings_covered=building_counts["covered"],
    )


def scope_overview(user) -> dict:
    """Counts for the staff home page: what is in the user's scope."""
    return {
        "communities": Community.objects.visible_to(user).count(),
        "grids": Grid.objects.visible_to(user).count(),
        "compounds": Compound.objects.visible_to(user).count(),
        "residents": Resident.objects.visible_to(user).count(),
        "party_members": PartyMember.objects.visible_to(user).count(),
        "co_building_units": CoBuildingUnit.objects.visible_to(user).count(),
        "service_positions": ServicePosition.objects.visible_to(user).count(),
        "coverage": party_coverage(user=user),
    }


def community_list(*, user) -> QuerySet[Community]:
    return Community.objects.visible_to(user).annotate(
        grid_count=Count("grids", distinct=True),
        compound_count=Count("compounds", distinct=True),
        resident_count=Count("residents", distinct=True),
    )


def grid_list(*, user, community: Community) -> QuerySet[Grid]:
    return (
        Grid.objects.visible_to(user)
        .filter(community=community)
        .select_related("leader")
        .prefetch_related("workers")
        .annotate(building_count=Count("buildings"))
    )


def compound_list(*, user, community: Community) -> QuerySet[Compound]:
    return (
        Compound.objects.visible_to(user)
        .filter(community=community)
        .annotate(building_count=Count("buildings", distinct=True))
    )


def building_list(*, user, **filters) -> QuerySet[Building]:
    return (
        Building.objects.visible_to(user)
        .filter(**filters)
        .select_related("compound", "grid")
        .annotate(stairwell_count=Count("stairwells", distinct=True))
    )


def stairwells_with_households(*, user, building: Building) -> QuerySet[Stairwell]:
    households = Household.objects.annotate(resident_count=Count("residents")).order_by("room")
    return (
        Stairwell.objects.visible_to(user)
        .filter(building=building)
        .prefetch_related(Prefetch("households", queryset=households))
    )


def residents_for_list(queryset: QuerySet[Resident]) -> QuerySet[Resident]:
    """What a resident list row shows, in a fixed number of queries."""
    return queryset.select_related(
        "community", "household__stairwell__building__compound"
    ).prefetch_related("tags")


def party_organisations(*, user) -> QuerySet[PartyOrganisation]:
    return (
        PartyOrganisation.objects.visible_to(user)
        .select_related("tier", "parent", "compound", "building", "stairwell__building", "community")
        .annotate(member_count=Count("members", distinct=True))
        # Grouped queries drop Meta.ordering: order explicitly so the tree is stable.
        .order_by("tier__level", "name", "pk")
    )
