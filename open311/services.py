"""Every write of the Open311 interface: API keys, and requests filed by partners.

A partner's request goes through `resident_requests.services.request_create`,
the portal's one intake path, with the partner's channel (上级交办 or 第三方平台),
then a `PartnerSubmission` row records the partner and what Open311 sent that
the request has no field for. Both happen in one transaction.
"""

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from communities.models import Building
from communities.validators import validate_mobile
from open311 import selectors
from open311.errors import Open311Error, bad_request, forbidden
from open311.forms import SubmissionForm
from open311.models import (
    LIST_DATATYPES,
    ApiKey,
    AttributeDatatype,
    Partner,
    PartnerSubmission,
    ServiceAttribute,
    hash_key,
    new_plain_key,
)
from resident_requests.models import Channel, RequestCategory, ResidentRequest
from resident_requests.services import request_create

# Idempotency-Key header (IETF httpapi draft): a UUID or similar, usable in the tokens/ URL.
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# last_used_at is written at most this often per key: one row updated per call would be contention for nothing.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)
STRING_MAX = 200
TEXT_MAX = 2000
MICRODEGREE = Decimal("0.000001")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ATTRIBUTE_PARAM = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


# API keys


def key_issue(*, partner: Partner, acting_user: User) -> tuple[ApiKey, str]:
    """A new key for the partner. Returns the key row and the plain key, which is never stored."""
    plain = new_plain_key()
    api_key = ApiKey.objects.create(partner=partner, prefix=plain[:8], key_hash=hash_key(plain), created_by=acting_user)
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=api_key,
        object_repr=_("%(partner)s 的 API 密钥 %(prefix)s…") % {"partner": partner, "prefix": api_key.prefix},
    )
    return api_key, plain


def key_revoke(*, api_key: ApiKey, acting_user: User) -> bool:
    """Revoke a key at once; False when it was already revoked (nothing written)."""
    now = timezone.now()
    revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now)
    if revoked:
        api_key.revoked_at = now
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=api_key,
            changes={"revoked_at": now.isoformat()},
            object_repr=_("%(partner)s 的 API 密钥 %(prefix)s…") % {"partner": api_key.partner, "prefix": api_key.prefix},
        )
    return bool(revoked)


def key_authenticate(plain: str | None) -> ApiKey:
    """The usable key (not revoked, partner active) for a plain key, or a 403 error."""
    if not plain:
        raise forbidden(_("缺少 api_key:提交诉求需要街道签发的 API 密钥。"))
    api_key = ApiKey.objects.usable().select_related("partner").filter(key_hash=hash_key(plain.strip())).first()
    if api_key is None:
        raise forbidden(_("api_key 无效或已被吊销,请联系街道管理员。"))
    now = timezone.now()
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)
    ).update(last_used_at=now)
    return api_key


# Submissions


@dataclass(frozen=True)
class CleanSubmission:
    partner: Partner
    category: RequestCategory
    description: str
    contact_name: str
    contact_mobile: str
    building: Building | None
    address: str
    lat: Decimal | None
    long: Decimal | None
    media_url: str
    referral_number: str
    attributes: dict
    intake_note: str
    token: str
    # The portal's submission_token: set when a repeat can be recognised (Idempotency-Key, or the
    # hotline's work-order number), so a repeat returns the first request.
    dedupe_token: str | None
    idempotency_key: str
    account_id: str


def _contact_name(first: str, last: str) -> str:
    if not first and not last:
        return _("未留姓名")
    if _CJK.search(first + last):
        return f"{last}{first}"  # Chinese order: 姓 then 名, no space
    return " ".join(part for part in (first, last) if part)


def _dedupe_token(partner: Partner, idempotency_key: str, referral_number: str) -> str | None:
    if partner.channel == Channel.REFERRAL and referral_number:
        basis = f"referral:{referral_number}"  # one 12345 work order is one request, however often it is sent
    elif idempotency_key:
        basis = f"key:{idempotency_key}"
    else:
        return None
    return "open311:" + hashlib.sha256(f"{partner.pk}:{basis}".encode()).hexdigest()[:48]


def _display(attribute: ServiceAttribute, value) -> str:
    if attribute.datatype in LIST_DATATYPES:
        names = {option.key: option.name for option in attribute.values.all()}
        keys = value if isinstance(value, list) else [value]
        return "、".join(names[key] for key in keys)
    return str(value)


