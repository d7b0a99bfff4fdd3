"""Demo volunteers for `manage.py seed_demo`: teams, a year of activities, hours, points,
the 积分超市, the new employment registry, 暖心驿站 amenities and one certificate.

Figures follow DOMAIN.md §6–8: 64 红管先锋/友邻先锋 teams street-wide; 妈妈的灶屋间 in
莲香 (30+ members led by a pastry maker, breakfast for couriers twice a week);
垃圾分类宣传劝导 every evening 17:00–19:00; 3 公益市集 that served 400+ people; the
彭山 courier count (48 顺丰, 7 中通, 8 叮咚) — the demo street has no 彭山, so it is
registered in 莲香, whose couriers the breakfast serves.

Rows are written with bulk_create (hundreds of activities, thousands of sign-ups);
points go through `volunteers.services.points` one confirmed record at a time, so
every balance equals its ledger. Seeded (random.Random) so two fresh databases match.
Idempotent: nothing happens when any Team exists.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from communities.models import (
    CoBuildingUnit,
    Community,
    CommunityType,
    PositionType,
    Resident,
    ServicePosition,
)
from communities.validators import build_id_number
from resident_requests.models import Channel, Reporter, ResidentRequest, Status
from volunteers.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Amenity,
    AttendanceMethod,
    Audience,
    HoursStatus,
    IdType,
    MarketStall,
    MemberRole,
    Membership,
    NewEmploymentWorker,
    PointsEntry,
    PointsKind,
    PriceType,
    Recurrence,
    RewardItem,
    ServiceDelivery,
    ServiceHours,
    ServiceHoursChange,
    Shift,
    Signup,
    SignupSource,
    SignupStatus,
    StallService,
    StationAmenity,
    Team,
    TeamService,
    TeamType,
    Volunteer,
    VolunteerKind,
    WorkerKind,
)
from volunteers.services.attendance import hours_points_reason
from volunteers.services.points import (
    points_award_once,
    points_for_minutes,
    points_redeem,
)

logger = logging.getLogger(__name__)

RANDOM_SEED = 2605
VANGUARD_TEAMS = 64
MEMBERS_PER_VANGUARD = 6
KITCHEN_MEMBERS = 32
KITCHEN_NAME = "妈妈的灶屋间"
HOME = "莲香"  # the demo accounts' community
# (community, date offset in days before today, stalls: (service, provider, people served))
MARKETS = (
    (
        "莲香",
        200,
        (
            (StallService.HAIRCUT, "莲香银龄先锋队", 46),
            (StallService.KNIFE, "居民能人", 28),
            (StallService.MENDING, "妈妈的灶屋间", 22),
            (StallService.BLOOD_PRESSURE, "社区卫生服务站", 39),
            (StallService.ANTI_FRAUD, "斜塘派出所", 31),
            (StallService.WASTE_SORTING, "莲香红管先锋队", 18),
        ),
    ),
    (
        "淞渔",
        120,
        (
            (StallService.HAIRCUT, "淞渔友邻先锋队", 41),
            (StallService.CLINIC, "星湖医院", 37),
            (StallService.BLOOD_PRESSURE, "社区卫生服务站", 26),
            (StallService.ANTI_FRAUD, "苏州银行", 24),
            (StallService.KNIFE, "居民能人", 15),
        ),
    ),
    (
        "锦塘",
        45,
        (
            (StallService.HAIRCUT, "锦塘红管先锋队", 38),
            (StallService.MENDING, "居民能人", 19),
            (StallService.CLINIC, "社区卫生服务站", 33),
            (StallService.WASTE_SORTING, "锦塘友邻先锋队", 21),
            (StallService.ANTI_FRAUD, "斜塘派出所", 23),
        ),
    ),
)
COURIER_CARE = (
    (330, "春节送福:为坚守岗位的快递小哥送年货"),
    (290, "快递小哥免费体检"),
    (250, "新就业群体议事会"),
    (205, "端午送粽子"),
    (160, "夏日送清凉"),
    (135, "夏日送清凉(第二场)"),
    (110, "新就业群体法律咨询"),
    (70, "中秋送月饼"),
    (40, "电动车安全充电培训"),
    (12, "冬日送温暖"),
)
REWARDS = (
    ("毛巾", 15, 60),
    ("理发券", 20, 40),
    ("洗衣液", 30, 50),
    ("雨伞", 40, 20),
    ("食用油 5L", 60, 20),
    ("大米 5kg", 80, 30),
)
NEW_EMPLOYMENT = (
    (WorkerKind.COURIER, "顺丰速运", "顺丰速运斜塘营业部", 48),
    (WorkerKind.COURIER, "中通快递", "中通快递斜塘网点", 7),
    (WorkerKind.RIDER, "叮咚买菜", "叮咚买菜斜塘站", 8),
)


def seed_volunteers(*, today: dt.date | None = None) -> dict[str, int]:
    """Build the demo volunteers once; {} when any Team exists or the demo street is missing."""
    if Team.objects.exists():
        return {}
    communities = list(Community.objects.select_related("street").order_by("code"))
    if not communities or not any(c.name == HOME for c in communities):
        return {}
    today = today or timezone.localdate()
    run = _Run(today=today, communities=communities)
    with transaction.atomic():
        run.build()
    certificate_id = run.issue_certificate()
    return run.counts(certificate_id)


class _Run:
    def __init__(self, *, today: dt.date, communities: list[Community]):
        self.rng = random.Random(RANDOM_SEED)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(RANDOM_SEED)
        self.today = today
        self.communities = communities
        self.by_name = {c.name: c for c in communities}
        self.home = self.by_name[HOME]
        self.street = communities[0].street
        self.mobiles: set[str] = set(Volunteer.objects.values_list("mobile", flat=True))
        self.organisers = self._organisers()
        self.teams: dict[int, list[Team]] = defaultdict(list)  # community pk → its teams
        self.members: dict[int, list[Volunteer]] = {}  # team pk → volunteers
        self.activities: list[Activity] = []
        self.kitchen: Team | None = None
        self.reporter_volunteer: Volunteer | None = None

    # Staff who organise: the community's coordinator, else one of its grid workers.

    def _organisers(self) -> dict[int, User]:
        organisers: dict[int, User] = {}
        preference = {Role.COMMUNITY_WORKER: 0, Role.COMMUNITY_SECRETARY: 1, Role.GRID_WORKER: 2}
        users = User.objects.filter(community__isnull=False, is_active=True, role__in=list(preference)).order_by(
            "username"
        )
        for user in sorted(users, key=lambda u: preference[u.role]):
            organisers.setdefault(user.community_id, user)
        return organisers

    def organiser(self, community: Community) -> User | None:
        return self.organisers.get(community.pk)

    # ------------------------------------------------------------------
    def build(self) -> None:
        self.build_teams()
        self.build_volunteers()
        self.build_activities()
        self.build_attendance()
        self.award_points()
        self.build_market_and_rewards()
        self.build_new_employment()
        self.build_amenities()

    # Teams

    def build_teams(self) -> None:
        teams: list[Team] = []
        founded = self.today - dt.timedelta(days=3 * 365)
        for index, community in enumerate(self.communities):
            first, second = (
                (TeamType.RED_STEWARD, TeamType.GOOD_NEIGHBOUR)
                if community.community_type == CommunityType.RESETTLEMENT
                else (TeamType.GOOD_NEIGHBOUR, TeamType.RED_STEWARD)
            )
            kinds = [first] + ([second] if index < VANGUARD_TEAMS - len(self.communities) else [])
            for kind in kinds:
                label = TeamType(kind).label
                teams.append(
                    Team(
                        street=self.street,
                        community=community,
                        name=f"{community.name}{label}队",
                        team_type=kind,
                        description=_VANGUARD_TEXT[kind],
                        founded_on=founded,
                    )
                )
        specials = [
            (
                HOME,
                KITCHEN_NAME,
                TeamType.RESIDENT_SERVICE,
                "产消者计划居民服务团队:社区以低偿方式购买服务,由面点师傅带领 30 多位居民,每周二、周四为快递小哥、外卖骑手准备爱心早餐。",
            ),
            (HOME, "莲香海棠先锋队", TeamType.HAITANG, "党员亮身份、作表率:海棠先锋联系日、民情收集、楼道微党课。"),
            ("锦塘", "锦塘银龄先锋队", TeamType.SILVER, "退休党员和低龄老人结对探访独居、高龄老人。"),
            (
                "淞泽",
                "淞泽家园七区40幢红色管家",
                TeamType.RED_BUTLER,
                "楼道党小组带领楼栋居民自治:楼道清理、邻里互助。",
            ),
            ("美颂", "花田守护人", TeamType.OTHER, "认领共享花圃,按七条“花圃契约”养护。"),
        ]
        for community_name, name, kind, text in specials:
            community = self.by_name.get(community_name, self.home)
            teams.append(
                Team(
                    street=self.street,
                    community=community,
                    name=name,
                    team_type=kind,
                    description=text,
                    founded_on=founded,
                )
            )
        bank = CoBuildingUnit.objects.filter(name="苏州银行").first()
        teams.append(
            Team(
                street=self.street,
                community=None,
                name="苏州银行党员志愿服务队",
                team_type=TeamType.UNIT,
                co_building_unit=bank,
                description="共建单位党员志愿者:反诈宣传、金融知识进社区。",
                founded_on=founded,
            )
        )
        teams.append(
            Team(
                street=self.street,
                community=None,
                name="苏州大学大学生志愿服务队",
                team_type=TeamType.STUDENT,
                description="星儿课堂、四点半课堂和暑期社区实践。",
                founded_on=founded,
            )
        )
        Team.objects.bulk_create(teams)
        for team in teams:
            self.teams[team.community_id].append(team)
            if team.name == KITCHEN_NAME:
                self.kitchen = team

    # Volunteers and memberships

    def _fresh_mobile(self) -> str:
        while True:
            mobile = f"1{self.rng.choice('3578')}{self.rng.randint(0, 999_999_999):09d}"
            if mobile not in self.mobiles:
                self.mobiles.add(mobile)
                return mobile

    def _from_resident(self, resident: Resident, *, with_id: bool) -> Volunteer:
        self.mobiles.add(resident.mobile)
        return Volunteer(
            community_id=resident.community_id,
            resident=resident,
            name=resident.name,
            mobile=resident.mobile,
            kind=VolunteerKind.RESIDENT,
            id_type=IdType.RESIDENT_ID,
            id_number=resident.id_number if with_id else "",
            is_party_member=self.rng.random() < 0.45,
            registered_on=self.today - dt.timedelta(days=self.rng.randint(380, 1400)),
        )

    def _outsider(self, community: Community, kind: str, affiliation: str, *, unit=None) -> Volunteer:
        gender = self.rng.choice(["male", "female"])
        age = self.rng.randint(19, 23) if kind == VolunteerKind.STUDENT else self.rng.randint(25, 50)
        birth = dt.date(self.today.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))
        return Volunteer(
            community=community,
            name=self.fake.name_male() if gender == "male" else self.fake.name_female(),
            mobile=self._fresh_mobile(),
            kind=kind,
            affiliation=affiliation,
            co_building_unit=unit,
            id_type=IdType.RESIDENT_ID,
            id_number=build_id_number(region="320583", birth=birth, serial=self.rng.randint(1, 499), gender=gender),
            is_party_member=kind == VolunteerKind.UNIT_STAFF,
            registered_on=self.today - dt.timedelta(days=self.rng.randint(60, 700)),
        )

    def _candidates(self) -> dict[int, list[Resident]]:
        """Adult residents with a mobile of their own, shuffled, per community."""
        born_after = self.today - dt.timedelta(days=75 * 365)  # 18 to 75 years old
        born_before = self.today - dt.timedelta(days=18 * 366)
        residents = (
            Resident.objects.exclude(mobile="")
            .filter(volunteer__isnull=True, birth_date__gte=born_after, birth_date__lte=born_before)
            .only("id", "community_id", "name", "mobile", "id_number")
            .order_by("id")
        )
        pools: dict[int, list[Resident]] = defaultdict(list)
        seen: set[str] = set(self.mobiles)
        for resident in residents:
            if resident.mobile not in seen:
                seen.add(resident.mobile)
                pools[resident.community_id].append(resident)
        for pool in pools.values():
            self.rng.shuffle(pool)
        return pools

    def build_volunteers(self) -> None:
        pools = self._candidates()
        plan: list[tuple[Team, Volunteer, str]] = []  # team, volunteer, role

        def take(community_id: int) -> Resident | None:
            pool = pools.get(community_id) or []
            return pool.pop() if pool else None

        for community_id, teams in self.teams.items():
            if community_id is None:
                continue
            for team in teams:
                size = KITCHEN_MEMBERS if team is self.kitchen else MEMBERS_PER_VANGUARD + self.rng.randint(0, 2)
                for position in range(size):
                    resident = take(community_id)
                    if resident is None:
                        break
                    volunteer = self._from_resident(resident, with_id=self.rng.random() < 0.6)
                    if team is self.kitchen and position == 0:
                        volunteer.skills, volunteer.id_number = "面点师(中式面点)", resident.id_number
                    plan.append((team, volunteer, MemberRole.LEADER if position == 0 else MemberRole.MEMBER))
        street_teams = self.teams.get(None, [])
        songyu = self.by_name.get("淞渔", self.home)
        for team in street_teams:
            if team.team_type == TeamType.UNIT:
                for position in range(8):
                    plan.append(
                        (
                            team,
                            self._outsider(songyu, VolunteerKind.UNIT_STAFF, "苏州银行", unit=team.co_building_unit),
                            MemberRole.LEADER if position == 0 else MemberRole.MEMBER,
                        )
                    )
            else:
                for position in range(10):
                    plan.append(
                        (
                            team,
                            self._outsider(self.home, VolunteerKind.STUDENT, "苏州大学"),
                            MemberRole.LEADER if position == 0 else MemberRole.MEMBER,
                        )
                    )
        volunteers = [volunteer for _team, volunteer, _role in plan]
        Volunteer.objects.bulk_create(volunteers, batch_size=500)
        for volunteer in volunteers:
            # The register's numbering (volunteers.services.teams): "XT" + year + id.
            volunteer.number = f"XT{volunteer.registered_on.year:04d}{volunteer.pk:06d}"
        Volunteer.objects.bulk_update(volunteers, ["number"], batch_size=500)
        memberships = []
        for team, volunteer, role in plan:
            memberships.append(
                Membership(
                    team=team, volunteer=volunteer, role=role, joined_on=max(volunteer.registered_on, team.founded_on)
                )
            )
            self.members.setdefault(team.pk, []).append(volunteer)
            if role == MemberRole.LEADER:
                team.leader = volunteer
        Membership.objects.bulk_create(memberships, batch_size=1000)
        Team.objects.bulk_update([team for teams in self.teams.values() for team in teams], ["leader"])

    # Activities and shifts

    def _at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def _activity(
        self,
        community: Community,
        team: Team | None,
        title: str,
        kind: str,
        day: dt.date,
        start: tuple[int, int],
        minutes: int,
        capacity: int,
        **fields,
    ) -> Activity | None:
        organiser = self.organiser(community)
        if organiser is None:
            return None
        activity = Activity(
            community=community,
            team=team,
            title=title,
            activity_type=kind,
            status=ActivityStatus.PUBLISHED,
            audience=fields.pop("audience", Audience.PUBLIC),
            organiser=organiser,
            published_at=self._at(day - dt.timedelta(days=7), 9),
            **fields,
        )
        begins = self._at(day, *start)
        activity._shifts = [(begins, begins + dt.timedelta(minutes=minutes), capacity)]
        self.activities.append(activity)
        return activity

    def _team(self, community: Community, team_type: str | None = None) -> Team | None:
        teams = [t for t in self.teams.get(community.pk, []) if team_type in (None, t.team_type)]
        return teams[0] if teams else None

    def build_activities(self) -> None:
        places = {p.community_id: p for p in ServicePosition.objects.filter(position_type=PositionType.SERVICE_CENTRE)}
        for community in self.communities:
            vanguard = self._team(community)
            others = [t for t in self.teams.get(community.pk, []) if t is not vanguard] or [vanguard]
            for month in range(0, 12, 2):  # 楼道微党课 every other month
                day = self.today - dt.timedelta(days=20 + month * 30 + self.rng.randint(0, 9))
                self._activity(
                    community,
                    vanguard,
                    "楼道微党课",
                    ActivityType.PARTY_LESSON,
                    day,
                    (19, 0),
                    60,
                    8,
                    address=f"{community.name}社区楼道党小组活动点",
                    audience=Audience.MEMBERS,
                    description="党员讲身边事、学理论,居民一起听。",
                )
            for quarter in range(4):  # 探访慰问 every quarter
                day = self.today - dt.timedelta(days=15 + quarter * 91 + self.rng.randint(0, 9))
                self._activity(
                    community,
                    self.rng.choice(others),
                    "探访慰问独居老人",
                    ActivityType.VISIT,
                    day,
                    (9, 0),
                    120,
                    6,
                    position=places.get(community.pk),
                    target_group="独居、高龄老人",
                    description="上门问候、量血压、检查燃气和用电安全。",
                    people_served=self.rng.randint(8, 20),
                )
        self._persuasion()
        self._markets()
        self._courier_care()
        self._upcoming(places)
        Activity.objects.bulk_create(self.activities, batch_size=500)
        shifts = [
            Shift(
                activity=activity,
                starts_at=begins,
                ends_at=ends,
                capacity=capacity,
                label=f"{timezone.localtime(begins):%H:%M}–{timezone.localtime(ends):%H:%M}",
            )
            for activity in self.activities
            for begins, ends, capacity in activity._shifts
        ]
        Shift.objects.bulk_create(shifts, batch_size=1000)
        self.shifts = shifts

    def _persuasion(self) -> None:
        """垃圾分类宣传劝导 every evening 17:00–19:00 in 莲香: the last four weeks and the next two."""
        first, last = self.today - dt.timedelta(days=27), self.today + dt.timedelta(days=14)
        activity = self._activity(
            self.home,
            self._team(self.home),
            "垃圾分类宣传劝导",
            ActivityType.PERSUASION,
            first,
            (17, 0),
            120,
            4,
            address="莲香新村三区垃圾分类投放点",
            recurrence=Recurrence.DAILY,
            recurrence_until=last,
            description="晚间定时定点投放时段,在投放点引导居民分类投放、破袋投放。",
        )
        if activity is not None:
            activity._shifts = [
                (self._at(day, 17), self._at(day, 19), 4)
                for day in (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
            ]

    def _markets(self) -> None:
        self.market_stalls: list[tuple[Activity, list]] = []
        for community_name, days_ago, stalls in MARKETS:
            community = self.by_name.get(community_name, self.home)
            activity = self._activity(
                community,
                self._team(community),
                f"{community.name}社区公益市集",
                ActivityType.MARKET,
                self.today - dt.timedelta(days=days_ago),
                (9, 0),
                150,
                10,
                address=f"{community.name}社区党群服务中心广场",
                description="理发、磨刀、缝补、量血压、义诊、反诈宣传、垃圾分类,一站服务家门口。",
            )
            if activity is not None:
                self.market_stalls.append((activity, list(stalls)))

    def _courier_care(self) -> None:
        kitchen = self.kitchen or self._team(self.home)
        for days_ago, title in COURIER_CARE:
            self._activity(
                self.home,
                kitchen,
                title,
                ActivityType.NEW_EMPLOYMENT_CARE,
                self.today - dt.timedelta(days=days_ago),
                (10, 0),
                120,
                8,
                address="莲香暖心驿站",
                target_group="快递员、外卖骑手",
                people_served=self.rng.randint(25, 60),
            )

    def _upcoming(self, places: dict) -> None:
        """Published public activities in the next two weeks, so /serve/ has something to join."""
        songyu, jintang, meisong = (self.by_name.get(n, self.home) for n in ("淞渔", "锦塘", "美颂"))
        rows = [
            (
                songyu,
                "淞渔社区冬季公益市集",
                ActivityType.MARKET,
                6,
                (9, 0),
                150,
                12,
                {"address": "淞渔社区党群服务中心广场"},
            ),
            (
                self.home,
                "39幢楼道微党课:身边的好人好事",
                ActivityType.PARTY_LESSON,
                3,
                (19, 0),
                60,
                15,
                {"address": "莲香新村三区39幢1单元楼道"},
            ),
            (jintang, "探访慰问独居老人", ActivityType.VISIT, 4, (9, 0), 120, 6, {"position": places.get(jintang.pk)}),
            (
                self.home,
                "关爱快递小哥:热饭热水进驿站",
                ActivityType.NEW_EMPLOYMENT_CARE,
                9,
                (10, 0),
                120,
                8,
                {"address": "莲香暖心驿站", "target_group": "快递员、外卖骑手"},
            ),
            (meisong, "共享花圃冬季养护", ActivityType.CLEAN_UP, 5, (14, 0), 120, 10, {"address": "美颂共享花圃"}),
            (self.home, "爱心早餐志愿者招募", ActivityType.BREAKFAST, 2, (6, 30), 120, 6, {"address": "莲香暖心驿站"}),
        ]
        for community, title, kind, days_ahead, start, minutes, capacity, fields in rows:
            self._activity(
                community,
                self._team(community),
                title,
                kind,
                self.today + dt.timedelta(days=days_ahead),
                start,
                minutes,
                capacity,
                description="欢迎居民报名参加,服务时长经组织者确认后可兑换积分。",
                **fields,
            )

    # Sign-ups, check-ins, hours

    def _pool_for(self, activity: Activity) -> list[Volunteer]:
        pool = list(self.members.get(activity.team_id, [])) if activity.team_id else []
        if len(pool) < 4:
            for team in self.teams.get(activity.community_id, []):
                pool += [v for v in self.members.get(team.pk, []) if v not in pool]
        return pool

    def build_attendance(self) -> None:
        now = timezone.now()
        signups: list[Signup] = []
        planned: list[tuple[Signup, Shift]] = []
        for shift in self.shifts:
            pool = self._pool_for(shift.activity)
            if not pool:
                continue
            past = shift.ends_at <= now
            wanted = min(len(pool), shift.capacity, self.rng.randint(2, 4) if past else self.rng.randint(0, 2))
            for volunteer in self.rng.sample(pool, wanted):
                signup = Signup(
                    shift=shift, volunteer=volunteer, status=SignupStatus.CONFIRMED, source=SignupSource.STAFF
                )
                if past:
                    signup.checked_in_at = shift.starts_at + dt.timedelta(minutes=self.rng.randint(0, 8))
                    signup.checked_out_at = shift.ends_at - dt.timedelta(minutes=self.rng.randint(0, 6))
                    signup.check_in_method = self.rng.choice([AttendanceMethod.ORGANISER, AttendanceMethod.QR])
                    planned.append((signup, shift))
                signups.append(signup)
        Signup.objects.bulk_create(signups, batch_size=1000)
        records: list[ServiceHours] = []
        for signup, shift in planned:
            served_on = timezone.localtime(shift.starts_at).date()
            minutes = int((signup.checked_out_at - signup.checked_in_at).total_seconds() // 60)
            # The last three days wait in the organiser's queue (待确认).
            pending = (self.today - served_on).days < 3
            records.append(
                ServiceHours(
                    signup=signup,
                    volunteer=signup.volunteer,
                    activity=shift.activity,
                    served_on=served_on,
                    minutes=minutes,
                    content=shift.activity.title[:100],
                    status=HoursStatus.PENDING if pending else HoursStatus.CONFIRMED,
                    decided_by=None if pending else shift.activity.organiser,
                    decided_at=None if pending else shift.ends_at + dt.timedelta(hours=20),
                )
            )
        ServiceHours.objects.bulk_create(records, batch_size=1000)
        ServiceHoursChange.objects.bulk_create(
            [
                ServiceHoursChange(
                    record=r,
                    old_minutes=r.minutes,
                    new_minutes=r.minutes,
                    old_status=HoursStatus.PENDING,
                    new_status=HoursStatus.CONFIRMED,
                    actor=r.decided_by,
                )
                for r in records
                if r.status == HoursStatus.CONFIRMED
            ],
            batch_size=1000,
        )
        self.records = records

    def award_points(self) -> None:
        """Points for confirmed hours through the ledger, oldest first, so the statement reads in order."""
        for record in sorted(self.records, key=lambda r: (r.served_on, r.pk)):
            if record.status != HoursStatus.CONFIRMED:
                continue
            points_award_once(
                volunteer=record.volunteer,
                points=points_for_minutes(record.minutes),
                kind=PointsKind.HOURS,
                reason=hours_points_reason(record),
                acting_user=record.decided_by,
                hours=record,
            )

    # Markets' stalls, the 积分超市, new employment, 暖心驿站

    def build_market_and_rewards(self) -> None:
        MarketStall.objects.bulk_create(
            [
                MarketStall(activity=activity, service=service, provider=provider, people_served=people)
                for activity, stalls in self.market_stalls
                for service, provider, people in stalls
            ]
        )
        items = []
        for name in (HOME, "淞渔", "锦塘"):
            community = self.by_name.get(name)
            if community is not None:
                items += [
                    RewardItem(community=community, name=item, points_cost=cost, stock=stock)
                    for item, cost, stock in REWARDS
                ]
        RewardItem.objects.bulk_create(items)
        home_items = [item for item in items if item.community_id == self.home.pk]
        clerk = self.organiser(self.home)
        rich = Volunteer.objects.filter(community=self.home, points_balance__gte=40).order_by("-points_balance", "pk")[
            :6
        ]
        for volunteer, item in zip(
            rich, [home_items[1], home_items[2], home_items[0], home_items[3], home_items[1], home_items[0]]
        ):
            points_redeem(item=item, volunteer=volunteer, quantity=1, acting_user=clerk)
        self._kitchen_service()

    def _kitchen_service(self) -> None:
        if self.kitchen is None:
            return
        service = TeamService.objects.create(
            team=self.kitchen,
            title="爱心早餐",
            beneficiaries="快递小哥、外卖骑手",
            schedule="每周二、周四 7:00–8:30",
            price_type=PriceType.LOW,
            price="2.00",
            unit="份",
            description="包子、馒头、粥和鸡蛋,在莲香暖心驿站供应;社区按低偿价格向团队购买(产消者计划)。",
        )
        clerk = self.organiser(self.home)
        deliveries = []
        day = self.today - dt.timedelta(days=364)
        while day <= self.today:
            if day.weekday() in (1, 3):  # Tuesday, Thursday
                served = self.rng.randint(32, 55)
                deliveries.append(
                    ServiceDelivery(
                        service=service, delivered_on=day, quantity=served, people_served=served, recorded_by=clerk
                    )
                )
            day += dt.timedelta(days=1)
        ServiceDelivery.objects.bulk_create(deliveries)

    def build_new_employment(self) -> None:
        clerk = self.organiser(self.home)
        taken = set(NewEmploymentWorker.objects.filter(community=self.home).values_list("mobile", flat=True))
        workers = []
        for kind, company, station, count in NEW_EMPLOYMENT:
            for _ in range(count):
                mobile = self._fresh_mobile()
                while mobile in taken:
                    mobile = self._fresh_mobile()
                taken.add(mobile)
                workers.append(
                    NewEmploymentWorker(
                        community=self.home,
                        name=self.fake.name_male() if self.rng.random() < 0.85 else self.fake.name_female(),
                        mobile=mobile,
                        kind=kind,
                        company=company,
                        station=station,
                        is_party_member=self.rng.random() < 0.1,
                        registered_on=self.today - dt.timedelta(days=self.rng.randint(10, 500)),
                        registered_by=clerk,
                    )
                )
        NewEmploymentWorker.objects.bulk_create(workers)
        self._demo_reporter(clerk, taken)

    def _demo_reporter(self, clerk: User | None, taken: set[str]) -> None:
        """The 随手拍 demo link's courier (resident_requests.demo) as a registered worker and volunteer with REPORT points."""
        from resident_requests.demo import DEMO_REPORTER_TOKEN

        reporter = Reporter.objects.filter(token=DEMO_REPORTER_TOKEN).first()
        if reporter is None or reporter.mobile in self.mobiles or reporter.mobile in taken:
            return
        self.mobiles.add(reporter.mobile)
        volunteer = Volunteer.objects.create(
            community=reporter.community,
            name=reporter.name,
            mobile=reporter.mobile,
            kind=VolunteerKind.NEW_EMPLOYMENT,
            affiliation=reporter.company,
            registered_on=self.today - dt.timedelta(days=90),
        )
        volunteer.number = f"XT{volunteer.registered_on.year:04d}{volunteer.pk:06d}"
        volunteer.save(update_fields=["number"])
        NewEmploymentWorker.objects.create(
            community=reporter.community,
            name=reporter.name,
            mobile=reporter.mobile,
            kind=WorkerKind.COURIER,
            company=reporter.company,
            station="莲香驿站",
            reporter=reporter,
            volunteer=volunteer,
            registered_on=volunteer.registered_on,
            registered_by=clerk,
            note="随手拍演示账号",
        )
        self.reporter_volunteer = volunteer
        reports = list(
            ResidentRequest.objects.filter(
                community=reporter.community,
                channel=Channel.SNAPSHOT,
                status__in=[Status.RESOLVED, Status.CALLED_BACK, Status.ARCHIVED],
                reporter__isnull=True,
            ).order_by("-submitted_at")[:4]
        )
        ResidentRequest.objects.filter(pk__in=[r.pk for r in reports]).update(reporter=reporter)
        for report in reversed(reports):
            points_award_once(
                volunteer=volunteer,
                points=settings.VOLUNTEER_POINTS_PER_REPORT,
                kind=PointsKind.REPORT,
                reason=f"随手拍被采纳:{report.tracking_code}",
                acting_user=clerk,
                report=report,
            )

    def build_amenities(self) -> None:
        rows = []
        for position in ServicePosition.objects.filter(position_type=PositionType.WARM_STATION).order_by("pk"):
            offered = [(Amenity.REST, "全天"), (Amenity.WATER, "全天"), (Amenity.CHARGING, "全天")]
            offered += [
                (amenity, hours)
                for amenity, hours in (
                    (Amenity.MICROWAVE, "7:00–21:00"),
                    (Amenity.TOILET, "8:00–20:00"),
                    (Amenity.FIRST_AID, "全天"),
                    (Amenity.RAIN_GEAR, "全天"),
                    (Amenity.WIFI, "全天"),
                )
                if self.rng.random() < 0.6
            ]
            rows += [StationAmenity(position=position, amenity=amenity, hours=hours) for amenity, hours in offered]
        StationAmenity.objects.bulk_create(rows, ignore_conflicts=True)

    # One READY certificate, drawn now (not left to a worker that may not run).

    def issue_certificate(self) -> int | None:
        from volunteers.selectors.hours_totals import confirmed_minutes
        from volunteers.services.certificates import (
            CertificateRenderError,
            certificate_issue,
            certificate_render,
        )

        clerk = User.objects.filter(username="lianxiang_gongzuo").first() or self.organiser(self.home)
        if clerk is None:
            return None
        start, end = self.today - dt.timedelta(days=364), min(self.today, timezone.localdate())
        best = (
            ServiceHours.objects.filter(
                status=HoursStatus.CONFIRMED,
                activity__community=self.home,
                volunteer__community=self.home,
                served_on__gte=start,
                served_on__lte=end,
            )
            .exclude(volunteer__id_number="")
            .values("volunteer")
            .annotate(total=Sum("minutes"))
            .order_by("-total", "volunteer")
            .first()
        )
        if best is None:
            return None
        volunteer = Volunteer.objects.get(pk=best["volunteer"])
        assert confirmed_minutes(volunteer, start, end, community_id=self.home.pk) > 0
        certificate = certificate_issue(volunteer=volunteer, period_start=start, period_end=end, acting_user=clerk)
        try:
            certificate_render(certificate_id=certificate.pk)
        except CertificateRenderError:
            logger.exception("demo certificate %s not drawn; press 重新生成 on its page", certificate.number)
        return certificate.pk

    # ------------------------------------------------------------------
    def counts(self, certificate_id: int | None) -> dict[str, int]:
        confirmed = (
            ServiceHours.objects.filter(status=HoursStatus.CONFIRMED).aggregate(total=Sum("minutes"))["total"] or 0
        )
        return {
            "teams": Team.objects.count(),
            "vanguard_teams": Team.objects.filter(
                team_type__in=[TeamType.RED_STEWARD, TeamType.GOOD_NEIGHBOUR]
            ).count(),
            "kitchen_members": Membership.objects.filter(team=self.kitchen).count() if self.kitchen else 0,
            "volunteers": Volunteer.objects.count(),
            "activities": Activity.objects.count(),
            "upcoming_activities": Activity.objects.filter(shifts__starts_at__gt=timezone.now()).distinct().count(),
            "confirmed_hours": confirmed // 60,
            "pending_hours_records": ServiceHours.objects.filter(status=HoursStatus.PENDING).count(),
            "market_people_served": MarketStall.objects.aggregate(total=Sum("people_served"))["total"] or 0,
            "points_entries": PointsEntry.objects.count(),
            "new_employment_workers": NewEmploymentWorker.objects.count(),
            "certificates": 1 if certificate_id else 0,
        }


def summary_line(counts: dict[str, int]) -> str:
    """What seed_demo prints: the figures a visitor can check on the pages."""
    return (
        f"志愿服务演示数据:队伍 {counts['teams']} 支(红管先锋/友邻先锋 {counts['vanguard_teams']} 支,"
        f"妈妈的灶屋间 {counts['kitchen_members']} 人),志愿者 {counts['volunteers']} 名,"
        f"近一年活动 {counts['activities']} 场(3 场公益市集服务 {counts['market_people_served']} 人次),"
        f"已确认服务 {counts['confirmed_hours']:,} 小时,积分记录 {counts['points_entries']:,} 条,"
        f"新就业群体 {counts['new_employment_workers']} 人,志愿服务记录证明 {counts['certificates']} 份"
    )


_VANGUARD_TEXT = {
    TeamType.RED_STEWARD: "党员带头的楼道管家:楼道微党课、垃圾分类宣传劝导、楼道清理。",
    TeamType.GOOD_NEIGHBOUR: "邻里互助:探访慰问、温情陪伴、公益市集。",
}
