"""POST requests: keys, the mapping to a resident request, validation, attributes, idempotency, rate limit."""

import threading
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.http import QueryDict

from open311.models import ApiKey, PartnerSubmission
from resident_requests.models import Channel, EventAction, ResidentRequest, Status
from tests.markers import needs_postgres
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

pytestmark = pytest.mark.django_db
REQUESTS_JSON = url("requests", "json")


@pytest.fixture(autouse=True)
def seeded():
    ensure_seeded_attributes()


@pytest.fixture
def hotline():
    return make_partner()


@pytest.fixture
def app():
    return app_partner()


def post(client, key, data, fmt="json", **headers):
    return client.post(url("requests", fmt), {**data, "api_key": key} if key is not None else data, **headers)


def descriptions(response) -> list[str]:
    return [error["description"] for error in response.json()]


def only_request() -> ResidentRequest:
    [request] = ResidentRequest.objects.all()
    return request


# Keys


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_missing_or_wrong_key_is_403_and_creates_nothing(client, cast, hotline, fmt, key):
    response = post(client, key, post_data(cast), fmt)
    assert response.status_code == 403
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 403 and "api_key" in error["description"]
    else:
        root = xml_root(response)
        assert (root.tag, root[0].tag, root[0].find("code").text) == ("errors", "error", "403")
    assert not ResidentRequest.objects.exists()


def test_revoked_key_and_inactive_partner_are_refused(client, cast, hotline):
    partner, key = hotline
    ApiKey.objects.update(revoked_at="2026-11-20T00:00:00+08:00")
    assert post(client, key, post_data(cast)).status_code == 403
    ApiKey.objects.update(revoked_at=None)
    partner.is_active = False
    partner.save()
    assert post(client, key, post_data(cast)).status_code == 403
    partner.is_active = True
    partner.save()
    assert post(client, key, post_data(cast)).status_code == 201


def test_the_key_is_stored_only_as_a_hash_and_its_use_is_recorded(client, cast, hotline):
    partner, key = hotline
    api_key = ApiKey.objects.get()
    assert key not in (api_key.key_hash, api_key.prefix) and api_key.prefix == key[:8]
    assert api_key.last_used_at is None
    post(client, key, post_data(cast))
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_the_key_may_come_in_the_query_string(client, cast, hotline):
    _partner, key = hotline
    response = client.post(f"{REQUESTS_JSON}?api_key={key}", post_data(cast))
    assert response.status_code == 201


# The request it makes


@pytest.mark.parametrize("fmt", FORMATS)
def test_hotline_request_is_a_referral_in_the_buildings_community(client, cast, hotline, fmt):
    partner, key = hotline
    response = post(client, key, post_data(cast, account_id="caller-77"), fmt)
    assert response.status_code == 201
    request = only_request()
    expected = [{"service_request_id": request.tracking_code, "service_notice": "受理后 7 天内办结", "account_id": "caller-77"}]
    if fmt == "json":
        assert response.json() == expected
    else:
        root = xml_root(response)
        assert root.tag == "service_requests" and [child.tag for child in root] == ["request"]
        assert {child.tag: child.text for child in root[0]} == expected[0]
    assert (request.channel, request.referral_number) == (Channel.REFERRAL, "12345-20261121-0001")
    assert (request.community, request.compound, request.building, request.grid) == (
        cast.community,
        cast.building.compound,
        cast.building,
        cast.grid,
    )
    assert (request.address, request.contact_name, request.contact_mobile) == ("1单元门口", "王秀英", MOBILE)
    assert request.status == Status.SUBMITTED and request.created_by is None
    submission = PartnerSubmission.objects.get()
    assert (submission.request, submission.partner, submission.api_key) == (request, partner, ApiKey.objects.get())
    assert submission.token  # every submission has one, even without an Idempotency-Key
    event = request.events.get()
    assert event.action == EventAction.SUBMIT and "12345热线" in event.note and event.public_note == ""


def test_app_request_is_a_partner_channel_request_without_referral_number(client, cast, app):
    _partner, key = app
    assert post(client, key, post_data(cast, referral_number=None)).status_code == 201
    request = only_request()
    assert (request.channel, request.referral_number) == (Channel.PARTNER, "")


def test_referral_partner_must_send_the_work_order_number(client, cast, hotline):
    _partner, key = hotline
    response = post(client, key, post_data(cast, referral_number=None))
    assert response.status_code == 400
    assert any("referral_number" in text for text in descriptions(response))
    assert not ResidentRequest.objects.exists()


