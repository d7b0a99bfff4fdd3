"""factory_boy factories for the grid tree, residents and staff."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from communities.models import (
    Building,
    CoBuildingUnit,
    CoBuildingUnitType,
    Community,
    CommunityType,
    Compound,
    Grid,
    Household,
    PositionLevel,
    PositionType,
    ResidenceType,
    Resident,
    ServicePosition,
    Stairwell,
    Street,
)
from communities.validators import build_id_number

PASSWORD = "Xietang-test-2026"


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("code",)

    name = "斜塘街道"
    code = "320571006"


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试{n}")
    # 12 digits however long the run: past 999 communities the serial spills into the street digits.
    code = factory.Sequence(lambda n: f"320571{6 + (n + 1) // 1000:03d}{(n + 1) % 1000:03d}")
    community_type = CommunityType.RESETTLEMENT


class GridFactory(DjangoModelFactory):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    serial = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"{o.community.name}第{o.serial}网格")


class CompoundFactory(DjangoModelFactory):
    class Meta:
        model = Compound

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试家园{n}区")


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    compound = factory.SubFactory(CompoundFactory)
    grid = factory.LazyAttribute(lambda o: GridFactory(community=o.compound.community))
    number = factory.Sequence(lambda n: f"{n + 1}幢")
    code = factory.Sequence(lambda n: f"B{n + 1:06d}")


class StairwellFactory(DjangoModelFactory):
    class Meta:
        model = Stairwell

    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: f"{n % 4 + 1}单元")


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    stairwell = factory.SubFactory(StairwellFactory)
    # Four-digit rooms never collide with the three-digit ones the cast names (301).
    room = factory.Sequence(lambda n: str(1001 + n))


class ResidentFactory(DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    community = factory.LazyAttribute(lambda o: o.household.stairwell.building.compound.community)
    name = factory.Sequence(lambda n: f"居民{n}")
    gender = "female"
    birth_date = dt.date(1950, 3, 15)
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    id_number = factory.LazyAttributeSequence(
        lambda o, n: build_id_number(region="320571", birth=o.birth_date, serial=n, gender=o.gender)
    )
    residence_type = ResidenceType.HUKOU


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COMMUNITY_WORKER
    community = None
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CoBuildingUnitFactory(DjangoModelFactory):
    class Meta:
        model = CoBuildingUnit

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"共建单位{n}")
    unit_type = CoBuildingUnitType.PRIVATE


class ServicePositionFactory(DjangoModelFactory):
    class Meta:
        model = ServicePosition

    name = factory.Sequence(lambda n: f"民情站{n}")
    position_type = PositionType.OPINION_STATION
    level = PositionLevel.COMMUNITY
    community = factory.SubFactory(CommunityFactory)
    address = "测试路1号"


def ensure_seeded_categories() -> None:
    """Re-run the seed of migration 0002: a transaction=True test flushes the tables it filled."""
    import importlib

    from django.apps import apps

    importlib.import_module("resident_requests.migrations.0002_seed_categories").seed(apps, None)


def category(code: str = "sanitation"):
    """A seeded request category (migration 0002): hazard 2 h, utilities 24 h, sanitation 7 days, dispute 15 days."""
    from resident_requests.models import RequestCategory

    found = RequestCategory.objects.filter(code=code).first()
    if found is None:
        ensure_seeded_categories()
        found = RequestCategory.objects.get(code=code)
    return found


def make_request(*, community, building=None, code: str = "sanitation", description: str = "楼道堆放杂物,影响通行", **fields):
    """A request logged through the real service, as a resident would (status 待受理)."""
    from resident_requests.models import Channel
    from resident_requests.services import request_create

    request, _ = request_create(
        category=category(code),
        channel=fields.pop("channel", Channel.ONLINE),
        description=description,
        contact_name=fields.pop("contact_name", "王秀英"),
        contact_mobile=fields.pop("contact_mobile", "13912345678"),
        community=community,
        building=building,
        **fields,
    )
    return request
