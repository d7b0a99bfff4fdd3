from communities.models.organisations import CoBuildingUnit, CoBuildingUnitType, PositionLevel, PositionType, ServicePosition
from communities.models.party import (
    DualReportStatus,
    PartyMember,
    PartyMemberStatus,
    PartyOrganisation,
    PartyPosition,
    PartyTier,
    PositionTitle,
)
from communities.models.places import Building, Community, CommunityType, Compound, Grid, Household, Stairwell, Street
from communities.models.residents import Gender, ResidenceType, Resident, ResidentImport, ResidentTag

__all__ = [
    "Building",
    "CoBuildingUnit",
    "CoBuildingUnitType",
    "Community",
    "CommunityType",
    "Compound",
    "DualReportStatus",
    "Gender",
    "Grid",
    "Household",
    "PartyMember",
    "PartyMemberStatus",
    "PartyOrganisation",
    "PartyPosition",
    "PartyTier",
    "PositionLevel",
    "PositionTitle",
    "PositionType",
    "ResidenceType",
    "Resident",
    "ResidentImport",
    "ResidentTag",
    "ServicePosition",
    "Stairwell",
    "Street",
]
