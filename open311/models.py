"""Open311 GeoReport v2 partners, their API keys, service attributes and what they filed.

resident_requests knows nothing of this app: a partner's request is an
ordinary ResidentRequest (channel 上级交办 or 第三方平台) and `PartnerSubmission`
records, beside it, which partner filed it and what Open311 sent that has no
field on the request (coordinates, a photo link, attribute answers).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from resident_requests.models import Channel, RequestCategory, ResidentRequest


class PartnerKind(models.TextChoices):
    HOTLINE = "hotline", _("12345热线")
    APP = "app", _("第三方应用")
    SYSTEM = "system", _("其他政务系统")


# The channels a partner's requests may arrive on (DOMAIN.md §3: 上级交办 is the 12345 referral).
PARTNER_CHANNELS = [
    (Channel.REFERRAL.value, Channel.REFERRAL.label),
    (Channel.PARTNER.value, Channel.PARTNER.label),
]


class Partner(models.Model):
    """A system allowed to file requests over Open311: the 12345 hotline, an app …"""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=PartnerKind.choices)
    channel = models.CharField(
        _("诉求来源渠道"),
        max_length=16,
        choices=PARTNER_CHANNELS,
        help_text=_("12345 等上级转办选「上级交办」,提交时须带 referral_number(交办单号);其他平台选「第三方平台」"),
    )
    contact_name = models.CharField(_("对接人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("对接电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True, help_text=_("停用后该平台的所有密钥立即失效"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("对接平台")
        verbose_name_plural = _("对接平台")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def hash_key(plain: str) -> str:
    # Keys are 256 random bits, so a plain SHA-256 cannot be brute-forced and can be
    # looked up by index; a slow password hash would only add work to every API call.
    return hashlib.sha256(plain.encode()).hexdigest()


def new_plain_key() -> str:
    return secrets.token_urlsafe(32)


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, partner__is_active=True)


class ApiKey(models.Model):
    """An API key of a partner. Only its hash is stored; the key is shown once, when issued."""

    partner = models.ForeignKey(Partner, verbose_name=_("对接平台"), on_delete=models.CASCADE, related_name="api_keys")
    # The first characters of the key, to tell keys apart in the admin and in the partner's config.
    prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.partner} {self.prefix}…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class AttributeDatatype(models.TextChoices):
    # The values are the GeoReport v2 datatypes, sent to partners as they are.
    STRING = "string", _("单行文字")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("多行文字")
    SINGLE = "singlevaluelist", _("单选")
    MULTI = "multivaluelist", _("多选")


LIST_DATATYPES = (AttributeDatatype.SINGLE, AttributeDatatype.MULTI)


class ServiceAttribute(models.Model):
    """An extra field a partner fills for one category (a GeoReport v2 service definition attribute)."""

    category = models.ForeignKey(
        RequestCategory, verbose_name=_("诉求类别"), on_delete=models.CASCADE, related_name="open311_attributes"
    )
    code = models.SlugField(_("编码"), max_length=30, help_text=_("提交时的参数名 attribute[编码]"))
    description = models.CharField(_("问题"), max_length=200, help_text=_("向填写人显示的问题或说明"))
    datatype = models.CharField(_("类型"), max_length=16, choices=AttributeDatatype.choices)
    required = models.BooleanField(_("必填"), default=False)
    variable = models.BooleanField(
        _("需要填写"), default=True, help_text=_("不勾选表示只是一段说明,提交时不接受该参数")
    )
    datatype_description = models.CharField(_("填写提示"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), help_text=_("从 1 开始,同一类别内不重复"))

    class Meta:
        verbose_name = _("类别附加字段")
        verbose_name_plural = _("类别附加字段")
        ordering = ["category__sort_order", "category_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"],
                name="open311_attribute_code_unique",
                violation_error_message=_("该类别已有这个编码的字段。"),
            ),
            models.UniqueConstraint(
                fields=["category", "order"],
                name="open311_attribute_order_unique",
                violation_error_message=_("该类别已有这个顺序号的字段。"),
            ),
            models.CheckConstraint(
                condition=Q(order__gte=1),
                name="open311_attribute_order_positive",
                violation_error_message=_("顺序从 1 开始。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.code}"


class AttributeValue(models.Model):
    """One option of a single- or multi-value list attribute."""

    attribute = models.ForeignKey(ServiceAttribute, on_delete=models.CASCADE, related_name="values")
    key = models.SlugField(_("取值"), max_length=30)
    name = models.CharField(_("显示名称"), max_length=60)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "key"],
                name="open311_value_key_unique",
                violation_error_message=_("该字段已有这个取值。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class PartnerSubmission(models.Model):
    """Which partner filed a request over Open311, and what came with it beyond the request's own fields.

    No contact data here (the request holds those and purges them after retention):
    email and device_id are not kept at all.
    """

    request = models.OneToOneField(
        ResidentRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="open311"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("对接平台"), on_delete=models.PROTECT, related_name="submissions"
    )
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API 密钥"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The partner's Idempotency-Key when it sent one (tokens/{token} finds the request by it),
    # else a random one: every submission has a token.
    token = models.CharField(_("令牌"), max_length=64)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    # A link only: the portal never fetches it (closed network; fetching partner URLs would be SSRF).
    media_url = models.URLField(_("照片链接"), max_length=1000, blank=True)
    attributes = models.JSONField(_("附加字段"), default=dict, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("第三方提交记录")
        verbose_name_plural = _("第三方提交记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "token"],
                name="open311_submission_token_unique",
                violation_error_message=_("该平台已用过这个令牌。"),
            ),
        ]
        indexes = [models.Index(fields=["token"])]

    def __str__(self) -> str:
        return f"{self.partner} → {self.request.tracking_code}"