def _clean_attribute(attribute: ServiceAttribute, values: list[str]) -> str | list[str]:
    """One attribute's value(s), or a ValueError whose message is for the partner."""
    name = f"attribute[{attribute.code}]"
    datatype = attribute.datatype
    if datatype != AttributeDatatype.MULTI and len(values) > 1:
        raise ValueError(_("%(name)s 只能有一个值。") % {"name": name})
    if datatype in LIST_DATATYPES:
        allowed = [option.key for option in attribute.values.all()]
        wrong = [value for value in values if value not in allowed]
        if wrong:
            raise ValueError(
                _("%(name)s 的取值「%(value)s」无效,可选:%(allowed)s。")
                % {"name": name, "value": wrong[0][:30], "allowed": ", ".join(allowed)}
            )
        if datatype == AttributeDatatype.MULTI:
            return list(dict.fromkeys(values))
        return values[0]
    value = values[0]
    if datatype == AttributeDatatype.NUMBER:
        try:
            number = Decimal(value)
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(_("%(name)s 应为数字。") % {"name": name})
        return str(number)
    if datatype == AttributeDatatype.DATETIME:
        try:
            return selectors.w3_datetime(selectors.parse_w3_datetime(value, name))
        except Open311Error:
            raise ValueError(_("%(name)s 应为 ISO 8601 时间,例如 2026-11-21T08:00:00+08:00。") % {"name": name}) from None
    limit = TEXT_MAX if datatype == AttributeDatatype.TEXT else STRING_MAX
    if datatype == AttributeDatatype.STRING and ("\n" in value or "\r" in value):
        raise ValueError(_("%(name)s 是单行文字,不能换行。") % {"name": name})
    if len(value) > limit:
        raise ValueError(_("%(name)s 最多 %(n)s 个字。") % {"name": name, "n": limit})
    return value


def attributes_clean(category: RequestCategory, data: QueryDict) -> tuple[dict, list[str], list[str]]:
    """attribute[code]=v and attribute[code][]=v1&attribute[code][]=v2 against the category's definition.

    Returns (answers by code, note lines for staff, error messages).
    """
    attributes = {attribute.code: attribute for attribute in selectors.attributes_of(category)}
    given: dict[str, list[str]] = {}
    errors: list[str] = []
    for param in data:
        match = _ATTRIBUTE_PARAM.match(param)
        if match is None:
            continue
        values = [value.strip() for value in data.getlist(param) if value.strip()]
        if values:
            given.setdefault(match.group(1), []).extend(values)
    accepted = [code for code, attribute in attributes.items() if attribute.variable]
    for code in given:
        if code not in accepted:
            errors.append(
                _("attribute[%(code)s] 不是「%(category)s」的字段;可用:%(accepted)s。")
                % {"code": code[:30], "category": category.name, "accepted": ", ".join(accepted) or _("无")}
            )
    answers: dict = {}
    lines: list[str] = []
    for code in accepted:
        attribute = attributes[code]
        if code not in given:
            if attribute.required:
                errors.append(
                    _("缺少 attribute[%(code)s]:%(question)s") % {"code": code, "question": attribute.description}
                )
            continue
        try:
            answers[code] = _clean_attribute(attribute, given[code])
        except ValueError as error:
            errors.append(str(error))
            continue
        lines.append(f"{attribute.description}:{_display(attribute, answers[code])}")
    return answers, lines, errors


