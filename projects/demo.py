"""Demo lists, micro-projects and meetings for the demo street (DOMAIN.md §4–5).

The two showcase projects follow the articles: 淞渔's 300 benches ("初心为民心,百凳为百姓",
sponsored by 苏州银行零售银行总部党委, 同程网络 and 中衡设计; 100 installed in 2021, 120 in
2022) and the 莲香新村三区 car park (7 joint meetings on 改不改、怎么改、谁来改; 22 parking
spaces, 43 e-bike sheds with 430 charging points; 39幢 80户). Around them, projects in
every lifecycle state so each page and filter has something to show. Budgets and
amounts are illustrative: the articles give none.

Rows are written directly with timelines consistent with projects/workflow.py (the
services would send notices to the demo accounts for every step of years of history).
"""

import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Role, User
from communities.models import CoBuildingUnit, Community, PartyOrganisation, PartyTier
from projects.models import (
    Batch,
    Contribution,
    FollowUpAction,
    FundingSource,
    Meeting,
    MeetingType,
    MenuBallot,
    MenuItem,
    MenuPoll,
    MenuStatus,
    Milestone,
    Need,
    NeedSource,
    NeedStatus,
    Opinion,
    Participant,
    ParticipantRole,
    PhotoPair,
    PollVote,
    Project,
    ProjectAction,
    ProjectCategory,
    ProjectEvent,
    ProjectRating,
    ProjectStatus,
    ProjectType,
    RatingStatus,
    Resource,
    ResourceKind,
    TopicSource,
    Vote,
    VoteChoice,
)
from resident_requests.models import ResidentRequest
from xietang.digests import mobile_digest

RANDOM_SEED = 2611
S = ProjectStatus
A = ProjectAction

# The lifecycle path to each state: (action, target) in order.
PATH = [
    (A.DELIBERATE, S.DELIBERATING),
    (A.SUBMIT, S.PENDING_APPROVAL),
    (A.APPROVE, S.FUNDING),
    (A.START, S.IMPLEMENTING),
    (A.COMPLETE, S.PENDING_ACCEPTANCE),
    (A.ACCEPT, S.PUBLICISING),
    (A.END_NOTICE, S.EVALUATING),
    (A.CLOSE, S.COMPLETED),
]
STEP_NOTES = {
    A.DELIBERATE: "提交居民议事会评议。",
    A.SUBMIT: "评议通过,提请街道立项。",
    A.APPROVE: "需求合理、切实可行,同意立项。",
    A.START: "资金落实,开始实施。",
    A.COMPLETE: "实施完成,申请验收。",
    A.ACCEPT: "街道会同居民代表现场验收通过,进入公示。",
    A.END_NOTICE: "公示期满,无异议。",
    A.CLOSE: "居民评价完成,项目结项。",
}


@dataclass
class _Cast:
    admin: User | None
    reviewer: User | None
    coordinators: dict[int, User]

    def manager(self, community: Community) -> User | None:
        return self.coordinators.get(community.pk) or self.admin


def seed_projects(*, today: dt.date | None = None) -> int:
    """Create the demo lists, projects and meetings once; return the number of projects (0 if any exist)."""
    if Project.objects.exists():
        return 0
    communities = {c.name: c for c in Community.objects.all()}
    if "莲香" not in communities or "淞渔" not in communities:
        return 0
    now = timezone.now() if today is None else timezone.make_aware(dt.datetime.combine(today, dt.time(10)))
    rng = random.Random(RANDOM_SEED)
    cast = _cast()
    units = {u.name: u for u in CoBuildingUnit.objects.all()}
    with transaction.atomic():
        resources = _seed_resources(communities, units, cast, now)
        _seed_benches(communities["淞渔"], units, resources, cast, now)
        _seed_car_park(communities["莲香"], units, cast, now)
        _seed_other_projects(communities, cast, now, rng)
        _seed_menu_and_votes(communities["莲香"], cast, now, rng)
        _seed_meetings(communities, cast, now, rng)
    return Project.objects.count()


# ---------------------------------------------------------------------------
# People and places


def _cast() -> _Cast:
    admin = User.objects.filter(role=Role.STREET_ADMIN).order_by("pk").first()
    reviewer = User.objects.filter(role=Role.STREET_REVIEWER).order_by("pk").first()
    coordinators: dict[int, User] = {}
    for user in User.objects.filter(role__in=(Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER)).order_by("role", "pk"):
        # Secretaries sort before workers ("community_secretary" < "community_worker").
        coordinators.setdefault(user.community_id, user)
    return _Cast(admin=admin, reviewer=reviewer, coordinators=coordinators)


