"""Activities, shifts, sign-ups, attendance and service hours. DOMAIN.md §6.

Hours follow 民政部《志愿服务记录与证明出具办法(试行)》: actual service time
without travel, recorded and confirmed by the organiser ("谁组织谁记录"),
pending until then; corrections keep their history.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xietang.scoping import ScopedQuerySet


class ActivityType(models.TextChoices):
    PARTY_LESSON = "party_lesson", _("楼道微党课")
    PERSUASION = "persuasion", _("宣传劝导")
    MARKET = "market", _("公益市集")
    VISIT = "visit", _("探访慰问")
    ELDERLY = "elderly", _("助老")
    CLEAN_UP = "clean_up", _("环境整治")
    BREAKFAST = "breakfast", _("早餐供应")
    COMPANION = "companion", _("温情陪伴")
    STAR_CLASS = "star_class", _("星儿课堂")
    NEW_EMPLOYMENT_CARE = "new_employment_care", _("关爱新就业群体")
    OTHER = "other", _("其他")


class Audience(models.TextChoices):
    PUBLIC = "public", _("公开招募")
    MEMBERS = "members", _("仅限队员")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")


class Recurrence(models.TextChoices):
    NONE = "none", _("不重复")
    DAILY = "daily", _("每天")
    WEEKLY = "weekly", _("每周")


def new_check_in_token() -> str:
    return secrets.token_urlsafe(16)


class ActivityQuerySet(ScopedQuerySet):
    pass


class Activity(models.Model):
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="activities"
    )
    team = models.ForeignKey(
        "volunteers.Team",
        verbose_name=_("组织队伍"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    title = models.CharField(_("活动名称"), max_length=80)
    activity_type = models.CharField(_("活动类型"), max_length=24, choices=ActivityType.choices)
    position = models.ForeignKey(
        "communities.ServicePosition",
        verbose_name=_("服务阵地"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    address = models.CharField(_("活动地点"), max_length=200, blank=True, help_text=_("不在服务阵地时填写"))
    description = models.TextField(_("活动内容"), blank=True)
    audience = models.CharField(_("招募范围"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    # The pattern the shifts were generated from (e.g. every evening 17:00–19:00
    # until 12月31日); the shifts themselves are rows.
    recurrence = models.CharField(_("重复"), max_length=10, choices=Recurrence.choices, default=Recurrence.NONE)
    recurrence_until = models.DateField(_("重复至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    # Whom a care activity is for (新就业群体, 独居老人 …); free text as the articles vary.
    target_group = models.CharField(_("服务对象"), max_length=60, blank=True)
    # 服务人次 of activities that are not markets (a market sums its stalls).
    people_served = models.PositiveIntegerField(_("服务人次"), default=0)
    # Shown as a QR code at the venue; scanning it lets a signed-up volunteer check in/out.
    check_in_token = models.CharField(max_length=24, unique=True, default=new_check_in_token, editable=False)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="organised_activities"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recurrence="none") | Q(recurrence_until__isnull=False),
                name="activity_recurrence_has_end",
                violation_error_message=_("重复活动须填写重复至哪一天。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="activity_cancel_has_reason",
                violation_error_message=_("取消活动须说明原因。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def place(self) -> str:
        return self.address or (self.position.name if self.position_id else "")


def _activity_photo_path(instance, filename: str) -> str:
    return f"activities/{timezone.now():%Y/%m}/{filename}"


class ActivityPhoto(models.Model):
    """Re-encoded by xietang.images (EXIF/GPS stripped) like every other upload."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=_activity_photo_path)
    thumbnail = models.FileField(upload_to=_activity_photo_path)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["created_at", "id"]


class ShiftQuerySet(ScopedQuerySet):
    community_lookup = "activity__community"