def submission_clean(*, partner: Partner, data: QueryDict, idempotency_key: str = "") -> CleanSubmission:
    """Check a POST requests body; a 404 for an unknown service, else every problem at once as 400."""
    form = SubmissionForm(data)
    form.is_valid()
    code = (data.get("service_code") or "").strip()
    category = selectors.category_for_code(code) if code else None
    errors = form.error_list()
    cleaned = form.cleaned_data

    if idempotency_key and not IDEMPOTENCY_KEY.match(idempotency_key):
        errors.append(_("Idempotency-Key 只能由 8–64 个字母、数字、- 或 _ 组成(例如一个 UUID)。"))

    phone = cleaned.get("phone")
    if phone:
        try:
            validate_mobile(phone)
        except ValidationError:
            errors.append(
                _("phone 应为中国大陆手机号(11 位,例如 13812345678);座机号码收不到回访短信,也不能用来查询进度。")
            )

    first, last = cleaned.get("first_name", ""), cleaned.get("last_name", "")
    contact_name = _contact_name(first, last)
    max_name = ResidentRequest._meta.get_field("contact_name").max_length
    if len(contact_name) > max_name:
        errors.append(_("first_name 与 last_name 合计最多 %(n)s 个字。") % {"n": max_name})

    building = None
    address_id = cleaned.get("address_id")
    if address_id:
        building = Building.objects.select_related("compound__community").filter(code=address_id).first()
        if building is None:
            errors.append(_("address_id「%(id)s」不是已登记的楼栋编码。") % {"id": address_id[:24]})

    referral_number = cleaned.get("referral_number", "")
    if partner.channel == Channel.REFERRAL and "referral_number" in cleaned and not referral_number:
        errors.append(_("缺少 referral_number:上级交办的诉求须带交办单号(如 12345 工单号)。"))

    answers, lines, attribute_errors = attributes_clean(category, data) if category else ({}, [], [])
    errors.extend(attribute_errors)
    if errors:
        raise bad_request(*errors)

    lat = long = None
    if cleaned.get("lat") is not None:
        # Six decimals (about 0.1 m): what the fields hold; more is noise from the phone.
        lat, long = (Decimal(str(cleaned[name])).quantize(MICRODEGREE, ROUND_HALF_UP) for name in ("lat", "long"))
    address = cleaned["address_string"]
    if not address and building is None:
        # Only coordinates: written into the address so staff see where it is in the inbox.
        address = _("坐标 %(lat)s, %(long)s(WGS84)") % {"lat": lat, "long": long}

    note = [_("经 Open311 由「%(partner)s」提交。") % {"partner": partner.name}]
    if lat is not None:
        note.append(_("坐标(WGS84):%(lat)s, %(long)s") % {"lat": lat, "long": long})
    if cleaned["media_url"]:
        note.append(_("照片链接(对方平台提供,本平台未下载):%(url)s") % {"url": cleaned["media_url"]})
    note.extend(lines)

    if partner.channel != Channel.REFERRAL:
        referral_number = ""
    return CleanSubmission(
        partner=partner,
        category=category,
        description=cleaned["description"],
        contact_name=contact_name,
        contact_mobile=cleaned["phone"],
        building=building,
        address=address,
        lat=lat,
        long=long,
        media_url=cleaned["media_url"],
        referral_number=referral_number,
        attributes=answers,
        intake_note="\n".join(note),
        token=idempotency_key or secrets.token_urlsafe(16),
        dedupe_token=_dedupe_token(partner, idempotency_key, referral_number),
        idempotency_key=idempotency_key,
        account_id=cleaned["account_id"],
    )


def submission_replayed(clean: CleanSubmission) -> PartnerSubmission | None:
    """The submission this one repeats (same work order, or same Idempotency-Key), if any."""
    found = None
    if clean.dedupe_token:
        found = PartnerSubmission.objects.filter(
            partner=clean.partner, request__submission_token=clean.dedupe_token
        ).first()
    if found is None and clean.idempotency_key:
        found = PartnerSubmission.objects.filter(partner=clean.partner, token=clean.idempotency_key).first()
    if found is not None:
        return PartnerSubmission.objects.select_related("request__category").get(pk=found.pk)
    return None


@transaction.atomic
def submission_create(*, api_key: ApiKey, clean: CleanSubmission) -> tuple[PartnerSubmission, bool]:
    """File the request and record the partner's submission. (submission, False) for a repeat
    that arrived at the same moment as the first (the portal's submission token caught it)."""
    try:
        request, created = request_create(
            category=clean.category,
            channel=clean.partner.channel,
            description=clean.description,
            contact_name=clean.contact_name,
            contact_mobile=clean.contact_mobile,
            building=clean.building,
            address=clean.address,
            referral_number=clean.referral_number,
            acting_user=None,
            submission_token=clean.dedupe_token,
            intake_note=clean.intake_note,
        )
    except ValidationError as error:
        raise bad_request(*_messages(error)) from None
    if not created:
        return PartnerSubmission.objects.select_related("request__category").get(request=request), False
    try:
        with transaction.atomic():
            submission = PartnerSubmission.objects.create(
                request=request,
                partner=clean.partner,
                api_key=api_key,
                token=clean.token,
                lat=clean.lat,
                long=clean.long,
                media_url=clean.media_url,
                attributes=clean.attributes,
            )
    except IntegrityError:
        # The same Idempotency-Key sent at the same moment for a different work order.
        raise bad_request(_("Idempotency-Key 已用于另一件诉求,请换一个。")) from None
    return submission, True


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
    return list(error.messages)
