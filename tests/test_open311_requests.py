"""GET requests, requests/{id}, tokens/{token} and the after-photo links: filters, states, what the public
may see, query counts, and the whole round trip from a partner's POST to the staff closing it."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from open311 import selectors
from open311.models import PartnerSubmission
from open311.selectors import OPEN311_STATUS
from resident_requests import services
from resident_requests.models import HandlerKind, PhotoKind, ResidentRequest, Status
from tests.factories import make_request
from tests.open311_support import (
    FORMATS,
    MOBILE,
    app_partner,
    body,
    ensure_seeded_attributes,
    make_partner,
    post_data,
    url,
    xml_root,
)
from tests.queries import assert_queries_do_not_grow
from tests.request_steps import walk
from xietang.images import process_image_upload

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LIST_JSON = url("requests", "json")


@pytest.fixture(autouse=True)
def seeded():
    ensure_seeded_attributes()


def jpeg(name: str = "after.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def submitted_days_ago(request: ResidentRequest, days: float) -> ResidentRequest:
    ResidentRequest.objects.filter(pk=request.pk).update(submitted_at=timezone.now() - dt.timedelta(days=days))
    return request


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["service_request_id"] for row in response.json()]


def row_of(client, code: str, **params) -> dict:
    response = client.get(url(f"requests/{code}", "json"), params)
    assert response.status_code == 200, response.content
    [row] = response.json()
    return row


def file_request(client, cast, key, **overrides) -> ResidentRequest:
    response = client.post(LIST_JSON, {**post_data(cast, **overrides), "api_key": key})
    assert response.status_code == 201, response.content
    return ResidentRequest.objects.get(tracking_code=response.json()[0]["service_request_id"])


# The state table


def test_every_portal_state_maps_to_open_or_closed():
    assert set(OPEN311_STATUS) == set(Status.values)
    assert set(OPEN311_STATUS.values()) == {"open", "closed"}
    assert [s for s, v in OPEN311_STATUS.items() if v == "open"] == [
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
    ]


@pytest.mark.parametrize(
    ("to", "status", "notes"),
    [
        (Status.SUBMITTED, "open", "待受理"),
        (Status.ACCEPTED, "open", "已受理"),
        (Status.DISPATCHED, "open", "已派单"),
        (Status.IN_PROGRESS, "open", "办理中"),
        (Status.RESOLVED, "closed", "已办结"),
        (Status.CALLED_BACK, "closed", "已回访"),
        (Status.ARCHIVED, "closed", "已归档"),
    ],
)
def test_status_and_notes_along_the_workflow(client, cast, to, status, notes):
    request = walk(make_request(community=cast.community, building=cast.building), cast, to=to)
    row = row_of(client, request.tracking_code)
    assert (row["status"], row["status_notes"]) == (status, notes)
    request.refresh_from_db()
    assert row["expected_datetime"] == selectors.w3_datetime(request.due_at)
    if status == "closed":
        assert row["updated_datetime"] == selectors.w3_datetime(request.resolved_at)


def test_rejected_merged_and_reopened(client, cast):
    rejected = make_request(community=cast.community)
    services.request_reject(request=rejected, acting_user=cast.worker, reason="不属于社区职责,已告知12345")
    target = make_request(community=cast.community, building=cast.building)
    duplicate = make_request(community=cast.community, building=cast.building)
    services.request_merge(request=duplicate, acting_user=cast.worker, target=target)
    reopened = walk(make_request(community=cast.community), cast, to=Status.CALLED_BACK, satisfaction="dissatisfied")
    services.request_reopen(request=reopened, acting_user=cast.worker, reason="居民不满意")

    assert (row_of(client, rejected.tracking_code)["status"], row_of(client, rejected.tracking_code)["status_notes"]) == (
        "closed",
        "不予受理",
    )
    merged = row_of(client, duplicate.tracking_code)
    assert (merged["status"], merged["status_notes"]) == ("closed", f"已与 {target.tracking_code} 合并办理")
    again = row_of(client, reopened.tracking_code)
    assert (again["status"], again["status_notes"]) == ("open", "重新办理")


# Filters


def test_default_is_the_last_90_days_newest_first(client, cast):
    old = submitted_days_ago(make_request(community=cast.community), 91)
    older_in = submitted_days_ago(make_request(community=cast.community), 89)
    recent = make_request(community=cast.community)
    assert codes(client.get(LIST_JSON)) == [recent.tracking_code, older_in.tracking_code]
    assert old.tracking_code not in codes(client.get(LIST_JSON))


def test_start_and_end_date(client, cast):
    january = make_request(community=cast.community)
    ResidentRequest.objects.filter(pk=january.pk).update(submitted_at=dt.datetime(2026, 1, 15, 9, 0, tzinfo=SHANGHAI))
    february = make_request(community=cast.community)
    ResidentRequest.objects.filter(pk=february.pk).update(submitted_at=dt.datetime(2026, 2, 10, 9, 0, tzinfo=SHANGHAI))
    both = {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-03-01T00:00:00+08:00"}
    assert codes(client.get(LIST_JSON, both)) == [february.tracking_code, january.tracking_code]
    # Only a start: the 90 days after it. Only an end: the 90 days before it.
    assert codes(client.get(LIST_JSON, {"start_date": "2026-02-01T00:00:00Z"})) == [february.tracking_code]
    assert codes(client.get(LIST_JSON, {"end_date": "2026-02-01T00:00:00+08:00"})) == [january.tracking_code]
    # A bare end date includes that whole day; no offset means Shanghai time.
    assert codes(client.get(LIST_JSON, {"start_date": "2026-02-10", "end_date": "2026-02-10"})) == [february.tracking_code]
    assert codes(client.get(LIST_JSON, {"start_date": "2026-02-10T09:00:01", "end_date": "2026-02-11"})) == []
    # "+08:00" sent without URL encoding arrives as " 08:00" and still works.
    assert codes(client.get(f"{LIST_JSON}?start_date=2026-02-10T08:00:00+08:00&end_date=2026-02-10T10:00:00+08:00")) == [
        february.tracking_code
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-04-02T00:00:00+08:00"}, "90"),
        ({"start_date": "2026-03-01T00:00:00+08:00", "end_date": "2026-02-01T00:00:00+08:00"}, "end_date"),
        ({"start_date": "last week"}, "start_date"),
        ({"end_date": "2026-13-01"}, "end_date"),
        ({"status": "pending"}, "status"),
    ],
)
def test_bad_query_is_400(client, fmt, params, fragment):
    response = client.get(url("requests", fmt), params)
    assert response.status_code == 400
    description = body(response)[0]["description"] if fmt == "json" else xml_root(response)[0].find("description").text
    assert fragment in description


def test_a_span_of_exactly_90_days_is_allowed(client):
    params = {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-04-01T00:00:00+08:00"}
    assert client.get(LIST_JSON, params).status_code == 200


def test_status_filter(client, cast):
    open_one = make_request(community=cast.community)
    closed = walk(make_request(community=cast.community), cast, to=Status.RESOLVED)
    assert codes(client.get(LIST_JSON, {"status": "open"})) == [open_one.tracking_code]
    assert codes(client.get(LIST_JSON, {"status": "closed"})) == [closed.tracking_code]
    assert set(codes(client.get(LIST_JSON, {"status": "open,closed"}))) == {open_one.tracking_code, closed.tracking_code}


def test_service_code_filter(client, cast):
    sanitation = make_request(community=cast.community, code="sanitation")
    hazard = make_request(community=cast.community, code="hazard")
    make_request(community=cast.community, code="parking")
    assert codes(client.get(LIST_JSON, {"service_code": "hazard"})) == [hazard.tracking_code]
    assert set(codes(client.get(LIST_JSON, {"service_code": "hazard,sanitation"}))) == {
        hazard.tracking_code,
        sanitation.tracking_code,
    }
    response = client.get(LIST_JSON, {"service_code": "hazard,potholes"})
    assert response.status_code == 404 and "potholes" in response.json()[0]["description"]


def test_service_request_id_overrides_the_other_arguments(client, cast):
    old = submitted_days_ago(make_request(community=cast.community), 400)
    recent = make_request(community=cast.community)
    params = {"service_request_id": f"{old.tracking_code}, {recent.tracking_code},XT000", "status": "closed"}
    assert set(codes(client.get(LIST_JSON, params))) == {old.tracking_code, recent.tracking_code}


def test_at_most_1000_results(client, cast, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_RESULTS", 3)
    made = [make_request(community=cast.community) for _ in range(4)]
    assert codes(client.get(LIST_JSON)) == [r.tracking_code for r in reversed(made)][:3]
    response = client.get(LIST_JSON, {"service_request_id": ",".join(r.tracking_code for r in made)})
    assert response.status_code == 400


def test_the_cap_is_1000():
    assert selectors.MAX_RESULTS == 1000 and selectors.MAX_SPAN == dt.timedelta(days=90)


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_request_is_404(client, fmt):
    response = client.get(url("requests/XT2611219999", fmt))
    assert response.status_code == 404
    assert (body(response)[0]["code"] if fmt == "json" else xml_root(response)[0].find("code").text) in (404, "404")


def test_list_and_detail_in_xml(client, cast):
    request = make_request(community=cast.community, building=cast.building)
    for resource in ("requests", f"requests/{request.tracking_code}"):
        root = xml_root(client.get(url(resource, "xml")))
        assert root.tag == "service_requests" and [child.tag for child in root] == ["request"]
        assert root[0].find("service_request_id").text == request.tracking_code
        assert root[0].find("status").text == "open"


# What the public may see


PERSONAL = ("王秀英", MOBILE, "5678", "楼道堆放纸箱", "1单元门口", "wang@example.cn", "device-1", "已联系王阿姨")


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_output_carries_no_personal_data(client, cast, fmt):
    _partner, key = make_partner()
    request = file_request(client, cast, key)
    walk(request, cast, to=Status.IN_PROGRESS)
    services.request_resolve(request=request, acting_user=cast.grid_worker, result="已联系王阿姨,纸箱已清走")
    make_request(community=cast.community, building=cast.building, description="楼道堆放纸箱,邻居王秀英反映", address="1单元门口")
    for resource in ("requests", f"requests/{request.tracking_code}"):
        content = client.get(url(resource, fmt)).content.decode()
        for text in PERSONAL:
            assert text not in content, (resource, text)
        assert request.tracking_code in content and "莲香新村三区 39幢" in content


def test_the_filing_partner_sees_its_own_free_text(client, cast):
    partner, key = make_partner()
    request = file_request(client, cast, key, lat="31.3012345", long="120.7123456")
    walk(request, cast, to=Status.IN_PROGRESS)
    services.request_resolve(request=request, acting_user=cast.grid_worker, result="纸箱已清走")
    public = row_of(client, request.tracking_code)
    own = row_of(client, request.tracking_code, api_key=key)
    assert (public["description"], public["status_notes"], public["address"]) == (None, "已办结", "莲香社区 莲香新村三区 39幢")
    assert (public["lat"], public["long"]) == (31.301, 120.712)  # about 100 m for the public
    assert own["description"] == "39幢楼道堆放纸箱,老人上下楼不方便"
    assert own["status_notes"] == "已办结:纸箱已清走"
    assert own["address"] == "莲香社区 莲香新村三区 39幢 1单元门口"
    assert (own["lat"], own["long"]) == (31.301235, 120.712346)
    for field in ("service_request_id", "status", "service_code", "address_id", "agency_responsible"):
        assert own[field] == public[field]
    # Another partner's key sees what the public sees.
    _other, other_key = app_partner()
    assert row_of(client, request.tracking_code, api_key=other_key) == public
    # And the partner's view of others' requests is the public one.
    someone_else = make_request(community=cast.community, building=cast.building)
    assert row_of(client, someone_else.tracking_code, api_key=key)["description"] is None


def test_rejection_reason_only_for_the_filing_partner(client, cast):
    _partner, key = make_partner()
    request = file_request(client, cast, key)
    services.request_reject(request=request, acting_user=cast.worker, reason="已转区城管处理")
    assert row_of(client, request.tracking_code)["status_notes"] == "不予受理"
    assert row_of(client, request.tracking_code, api_key=key)["status_notes"] == "不予受理:已转区城管处理"


def test_a_partners_own_view_is_not_cached_by_anyone(client, cast):
    _partner, key = make_partner()
    request = file_request(client, cast, key)
    response = client.get(url(f"requests/{request.tracking_code}", "json"), {"api_key": key})
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "private" not in client.get(url(f"requests/{request.tracking_code}", "json")).get("Cache-Control", "")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_key_on_get_is_403(client, cast, fmt):
    request = make_request(community=cast.community)
    assert client.get(url(f"requests/{request.tracking_code}", fmt), {"api_key": "nope"}).status_code == 403
    assert client.get(url("requests", fmt), {"api_key": "nope"}).status_code == 403


def test_agency_is_a_unit_never_a_person(client, cast):
    in_community = walk(make_request(community=cast.community, building=cast.building), cast, to=Status.DISPATCHED)
    assert row_of(client, in_community.tracking_code)["agency_responsible"] == "莲香社区"
    external = walk(make_request(community=cast.community, code="utilities"), cast, to=Status.ACCEPTED)
    services.request_dispatch(
        request=external, acting_user=cast.worker, handler_kind=HandlerKind.PROPERTY_COMPANY, handler_unit="苏房物业"
    )
    assert row_of(client, external.tracking_code)["agency_responsible"] == "苏房物业"
    nowhere = make_request(community=None, address="斜塘老街东口")
    assert row_of(client, nowhere.tracking_code)["agency_responsible"] == "斜塘街道"
    assert row_of(client, nowhere.tracking_code)["address"] is None  # the free address is the resident's words
    content = client.get(LIST_JSON).content.decode()
    assert cast.grid_worker.display_name not in content and cast.worker.display_name not in content


# Photos


def test_media_url_is_the_first_after_photo_and_before_photos_stay_private(client, cast, settings):
    settings.SITE_URL = "https://portal.example.cn"
    before = process_image_upload(jpeg("before.jpg"))
    request = make_request(community=cast.community, building=cast.building, photos=[before])
    assert row_of(client, request.tracking_code)["media_url"] is None  # a resident's photo is not published
    request = walk(request, cast, to=Status.IN_PROGRESS)
    services.request_resolve(
        request=request,
        acting_user=cast.grid_worker,
        result="已清理",
        photos=[process_image_upload(jpeg("a.jpg")), process_image_upload(jpeg("b.jpg"))],
    )
    media_url = row_of(client, request.tracking_code)["media_url"]
    first_after = request.photos.filter(kind=PhotoKind.AFTER).order_by("created_at", "id").first()
    assert media_url == "https://portal.example.cn" + reverse("open311:media", args=[selectors.media_token(first_after.pk)])
    response = client.get(media_url.removeprefix("https://portal.example.cn"))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    before_photo = request.photos.get(kind=PhotoKind.BEFORE)
    assert client.get(reverse("open311:media", args=[selectors.media_token(before_photo.pk)])).status_code == 404
    assert client.get(reverse("open311:media", args=[f"{first_after.pk}:forged"])).status_code == 404
    assert client.get(reverse("open311:media", args=[str(first_after.pk)])).status_code == 404


def test_the_partners_own_media_url_goes_back_only_to_it(client, cast):
    _partner, key = app_partner()
    request = file_request(client, cast, key, media_url="https://img.partner.example/a.jpg")
    assert row_of(client, request.tracking_code)["media_url"] is None
    assert row_of(client, request.tracking_code, api_key=key)["media_url"] == "https://img.partner.example/a.jpg"


# Tokens


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_resolves_an_idempotency_key(client, cast, fmt):
    _partner, key = app_partner()
    response = client.post(LIST_JSON, {**post_data(cast), "api_key": key}, HTTP_IDEMPOTENCY_KEY="lost-response-0001")
    code = response.json()[0]["service_request_id"]
    found = client.get(url("tokens/lost-response-0001", fmt))
    assert found.status_code == 200
    if fmt == "json":
        assert found.json() == [{"service_request_id": code, "token": "lost-response-0001"}]
    else:
        root = xml_root(found)
        assert root.tag == "service_requests" and [child.tag for child in root] == ["request"]
        assert {child.tag: child.text for child in root[0]} == {"service_request_id": code, "token": "lost-response-0001"}


def test_a_token_two_partners_used_answers_both_unless_the_key_says_whose(client, cast):
    _one, key_one = app_partner("应用一")
    _two, key_two = app_partner("应用二")
    first = file_request(client, cast, key_one)
    PartnerSubmission.objects.filter(request=first).update(token="shared-token-01")
    second = file_request(client, cast, key_two)
    PartnerSubmission.objects.filter(request=second).update(token="shared-token-01")
    both = client.get(url("tokens/shared-token-01", "json")).json()
    assert [row["service_request_id"] for row in both] == [first.tracking_code, second.tracking_code]
    mine = client.get(url("tokens/shared-token-01", "json"), {"api_key": key_two}).json()
    assert [row["service_request_id"] for row in mine] == [second.tracking_code]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_token_is_404(client, fmt):
    response = client.get(url("tokens/never-issued-01", fmt))
    assert response.status_code == 404


# Query count


def test_list_query_count_does_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    _partner, key = make_partner()
    file_request(client, cast, key)
    closed = walk(make_request(community=cast.community, building=cast.building), cast, to=Status.IN_PROGRESS)
    services.request_resolve(
        request=closed, acting_user=cast.grid_worker, result="已清理", photos=[process_image_upload(jpeg())]
    )

    def add_rows():
        for index in range(6):
            file_request(client, cast, key, referral_number=f"12345-more-{index}", lat="31.3", long="120.7")
            walk(make_request(community=cast.community, building=cast.building), cast, to=Status.ACCEPTED)
        make_request(community=None, address="斜塘老街")

    for params in ({}, {"api_key": key}, {"service_code": "sanitation,hazard", "status": "open,closed"}):
        assert_queries_do_not_grow(lambda params=params: client.get(LIST_JSON, params), lambda: None, ceiling=5)
    assert_queries_do_not_grow(lambda: client.get(url("requests", "xml"), {"api_key": key}), add_rows, ceiling=5)
    with django_assert_max_num_queries(5):
        assert len(client.get(LIST_JSON, {"api_key": key}).json()) == 15


def test_services_query_count_is_constant(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        client.get(url("services", "json"))
    with django_assert_max_num_queries(3):
        client.get(url("services/utilities", "xml"))


# The round trip


def test_a_partner_files_staff_close_and_the_partner_reads_closed(client, cast, login):
    partner, key = make_partner()
    response = client.post(
        url("requests", "xml"),
        {**post_data(cast, media_url="https://img.partner.example/abc.jpg"), "api_key": key},
    )
    assert response.status_code == 201
    code = xml_root(response)[0].find("service_request_id").text

    # The community's coordinator finds it in the inbox, as a 上级交办 with its work-order number.
    staff = login(cast.worker)
    inbox = staff.get(reverse("requests:inbox")).content.decode()
    assert code in inbox
    request = ResidentRequest.objects.get(tracking_code=code)
    detail = staff.get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert "上级交办" in detail and "12345-20261121-0001" in detail
    assert "https://img.partner.example/abc.jpg" in detail and "12345热线" in detail

    def act(user, action, data=None):
        result = login(user).post(reverse("requests:act", args=[request.pk, action]), data or {})
        assert result.status_code == 302, result.content.decode()[:500]

    act(cast.worker, "accept", {"accept-note": "马上安排"})
    opened = row_of(client, code)
    assert opened["status"] == "open" and opened["expected_datetime"] is not None
    act(cast.worker, "dispatch", {"dispatch-handler_kind": HandlerKind.GRID_WORKER, "dispatch-handler": cast.grid_worker.pk})
    act(cast.grid_worker, "sign")
    act(cast.grid_worker, "resolve", {"resolve-result": "纸箱已清走,楼道畅通", "resolve-photos": [jpeg()]})

    root = xml_root(client.get(url(f"requests/{code}", "xml"), {"api_key": key}))
    fields = {child.tag: child.text for child in root[0]}
    assert fields["status"] == "closed"
    assert fields["status_notes"] == "已办结:纸箱已清走,楼道畅通"
    assert fields["media_url"].startswith("http://testserver/open311/v2/media/")
    public = client.get(url("requests", "json"), {"service_request_id": code, "status": "open"}).json()[0]
    assert (public["status"], public["status_notes"]) == ("closed", "已办结")
    assert code in codes(client.get(LIST_JSON, {"status": "closed"}))
    assert code not in codes(client.get(LIST_JSON, {"status": "open"}))