def test_coordinates_alone_reach_the_street_with_the_position_in_the_address(client, cast, app):
    _partner, key = app
    data = post_data(cast, address_id=None, address_string=None, lat="31.3012345", long="120.7123456")
    assert post(client, key, data).status_code == 201
    request = only_request()
    assert request.community is None  # no place in the grid tree: the street admin's inbox
    assert "31.301235" in request.address and "120.712346" in request.address
    submission = PartnerSubmission.objects.get()
    assert (str(submission.lat), str(submission.long)) == ("31.301235", "120.712346")


def test_address_string_alone_is_enough(client, cast, app):
    _partner, key = app
    assert post(client, key, post_data(cast, address_id=None, address_string="斜塘老街东口")).status_code == 201
    assert only_request().address == "斜塘老街东口"


def test_media_url_is_kept_as_a_link_and_never_fetched(client, cast, app, monkeypatch):
    import socket

    lookups = []
    resolve = socket.getaddrinfo

    def watched(host, *args, **kwargs):
        # Any fetch of the URL would have to resolve its host first (the database and Redis are left alone).
        lookups.append(host)
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", watched)
    _partner, key = app
    media = "https://img.partner.example/2026/11/abc.jpg"
    assert post(client, key, post_data(cast, media_url=media)).status_code == 201
    request = only_request()
    assert not request.photos.exists()
    assert PartnerSubmission.objects.get().media_url == media
    assert media in request.events.get().note  # staff see the link on the timeline
    assert not any("partner.example" in str(host) for host in lookups)


def test_phone_is_normalised_and_names_follow_chinese_order(client, cast, app):
    _partner, key = app
    assert post(client, key, post_data(cast, phone="+86 139-1234-5678", first_name="Mei", last_name="Li")).status_code == 201
    request = only_request()
    assert (request.contact_mobile, request.contact_name) == (MOBILE, "Mei Li")


def test_no_name_is_allowed(client, cast, app):
    _partner, key = app
    assert post(client, key, post_data(cast, first_name=None, last_name=None)).status_code == 201
    assert only_request().contact_name == "未留姓名"


def test_a_4000_character_description_is_accepted(client, cast, app):
    _partner, key = app
    assert post(client, key, post_data(cast, description="杂" * 4000)).status_code == 201
    assert len(only_request().description) == 4000


# Validation


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"service_code": None}, ["service_code"]),
        ({"phone": None}, ["phone"]),
        ({"phone": "0512-66668888"}, ["phone"]),
        ({"description": None}, ["description"]),
        ({"description": "  "}, ["description"]),
        ({"description": "杂" * 4001}, ["description"]),
        ({"address_id": None, "address_string": None}, ["lat", "address_string", "address_id"]),
        ({"address_id": "NO-SUCH"}, ["address_id"]),
        ({"address_id": None, "address_string": None, "lat": "31.3"}, ["lat", "long"]),
        ({"lat": "91", "long": "120"}, ["lat"]),
        ({"lat": "north", "long": "120"}, ["lat"]),
        ({"media_url": "ftp://files.example/a.jpg"}, ["media_url"]),
        ({"media_url": "file:///etc/passwd"}, ["media_url"]),
        ({"address_string": "路" * 201}, ["address_string"]),
        ({"first_name": "名" * 20, "last_name": "姓" * 20}, ["first_name"]),
    ],
)
def test_invalid_fields_are_400_naming_the_parameter(client, cast, app, overrides, names):
    _partner, key = app
    response = post(client, key, post_data(cast, **overrides))
    assert response.status_code == 400, response.content
    text = " ".join(descriptions(response))
    assert all(name in text for name in names), text
    assert all(error["code"] == 400 for error in response.json())
    assert not ResidentRequest.objects.exists()


def test_every_problem_is_reported_at_once(client, cast, app):
    _partner, key = app
    response = post(client, key, {"service_code": "sanitation"})
    text = descriptions(response)
    assert response.status_code == 400 and len(text) == 3  # description, phone, location
    root = xml_root(post(client, key, {"service_code": "sanitation"}, "xml"))
    assert root.tag == "errors" and len(root) == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_is_404(client, cast, app, fmt):
    _partner, key = app
    response = post(client, key, post_data(cast, service_code="potholes"), fmt)
    assert response.status_code == 404
    assert "potholes" in (body(response)[0]["description"] if fmt == "json" else xml_root(response)[0][1].text)


def test_wrong_jurisdiction_in_the_body_is_404(client, cast, app):
    _partner, key = app
    response = post(client, key, post_data(cast, jurisdiction_id="sfgov.org"))
    assert response.status_code == 404
    assert not ResidentRequest.objects.exists()
    assert post(client, key, post_data(cast, jurisdiction_id="xietang.local")).status_code == 201


# Attributes


def test_required_attribute_is_enforced(client, cast, app):
    _partner, key = app
    response = post(client, key, post_data(cast, service_code="hazard"))
    assert response.status_code == 400
    assert descriptions(response) == ["缺少 attribute[hazard_kind]:隐患类型"]


