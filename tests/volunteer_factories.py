"""factory_boy factories for every volunteers model (teams, volunteers, activities, hours, points,
certificates, new employment groups). Shared by the teams/points, activities and certificates tests.

Rows are made directly (as fixtures), not through the services: a test of a service calls the
service itself. Volunteers get a number like the real register does ("XT" + year + 6 digits).
"""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from communities.models import PositionType
from resident_requests.models import Reporter, ReporterKind
from tests.factories import (
    CommunityFactory,
    ServicePositionFactory,
    StreetFactory,
    UserFactory,
)
from volunteers.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Amenity,
    Audience,
    Award,
    Certificate,
    CertificateStatus,
    Evaluation,
    EvaluationGrade,
    HoursStatus,
    IdType,
    MarketStall,
    MemberRole,
    Membership,
    NewEmploymentWorker,
    PointsEntry,
    PointsKind,
    PriceType,
    Redemption,
    RewardItem,
    ServiceDelivery,
    ServiceHours,
    Shift,
    Signup,
    SignupSource,
    SignupStatus,
    StallService,
    StationAmenity,
    Team,
    TeamService,
    TeamType,
    Training,
    Volunteer,
    VolunteerKind,
    WorkerKind,
)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    street = factory.SubFactory(StreetFactory)
    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"红管先锋队{n}")
    team_type = TeamType.RED_STEWARD
    description = "楼道微党课与垃圾分类宣传"
    is_public = True
    is_active = True


class VolunteerFactory(DjangoModelFactory):
    class Meta:
        model = Volunteer
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"志愿者{n}")
    # 137… never collides with ResidentFactory's 139… mobiles.
    mobile = factory.Sequence(lambda n: f"137{n:08d}")
    kind = VolunteerKind.RESIDENT
    id_type = IdType.RESIDENT_ID
    id_number = ""
    registered_on = factory.LazyFunction(lambda: timezone.localdate())

    @factory.post_generation
    def number(obj, create, extracted, **kwargs):
        # The register assigns the number from the id once the row exists; do the same.
        if not create:
            return
        obj.number = extracted or f"XT{obj.registered_on.year:04d}{obj.pk:06d}"
        Volunteer.objects.filter(pk=obj.pk).update(number=obj.number)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    volunteer = factory.SubFactory(VolunteerFactory, community=factory.SelfAttribute("..team.community"))
    role = MemberRole.MEMBER
    joined_on = factory.LazyFunction(lambda: timezone.localdate())


class TrainingFactory(DjangoModelFactory):
    class Meta:
        model = Training

    volunteer = factory.SubFactory(VolunteerFactory)
    title = "志愿服务通识培训"
    provider = "斜塘街道新时代文明实践所"
    held_on = dt.date(2026, 3, 5)
    hours = 2


class AwardFactory(DjangoModelFactory):
    class Meta:
        model = Award

    volunteer = factory.SubFactory(VolunteerFactory)
    title = "优秀志愿者"
    awarded_by = "斜塘街道"
    awarded_on = dt.date(2026, 1, 10)


class EvaluationFactory(DjangoModelFactory):
    class Meta:
        model = Evaluation

    volunteer = factory.SubFactory(VolunteerFactory)
    period = "2026年上半年"
    grade = EvaluationGrade.EXCELLENT
    evaluated_by = factory.SubFactory(UserFactory, role="street_admin")
    evaluated_on = dt.date(2026, 7, 1)


class TeamServiceFactory(DjangoModelFactory):
    class Meta:
        model = TeamService

    team = factory.SubFactory(TeamFactory, team_type=TeamType.RESIDENT_SERVICE)
    title = factory.Sequence(lambda n: f"爱心早餐{n}")
    beneficiaries = "快递小哥、外卖骑手"
    schedule = "每周二、周四 7:00–8:30"
    price_type = PriceType.FREE
    price = None
    unit = "份"


class ServiceDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = ServiceDelivery

    service = factory.SubFactory(TeamServiceFactory)
    delivered_on = factory.LazyFunction(lambda: timezone.localdate())
    quantity = 40
    people_served = 40


def _organiser(community):
    from accounts.models import Role

    return UserFactory(role=Role.COMMUNITY_WORKER, community=community)


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    community = factory.SubFactory(CommunityFactory)
    team = None
    title = factory.Sequence(lambda n: f"楼道微党课{n}")
    activity_type = ActivityType.PARTY_LESSON
    address = "莲香新村三区39幢楼道"
    audience = Audience.PUBLIC
    status = ActivityStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    organiser = factory.LazyAttribute(lambda o: _organiser(o.community))