def _community_party(community: Community) -> PartyOrganisation | None:
    return (
        PartyOrganisation.objects.filter(community=community, tier__level=PartyTier.COMMUNITY).order_by("pk").first()
    )


def _unit(units: dict[str, CoBuildingUnit], prefix: str) -> CoBuildingUnit | None:
    return next((unit for name, unit in sorted(units.items()) if name.startswith(prefix)), None)


def _at(now: dt.datetime, days_ago: float) -> dt.datetime:
    return now - dt.timedelta(days=days_ago)


# ---------------------------------------------------------------------------
# Projects


def _project(*, communities, status, history_start, history_end, cast, needs=(), **fields) -> Project:
    """A project in `status` with a timeline walking the lifecycle between the two datetimes."""
    community = communities[0]
    manager = cast.manager(community)
    project = Project.objects.create(status=status, responsible=manager, created_by=manager, **fields)
    Project.objects.filter(pk=project.pk).update(created_at=history_start)
    project.communities.set(communities)
    project.needs.set(needs)
    steps = []
    if status == S.CANCELLED:
        steps = [(A.CANCEL, S.CANCELLED)]
    else:
        for action, target in PATH:
            if _order(target) > _order(status):
                break
            steps.append((action, target))
    events = [ProjectEvent(project=project, action=A.CREATE, to_status=S.COLLECTING, actor=manager, note="", created_at=history_start)]
    span = (history_end - history_start) / max(1, len(steps))
    previous = S.COLLECTING
    for index, (action, target) in enumerate(steps, start=1):
        when = history_start + span * index
        actor = {
            A.APPROVE: cast.reviewer,
            A.ACCEPT: cast.reviewer,
            A.END_NOTICE: None,
        }.get(action, manager)
        note = STEP_NOTES.get(action, "")
        if action == A.CANCEL:
            note = "经居民议事会评议,多数居民不同意,项目终止。"
        events.append(
            ProjectEvent(project=project, action=action, from_status=previous, to_status=target, actor=actor, note=note, created_at=when)
        )
        previous = target
        if action == A.APPROVE:
            project.approved_at, project.approved_by = when, cast.reviewer
        if action == A.ACCEPT:
            project.accepted_at = when
            project.notice_until = when + dt.timedelta(days=7)
        if action == A.CLOSE:
            project.completed_at = when
    ProjectEvent.objects.bulk_create(events)
    project.save(update_fields=["approved_at", "approved_by", "accepted_at", "notice_until", "completed_at"])
    need_status = {S.COMPLETED: NeedStatus.MET, S.CANCELLED: NeedStatus.OPEN}.get(status, NeedStatus.PLANNED)
    Need.objects.filter(pk__in=[n.pk for n in needs]).update(status=need_status)
    return project


def _order(status: str) -> int:
    order = [S.COLLECTING, *[target for _, target in PATH]]
    return order.index(status)


def _contribute(project, *, source, when, amount="0", unit=None, resource=None, in_kind="", cast=None, note=""):
    contribution = Contribution.objects.create(
        project=project,
        source=source,
        unit=unit,
        resource=resource,
        amount=Decimal(amount),
        in_kind=in_kind,
        contributed_on=when.date() if isinstance(when, dt.datetime) else when,
        note=note,
        created_by=cast.manager(project.communities.first()) if cast else None,
    )
    ProjectEvent.objects.create(
        project=project,
        action=A.CONTRIBUTE,
        actor=contribution.created_by,
        note=f"{contribution.contributor_name} 认领出资 {amount} 元" if Decimal(amount) else f"{contribution.contributor_name}:{in_kind}",
        created_at=when if isinstance(when, dt.datetime) else timezone.make_aware(dt.datetime.combine(when, dt.time(10))),
    )
    return contribution


