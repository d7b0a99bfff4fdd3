"""Demo resident requests: a year of 接诉即办 for the demo street.

714 requests in the last 365 days, the street's own figure ("民意收集与纠纷排查714次").
Rows are written in bulk with timelines consistent with the workflow (the
services would send thousands of notices to the demo accounts); ages decide
states: old requests are archived, recent ones are still being handled.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from communities.models import Building, Community
from resident_requests.models import (
    Channel,
    EventAction,
    HandlerKind,
    Reporter,
    ReporterKind,
    RequestCategory,
    RequestEvent,
    ResidentRequest,
    Satisfaction,
    Status,
)

YEARLY_REQUESTS = 714
RANDOM_SEED = 2611
DEMO_REPORTER_TOKEN = "demo-lianxiang-courier"

CHANNEL_WEIGHTS = {
    Channel.VISIT: 35,
    Channel.ONLINE: 20,
    Channel.HOTLINE: 14,
    Channel.MEETING: 14,
    Channel.SNAPSHOT: 11,
    Channel.REFERRAL: 6,
}
CATEGORY_WEIGHTS = {
    "hazard": 8,
    "utilities": 10,
    "sanitation": 20,
    "facilities": 18,
    "parking": 12,
    "elderly": 8,
    "policy": 6,
    "dispute": 10,
    "property": 6,
    "other": 2,
}
TEXTS = {
    "hazard": ["楼道里有电动车充电,电线拖到窗外", "消防通道被私家车堵住", "楼顶有松动的瓷砖,怕掉下来砸到人"],
    "utilities": ["楼里停水半天了还没来水", "单元门口路灯不亮", "地下室水管漏水"],
    "sanitation": ["楼道堆放杂物,影响通行", "垃圾房周边有异味", "绿化带里堆着建筑垃圾"],
    "facilities": ["小区里老人多,想在楼下多放几张座椅", "健身器材螺丝松了", "单元门禁坏了关不上"],
    "parking": ["晚上停车位不够,车都停到消防通道", "非机动车棚太挤,想加个充电桩", "小区门口乱停车"],
    "elderly": ["独居老人想申请助餐服务", "家里老人行动不便,想加装扶手", "希望组织上门理发"],
    "policy": ["咨询居住证办理需要什么材料", "想了解医保报销政策", "咨询老年人补贴怎么申请"],
    "dispute": ["楼上漏水到楼下,两家协商不成", "邻居在公共区域养鸡", "楼上夜里噪音大"],
    "property": ["物业维修不及时,报修一周没人来", "维修基金使用想了解进度", "业委会换届有疑问"],
    "other": ["建议在小区里办一次公益市集", "想为社区活动提点建议"],
}
RESULTS = {
    "hazard": "已现场劝导并清除隐患,拍照留存。",
    "utilities": "已联系物业和供水公司抢修,现已恢复。",
    "dispute": "已组织双方调解,达成一致意见。",
}
DEFAULT_RESULT = "已安排人员现场处理,问题已解决。"
SATISFACTION_WEIGHTS = {Satisfaction.SATISFIED: 80, Satisfaction.BASICALLY: 14, Satisfaction.DISSATISFIED: 6}


@dataclass
class _Staff:
    """Who acts for a community in the demo: a coordinator and the grid workers by grid."""

    coordinator: User | None
    grid_workers: dict[int, User] = field(default_factory=dict)


def seed_requests(*, today: dt.date | None = None, scale: int = 1) -> int:
    """Create the year of demo requests once (× scale, for benchmarks); return how many (0 if any exist)."""
    if ResidentRequest.objects.exists():
        return 0
    rng = random.Random(RANDOM_SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(RANDOM_SEED)
    now = timezone.now() if today is None else timezone.make_aware(dt.datetime.combine(today, dt.time(17)))
    categories = {c.code: c for c in RequestCategory.objects.filter(code__in=CATEGORY_WEIGHTS)}
    buildings = list(Building.objects.select_related("compound", "grid"))
    if not buildings or len(categories) != len(CATEGORY_WEIGHTS):
        return 0
    staff = _staff_by_community()
    with transaction.atomic():
        _seed_reporter()
        rows = [_plan(rng, fake, now, categories, buildings, staff) for _ in range(YEARLY_REQUESTS * scale)]
        rows.sort(key=lambda plan: plan.request.submitted_at)
        _assign_codes([plan.request for plan in rows])
        ResidentRequest.objects.bulk_create([plan.request for plan in rows], batch_size=500)
        RequestEvent.objects.bulk_create(
            [event for plan in rows for event in plan.events(plan.request)], batch_size=2000
        )
    return len(rows)


def _staff_by_community() -> dict[int, _Staff]:
    staff: dict[int, _Staff] = {}
    users = User.objects.filter(community__isnull=False, is_active=True).prefetch_related("grids")
    for user in users:
        entry = staff.setdefault(user.community_id, _Staff(coordinator=None))
        if user.role in (Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY) and entry.coordinator is None:
            entry.coordinator = user
        if user.role == Role.GRID_WORKER:
            for grid in user.grids.all():
                entry.grid_workers.setdefault(grid.pk, user)
    return staff


def _seed_reporter() -> None:
    community = Community.objects.filter(name="莲香").first()
    if community is not None:
        Reporter.objects.get_or_create(
            token=DEMO_REPORTER_TOKEN,
            defaults={
                "name": "演示快递员",
                "mobile": "13800000000",
                "kind": ReporterKind.COURIER,
                "company": "园区快递驿站",
                "community": community,
            },
        )


@dataclass
class _Plan:
    request: ResidentRequest
    steps: list[tuple[str, dt.datetime, User | None, str, str, str]]  # action, at, actor, from, to, note

    def events(self, request: ResidentRequest) -> list[RequestEvent]:
        return [
            RequestEvent(
                request=request,
                action=action,
                at=at,
                actor=actor,
                from_status=from_status,
                to_status=to_status,
                note=note,
                public_note=note if action in (EventAction.RESOLVE, EventAction.REJECT) else "",
            )
            for action, at, actor, from_status, to_status, note in self.steps
        ]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _plan(rng, fake, now, categories, buildings, staff) -> _Plan:
    code = _weighted(rng, CATEGORY_WEIGHTS)
    category = categories[code]
    building = rng.choice(buildings)
    community_id = building.compound.community_id
    people = staff.get(community_id, _Staff(coordinator=None))
    coordinator = people.coordinator
    handler = people.grid_workers.get(building.grid_id)
    submitted = now - dt.timedelta(days=rng.uniform(0, 365))
    channel = _weighted(rng, CHANNEL_WEIGHTS)
    request = ResidentRequest(
        category=category,
        channel=channel,
        referral_number=f"12345-{rng.randint(100000, 999999)}" if channel == Channel.REFERRAL else "",
        description=rng.choice(TEXTS[code]),
        community_id=community_id,
        compound_id=building.compound_id,
        building=building,
        grid_id=building.grid_id,
        contact_name=fake.name(),
        contact_mobile=f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
        hide_name_from_handlers=rng.random() < 0.1,
        submitted_at=submitted,
        status=Status.SUBMITTED,
    )
    plan = _Plan(request=request, steps=[(EventAction.SUBMIT, submitted, None, "", Status.SUBMITTED, "")])
    _advance(rng, plan, now, coordinator, handler)
    return plan


def _advance(rng, plan: _Plan, now: dt.datetime, coordinator: User | None, handler: User | None) -> None:
    """Walk the request as far as its age allows, recording each step."""
    request = plan.request
    limit = request.category.time_limit
    stop = _stalls_at(rng, now - request.submitted_at)

    def step(action, at, actor, target, note=""):
        if at > now or request.status == stop:
            raise _NotYet
        plan.steps.append((action, at, actor, request.status, target, note))
        request.status = target

    try:
        accepted = request.submitted_at + dt.timedelta(hours=rng.uniform(0.2, 4))
        if rng.random() < 0.03:
            request.rejection_reason = "不属于社区受理范围,已告知居民向相关部门反映。"
            request.owner = coordinator
            step(EventAction.REJECT, accepted, coordinator, Status.REJECTED, request.rejection_reason)
            return
        step(EventAction.ACCEPT, accepted, coordinator, Status.ACCEPTED)
        request.accepted_at, request.due_at, request.owner = accepted, accepted + limit, coordinator
        dispatched = accepted + dt.timedelta(hours=rng.uniform(0.1, 2))
        external = handler is None or request.category.default_handler_kind == HandlerKind.PROPERTY_COMPANY
        step(EventAction.DISPATCH, dispatched, coordinator, Status.DISPATCHED)
        request.dispatched_at = dispatched
        request.handler_kind = HandlerKind.PROPERTY_COMPANY if external else HandlerKind.GRID_WORKER
        request.handler = None if external else handler
        request.handler_unit = f"{request.compound.name}物业" if external else ""
        signer = coordinator if external else handler
        signed = dispatched + dt.timedelta(hours=rng.uniform(0.1, 6))
        step(EventAction.SIGN, signed, signer, Status.IN_PROGRESS)
        request.signed_at = signed
        # 88% on time: most finish within the limit, some run over.
        share = rng.uniform(0.1, 0.95) if rng.random() < 0.88 else rng.uniform(1.05, 1.6)
        resolved = accepted + limit * share
        request.result = RESULTS.get(request.category.code, DEFAULT_RESULT)
        step(EventAction.RESOLVE, resolved, signer, Status.RESOLVED, request.result)
        request.resolved_at = resolved
        called = resolved + dt.timedelta(days=rng.uniform(1, 3))
        satisfaction = _weighted(rng, SATISFACTION_WEIGHTS)
        step(EventAction.CALLBACK, called, coordinator, Status.CALLED_BACK, str(Satisfaction(satisfaction).label))
        request.callback_at = called
        request.callback_contacted = rng.random() < 0.97
        request.callback_solved = satisfaction != Satisfaction.DISSATISFIED and rng.random() < 0.95
        request.callback_satisfaction = satisfaction
        archived = called + dt.timedelta(days=rng.uniform(1, 10))
        step(EventAction.ARCHIVE, archived, coordinator, Status.ARCHIVED)
        request.archived_at = archived
    except _NotYet:
        pass


def _stalls_at(rng, age: dt.timedelta) -> str | None:
    """Leave some recent requests waiting, so the inboxes show 待受理 and late cases on first use."""
    if age < dt.timedelta(days=3) and rng.random() < 0.3:
        return Status.SUBMITTED
    if age < dt.timedelta(days=20) and rng.random() < 0.3:
        return rng.choice([Status.DISPATCHED, Status.IN_PROGRESS])
    return None


class _NotYet(Exception):
    """The next step would be in the future: the request stays where it is."""


def _assign_codes(requests: list[ResidentRequest]) -> None:
    serials: dict[str, int] = {}
    for request in requests:
        prefix = f"XT{timezone.localtime(request.submitted_at):%y%m%d}"
        serials[prefix] = serials.get(prefix, 0) + 1
        request.tracking_code = f"{prefix}{serials[prefix]:04d}"