def test_single_value_attribute_is_recorded_for_staff(client, cast, app):
    _partner, key = app
    response = post(client, key, post_data(cast, service_code="hazard", **{"attribute[hazard_kind]": "ebike_charging"}))
    assert response.status_code == 201
    assert PartnerSubmission.objects.get().attributes == {"hazard_kind": "ebike_charging"}
    assert "隐患类型:电动车楼道充电" in only_request().events.get().note


def test_multi_value_and_datetime_attributes(client, cast, app):
    _partner, key = app
    data = post_data(cast, service_code="utilities")
    data["attribute[outage][]"] = ["water", "power", "water"]
    data["attribute[since]"] = "2026-11-21T08:00:00Z"
    assert post(client, key, data).status_code == 201
    assert PartnerSubmission.objects.get().attributes == {
        "outage": ["water", "power"],
        "since": "2026-11-21T16:00:00+08:00",
    }
    assert "受影响的是:停水、停电" in only_request().events.get().note


def test_number_and_string_attributes(client, cast, app):
    _partner, key = app
    data = post_data(cast, service_code="dispute", **{"attribute[dispute_kind]": "neighbour", "attribute[parties]": "2"})
    assert post(client, key, data).status_code == 201
    assert PartnerSubmission.objects.get().attributes == {"dispute_kind": "neighbour", "parties": "2"}
    ResidentRequest.objects.all().delete()
    data = post_data(cast, service_code="facilities", **{"attribute[facility_id]": "LD-0342"})
    assert post(client, key, data).status_code == 201


@pytest.mark.parametrize(
    ("service_code", "attributes", "fragment"),
    [
        ("hazard", {"attribute[hazard_kind]": "volcano"}, "volcano"),
        ("hazard", {"attribute[hazard_kind]": ["fire_lane", "gas_smell"]}, "只能有一个值"),
        ("hazard", {"attribute[hazard_kind]": "fire_lane", "attribute[colour]": "red"}, "attribute[colour]"),
        ("utilities", {"attribute[outage][]": ["water", "wind"]}, "wind"),
        ("utilities", {"attribute[outage]": "water", "attribute[since]": "yesterday"}, "attribute[since]"),
        ("dispute", {"attribute[dispute_kind]": "family", "attribute[parties]": "two"}, "attribute[parties]"),
        ("dispute", {"attribute[dispute_kind]": "family", "attribute[parties]": "NaN"}, "attribute[parties]"),
        # Information-only attributes (variable=false) take no input.
        ("dispute", {"attribute[dispute_kind]": "family", "attribute[mediation_notice]": "ok"}, "mediation_notice"),
        ("facilities", {"attribute[facility_id]": "LD\n0342"}, "不能换行"),
        ("facilities", {"attribute[facility_id]": "L" * 201}, "200"),
        ("sanitation", {"attribute[anything]": "1"}, "可用:无"),
    ],
)
def test_attribute_errors(client, cast, app, service_code, attributes, fragment):
    _partner, key = app
    response = post(client, key, post_data(cast, service_code=service_code, **attributes))
    assert response.status_code == 400, response.content
    assert any(fragment in text for text in descriptions(response)), descriptions(response)


def test_text_attribute(client, cast, app):
    from open311.models import ServiceAttribute

    ServiceAttribute.objects.create(
        category_id=only_category("sanitation"), code="details", description="补充说明", datatype="text", order=1
    )
    _partner, key = app
    data = post_data(cast, **{"attribute[details]": "第一行\n第二行"})
    assert post(client, key, data).status_code == 201
    assert PartnerSubmission.objects.get().attributes == {"details": "第一行\n第二行"}
    ResidentRequest.objects.all().delete()
    assert post(client, key, post_data(cast, **{"attribute[details]": "长" * 2001})).status_code == 400


def only_category(code: str) -> int:
    from resident_requests.models import RequestCategory

    return RequestCategory.objects.get(code=code).pk


# Repeats and limits