def _seed_benches(community, units, resources, cast, now) -> Project:
    need = Need.objects.create(
        title="楼道口缺少歇脚座椅,老人上下楼累了没处坐",
        community=community,
        category=ProjectCategory.ELDERLY,
        source=NeedSource.DATA,
        beneficiaries="30多个老年人较为集中的单元",
        evidence_notes="借助社区数据平台,迅速筛选出老年人较为集中的30多个单元,拟定了需求清单。",
        created_by=cast.manager(community),
    )
    start = timezone.make_aware(dt.datetime(2021, 3, 15, 10))
    project = _project(
        communities=[community],
        status=S.IMPLEMENTING,
        history_start=start,
        history_end=start + dt.timedelta(days=60),
        cast=cast,
        needs=[need],
        title="初心为民心,百凳为百姓",
        project_type=ProjectType.GOODS,
        category=ProjectCategory.ELDERLY,
        description="为小区每个楼道口配备户外座椅,让上下楼的老人有地方歇脚、邻里有地方聊天。座椅由共建单位认领,分批安装。",
        lead_organisation=_community_party(community),
        is_secretary_project=True,
        planned_quantity=300,
        quantity_unit="张",
        budget=Decimal("360000.00"),
        beneficiaries="全社区楼道,重点是老年人集中的30多个单元",
        beneficiary_count=2600,
        planned_start=dt.date(2021, 5, 1),
        planned_end=dt.date(2027, 6, 30),
    )
    bank, tongcheng, zhongheng = _unit(units, "苏州银行"), _unit(units, "同程网络"), _unit(units, "中衡设计")
    if bank:
        _contribute(project, source=FundingSource.UNIT, unit=bank, resource=resources.get("bank"), amount="150000",
                    when=dt.date(2021, 5, 10), cast=cast, note="苏州银行零售银行总部党委认领")
    if tongcheng:
        _contribute(project, source=FundingSource.UNIT, unit=tongcheng, amount="120000", when=dt.date(2022, 3, 1), cast=cast)
    if zhongheng:
        _contribute(project, source=FundingSource.UNIT, unit=zhongheng, resource=resources.get("design"),
                    in_kind="座椅选型与安装点位设计", when=dt.date(2021, 4, 20), cast=cast)
    first = Batch.objects.create(project=project, number=1, title="第一批", planned_quantity=100, delivered_quantity=100,
                                 planned_start=dt.date(2021, 5, 1), planned_end=dt.date(2021, 10, 31),
                                 delivered_on=dt.date(2021, 10, 20), note="淞泽家园九区楼道口安装完成。")
    second = Batch.objects.create(project=project, number=2, title="第二批", planned_quantity=120, delivered_quantity=120,
                                  planned_start=dt.date(2022, 4, 1), planned_end=dt.date(2022, 9, 30),
                                  delivered_on=dt.date(2022, 9, 18), note="淞泽家园十区及沿街楼道安装完成。")
    Batch.objects.create(project=project, number=3, title="第三批", planned_quantity=80, delivered_quantity=0,
                         planned_start=dt.date(2026, 9, 1), planned_end=(now + dt.timedelta(days=2)).date(),
                         note="剩余楼道,结合居民意见调整点位。")
    for batch, delivered in ((first, 100), (second, 120)):
        ProjectEvent.objects.create(
            project=project, action=A.BATCH, actor=project.responsible,
            note=f"{batch}完成 {delivered} 张", created_at=timezone.make_aware(dt.datetime.combine(batch.delivered_on, dt.time(16))),
        )
    _photo_pair(project, first, "淞泽家园九区12幢楼道口", seed=1)
    _photo_pair(project, second, "淞泽家园十区5幢楼道口", seed=2)
    meeting = Meeting.objects.create(
        community=community, meeting_type=MeetingType.BENCH, topic="座椅放在哪里、放什么样的座椅",
        topic_source=TopicSource.NEED, held_at=timezone.make_aware(dt.datetime(2021, 4, 8, 9, 30)),
        place="淞泽家园九区中心花园", host="淞渔社区党总支书记",
        decision="按楼道老人数量确定点位,优先老年人集中的单元;选用带靠背的防腐木座椅。",
        decision_whether="改:居民一致赞成在楼道口放座椅。", decision_how="防腐木带靠背座椅,避开消防通道。",
        decision_who="共建单位认领出资,社区组织安装,楼道党小组日常看护。",
        public_summary="板凳议事会上,居民代表一致赞成在楼道口放置带靠背的座椅,点位避开消防通道,由共建单位认领出资。",
        created_by=cast.manager(community),
    )
    meeting.projects.add(project)
    meeting.needs.add(need)
    _participants(meeting, [(ParticipantRole.COMMUNITY, "社区书记"), (ParticipantRole.RESIDENT_REPRESENTATIVE, "居民代表"),
                            (ParticipantRole.PARTY_MEMBER, "楼道党小组长"), (ParticipantRole.CO_BUILDING_UNIT, "苏州银行代表")])
    return project


