"""Reads for the GeoReport v2 endpoints: services, service definitions, requests, tokens.

What the public sees (no api_key, or another partner's key) is what is safe for
anyone: the category, the state, the dates, the place down to the building, the
responsible unit and the after-photos that show the finished work. Free text
(the description, a free address, the result, a rejection reason) can name
people and is shown only to the partner that filed the request, identified by
its api_key. Contact data (name, mobile) is never output.
"""

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Street
from open311.errors import bad_request, not_found
from open311.models import Partner, PartnerSubmission, ServiceAttribute
from resident_requests.models import (
    DONE_STATES,
    HandlerKind,
    PhotoKind,
    RequestCategory,
    RequestPhoto,
    ResidentRequest,
    Status,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's own description last changed (GeoReport v2 discovery `changeset`).
# Service definitions are read from the database at every call, so clients need not cache them.
CHANGESET = "2026-11-21 00:00"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

MAX_RESULTS = 1000
MAX_SPAN = dt.timedelta(days=90)

# The one table from portal states to GeoReport v2 `status` (README "Open311").
# Closed = the work is done (办结 and after) or the case ended without handling
# (不予受理, 合并: it follows the case it was merged into). 重办 goes back to 已受理: open again.
OPEN311_STATUS: dict[str, str] = {
    Status.SUBMITTED: "open",
    Status.ACCEPTED: "open",
    Status.DISPATCHED: "open",
    Status.IN_PROGRESS: "open",
    Status.RESOLVED: "closed",
    Status.CALLED_BACK: "closed",
    Status.ARCHIVED: "closed",
    Status.REJECTED: "closed",
    Status.MERGED: "closed",
}
STATUS_VALUES = ("open", "closed")


# Formats


def w3_datetime(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the +08:00 offset, as the spec's W3C profile asks: 2026-11-21T12:00:00+08:00."""
    if value is None:
        return None
    return value.astimezone(SHANGHAI).isoformat(timespec="seconds")


# A "+" typed into a query string without encoding arrives as a space: "…T00:00:00 08:00".
_UNENCODED_PLUS = re.compile(r"^(.+T[\d:.]+) (\d{2}(?::?\d{2})?)$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_w3_datetime(value: str, name: str, *, end_of_day: bool = False) -> dt.datetime:
    """A W3C/ISO 8601 date or datetime; without an offset it is Shanghai time.

    A bare date means its first moment, or with `end_of_day` its last (end_date=2026-11-30
    includes the 30th).
    """
    value = _UNENCODED_PLUS.sub(r"\1+\2", value.strip())
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise bad_request(
            _("%(name)s 不是有效的时间,请用 W3C 格式,例如 2026-11-01T00:00:00+08:00。") % {"name": name}
        ) from None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=SHANGHAI)
    if end_of_day and _DATE_ONLY.match(value):
        parsed += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return parsed


def time_limit_notice(category: RequestCategory) -> str:
    """service_notice: the category's time limit, as residents read it on the report page."""
    hours = category.time_limit_hours
    if hours % 24 == 0:
        return _("受理后 %(n)s 天内办结") % {"n": hours // 24}
    return _("受理后 %(n)s 小时内办结") % {"n": hours}


def check_jurisdiction(value: str | None) -> None:
    """jurisdiction_id is optional while one street is served; a wrong one is 404 (spec)."""
    if value and value != settings.OPEN311_JURISDICTION_ID:
        raise not_found(
            _("未找到 jurisdiction_id「%(given)s」;本接口只服务「%(ours)s」,也可以不传该参数。")
            % {"given": value[:100], "ours": settings.OPEN311_JURISDICTION_ID}
        )


# Discovery and services


def discovery(*, endpoint_url: str) -> dict:
    return {
        "changeset": CHANGESET,
        "contact": _("斜塘街道基层治理平台 Open311 接口;接入、密钥和故障请联系街道管理员。"),
        "key_service": _("API 密钥由街道管理员在平台后台「对接平台」中为每个平台单独签发,只显示一次,可随时吊销。"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": CHANGESET,
                "type": "production" if settings.IS_PRODUCTION else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def active_categories() -> QuerySet[RequestCategory]:
    return RequestCategory.objects.filter(is_active=True)


def service_list() -> list[dict]:
    categories = active_categories().annotate(
        has_attributes=Exists(ServiceAttribute.objects.filter(category=OuterRef("pk")))
    )
    return [
        {
            "service_code": category.code,
            "service_name": category.name,
            "description": category.description,
            "metadata": category.has_attributes,
            # Every request gets its service_request_id at once (no batch tokens needed).
            "type": "realtime",
            "keywords": None,
            "group": category.get_urgency_display(),
        }
        for category in categories
    ]


def category_for_code(code: str) -> RequestCategory:
    category = active_categories().filter(code=code).first()
    if category is None:
        raise not_found(_("未找到 service_code「%(code)s」;可用的类别见 services。") % {"code": code[:50]})
    return category


def attributes_of(category: RequestCategory) -> list[ServiceAttribute]:
    return list(category.open311_attributes.prefetch_related("values").order_by("order"))


def service_definition(code: str) -> dict:
    category = category_for_code(code)
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": attribute.variable,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description or None,
                "order": attribute.order,
                "description": attribute.description,
                "values": [{"key": value.key, "name": value.name} for value in attribute.values.all()],
            }
            for attribute in attributes_of(category)
        ],
    }


# Requests


def _requests() -> QuerySet[ResidentRequest]:
    after_photos = RequestPhoto.objects.filter(kind=PhotoKind.AFTER).only("id", "request_id").order_by("created_at", "id")
    return (
        ResidentRequest.objects.select_related("category", "community", "compound", "building", "open311")
        .annotate(merged_code=F("merged_into__tracking_code"))
        .prefetch_related(Prefetch("photos", queryset=after_photos, to_attr="after_photos"))
        .order_by("-submitted_at", "-id")
    )


def _split(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def find_requests(params) -> list[ResidentRequest]:
    """GET requests: `service_request_id` (overrides the rest), or `service_code`, dates, `status`.

    At most MAX_RESULTS, newest first, over at most 90 days (by default the last 90).
    """
    codes = _split(params.get("service_request_id"))
    if codes:
        if len(codes) > MAX_RESULTS:
            raise bad_request(_("service_request_id 一次最多 %(n)s 个。") % {"n": MAX_RESULTS})
        return list(_requests().filter(tracking_code__in=codes)[:MAX_RESULTS])

    queryset = _requests()
    service_codes = _split(params.get("service_code"))
    if service_codes:
        categories = dict(RequestCategory.objects.filter(code__in=service_codes).values_list("code", "pk"))
        unknown = [code for code in service_codes if code not in categories]
        if unknown:
            raise not_found(_("未找到 service_code「%(code)s」;可用的类别见 services。") % {"code": unknown[0][:50]})
        queryset = queryset.filter(category_id__in=categories.values())

    statuses = [value.lower() for value in _split(params.get("status"))]
    wrong = [value for value in statuses if value not in STATUS_VALUES]
    if wrong:
        raise bad_request(_("status 只能是 open 或 closed(可用逗号同时给出),收到「%(value)s」。") % {"value": wrong[0][:20]})
    if statuses:
        queryset = queryset.filter(status__in=[s for s, value in OPEN311_STATUS.items() if value in statuses])

    start, end = _period(params.get("start_date"), params.get("end_date"))
    queryset = queryset.filter(submitted_at__gte=start, submitted_at__lte=end)
    return list(queryset[:MAX_RESULTS])


def _period(start_raw: str | None, end_raw: str | None) -> tuple[dt.datetime, dt.datetime]:
    start = parse_w3_datetime(start_raw, "start_date") if start_raw else None
    end = parse_w3_datetime(end_raw, "end_date", end_of_day=True) if end_raw else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise bad_request(_("end_date 早于 start_date。"))
    if end - start > MAX_SPAN:
        raise bad_request(_("start_date 与 end_date 之间最多 90 天;请分段查询。"))
    return start, end


def find_request(code: str) -> ResidentRequest:
    found = _requests().filter(tracking_code=code).first()
    if found is None:
        raise not_found(_("未找到 service_request_id「%(code)s」。") % {"code": code[:20]})
    return found


def find_tokens(token: str, partner: Partner | None) -> list[PartnerSubmission]:
    """tokens/{token}: tokens are unique per partner, so with no api_key a token may match several."""
    submissions = PartnerSubmission.objects.filter(token=token).select_related("request").order_by("id")
    if partner is not None:
        submissions = submissions.filter(partner=partner)
    found = list(submissions)
    if not found:
        raise not_found(_("未找到 token「%(token)s」。") % {"token": token[:64]})
    return found


def street_name() -> str:
    return Street.objects.order_by("id").values_list("name", flat=True).first() or ""


def media_token(photo_id: int) -> str:
    return signing.Signer(salt="open311.media").sign(str(photo_id))


def photo_id_from_token(token: str) -> int | None:
    try:
        return int(signing.Signer(salt="open311.media").unsign(token))
    except (signing.BadSignature, ValueError):
        return None


class RequestView:
    """Turns requests into GeoReport v2 `request` elements for one caller.

    `partner` is the caller's partner (api_key given), or None for the public. One
    instance per response: the street's name is read once for all rows (always, so the
    query count does not depend on which rows there are).
    """

    def __init__(self, *, base_url: str, partner: Partner | None):
        self.base_url = base_url
        self.partner = partner
        self.street_name = street_name()

    @staticmethod
    def submission(request: ResidentRequest) -> PartnerSubmission | None:
        try:
            return request.open311  # select_related: no query, but raises when there is none
        except PartnerSubmission.DoesNotExist:
            return None

    def is_own(self, submission: PartnerSubmission | None) -> bool:
        return self.partner is not None and submission is not None and submission.partner_id == self.partner.pk

    def status_notes(self, request: ResidentRequest, own: bool) -> str:
        status = request.status
        if status == Status.MERGED:
            note = _("已与 %(code)s 合并办理") % {"code": request.merged_code}
        elif status == Status.ACCEPTED and request.reopen_count:
            note = _("重新办理")
        else:
            note = Status(status).label
        if own:
            # The result and the rejection reason are the resident's public notes on the tracking page.
            detail = request.result if status in DONE_STATES else request.rejection_reason if status == Status.REJECTED else ""
            if detail:
                note = f"{note}:{detail}"
        return str(note)

    def agency(self, request: ResidentRequest) -> str:
        """A unit, never a person: the street department or property company, else the community."""
        if request.handler_kind in (HandlerKind.STREET_DEPARTMENT, HandlerKind.PROPERTY_COMPANY) and request.handler_unit:
            return request.handler_unit
        if request.community is not None:
            return str(request.community)
        return self.street_name

    @staticmethod
    def public_address(request: ResidentRequest) -> str | None:
        # Chinese order (general to specific), down to the building: no room, no free text.
        parts = [
            str(request.community) if request.community else "",
            request.compound.name if request.compound else "",
            request.building.number if request.building else "",
        ]
        return " ".join(part for part in parts if part) or None

    @staticmethod
    def updated(request: ResidentRequest) -> dt.datetime:
        # Spec: for closed requests, the time it was closed.
        if request.status in DONE_STATES and request.resolved_at:
            return request.resolved_at
        return request.updated_at

    def media_url(self, request: ResidentRequest, submission: PartnerSubmission | None, own: bool) -> str | None:
        if request.after_photos:
            return self.base_url + reverse("open311:media", args=[media_token(request.after_photos[0].pk)])
        if own and submission.media_url:
            return submission.media_url
        return None

    @staticmethod
    def _coordinate(value: Decimal | None, own: bool) -> float | None:
        if value is None:
            return None
        # About 100 m for the public: where the problem is, not which door a phone stood at.
        return float(value) if own else float(round(value, 3))

    def as_dict(self, request: ResidentRequest) -> dict:
        submission = self.submission(request)
        own = self.is_own(submission)
        return {
            "service_request_id": request.tracking_code,
            "status": OPEN311_STATUS[request.status],
            "status_notes": self.status_notes(request, own),
            "service_name": request.category.name,
            "service_code": request.category.code,
            "description": request.description if own else None,
            "agency_responsible": self.agency(request),
            "service_notice": time_limit_notice(request.category),
            "requested_datetime": w3_datetime(request.submitted_at),
            "updated_datetime": w3_datetime(self.updated(request)),
            "expected_datetime": w3_datetime(request.due_at),
            "address": (request.place_label() or None) if own else self.public_address(request),
            "address_id": request.building.code if request.building else None,
            "zipcode": None,
            "lat": self._coordinate(submission.lat if submission else None, own),
            "long": self._coordinate(submission.long if submission else None, own),
            "media_url": self.media_url(request, submission, own),
        }