def test_idempotency_key_returns_the_first_request(client, cast, app):
    _partner, key = app
    first = post(client, key, post_data(cast), HTTP_IDEMPOTENCY_KEY="7f1d2c9e-0000-4000-8000-000000000001")
    again = post(client, key, post_data(cast), HTTP_IDEMPOTENCY_KEY="7f1d2c9e-0000-4000-8000-000000000001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert ResidentRequest.objects.count() == 1
    assert PartnerSubmission.objects.get().token == "7f1d2c9e-0000-4000-8000-000000000001"
    other = post(client, key, post_data(cast), HTTP_IDEMPOTENCY_KEY="7f1d2c9e-0000-4000-8000-000000000002")
    assert other.status_code == 201 and ResidentRequest.objects.count() == 2


def test_without_a_key_each_post_is_a_new_request(client, cast, app):
    _partner, key = app
    post(client, key, post_data(cast))
    post(client, key, post_data(cast))
    assert ResidentRequest.objects.count() == 2


def test_a_work_order_sent_twice_is_one_request(client, cast, hotline):
    _partner, key = hotline
    first = post(client, key, post_data(cast))
    again = post(client, key, post_data(cast, description="同一工单重发"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert ResidentRequest.objects.count() == 1
    assert post(client, key, post_data(cast, referral_number="12345-20261121-0002")).status_code == 201


def test_partners_do_not_share_repeats(client, cast, hotline):
    _partner, key = hotline
    _other, other_key = make_partner(name="另一个热线")
    post(client, key, post_data(cast))
    assert post(client, other_key, post_data(cast)).status_code == 201
    assert ResidentRequest.objects.count() == 2


def test_malformed_idempotency_key_is_400(client, cast, app):
    _partner, key = app
    response = post(client, key, post_data(cast), HTTP_IDEMPOTENCY_KEY="a b")
    assert response.status_code == 400 and "Idempotency-Key" in descriptions(response)[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_rate_limit_per_key_counts_new_requests_only(client, cast, app, settings, fmt):
    settings.OPEN311_RATE_KEY = "2/h"
    _partner, key = app
    _other, other_key = app_partner("另一个应用")
    headers = {"HTTP_IDEMPOTENCY_KEY": "repeat-me-0001"}
    assert post(client, key, post_data(cast), fmt, **headers).status_code == 201
    assert post(client, key, post_data(cast), fmt).status_code == 201
    # A repeat still learns its id; a third new request does not get through.
    assert post(client, key, post_data(cast), fmt, **headers).status_code == 200
    limited = post(client, key, post_data(cast), fmt)
    assert limited.status_code == 429
    error = body(limited)[0] if fmt == "json" else {"code": int(xml_root(limited)[0].find("code").text)}
    assert error["code"] == 429
    assert ResidentRequest.objects.count() == 2
    # Per key: another partner is not affected.
    assert post(client, other_key, post_data(cast), fmt).status_code == 201


def test_rate_limit_lets_requests_through_when_the_cache_is_down(client, cast, app, settings, monkeypatch):
    settings.OPEN311_RATE_KEY = "1/h"

    def cache_down(*args, **kwargs):
        raise OSError("redis unreachable")

    monkeypatch.setattr("xietang.public.is_ratelimited", cache_down)
    _partner, key = app
    assert post(client, key, post_data(cast)).status_code == 201
    assert post(client, key, post_data(cast)).status_code == 201
    cache.clear()


@pytest.mark.django_db(transaction=True)
@needs_postgres
def test_the_same_work_order_sent_twice_at_once_is_one_request(django_db_setup):
    from django.db import connections

    from open311 import services
    from tests.conftest import build_cast

    ensure_seeded_attributes()
    cast = build_cast()
    _partner, key = make_partner()
    api_key = ApiKey.objects.get()
    barrier = threading.Barrier(2)
    outcomes = []

    def file():
        try:
            clean = services.submission_clean(partner=api_key.partner, data=QueryDict(urlencode(post_data(cast))))
            barrier.wait()
            submission, created = services.submission_create(api_key=api_key, clean=clean)
            outcomes.append((submission.request.tracking_code, created))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created for _code, created in outcomes) == [False, True]
    assert len({code for code, _created in outcomes}) == 1
    assert ResidentRequest.objects.count() == PartnerSubmission.objects.count() == 1


# The 第三方平台 channel in the rest of the portal


def test_staff_cannot_pick_the_partner_channel_but_can_filter_by_it(client, cast, app, login, api):
    from resident_requests.forms import RequestIntakeForm

    _partner, key = app
    assert post(client, key, post_data(cast, referral_number=None)).status_code == 201
    code = only_request().tracking_code
    assert Channel.PARTNER not in dict(RequestIntakeForm(user=cast.worker).fields["channel"].choices)
    staff_api = api(cast.worker)
    refused = staff_api.post(
        "/api/v1/requests/",
        {
            "channel": Channel.PARTNER,
            "category": only_request().category_id,
            "description": "冒充第三方",
            "building": cast.building.pk,
            "contact_name": "李阿姨",
            "contact_mobile": "13800001111",
        },
        format="json",
    )
    assert refused.status_code == 400 and "channel" in refused.json()
    inbox = login(cast.worker).get("/requests/", {"channel": Channel.PARTNER, "scope": "community"}).content.decode()
    assert code in inbox and "第三方平台" in inbox
    listed = staff_api.get("/api/v1/requests/", {"channel": Channel.PARTNER}).json()
    assert [row["tracking_code"] for row in listed["results"]] == [code]
