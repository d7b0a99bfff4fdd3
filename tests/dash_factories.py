"""A small street whose dashboard figures are worked out by hand (tests/test_dashboards_*.py).

Period under test: October 2026 (a custom 2026-10-01…2026-10-31 or the month:
both compare with 2026-09-01…2026-09-30). Every row below says which figure it
feeds; the expected values are in `EXPECTED` and in the tests, computed by hand.
Rows are written directly (fixtures, not the services), timestamps in Asia/Shanghai.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from communities.models import PartyOrganisation, PartyTier, PositionLevel
from dashboards.periods import Period
from projects.models import Batch, Contribution, FundingSource, Project, ProjectStatus
from resident_requests.models import (
    EventAction,
    RequestEvent,
    ResidentRequest,
    Satisfaction,
    Status,
)
from tests.factories import CoBuildingUnitFactory, ServicePositionFactory, make_request
from tests.project_factories import ProjectFactory
from volunteers.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    HoursStatus,
    MarketStall,
    ServiceDelivery,
    ServiceHours,
    Shift,
    Signup,
    SignupSource,
    SignupStatus,
    StallService,
    Team,
    TeamService,
    TeamType,
    Volunteer,
)

OCTOBER = Period.month(dt.date(2026, 10, 15))
SEPTEMBER = Period.month(dt.date(2026, 9, 15))


def at(day: int, hour: int = 9, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=timezone.get_default_timezone())


@dataclass
class DashData:
    cast: object
    building2: object
    requests: SimpleNamespace
    projects: SimpleNamespace
    teams: SimpleNamespace
    units: SimpleNamespace


def _request(cast, *, building, code, submitted, **state):
    request = make_request(community=building.compound.community if building else cast.other_community, building=building, code=code)
    ResidentRequest.objects.filter(pk=request.pk).update(submitted_at=submitted, **state)
    request.refresh_from_db()
    return request


def build_dashboard_data(cast) -> DashData:
    building2 = cast.resident_other_grid.household.stairwell.building  # 莲香 40幢, 莲香第二网格
    other_building = cast.outsider_resident.household.stairwell.building  # 淞渔

    # --- Requests (民意收集, 纠纷排查, rates) ---------------------------------
    r1 = _request(
        cast,
        building=cast.building,
        code="sanitation",
        submitted=at(5, 10),
        status=Status.CALLED_BACK,
        accepted_at=at(5, 12),
        due_at=at(12, 12),
        resolved_at=at(7, 12),  # 48 h, on time
        callback_at=at(8, 10),
        callback_contacted=True,
        callback_solved=True,
        callback_satisfaction=Satisfaction.SATISFIED,
    )
    r2 = _request(
        cast,
        building=building2,
        code="dispute",
        submitted=at(10, 8),
        status=Status.CALLED_BACK,
        accepted_at=at(10, 8),
        due_at=at(25, 8),
        resolved_at=at(30, 8),  # 480 h, late
        callback_at=at(31, 10),
        callback_contacted=True,
        callback_solved=False,
        callback_satisfaction=Satisfaction.BASICALLY,
    )
    r3 = _request(
        cast,
        building=cast.building,
        code="sanitation",
        submitted=at(20, 9),
        status=Status.ACCEPTED,
        accepted_at=at(20, 9),
        due_at=at(27, 9),  # open and past due on 2026-11-21 and later: overdue now
    )
    r4 = _request(cast, building=other_building, code="dispute", submitted=at(3, 9))  # 淞渔
    r5 = _request(cast, building=cast.building, code="sanitation", submitted=at(15, 9, month=9))  # previous period
    # r1 was re-opened once in October (重办), for the report's list.
    RequestEvent.objects.create(request=r1, action=EventAction.REOPEN, at=at(9, 9))

    # --- Projects -------------------------------------------------------------------
    unit1 = CoBuildingUnitFactory(name="苏州银行零售银行总部党委")
    unit2 = CoBuildingUnitFactory(name="同程网络")
    unit_other = CoBuildingUnitFactory(name="中衡设计")
    p1 = ProjectFactory(
        title="百凳为百姓",
        communities=[cast.community],
        status=ProjectStatus.IMPLEMENTING,
        approved_at=at(1, 9, month=8),
        budget=Decimal("300000.00"),
        planned_quantity=300,
        planned_end=dt.date(2026, 12, 31),
    )
    Batch.objects.create(project=p1, number=1, planned_quantity=100, delivered_quantity=100)
    Batch.objects.create(project=p1, number=2, planned_quantity=120, delivered_quantity=120)  # 220/300 = 73%
    Contribution.objects.create(
        project=p1, source=FundingSource.UNIT, unit=unit2, amount=Decimal("100000.00"), contributed_on=dt.date(2026, 10, 10)
    )
    Contribution.objects.create(
        project=p1, source=FundingSource.UNIT, unit=unit2, amount=Decimal("50000.00"), contributed_on=dt.date(2026, 9, 5)
    )
    p2 = ProjectFactory(
        title="口袋公园",
        communities=[cast.community],
        status=ProjectStatus.COMPLETED,
        approved_at=at(1, 9, month=7),
        accepted_at=at(15, 9),
        budget=Decimal("20000.00"),
        planned_quantity=None,
        quantity_unit="",
    )
    p3 = ProjectFactory(
        title="店招整治",
        communities=[cast.community],
        status=ProjectStatus.PUBLICISING,
        approved_at=at(1, 9, month=6),
        accepted_at=at(10, 9, month=9),
        budget=Decimal("10000.00"),
    )
    p4 = ProjectFactory(title="充电车棚", communities=[cast.community], status=ProjectStatus.COLLECTING, budget=Decimal("5000.00"))
    p5 = ProjectFactory(
        title="淞渔桥拓宽",
        communities=[cast.other_community],
        status=ProjectStatus.FUNDING,
        approved_at=at(1, 9),
        budget=Decimal("80000.00"),
    )
    Contribution.objects.create(
        project=p5, source=FundingSource.UNIT, unit=unit_other, amount=Decimal("8000.00"), contributed_on=dt.date(2026, 10, 2)
    )
    p6 = ProjectFactory(
        title="已终止项目",
        communities=[cast.community],
        status=ProjectStatus.CANCELLED,
        approved_at=at(1, 9, month=8),
        budget=Decimal("1000.00"),
    )
    # Registered before the period (created_at is auto_now_add).
    Project.objects.update(created_at=at(1, 9, month=5))

    # --- Volunteers -----------------------------------------------------------------
    street = cast.community.street
    organiser = cast.secretary
    team_a = Team.objects.create(street=street, community=cast.community, name="红管先锋队", team_type=TeamType.RED_STEWARD)
    team_u = Team.objects.create(
        street=street, community=cast.community, name="苏州银行志愿队", team_type=TeamType.UNIT, co_building_unit=unit1
    )
    team_r = Team.objects.create(
        street=street, community=cast.community, name="妈妈的灶屋间", team_type=TeamType.RESIDENT_SERVICE
    )
    team_o = Team.objects.create(street=street, community=cast.other_community, name="淞渔友邻", team_type=TeamType.GOOD_NEIGHBOUR)
    team_idle = Team.objects.create(street=street, community=cast.community, name="银龄先锋队", team_type=TeamType.SILVER)

    def activity(team, community, kind, served, start, status=ActivityStatus.PUBLISHED, title="活动"):
        made = Activity.objects.create(
            community=community,
            team=team,
            title=title,
            activity_type=kind,
            people_served=served,
            status=status,
            organiser=organiser,
        )
        shift = Shift.objects.create(activity=made, starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=10)
        return made, shift

    a1, s1 = activity(team_a, cast.community, ActivityType.PARTY_LESSON, 30, at(8, 18), title="楼道微党课")
    a2, s2 = activity(team_u, cast.community, ActivityType.MARKET, 0, at(18, 9), title="公益市集")
    MarketStall.objects.create(activity=a2, service=StallService.HAIRCUT, people_served=25)
    MarketStall.objects.create(activity=a2, service=StallService.BLOOD_PRESSURE, people_served=40)
    activity(team_a, cast.community, ActivityType.OTHER, 100, at(9, 18), status=ActivityStatus.DRAFT, title="草稿")
    a4, s4 = activity(team_a, cast.community, ActivityType.VISIT, 12, at(20, 9, month=9), title="慰问探访")
    a5, s5 = activity(team_o, cast.other_community, ActivityType.ELDERLY, 50, at(12, 9), title="淞渔助老")

    breakfast = TeamService.objects.create(
        team=team_r, title="爱心早餐", beneficiaries="快递小哥", schedule="每周二、周四 7:00–8:30"
    )
    ServiceDelivery.objects.create(service=breakfast, delivered_on=dt.date(2026, 10, 14), quantity=40, people_served=35)
    ServiceDelivery.objects.create(service=breakfast, delivered_on=dt.date(2026, 9, 30), quantity=25, people_served=20)

    v1 = Volunteer.objects.create(community=cast.community, name="周婷", mobile="13700000001", registered_on=dt.date(2026, 1, 1))
    v2 = Volunteer.objects.create(community=cast.community, name="陈刚", mobile="13700000002", registered_on=dt.date(2026, 1, 1))
    v3 = Volunteer.objects.create(
        community=cast.other_community, name="淞渔志愿者", mobile="13700000003", registered_on=dt.date(2026, 1, 1)
    )

    def hours(volunteer, shift, minutes, status=HoursStatus.CONFIRMED):
        signup = Signup.objects.create(shift=shift, volunteer=volunteer, status=SignupStatus.CONFIRMED, source=SignupSource.STAFF)
        return ServiceHours.objects.create(
            signup=signup,
            volunteer=volunteer,
            activity=shift.activity,
            served_on=timezone.localtime(shift.starts_at).date(),
            minutes=minutes,
            content=shift.activity.title,
            status=status,
        )

    hours(v1, s1, 120)
    hours(v2, s1, 90)
    hours(v1, s2, 60, status=HoursStatus.PENDING)  # not confirmed: not counted
    hours(v2, s4, 30)  # September
    hours(v3, s5, 240)  # 淞渔

    # --- Party groups, coverage, positions ------------------------------------------
    stairwell_tier = PartyTier.objects.get(level=PartyTier.STAIRWELL)
    compound_tier = PartyTier.objects.get(level=PartyTier.COMPOUND)
    PartyOrganisation.objects.create(
        tier=stairwell_tier, name="39幢党小组", building=cast.building, community=cast.community, founded_on=dt.date(2026, 10, 5)
    )
    PartyOrganisation.objects.create(tier=stairwell_tier, name="40幢党小组", building=building2, community=cast.community)
    PartyOrganisation.objects.create(
        tier=compound_tier, name="莲香新村三区党支部", compound=cast.building.compound, community=cast.community
    )
    ServicePositionFactory(community=cast.community, level=PositionLevel.COMMUNITY, name="莲香党群服务中心")
    ServicePositionFactory(community=cast.community, level=PositionLevel.GRID, grid=cast.grid, name="39幢民情站")
    ServicePositionFactory(community=None, level=PositionLevel.STREET, name="斜塘党群服务中心")
    ServicePositionFactory(community=cast.other_community, level=PositionLevel.COMMUNITY, name="淞渔民情站")

    return DashData(
        cast=cast,
        building2=building2,
        requests=SimpleNamespace(r1=r1, r2=r2, r3=r3, r4=r4, r5=r5),
        projects=SimpleNamespace(p1=p1, p2=p2, p3=p3, p4=p4, p5=p5, p6=p6),
        teams=SimpleNamespace(a=team_a, u=team_u, r=team_r, o=team_o, idle=team_idle),
        units=SimpleNamespace(unit1=unit1, unit2=unit2, other=unit_other),
    )