class Shift(models.Model):
    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="shifts")
    label = models.CharField(_("班次"), max_length=30, blank=True, help_text=_("如 上午班"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("招募人数"))
    # Claimed by conditional UPDATEs so each reminder goes out once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirm_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"], name="shift_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="shift_ends_after_start",
                violation_error_message=_("结束时间须晚于开始时间。"),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="shift_capacity_positive",
                violation_error_message=_("招募人数至少为 1。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {timezone.localtime(self.starts_at):%m-%d %H:%M}"


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITING = "waiting", _("候补")
    CANCELLED = "cancelled", _("已取消")


class SignupSource(models.TextChoices):
    PUBLIC = "public", _("居民自主报名")
    STAFF = "staff", _("工作人员登记")


class AttendanceMethod(models.TextChoices):
    ORGANISER = "organiser", _("组织者登记")
    QR = "qr", _("扫码签到")


def new_signup_code() -> str:
    # Short enough to read out on the phone; no 0/O/1/I to confuse elders.
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class SignupQuerySet(ScopedQuerySet):
    community_lookup = "shift__activity__community"


class Signup(models.Model):
    shift = models.ForeignKey(Shift, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="signups"
    )
    status = models.CharField(_("状态"), max_length=10, choices=SignupStatus.choices)
    source = models.CharField(_("报名方式"), max_length=10, choices=SignupSource.choices)
    code = models.CharField(_("报名确认码"), max_length=6, unique=True, default=new_signup_code, editable=False)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    check_in_method = models.CharField(_("签到方式"), max_length=10, choices=AttendanceMethod.choices, blank=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        # Waiting list order is first come, first served.
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=~Q(status="cancelled"),
                name="signup_once_per_shift",
                violation_error_message=_("您已报名该班次。"),
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_in_at__lt=models.F("checked_out_at")),
                name="signup_out_after_in",
                violation_error_message=_("签退时间须晚于签到时间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.shift}"


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("不予确认")


class ServiceHoursQuerySet(ScopedQuerySet):
    community_lookup = "activity__community"


class ServiceHours(models.Model):
    """The service record of one volunteer in one shift (志愿服务记录).

    Minutes are actual service time (check-in to check-out, travel excluded);
    they count towards totals, points and certificates only once confirmed.
    """

    signup = models.OneToOneField(Signup, on_delete=models.PROTECT, related_name="hours")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="service_hours")
    # Denormalised from the signup so scope, totals and reports are one join.
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="service_hours")
    served_on = models.DateField(_("服务日期"))
    minutes = models.PositiveIntegerField(_("服务时长(分钟)"))
    content = models.CharField(_("服务内容"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=HoursStatus.choices, default=HoursStatus.PENDING)
    reject_reason = models.CharField(_("不予确认的原因"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceHoursQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务时长")
        verbose_name_plural = _("服务时长")
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["status", "served_on"], name="hours_status_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="hours_reject_has_reason",
                violation_error_message=_("不予确认须说明原因。"),
            ),
            models.CheckConstraint(
                condition=Q(minutes__lte=24 * 60),
                name="hours_at_most_a_day",
                violation_error_message=_("一次服务时长不能超过 24 小时。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.served_on} {self.minutes}分钟"

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


class ServiceHoursChange(models.Model):
    """History of a service record: every confirmation, rejection and correction, never edited."""

    record = models.ForeignKey(ServiceHours, on_delete=models.CASCADE, related_name="changes")
    old_minutes = models.PositiveIntegerField(null=True, blank=True)
    new_minutes = models.PositiveIntegerField()
    old_status = models.CharField(max_length=10, choices=HoursStatus.choices, blank=True)
    new_status = models.CharField(max_length=10, choices=HoursStatus.choices)
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("时长变更记录")
        verbose_name_plural = _("时长变更记录")
        ordering = ["created_at", "id"]


class StallService(models.TextChoices):
    HAIRCUT = "haircut", _("理发")
    KNIFE = "knife", _("磨刀")
    MENDING = "mending", _("缝补")
    BLOOD_PRESSURE = "blood_pressure", _("量血压")
    CLINIC = "clinic", _("义诊")
    ANTI_FRAUD = "anti_fraud", _("反诈宣传")
    WASTE_SORTING = "waste_sorting", _("垃圾分类")
    OTHER = "other", _("其他")


class MarketStall(models.Model):
    """A stall of a 公益市集 and the people it served (服务人次)."""

    activity = models.ForeignKey(Activity, verbose_name=_("市集"), on_delete=models.CASCADE, related_name="stalls")
    service = models.CharField(_("摊位服务"), max_length=16, choices=StallService.choices)
    name = models.CharField(_("摊位名称"), max_length=40, blank=True)
    provider = models.CharField(_("提供方"), max_length=60, blank=True)
    people_served = models.PositiveIntegerField(_("服务人次"), default=0)

    class Meta:
        verbose_name = _("市集摊位")
        verbose_name_plural = _("市集摊位")
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.name or self.get_service_display()