def _seed_car_park(community, units, cast, now) -> Project:
    parking_requests = list(
        ResidentRequest.objects.filter(community=community, category__code="parking").order_by("submitted_at")[:6]
    )
    need = Need.objects.create(
        title="莲香新村三区停车难、电动车充电难",
        community=community,
        compound=next((b.compound for b in _buildings(community, "莲香新村三区", "39幢")), None),
        category=ProjectCategory.PARKING,
        source=NeedSource.REQUESTS,
        beneficiaries="39幢 80户",
        evidence_notes="居民反映晚上车位不够、电动车在楼道充电有隐患;排水不畅、围墙破损。",
        created_by=cast.manager(community),
    )
    need.buildings.set(_buildings(community, "莲香新村三区", "39幢"))
    need.evidence_requests.set(parking_requests)
    start = _at(now, 420)
    project = _project(
        communities=[community],
        status=S.EVALUATING,
        history_start=start,
        history_end=_at(now, 20),
        cast=cast,
        needs=[need],
        title="莲香新村三区停车场改造",
        project_type=ProjectType.WORKS,
        category=ProjectCategory.PARKING,
        description="经7次联席沟通会议,回答了改不改、怎么改、谁来改:疏通排水、修缮围墙,新增22个停车位,建设43个电动车充电棚、430个充电口。",
        lead_organisation=_community_party(community),
        budget=Decimal("860000.00"),
        beneficiaries="39幢 80户",
        beneficiary_count=260,
        planned_start=(start + dt.timedelta(days=150)).date(),
        planned_end=(start + dt.timedelta(days=330)).date(),
    )
    _contribute(project, source=FundingSource.STREET, amount="600000", when=start + dt.timedelta(days=130), cast=cast, note="街道民生实事资金")
    _contribute(project, source=FundingSource.COMMUNITY, amount="160000", when=start + dt.timedelta(days=132), cast=cast)
    property_company = _unit(units, "苏州莲香物业")
    if property_company:
        _contribute(project, source=FundingSource.UNIT, unit=property_company, amount="100000",
                    in_kind="充电棚日常运维", when=start + dt.timedelta(days=135), cast=cast)
    for title, weight, due_days in (
        ("疏通排水、修缮围墙", 2, 190), ("新增22个停车位", 3, 260), ("建设43个电动车充电棚、430个充电口", 3, 310), ("竣工验收", 1, 330),
    ):
        due = (start + dt.timedelta(days=due_days)).date()
        Milestone.objects.create(project=project, title=title, weight=weight, percent=100, due_on=due, done_on=due)
    _photo_pair(project, None, "39幢北侧停车区", seed=3)
    _photo_pair(project, None, "电动车充电棚", seed=4)
    # The seven joint meetings (联席沟通会议) answering 改不改、怎么改、谁来改.
    topics = [
        ("停车难要不要改", "改:居民、物业、业委会一致同意改造。", "", ""),
        ("改造范围和排水问题", "", "先疏通排水、修缮围墙,再划车位。", ""),
        ("车位怎么划", "", "利用闲置绿地边角新增22个停车位。", ""),
        ("电动车充电棚选址", "", "在39幢北侧等处建43个充电棚、430个充电口。", ""),
        ("资金怎么筹", "", "", "街道民生实事资金为主,社区和物业配套。"),
        ("施工期间出行安排", "", "分区施工,保留临时通道。", "物业负责现场秩序。"),
        ("建成后怎么管", "", "", "物业运维充电棚,业委会监督收费。"),
    ]
    for index, (topic, whether, how, who) in enumerate(topics):
        meeting = Meeting.objects.create(
            community=community, meeting_type=MeetingType.JOINT, topic=topic, topic_source=TopicSource.REQUESTS,
            held_at=start + dt.timedelta(days=10 + index * 16), place="莲香社区党群服务中心", host="莲香社区党委书记",
            decision=whether or how or who, decision_whether=whether, decision_how=how, decision_who=who,
            public_summary=f"第{index + 1}次联席沟通会议:{whether or how or who}",
            created_by=cast.manager(community),
        )
        meeting.projects.add(project)
        meeting.needs.add(need)
        meeting.requests.set(parking_requests[:2])
        _participants(meeting, [(ParticipantRole.COMMUNITY, "社区党委"), (ParticipantRole.OWNERS_COMMITTEE, "业委会主任"),
                                (ParticipantRole.PROPERTY_COMPANY, "物业经理"), (ParticipantRole.STREET_DEPARTMENT, "街道城建办"),
                                (ParticipantRole.RESIDENT_REPRESENTATIVE, "39幢居民代表")])
        Opinion.objects.create(meeting=meeting, role=ParticipantRole.RESIDENT_REPRESENTATIVE,
                               content="希望充电棚离楼近一些,晚上有照明。", adopted=index % 2 == 0)
    comments = ["停车方便多了,晚上回来不用绕小区找车位。", "充电棚有照明,楼道里再也没有飞线充电了。", "施工期间有些吵,不过结果很好。", ""]
    for index, (stars, comment) in enumerate(zip((5, 5, 4, 5), comments)):
        mobile = f"1390512{index:04d}"
        ProjectRating.objects.create(
            project=project, mobile_digest=mobile_digest(mobile), mobile_tail=mobile[-4:], stars=stars, comment=comment,
            status=RatingStatus.PUBLISHED if index < 3 else RatingStatus.PENDING,
            moderated_by=cast.manager(community) if index < 3 else None, moderated_at=_at(now, 5) if index < 3 else None,
        )
    return project