def _tomorrow_at(hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


class ShiftFactory(DjangoModelFactory):
    class Meta:
        model = Shift

    activity = factory.SubFactory(ActivityFactory)
    label = ""
    starts_at = factory.LazyFunction(lambda: _tomorrow_at(17))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    capacity = 10


class SignupFactory(DjangoModelFactory):
    class Meta:
        model = Signup

    shift = factory.SubFactory(ShiftFactory)
    volunteer = factory.SubFactory(VolunteerFactory, community=factory.SelfAttribute("..shift.activity.community"))
    status = SignupStatus.CONFIRMED
    source = SignupSource.PUBLIC


class MarketStallFactory(DjangoModelFactory):
    class Meta:
        model = MarketStall

    activity = factory.SubFactory(ActivityFactory, activity_type=ActivityType.MARKET)
    service = StallService.HAIRCUT
    people_served = 0


class ServiceHoursFactory(DjangoModelFactory):
    """A service record; pass status=HoursStatus.CONFIRMED for confirmed hours."""

    class Meta:
        model = ServiceHours

    signup = factory.SubFactory(SignupFactory)
    volunteer = factory.LazyAttribute(lambda o: o.signup.volunteer)
    activity = factory.LazyAttribute(lambda o: o.signup.shift.activity)
    served_on = factory.LazyAttribute(lambda o: timezone.localtime(o.signup.shift.starts_at).date())
    minutes = 120
    content = factory.LazyAttribute(lambda o: o.signup.shift.activity.title)
    status = HoursStatus.PENDING


class PointsEntryFactory(DjangoModelFactory):
    """A ledger line written directly: keep `balance_after` consistent yourself, or use points_change."""

    class Meta:
        model = PointsEntry

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = PointsKind.ADJUST
    delta = 10
    balance_after = factory.LazyAttribute(lambda o: o.volunteer.points_balance + o.delta)
    reason = "测试调整"


class RewardItemFactory(DjangoModelFactory):
    class Meta:
        model = RewardItem

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"洗衣液{n}")
    points_cost = 20
    stock = 10
    is_active = True


class RedemptionFactory(DjangoModelFactory):
    class Meta:
        model = Redemption

    item = factory.SubFactory(RewardItemFactory)
    volunteer = factory.SubFactory(VolunteerFactory, community=factory.SelfAttribute("..item.community"))
    quantity = 1
    points = factory.LazyAttribute(lambda o: o.item.points_cost * o.quantity)


class CertificateFactory(DjangoModelFactory):
    class Meta:
        model = Certificate

    volunteer = factory.SubFactory(VolunteerFactory)
    number = factory.Sequence(lambda n: f"XTZM2026{n + 1:06d}")
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 12, 31)
    holder_name = factory.LazyAttribute(lambda o: o.volunteer.name)
    id_type = "居民身份证"
    id_number_masked = "3205**********1234"
    volunteer_number = factory.LazyAttribute(lambda o: o.volunteer.number or "")
    total_minutes = 120
    service_content = "楼道微党课"
    issuer = factory.LazyAttribute(lambda o: f"{o.volunteer.community.name}社区居民委员会")
    handling_officer = "周婷"
    issued_on = factory.LazyFunction(lambda: timezone.localdate())
    status = CertificateStatus.PENDING


class ReporterFactory(DjangoModelFactory):
    class Meta:
        model = Reporter

    name = factory.Sequence(lambda n: f"骑手{n}")
    mobile = factory.Sequence(lambda n: f"136{n:08d}")
    kind = ReporterKind.COURIER
    company = "顺丰速运"
    community = factory.SubFactory(CommunityFactory)


class NewEmploymentWorkerFactory(DjangoModelFactory):
    class Meta:
        model = NewEmploymentWorker

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"快递员{n}")
    mobile = factory.Sequence(lambda n: f"135{n:08d}")
    kind = WorkerKind.COURIER
    company = "顺丰速运"
    station = "彭山营业部"
    registered_on = factory.LazyFunction(lambda: timezone.localdate())


class WarmStationFactory(ServicePositionFactory):
    """A 暖心驿站 (communities.ServicePosition of type warm_station)."""

    name = factory.Sequence(lambda n: f"暖心驿站{n}")
    position_type = PositionType.WARM_STATION


class StationAmenityFactory(DjangoModelFactory):
    class Meta:
        model = StationAmenity

    position = factory.SubFactory(WarmStationFactory)
    amenity = Amenity.WATER
    hours = "全天"


__all__ = [
    "ActivityFactory",
    "AwardFactory",
    "CertificateFactory",
    "EvaluationFactory",
    "MarketStallFactory",
    "MembershipFactory",
    "NewEmploymentWorkerFactory",
    "PointsEntryFactory",
    "RedemptionFactory",
    "ReporterFactory",
    "RewardItemFactory",
    "ServiceDeliveryFactory",
    "ServiceHoursFactory",
    "ShiftFactory",
    "SignupFactory",
    "StationAmenityFactory",
    "TeamFactory",
    "TeamServiceFactory",
    "TrainingFactory",
    "VolunteerFactory",
    "WarmStationFactory",
]
