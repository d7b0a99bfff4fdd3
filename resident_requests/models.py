"""Resident requests (民意/诉求, "接诉即办"). DOMAIN.md §3.

A request moves through the states in `workflow.TRANSITIONS`; every move is a
service in `services.py` that writes a `RequestEvent` on the timeline.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.validators import mask_mobile, validate_mobile
from xietang.scoping import ScopedQuerySet


class Urgency(models.TextChoices):
    URGENT = "urgent", _("紧急隐患")
    UTILITIES = "utilities", _("水电气")
    GENERAL = "general", _("一般")
    COMPLEX = "complex", _("复杂")


# DOMAIN.md §3: urgent hazards ≤ 2 h, water/power/gas ≤ 24 h, general ≤ 7 days, complex ≤ 15 days.
DEFAULT_TIME_LIMIT_HOURS = {
    Urgency.URGENT: 2,
    Urgency.UTILITIES: 24,
    Urgency.GENERAL: 7 * 24,
    Urgency.COMPLEX: 15 * 24,
}


class HandlerKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    STREET_DEPARTMENT = "street_department", _("街道职能部门")
    PROPERTY_COMPANY = "property_company", _("物业公司")


class RequestCategory(models.Model):
    """A kind of request with its time limit; editable in admin."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    # Stable code: the Open311 service_code and the key in seed data.
    code = models.SlugField(_("编码"), max_length=30, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.GENERAL)
    time_limit_hours = models.PositiveIntegerField(_("办理时限(小时)"), help_text=_("受理后多少小时内办结"))
    remind_before_hours = models.PositiveIntegerField(
        _("提前提醒(小时)"), default=0, help_text=_("到期前多少小时提醒承办人;0 表示时限的四分之一")
    )
    default_handler_kind = models.CharField(
        _("默认承办方"), max_length=24, choices=HandlerKind.choices, default=HandlerKind.GRID_WORKER
    )
    # Counted as 纠纷排查 in the street's figures ("民意收集与纠纷排查714次").
    is_dispute = models.BooleanField(_("属于矛盾纠纷"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_limit_hours__gt=0),
                name="category_time_limit_positive",
                violation_error_message=_("办理时限必须大于 0 小时。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def time_limit(self) -> dt.timedelta:
        return dt.timedelta(hours=self.time_limit_hours)

    @property
    def reminder_lead(self) -> dt.timedelta:
        if self.remind_before_hours:
            return dt.timedelta(hours=self.remind_before_hours)
        return self.time_limit / 4


class Channel(models.TextChoices):
    ONLINE = "online", _("居民线上")
    VISIT = "visit", _("网格员走访")
    HOTLINE = "hotline", _("热线电话")
    MEETING = "meeting", _("民情站/联系日/恳谈会")
    SNAPSHOT = "snapshot", _("随手拍")
    REFERRAL = "referral", _("上级交办")
    # Filed by a partner system over Open311 (open311/): an app or another platform.
    PARTNER = "partner", _("第三方平台")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已合并")
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")
    CALLED_BACK = "called_back", _("已回访")
    ARCHIVED = "archived", _("已归档")


# States in which the handling clock runs and the case can be overdue.
OPEN_STATES = (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)
# States after the work was done (the result counts for on-time and handling time).
DONE_STATES = (Status.RESOLVED, Status.CALLED_BACK, Status.ARCHIVED)
FINAL_STATES = (Status.REJECTED, Status.MERGED, Status.ARCHIVED)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class ResidentRequestQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATES)

    def overdue(self, now: dt.datetime | None = None):
        return self.open().filter(due_at__lt=now or timezone.now())


class ResidentRequest(models.Model):
    tracking_code = models.CharField(_("受理编号"), max_length=16, unique=True, editable=False)
    category = models.ForeignKey(
        RequestCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="requests"
    )
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    referral_number = models.CharField(_("交办单号"), max_length=40, blank=True, help_text=_("上级交办(如 12345)时填写"))
    # 4,000 is the Open311 limit partners may send; the portal's own forms stop at 2,000.
    description = models.TextField(_("诉求内容"), max_length=4000)

    # Where: a place in the grid tree, or a free address.
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        related_name="resident_requests",
        null=True,
        blank=True,
    )
    compound = models.ForeignKey(
        "communities.Compound", verbose_name=_("小区"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    building = models.ForeignKey(
        "communities.Building", verbose_name=_("楼栋"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copied from the building when there is one, so grid inboxes need no join through places.
    grid = models.ForeignKey(
        "communities.Grid", verbose_name=_("网格"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("详细地址"), max_length=200, blank=True)

    # Who asked. Contact data is personal information: masked in lists, anonymised after retention.
    resident = models.ForeignKey(
        "communities.Resident",
        verbose_name=_("居民档案"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    contact_name = models.CharField(_("联系人"), max_length=30)
    contact_mobile = models.CharField(_("联系电话"), max_length=11, validators=[validate_mobile])
    hide_name_from_handlers = models.BooleanField(_("不向承办人显示姓名"), default=False)
    reporter = models.ForeignKey(
        "resident_requests.Reporter",
        verbose_name=_("随手拍报告人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    # Double submission (refresh, double click) carries the same token and finds this row.
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # 首接负责: whoever accepts it owns it until it is closed.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("首接责任人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handler_kind = models.CharField(_("承办方类型"), max_length=24, choices=HandlerKind.choices, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handler_unit = models.CharField(_("承办单位"), max_length=60, blank=True, help_text=_("街道职能部门或物业公司名称"))
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并到"), on_delete=models.PROTECT, null=True, blank=True, related_name="merged_requests"
    )
    rejection_reason = models.CharField(_("不予受理理由"), max_length=200, blank=True)
    result = models.TextField(_("办理结果"), blank=True)

    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True, db_index=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    urge_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)

    # Extension (延期): asked by the handler, decided by the street.
    extension_until = models.DateTimeField(_("申请延期至"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=200, blank=True)

    # Callback (回访). The resident's own rating on the tracking page is a callback too.
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_contacted = models.BooleanField(_("是否联系"), null=True, blank=True)
    callback_solved = models.BooleanField(_("是否解决"), null=True, blank=True)
    callback_satisfaction = models.CharField(
        _("满意度"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    resident_rated_at = models.DateTimeField(_("居民评价时间"), null=True, blank=True)
    resident_comment = models.CharField(_("居民评价"), max_length=500, blank=True)

    # Task bookkeeping: each is claimed by a conditional update so a task run twice sends once.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalation_level = models.PositiveSmallIntegerField(default=0, editable=False)
    callback_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    contact_purged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ResidentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民诉求")
        verbose_name_plural = _("居民诉求")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["grid", "status"]),
            models.Index(fields=["status", "due_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="request_rejection_needs_reason",
                violation_error_message=_("不予受理必须说明理由。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="request_merged_needs_target",
                violation_error_message=_("合并的诉求必须指明合并到哪一件。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.category}"

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.contact_mobile)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (now or timezone.now())

    def time_left(self, now: dt.datetime | None = None) -> dt.timedelta | None:
        """Remaining time while open (negative when overdue); None when no clock runs."""
        if not self.is_open or self.due_at is None:
            return None
        return self.due_at - (now or timezone.now())

    @property
    def resolved_on_time(self) -> bool | None:
        if self.resolved_at is None or self.due_at is None:
            return None
        return self.resolved_at <= self.due_at

    def place_label(self) -> str:
        parts = [str(p) for p in (self.community, self.compound) if p]
        if self.building_id:
            parts.append(self.building.number)
        if self.address:
            parts.append(self.address)
        return " ".join(parts)


class EventAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    MERGE = "merge", _("合并")
    DISPATCH = "dispatch", _("派单")
    RETURN = "return", _("退单")
    SIGN = "sign", _("签收")
    RESOLVE = "resolve", _("办结")
    CALLBACK = "callback", _("回访")
    RATE = "rate", _("居民评价")
    REOPEN = "reopen", _("重办")
    ARCHIVE = "archive", _("归档")
    EXTEND_REQUEST = "extend_request", _("申请延期")
    EXTEND_APPROVE = "extend_approve", _("同意延期")
    EXTEND_REFUSE = "extend_refuse", _("不同意延期")
    URGE = "urge", _("催办")
    SUPERVISE = "supervise", _("督办")
    REMIND = "remind", _("到期提醒")
    NOTE = "note", _("备注")


# What residents see on the tracking page: the step, never who did it or internal notes.
PUBLIC_ACTIONS = {
    EventAction.SUBMIT: _("诉求已提交"),
    EventAction.ACCEPT: _("已受理,正在安排办理"),
    EventAction.REJECT: _("不予受理"),
    EventAction.MERGE: _("已与相同诉求合并办理"),
    EventAction.DISPATCH: _("已派给承办人"),
    EventAction.SIGN: _("承办人已签收,正在办理"),
    EventAction.RESOLVE: _("已办结"),
    EventAction.CALLBACK: _("已回访"),
    EventAction.RATE: _("您已评价"),
    EventAction.REOPEN: _("重新办理"),
    EventAction.EXTEND_APPROVE: _("办理时限已延长"),
    EventAction.ARCHIVE: _("已归档"),
}


class RequestEventQuerySet(ScopedQuerySet):
    community_lookup = "request__community"


class RequestEvent(models.Model):
    """One line of the timeline: who did what, when, with which note."""

    request = models.ForeignKey(ResidentRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=EventAction.choices)
    # Null for the resident (public pages) and for the system (Celery tasks).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_status = models.CharField(_("原状态"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    # A note a resident may read (rejection reason, result); internal notes stay internal.
    public_note = models.TextField(_("公开说明"), blank=True)

    objects = RequestEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request.tracking_code} {self.get_action_display()}"

    @property
    def public_label(self) -> str:
        return str(PUBLIC_ACTIONS.get(self.action, ""))

    @property
    def actor_label(self) -> str:
        if self.actor_id:
            return self.actor.display_name
        return str(_("居民")) if self.action in (EventAction.SUBMIT, EventAction.RATE) else str(_("系统"))


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("受理前")
    AFTER = "after", _("办结后")


def _photo_path(instance, filename: str) -> str:
    return f"requests/{timezone.now():%Y/%m}/{filename}"


class RequestPhotoQuerySet(ScopedQuerySet):
    community_lookup = "request__community"


class RequestPhoto(models.Model):
    """A photo already re-encoded by xietang.images (no EXIF/GPS, long side ≤ 2,048 px)."""

    request = models.ForeignKey(ResidentRequest, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("类型"), max_length=8, choices=PhotoKind.choices)
    image = models.FileField(_("照片"), upload_to=_photo_path)
    thumbnail = models.FileField(_("缩略图"), upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RequestPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request.tracking_code} {self.get_kind_display()}"


class ReporterKind(models.TextChoices):
    COURIER = "courier", _("快递员")
    RIDER = "rider", _("外卖骑手")
    DRIVER = "driver", _("网约车司机")
    GRID_WORKER = "grid_worker", _("网格员")
    OTHER = "other", _("其他")


class ReporterQuerySet(ScopedQuerySet):
    pass


def new_reporter_token() -> str:
    return secrets.token_urlsafe(32)


class Reporter(models.Model):
    """A registered 随手拍 reporter (courier, rider …). No account: a personal link with a secret token."""

    name = models.CharField(_("姓名"), max_length=30)
    mobile = models.CharField(_("手机号"), max_length=11, validators=[validate_mobile])
    kind = models.CharField(_("身份"), max_length=16, choices=ReporterKind.choices)
    company = models.CharField(_("单位/平台"), max_length=60, blank=True)
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("工作所在社区"), on_delete=models.PROTECT, related_name="reporters"
    )
    token = models.CharField(_("专属链接口令"), max_length=43, unique=True, default=new_reporter_token, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReporterQuerySet.as_manager()

    class Meta:
        verbose_name = _("随手拍报告人")
        verbose_name_plural = _("随手拍报告人")
        ordering = ["community", "name"]

    def __str__(self) -> str:
        return f"{self.name}({self.get_kind_display()})"



class AssessmentWeights(models.Model):
    """综合成绩 weights (DOMAIN.md §3: they vary by city). One row; editable in admin."""

    response_weight = models.DecimalField(_("响应率权重"), max_digits=3, decimal_places=2, default=0.1)
    solution_weight = models.DecimalField(_("解决率权重"), max_digits=3, decimal_places=2, default=0.5)
    satisfaction_weight = models.DecimalField(_("满意率权重"), max_digits=3, decimal_places=2, default=0.4)
    # 满意率 counts 基本满意 at this weight.
    basically_satisfied_weight = models.DecimalField(_("基本满意折算"), max_digits=3, decimal_places=2, default=0.9)

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")

    def __str__(self) -> str:
        return str(_("考核权重"))

    @classmethod
    def current(cls) -> "AssessmentWeights":
        return cls.objects.order_by("id").first() or cls()