def _buildings(community, compound_name, number):
    from communities.models import Building

    return list(Building.objects.filter(compound__community=community, compound__name=compound_name, number=number))


OTHER_PROJECTS = [
    # (community, title, type, category, status, budget, quantity, unit, days ago started, days of history)
    ("锦塘", "锦塘家园口袋公园", ProjectType.WORKS, ProjectCategory.GREENING, S.COMPLETED, "280000", None, "", 400, 330),
    ("彩莲", "莲花新村三区口袋公园", ProjectType.WORKS, ProjectCategory.GREENING, S.PENDING_ACCEPTANCE, "260000", None, "", 200, 170),
    ("淞泽", "淞泽家园七区口袋公园", ProjectType.WORKS, ProjectCategory.GREENING, S.FUNDING, "240000", None, "", 90, 60),
    ("星港", "星港苑口袋公园", ProjectType.WORKS, ProjectCategory.GREENING, S.PENDING_APPROVAL, "250000", None, "", 40, 20),
    ("斜塘", "斜塘老街店招店牌整治", ProjectType.WORKS, ProjectCategory.ENVIRONMENT, S.PUBLICISING, "180000", 6, "处", 160, 155),
    ("金厍", "金厍河便民桥拓宽", ProjectType.WORKS, ProjectCategory.FACILITIES, S.DELIBERATING, "520000", None, "", 30, 10),
    ("莲香", "楼道扶手适老化改造", ProjectType.WORKS, ProjectCategory.ELDERLY, S.IMPLEMENTING, "96000", 48, "个单元", 120, 60),
    ("莲香", "独居老人助餐服务", ProjectType.SERVICE, ProjectCategory.ELDERLY, S.COLLECTING, "50000", None, "", 8, 1),
    ("淞渔", "楼道消防器材更新", ProjectType.GOODS, ProjectCategory.SAFETY, S.COMPLETED, "64000", 200, "具", 300, 240),
    ("翰林缘", "社区公共区域监控补盲", ProjectType.GOODS, ProjectCategory.SAFETY, S.CANCELLED, "120000", None, "", 150, 30),
    ("联丰", "联丰花园非机动车棚扩建", ProjectType.WORKS, ProjectCategory.PARKING, S.IMPLEMENTING, "150000", None, "", 100, 50),
    ("玲珑湾", "邻里文化节", ProjectType.SERVICE, ProjectCategory.CULTURE, S.EVALUATING, "30000", None, "", 110, 100),
]


def _seed_other_projects(communities, cast, now, rng) -> list[Project]:
    projects = []
    for name, title, ptype, category, status, budget, quantity, unit, ago, history in OTHER_PROJECTS:
        community = communities.get(name)
        if community is None:
            continue
        need = Need.objects.create(
            title=f"{title}的需求", community=community, category=category, source=NeedSource.REQUESTS,
            beneficiaries="周边居民", created_by=cast.manager(community),
        )
        project = _project(
            communities=[community], status=status, history_start=_at(now, ago), history_end=_at(now, ago - history), cast=cast,
            needs=[need], title=title, project_type=ptype, category=category,
            description=f"{title}:由居民需求而来,经议事会评议后实施。", lead_organisation=_community_party(community),
            budget=Decimal(budget), planned_quantity=quantity, quantity_unit=unit,
            planned_start=_at(now, ago - 30).date(), planned_end=_at(now, ago - history - 60).date(),
        )
        funded_states = (S.FUNDING, S.IMPLEMENTING, S.PENDING_ACCEPTANCE, S.PUBLICISING, S.EVALUATING, S.COMPLETED)
        if status in funded_states:
            share = Decimal(budget) * Decimal("0.6") if status == S.FUNDING else Decimal(budget)
            _contribute(project, source=FundingSource.STREET, amount=f"{share:.2f}", when=_at(now, ago - history / 3), cast=cast)
        done = status in (S.PENDING_ACCEPTANCE, S.PUBLICISING, S.EVALUATING, S.COMPLETED)
        if quantity:
            delivered = quantity if done else (quantity * 2 // 3 if status == S.IMPLEMENTING else 0)
            Batch.objects.create(project=project, number=1, planned_quantity=quantity, delivered_quantity=delivered,
                                 planned_end=_at(now, -5).date() if not done else _at(now, ago - history).date(),
                                 delivered_on=_at(now, ago - history).date() if done else None)
        elif status not in (S.COLLECTING, S.DELIBERATING, S.PENDING_APPROVAL, S.CANCELLED):
            percent = 100 if done else (40 if status == S.IMPLEMENTING else 0)
            for step, weight in (("方案设计", 1), ("施工实施", 3), ("竣工验收", 1)):
                step_percent = 100 if done or step == "方案设计" and status == S.IMPLEMENTING else (percent if step == "施工实施" else 0)
                Milestone.objects.create(
                    project=project, title=step, weight=weight, percent=step_percent,
                    due_on=(now + dt.timedelta(days=rng.choice((-3, 2, 12, 30)))).date() if not done else _at(now, ago - history).date(),
                    done_on=_at(now, ago - history).date() if step_percent == 100 else None,
                )
        projects.append(project)
    return projects


# ---------------------------------------------------------------------------
# Resources, menu, votes and meetings


def _seed_resources(communities, units, cast, now) -> dict[str, Resource]:
    resources: dict[str, Resource] = {}
    songyu, lianxiang = communities["淞渔"], communities["莲香"]
    year = now.year
    plan = [
        ("bank", "苏州银行", "百凳为百姓认领资金", ResourceKind.MONEY, ProjectCategory.ELDERLY, songyu, "200000", None, ""),
        ("design", "中衡设计", "公共空间设计服务", ResourceKind.SERVICES, "", None, None, "3", "项"),
        ("tongcheng", "同程网络", "社区微实事共建资金", ResourceKind.MONEY, "", None, "100000", None, ""),
        ("volunteers", "苏州工业园区社会事业局", "周末志愿服务", ResourceKind.VOLUNTEERS, ProjectCategory.CULTURE, lianxiang, None, "50", "名"),
    ]
    for key, prefix, title, kind, category, community, amount, quantity, measure in plan:
        unit = _unit(units, prefix)
        if unit is None:
            continue
        resources[key] = Resource.objects.create(
            title=title, kind=kind, category=category, provider_unit=unit, community=community,
            amount=Decimal(amount) if amount else None, quantity=Decimal(quantity) if quantity else None, unit=measure,
            valid_from=dt.date(2021, 1, 1) if key == "bank" else dt.date(year, 1, 1), valid_until=dt.date(year, 12, 31),
            description=f"{unit.name}提供", created_by=cast.admin,
        )
    resources["street"] = Resource.objects.create(
        title="街道民生实事专项资金", kind=ResourceKind.MONEY, provider_department="斜塘街道城建办",
        amount=Decimal("2000000"), valid_from=dt.date(year, 1, 1), valid_until=dt.date(year, 12, 31),
        description="各社区微实事项目经立项后申请使用。", created_by=cast.admin,
    )
    resources["venue"] = Resource.objects.create(
        title="党群服务中心多功能厅", kind=ResourceKind.VENUE, provider_department="莲香社区", community=lianxiang,
        quantity=Decimal("1"), unit="间", description="可用于议事会、公益市集。", created_by=cast.manager(lianxiang),
    )
    return resources


def _seed_menu_and_votes(community, cast, now, rng) -> None:
    manager = cast.manager(community)
    needs = [
        Need.objects.create(title=title, community=community, category=category, source=source, beneficiaries=who, created_by=manager)
        for title, category, source, who in (
            ("四区缺少晾晒场地", ProjectCategory.FACILITIES, NeedSource.MEETING, "四区 12 幢"),
            ("一区健身器材老旧", ProjectCategory.FACILITIES, NeedSource.VISIT, "一区居民"),
            ("二区绿化带缺少围挡", ProjectCategory.GREENING, NeedSource.REQUESTS, "二区沿街楼栋"),
            ("希望开设老年人智能手机课", ProjectCategory.ELDERLY, NeedSource.MEETING, "60岁以上居民"),
        )
    ]
    Need.objects.create(title="要求小区内全部改为收费停车", community=community, category=ProjectCategory.PARKING,
                        status=NeedStatus.DECLINED, decline_reason="与多数居民意见不符,且需业主大会表决,不列入本年度清单。",
                        created_by=manager)
    screened = now - dt.timedelta(days=12)
    items = []
    for need, budget, status in zip(needs, ("38000", "65000", "22000", "8000"), (MenuStatus.SHORTLISTED, MenuStatus.SHORTLISTED, MenuStatus.SHORTLISTED, MenuStatus.CANDIDATE)):
        item = MenuItem.objects.create(
            title=need.title.replace("缺少", "增设").replace("老旧", "更新").replace("希望开设", "开设"), community=community,
            category=need.category, project_type=ProjectType.GOODS, estimated_budget=Decimal(budget), status=status,
            need_reasonable=True if status == MenuStatus.SHORTLISTED else None,
            feasible=True if status == MenuStatus.SHORTLISTED else None,
            screening_note="需求合理、切实可行。" if status == MenuStatus.SHORTLISTED else "",
            screened_by=manager if status == MenuStatus.SHORTLISTED else None,
            screened_at=screened if status == MenuStatus.SHORTLISTED else None, created_by=manager,
        )
        item.needs.add(need)
        items.append(item)
    MenuItem.objects.create(
        title="小区入口改建景观门楼", community=community, category=ProjectCategory.ENVIRONMENT, project_type=ProjectType.WORKS,
        estimated_budget=Decimal("400000"), status=MenuStatus.REJECTED, need_reasonable=False, feasible=False,
        screening_note="属于形象工程,居民需求不迫切,费用过高。", screened_by=manager, screened_at=screened, created_by=manager,
    )
    council = Meeting.objects.create(
        community=community, meeting_type=MeetingType.COUNCIL, topic="2027年度民生微实事票决",
        topic_source=TopicSource.NEED, held_at=now - dt.timedelta(days=6), place="莲香社区阳光议事厅", host="莲香社区党委书记",
        decision="晾晒场地、健身器材更新两项通过,列入年度实事。",
        public_summary="阳光议事厅召开年度民生微实事票决会,居民代表对3个候选项目投票,2项通过。",
        created_by=manager,
    )
    council.needs.set(needs[:3])
    representatives = _participants(council, [(ParticipantRole.RESIDENT_REPRESENTATIVE, f"居民代表{i}") for i in range(1, 10)], can_vote=True)
    _participants(council, [(ParticipantRole.COMMUNITY, "社区党委"), (ParticipantRole.PROPERTY_COMPANY, "物业经理")])
    for item, yes in zip(items[:3], (8, 6, 3)):
        choices = [VoteChoice.FOR] * yes + [VoteChoice.AGAINST] * ((len(representatives) - yes) // 2)
        choices += [VoteChoice.ABSTAIN] * (len(representatives) - len(choices))
        ballot = MenuBallot.objects.create(
            meeting=council, menu_item=item, eligible=len(representatives),
            votes_for=choices.count(VoteChoice.FOR), votes_against=choices.count(VoteChoice.AGAINST),
            votes_abstain=choices.count(VoteChoice.ABSTAIN), passed=yes * 2 > len(representatives), recorded_by=manager,
        )
        Vote.objects.bulk_create(Vote(ballot=ballot, participant=p, choice=c) for p, c in zip(representatives, choices))
    poll = MenuPoll.objects.create(
        community=community, title="莲香社区2027年民生微实事居民意见征集",
        description="请从候选项目中选出您最希望先做的一项,每个手机号限投一次。",
        max_choices=1, opens_at=now - dt.timedelta(days=3), closes_at=now + dt.timedelta(days=11), created_by=manager,
    )
    poll.items.set(items[:3])
    for index in range(57):
        vote = PollVote.objects.create(poll=poll, mobile_digest=mobile_digest(f"1380620{index:04d}"))
        vote.items.add(items[rng.choice((0, 0, 0, 1, 1, 2))])


MEETING_TOPICS = [
    (MeetingType.CONTACT_DAY, "社情民意联系日:楼道堆物和飞线充电", "物业每周巡查一次,楼道党小组劝导。"),
    (MeetingType.FORUM, "民情恳谈会:老旧小区加装电梯意愿", "先摸底意愿,达到比例的单元再申请。"),
    (MeetingType.COUNCIL, "居民议事会:垃圾分类投放点调整", "四个投放点调整为两个,延长开放时间。"),
    (MeetingType.BENCH, "板凳议事会:小区绿地改成菜园的争议", "不改为菜园,设置共享花圃由志愿者认养。"),
    (MeetingType.JOINT, "联席沟通会议:物业服务质量提升", "物业制定整改清单,业委会每月评议。"),
]


def _seed_meetings(communities, cast, now, rng) -> None:
    for community in sorted(communities.values(), key=lambda c: c.pk):
        manager = cast.manager(community)
        for kind, topic, decision in rng.sample(MEETING_TOPICS, 2):
            held = now - dt.timedelta(days=rng.randint(5, 170))
            meeting = Meeting.objects.create(
                community=community, meeting_type=kind, topic=topic, topic_source=TopicSource.REQUESTS, held_at=held,
                place=f"{community.name}社区党群服务中心", host=f"{community.name}社区书记", decision=decision,
                public_summary=decision, created_by=manager,
            )
            _participants(meeting, [(ParticipantRole.COMMUNITY, "社区书记"), (ParticipantRole.PROPERTY_COMPANY, "物业代表"),
                                    (ParticipantRole.RESIDENT_REPRESENTATIVE, "居民代表")])
            for opinion in ("希望尽快落实。", "建议先征求楼栋意见。", "关注老年人出行安全。")[: rng.randint(1, 3)]:
                Opinion.objects.create(meeting=meeting, role=ParticipantRole.RESIDENT_REPRESENTATIVE, content=opinion)
            due = (held + dt.timedelta(days=30)).date()
            FollowUpAction.objects.create(
                meeting=meeting, description=f"落实:{decision[:30]}", owner_name="社区居委会", owner=manager, due_on=due,
                done_at=held + dt.timedelta(days=20) if due < now.date() - dt.timedelta(days=10) else None,
                result="已落实。" if due < now.date() - dt.timedelta(days=10) else "",
            )


def _participants(meeting, people, can_vote=False) -> list[Participant]:
    return Participant.objects.bulk_create(
        Participant(meeting=meeting, role=role, name=name, can_vote=can_vote) for role, name in people
    )


# ---------------------------------------------------------------------------
# Photos


def _photo_pair(project, batch, caption, *, seed: int) -> PhotoPair:
    """Drawn before/after pictures (no real photos in the demo): a bare stairwell entrance, then with a bench."""
    before, before_thumb = _picture(seed, with_bench=False)
    after, after_thumb = _picture(seed, with_bench=True)
    pair = PhotoPair(project=project, batch=batch, caption=caption, uploaded_by=project.responsible)
    pair.before_image.save(f"demo-{project.pk}-{seed}-before.jpg", before, save=False)
    pair.before_thumbnail.save(f"demo-{project.pk}-{seed}-before-thumb.jpg", before_thumb, save=False)
    pair.after_image.save(f"demo-{project.pk}-{seed}-after.jpg", after, save=False)
    pair.after_thumbnail.save(f"demo-{project.pk}-{seed}-after-thumb.jpg", after_thumb, save=False)
    pair.save()
    return pair


def _picture(seed: int, *, with_bench: bool) -> tuple[ContentFile, ContentFile]:
    rng = random.Random(seed)
    image = Image.new("RGB", (960, 640), (205, 214, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 960, 640), fill=(170, 170, 160))  # pavement
    draw.rectangle((300, 80, 660, 420), fill=(226, 208, 180))  # building entrance
    draw.rectangle((420, 220, 540, 420), fill=(90, 70, 60))  # door
    for _ in range(6):
        x = rng.randint(20, 900)
        draw.ellipse((x, 360, x + 60, 420), fill=(80, 140, 80))  # shrubs
    if with_bench:
        draw.rectangle((560, 450, 840, 475), fill=(150, 95, 50))  # seat
        draw.rectangle((560, 400, 840, 420), fill=(150, 95, 50))  # back
        for x in (575, 815):
            draw.rectangle((x, 475, x + 12, 530), fill=(60, 60, 60))  # legs
    return _jpeg(image), _jpeg(image.resize((320, 213)))


def _jpeg(image: Image.Image) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return ContentFile(buffer.getvalue())
