"""/api/v1/requests/ and /api/v1/request-categories/: scope, filters, masking, intake,
every workflow step through its POST action, error mapping and query counts.

The state table itself is covered by test_requests_services.py; here each action
is called at least once to show the API parses, calls the service and answers
the way the schema says (403, 404, 409, 400 with field messages).
"""

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Role
from resident_requests import services
from resident_requests.models import (
    Channel,
    EventAction,
    HandlerKind,
    RequestPhoto,
    ResidentRequest,
    Satisfaction,
    Status,
)
from tests.factories import (
    BuildingFactory,
    CompoundFactory,
    UserFactory,
    category,
    make_request,
)
from tests.queries import assert_queries_do_not_grow
from tests.request_steps import walk

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/requests/"
CATEGORIES = "/api/v1/request-categories/"
MOBILE_MESSAGE = "手机号应为以1开头的11位数字,第二位为3至9,例如 13812345678。"


def detail(pk: int) -> str:
    return f"{REQUESTS}{pk}/"


def act(client, request: ResidentRequest, action: str, data: dict | None = None):
    return client.post(f"{detail(request.pk)}{action}/", data or {}, format="json")


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["tracking_code"] for row in response.json()["results"]}


def status_of(request: ResidentRequest) -> str:
    request.refresh_from_db()
    return request.status


@pytest.fixture
def home(cast) -> ResidentRequest:
    """待受理 in 莲香, at the grid worker's building."""
    return make_request(community=cast.community, building=cast.building)


@pytest.fixture
def away(cast) -> ResidentRequest:
    return make_request(community=cast.other_community, description="淞渔小区路灯不亮")


# Scope


def test_list_shows_only_the_users_community(cast, api, home, away):
    assert codes(api(cast.worker).get(REQUESTS)) == {home.tracking_code}
    assert codes(api(cast.other_worker).get(REQUESTS)) == {away.tracking_code}
    assert codes(api(cast.street_reviewer).get(REQUESTS)) == {home.tracking_code, away.tracking_code}


def test_out_of_scope_request_answers_404_on_detail_and_on_actions(cast, api, home):
    client = api(cast.other_worker)
    assert client.get(detail(home.pk)).status_code == 404
    assert act(client, home, "accept").status_code == 404
    assert act(client, home, "reject", {"reason": "x"}).status_code == 404
    # The scope is checked before the input: a bad body still answers 404.
    assert act(client, home, "dispatch", {}).status_code == 404
    assert status_of(home) == Status.SUBMITTED


def test_no_role_and_anonymous_are_refused(cast, api, home):
    assert api(cast.no_role).get(REQUESTS).status_code == 403
    assert api(cast.no_role).get(CATEGORIES).status_code == 403
    assert api().get(REQUESTS).status_code in (401, 403)
    assert act(api(), home, "accept").status_code in (401, 403)


def test_no_put_patch_or_delete(cast, api, home):
    client = api(cast.street_admin)
    assert client.put(detail(home.pk), {}, format="json").status_code == 405
    assert client.patch(detail(home.pk), {"description": "x"}, format="json").status_code == 405
    assert client.delete(detail(home.pk)).status_code == 405
    assert client.get(f"{detail(home.pk)}accept/").status_code == 405
    assert status_of(home) == Status.SUBMITTED


# Reading: fields and masking


def test_list_row_shows_names_and_masks_the_mobile(cast, api, home):
    response = api(cast.grid_worker).get(REQUESTS)
    row = response.json()["results"][0]
    assert row["tracking_code"] == home.tracking_code
    assert row["category"] == {"id": home.category_id, "name": "环境卫生"}
    assert (row["status"], row["status_display"]) == ("submitted", "待受理")
    assert row["community"] == {"id": cast.community.pk, "name": "莲香社区"}
    assert row["compound"]["name"] == "莲香新村三区"
    assert row["building"] == {"id": cast.building.pk, "name": "莲香新村三区39幢"}
    assert row["grid"] == {"id": cast.grid.pk, "name": "莲香第一网格"}
    assert row["contact_name"] == "王秀英"
    assert row["contact_mobile_masked"] == "139****5678"
    assert "13912345678" not in response.content.decode()
    assert (row["is_overdue"], row["seconds_left"], row["handler"], row["owner"]) == (False, None, None, None)


def test_hidden_name_is_shown_to_coordinators_only(cast, api):
    request = make_request(community=cast.community, building=cast.building, hide_name_from_handlers=True)
    assert api(cast.worker).get(REQUESTS).json()["results"][0]["contact_name"] == "王秀英"
    assert api(cast.secretary).get(detail(request.pk)).json()["contact_name"] == "王秀英"
    for user in (cast.grid_worker, cast.street_reviewer):
        assert api(user).get(REQUESTS).json()["results"][0]["contact_name"] is None
        body = api(user).get(detail(request.pk))
        assert body.json()["contact_name"] is None
        assert "王秀英" not in body.content.decode()


def test_full_mobile_only_for_coordinators_and_the_handler(cast, api, home):
    assert api(cast.worker).get(detail(home.pk)).json()["contact_mobile"] == "13912345678"
    assert api(cast.grid_worker).get(detail(home.pk)).json()["contact_mobile"] is None
    assert api(cast.street_reviewer).get(detail(home.pk)).json()["contact_mobile"] is None
    walk(home, cast, to=Status.DISPATCHED)  # to the grid worker
    row = api(cast.grid_worker).get(detail(home.pk)).json()
    assert row["contact_mobile"] == "13912345678"
    assert row["contact_mobile_masked"] == "139****5678"


def test_detail_has_timeline_photos_and_allowed_actions(cast, api, home, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = RequestPhoto(request=home, kind="before", width=4, height=3)
    photo.image.save("a.jpg", ContentFile(b"jpeg"), save=False)
    photo.thumbnail.save("a_thumb.jpg", ContentFile(b"jpeg"), save=False)
    photo.save()
    home = walk(home, cast, to=Status.ACCEPTED)
    row = api(cast.worker).get(detail(home.pk)).json()
    assert [(e["action"], e["actor"]) for e in row["timeline"]] == [("submit", "居民"), ("accept", "worker")]
    assert row["timeline"][1]["action_display"] == "受理"
    assert row["photos"] == [
        {
            "id": photo.pk,
            "kind": "before",
            "url": f"http://testserver/requests/photos/{photo.pk}/full/",
            "thumbnail_url": f"http://testserver/requests/photos/{photo.pk}/thumb/",
        }
    ]
    assert set(row["allowed_actions"]) == {"merge", "dispatch"}
    assert row["owner"] == {"id": cast.worker.pk, "name": "worker"}
    assert row["seconds_left"] == pytest.approx(7 * 24 * 3600, abs=60)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("worker", {"return"}),
        ("grid_worker", {"return", "sign", "extension-request"}),
        ("secretary", {"return", "urge"}),
        ("street_reviewer", {"urge"}),
        ("street_admin", {"return", "urge"}),
    ],
)
def test_allowed_actions_depend_on_the_role(cast, api, home, role, expected):
    walk(home, cast, to=Status.DISPATCHED)
    assert set(api(getattr(cast, role)).get(detail(home.pk)).json()["allowed_actions"]) == expected


# Filters (the inbox's RequestFilter) and inbox scopes


def test_filter_by_status_and_search(cast, api, home):
    accepted = walk(make_request(community=cast.community, description="电梯异响"), cast, to=Status.ACCEPTED)
    client = api(cast.worker)
    assert codes(client.get(REQUESTS, {"status": "accepted"})) == {accepted.tracking_code}
    assert codes(client.get(REQUESTS, {"status": ["accepted", "submitted"]})) == {
        home.tracking_code,
        accepted.tracking_code,
    }
    assert codes(client.get(REQUESTS, {"q": "电梯"})) == {accepted.tracking_code}
    assert client.get(REQUESTS, {"status": "nonsense"}).status_code == 400


def test_filter_overdue(cast, api):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        late = walk(make_request(community=cast.community, code="hazard"), cast, to=Status.ACCEPTED)  # 2 h
        on_time = walk(make_request(community=cast.community), cast, to=Status.ACCEPTED)  # 7 days
    with time_machine.travel(start + dt.timedelta(hours=3), tick=False):
        client = api(cast.worker)
        assert codes(client.get(REQUESTS, {"overdue": "true"})) == {late.tracking_code}
        assert codes(client.get(REQUESTS, {"overdue": "false"})) == {on_time.tracking_code}
        row = client.get(detail(late.pk)).json()
        assert row["is_overdue"] is True
        assert row["seconds_left"] == -3600


def test_filtering_by_an_out_of_scope_community_is_rejected(cast, api, home):
    response = api(cast.worker).get(REQUESTS, {"community": cast.other_community.pk})
    assert response.status_code == 400


def test_scope_grid_lists_the_grid_workers_grids(cast, api, home):
    other_grid_building = cast.resident_other_grid.household.stairwell.building
    elsewhere = make_request(community=cast.community, building=other_grid_building)
    no_place = make_request(community=cast.community)
    client = api(cast.grid_worker)
    assert codes(client.get(REQUESTS, {"scope": "grid"})) == {home.tracking_code}
    assert codes(client.get(REQUESTS)) == {home.tracking_code, elsewhere.tracking_code, no_place.tracking_code}
    # A case dispatched to the grid worker outside their grids is in their grid inbox too.
    walk(elsewhere, cast, to=Status.DISPATCHED)
    assert codes(client.get(REQUESTS, {"scope": "grid"})) == {home.tracking_code, elsewhere.tracking_code}


def test_scope_mine_lists_what_waits_for_the_user(cast, api, home):
    dispatched = walk(make_request(community=cast.community), cast, to=Status.DISPATCHED)
    assert codes(api(cast.grid_worker).get(REQUESTS, {"scope": "mine"})) == {dispatched.tracking_code}
    assert codes(api(cast.worker).get(REQUESTS, {"scope": "mine"})) == {dispatched.tracking_code}  # owner
    assert codes(api(cast.secretary).get(REQUESTS, {"scope": "mine"})) == set()


def test_unknown_scope_answers_400(cast, api):
    response = api(cast.worker).get(REQUESTS, {"scope": "everything"})
    assert response.status_code == 400
    assert "scope" in response.json()


# Categories


def test_every_staff_member_lists_the_categories(cast, api):
    for user in (cast.grid_worker, cast.street_reviewer):
        response = api(user).get(CATEGORIES)
        assert response.status_code == 200
        rows = response.json()
        assert [row["code"] for row in rows][:3] == ["hazard", "utilities", "sanitation"]
        assert rows[0]["time_limit_hours"] == 2


# Create (staff intake)


def intake(cast, **overrides) -> dict:
    data = {
        "channel": Channel.VISIT,
        "category": category("hazard").pk,
        "description": "3单元楼道电动车充电",
        "building": cast.building.pk,
        "contact_name": "李阿姨",
        "contact_mobile": "13800001111",
    }
    data.update(overrides)
    return data


def test_worker_logs_a_request_through_the_service(cast, api):
    response = api(cast.grid_worker).post(REQUESTS, intake(cast), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    request = ResidentRequest.objects.get(pk=body["id"])
    assert body["tracking_code"] == request.tracking_code and request.tracking_code.startswith("XT")
    assert (request.status, request.channel, request.created_by) == (Status.SUBMITTED, "visit", cast.grid_worker)
    assert (request.community, request.grid, request.compound) == (cast.community, cast.grid, cast.building.compound)
    assert [event["action"] for event in body["timeline"]] == ["submit"]
    assert body["allowed_actions"] == []  # a grid worker does not accept


def test_a_resident_record_fills_the_contact_and_the_community(cast, api):
    data = intake(cast, resident=cast.resident.pk, contact_name="", contact_mobile="")
    del data["building"]
    response = api(cast.worker).post(REQUESTS, data, format="json")
    assert response.status_code == 201, response.content
    request = ResidentRequest.objects.get(pk=response.json()["id"])
    assert (request.resident, request.contact_name, request.contact_mobile) == (
        cast.resident,
        "王秀英",
        cast.resident.mobile,
    )
    assert request.community == cast.community


def test_contact_is_required_without_a_resident(cast, api):
    response = api(cast.worker).post(REQUESTS, intake(cast, contact_mobile=""), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"contact_mobile"}


def test_reviewer_may_not_log_a_request(cast, api):
    response = api(cast.street_reviewer).post(REQUESTS, intake(cast), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "不能为该社区登记诉求。"
    assert not ResidentRequest.objects.exists()


def test_bad_mobile_answers_400_in_chinese(cast, api):
    response = api(cast.worker).post(REQUESTS, intake(cast, contact_mobile="12345"), format="json")
    assert response.status_code == 400
    assert response.json() == {"contact_mobile": [MOBILE_MESSAGE]}
    assert not ResidentRequest.objects.exists()


def test_resident_of_another_community_is_rejected_like_a_missing_one(cast, api):
    response = api(cast.worker).post(REQUESTS, intake(cast, resident=cast.outsider_resident.pk), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"resident"}
    assert cast.outsider_resident.name not in response.content.decode()


def test_street_admin_resident_must_belong_to_the_place(cast, api):
    # The admin sees both communities: the service's own check answers, per field.
    response = api(cast.street_admin).post(REQUESTS, intake(cast, resident=cast.outsider_resident.pk), format="json")
    assert response.status_code == 400
    assert response.json() == {"resident": ["所选居民不属于该社区。"]}


def test_places_outside_the_scope_and_mismatched_places_are_rejected(cast, api):
    other_building = cast.outsider_resident.household.stairwell.building
    assert api(cast.worker).post(REQUESTS, intake(cast, building=other_building.pk), format="json").status_code == 400
    other_compound = CompoundFactory(community=cast.community)
    response = api(cast.worker).post(REQUESTS, intake(cast, compound=other_compound.pk), format="json")
    assert response.status_code == 400
    assert response.json() == {"building": ["所选楼栋不属于所选小区。"]}


def test_referral_needs_its_number_and_online_is_for_residents(cast, api):
    client = api(cast.worker)
    response = client.post(REQUESTS, intake(cast, channel=Channel.REFERRAL), format="json")
    assert response.json() == {"referral_number": ["上级交办的诉求请填写交办单号。"]}
    assert client.post(REQUESTS, intake(cast, channel=Channel.ONLINE), format="json").status_code == 400
    response = client.post(REQUESTS, intake(cast, channel=Channel.REFERRAL, referral_number="12345-0001"), format="json")
    assert response.status_code == 201
    assert response.json()["referral_number"] == "12345-0001"


# The workflow, one POST per step


def test_full_flow_accept_dispatch_sign_resolve_callback_archive(cast, api, home):
    worker, grid_worker = api(cast.worker), api(cast.grid_worker)

    response = act(worker, home, "accept", {"note": "已电话联系居民"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["owner"]["id"]) == ("accepted", cast.worker.pk)
    assert body["due_at"] is not None and body["accepted_at"] is not None

    response = act(
        worker, home, "dispatch", {"handler_kind": HandlerKind.GRID_WORKER, "handler": cast.grid_worker.pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["handler"] == {"id": cast.grid_worker.pk, "name": "gridworker"}
    assert response.json()["handler_kind"] == "grid_worker"

    assert act(grid_worker, home, "sign").json()["status"] == "in_progress"
    response = act(grid_worker, home, "resolve", {"result": "杂物已清理"})
    assert (response.json()["status"], response.json()["result"]) == ("resolved", "杂物已清理")
    assert response.json()["resolved_at"] is not None

    response = act(
        worker, home, "callback", {"contacted": True, "solved": True, "satisfaction": Satisfaction.SATISFIED}
    )
    body = response.json()
    assert (body["status"], body["callback_contacted"], body["callback_solved"], body["callback_satisfaction"]) == (
        "called_back",
        True,
        True,
        "satisfied",
    )
    assert body["allowed_actions"] == ["archive"]

    response = act(worker, home, "archive", {"note": "结案"})
    assert response.json()["status"] == "archived"
    assert response.json()["allowed_actions"] == []
    assert [event["action"] for event in response.json()["timeline"]] == [
        "submit",
        "accept",
        "dispatch",
        "sign",
        "resolve",
        "callback",
        "archive",
    ]
    assert status_of(home) == Status.ARCHIVED


def test_a_refused_transition_answers_409(cast, api, home):
    client = api(cast.worker)
    assert act(client, home, "accept").status_code == 200
    response = act(client, home, "accept")
    assert response.status_code == 409
    assert response.json() == {"detail": "该诉求当前状态为「已受理」,不能受理。"}
    assert home.events.filter(action=EventAction.ACCEPT).count() == 1


def test_a_user_without_the_role_gets_403(cast, api, home):
    response = act(api(cast.grid_worker), home, "accept")
    assert response.status_code == 403
    assert response.json() == {"detail": "您没有权限对该诉求执行「受理」。"}
    assert status_of(home) == Status.SUBMITTED


def test_reject_needs_a_reason(cast, api, home):
    client = api(cast.worker)
    assert act(client, home, "reject", {}).json() == {"reason": ["该字段是必填项。"]}
    # Whitespace passes the serialiser (which trims it to "") and is refused by the service.
    assert act(client, home, "reject", {"reason": "   "}).status_code == 400
    response = act(client, home, "reject", {"reason": "属于民事纠纷,请走司法途径"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["rejection_reason"]) == ("rejected", "属于民事纠纷,请走司法途径")


def test_merge_into_a_visible_request_by_tracking_code(cast, api, home, away):
    target = make_request(community=cast.community, building=cast.building, description="楼道杂物又堆满了")
    client = api(cast.worker)
    response = act(client, home, "merge", {"target_tracking_code": away.tracking_code})
    assert response.status_code == 400
    assert response.json() == {"target_tracking_code": [f"没有找到受理编号为 {away.tracking_code} 的诉求。"]}
    response = act(client, home, "merge", {"target_tracking_code": home.tracking_code})
    assert response.json() == {"target_tracking_code": ["不能合并到自身。"]}
    response = act(client, home, "merge", {"target_tracking_code": target.tracking_code, "note": "同一楼道"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["merged_into"]) == ("merged", target.tracking_code)


def test_dispatch_checks_the_handler(cast, api, home):
    walk(home, cast, to=Status.ACCEPTED)
    client = api(cast.worker)
    response = act(client, home, "dispatch", {"handler_kind": HandlerKind.GRID_WORKER, "handler": cast.other_worker.pk})
    assert response.status_code == 400
    assert set(response.json()) == {"handler"}
    response = act(client, home, "dispatch", {"handler_kind": HandlerKind.GRID_WORKER})
    assert response.json() == {"handler": ["请选择承办人。"]}
    response = act(client, home, "dispatch", {"handler_kind": HandlerKind.COMMUNITY_STAFF, "handler": cast.grid_worker.pk})
    assert response.json() == {"handler": ["承办人必须是本社区在岗的社区工作人员。"]}
    response = act(client, home, "dispatch", {"handler_kind": HandlerKind.PROPERTY_COMPANY})
    assert response.json() == {"handler_unit": ["请填写承办单位名称。"]}
    response = act(
        client, home, "dispatch", {"handler_kind": HandlerKind.PROPERTY_COMPANY, "handler_unit": "莲香物业"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["handler"], body["handler_unit"]) == ("dispatched", None, "莲香物业")
    # No account handles it: the community's coordinators sign for the property company.
    assert "sign" in body["allowed_actions"]


def test_handler_returns_the_case(cast, api, home):
    walk(home, cast, to=Status.IN_PROGRESS)
    assert act(api(cast.street_reviewer), home, "return", {"reason": "不归社区"}).status_code == 403
    response = act(api(cast.grid_worker), home, "return", {"reason": "需物业维修"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["handler"]) == ("accepted", None)
    assert act(api(cast.grid_worker), home, "return", {"reason": "再退"}).status_code == 409


def test_reopen_only_after_a_dissatisfied_callback(cast, api):
    satisfied = walk(make_request(community=cast.community), cast, to=Status.CALLED_BACK)
    response = act(api(cast.worker), satisfied, "reopen", {"reason": "再看看"})
    assert response.status_code == 409
    assert response.json() == {"detail": "只有回访不满意的诉求才能重办。"}

    home = walk(make_request(community=cast.community), cast, to=Status.RESOLVED)
    response = act(
        api(cast.worker),
        home,
        "callback",
        {"contacted": True, "solved": False, "satisfaction": Satisfaction.DISSATISFIED, "note": "仍有杂物"},
    )
    assert set(response.json()["allowed_actions"]) == {"reopen", "archive"}
    response = act(api(cast.worker), home, "reopen", {"reason": "居民不满意,重新清理"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["reopen_count"]) == ("accepted", 1)


def test_callback_validates_its_input(cast, api, home):
    walk(home, cast, to=Status.RESOLVED)
    response = act(api(cast.worker), home, "callback", {"contacted": True, "satisfaction": "great"})
    assert response.status_code == 400
    assert set(response.json()) == {"solved", "satisfaction"}


def test_extension_asked_by_the_handler_and_decided_by_the_street(cast, api, home):
    home = walk(home, cast, to=Status.IN_PROGRESS)
    until = home.due_at + dt.timedelta(days=3)
    response = act(api(cast.grid_worker), home, "extension-request", {"until": until.isoformat(), "reason": "需采购配件"})
    assert response.status_code == 200, response.content
    assert dt.datetime.fromisoformat(response.json()["extension_until"]) == until
    assert "extension-request" not in response.json()["allowed_actions"]
    assert "extension-decide" in api(cast.street_reviewer).get(detail(home.pk)).json()["allowed_actions"]

    response = act(api(cast.grid_worker), home, "extension-request", {"until": until.isoformat(), "reason": "再延"})
    assert response.status_code == 409

    response = act(api(cast.secretary), home, "extension-decide", {"approve": True})
    assert response.status_code == 403

    response = act(api(cast.street_reviewer), home, "extension-decide", {"approve": True, "note": "同意"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert dt.datetime.fromisoformat(body["due_at"]) == until
    assert body["extension_until"] is None
    assert act(api(cast.street_reviewer), home, "extension-decide", {"approve": False}).status_code == 409


def test_extension_must_be_later_than_the_due_time(cast, api, home):
    home = walk(home, cast, to=Status.IN_PROGRESS)
    early = home.due_at - dt.timedelta(hours=1)
    response = act(api(cast.grid_worker), home, "extension-request", {"until": early.isoformat(), "reason": "x"})
    assert response.status_code == 400
    assert response.json() == {"until": ["延期后的时限必须晚于当前时限。"]}


def test_urge_by_the_secretary_and_supervise_by_the_street(cast, api, home):
    walk(home, cast, to=Status.DISPATCHED)
    assert act(api(cast.worker), home, "urge").status_code == 403
    response = act(api(cast.secretary), home, "urge", {"note": "请尽快处理"})
    assert response.status_code == 200, response.content
    assert response.json()["urge_count"] == 1
    response = act(api(cast.street_admin), home, "urge")
    assert response.json()["urge_count"] == 2
    assert [event["action"] for event in response.json()["timeline"]][-2:] == ["urge", "supervise"]


# Query counts


def test_list_queries_do_not_grow_with_rows(cast, api):
    def more_requests() -> None:
        for n in range(3):
            grid_worker = UserFactory(role=Role.GRID_WORKER, community=cast.community)
            building = BuildingFactory(compound=CompoundFactory(community=cast.community))
            building.grid.workers.add(grid_worker)
            request = make_request(community=cast.community, building=building, code=["hazard", "dispute", "other"][n])
            request = walk(request, cast, to=Status.ACCEPTED)
            services.request_dispatch(
                request=request, acting_user=cast.worker, handler_kind=HandlerKind.GRID_WORKER, handler=grid_worker
            )

    walk(make_request(community=cast.community, building=cast.building), cast, to=Status.IN_PROGRESS)
    client = api(cast.worker)
    for params in ({}, {"scope": "grid"}, {"overdue": "false", "status": ["dispatched", "in_progress"]}):
        assert_queries_do_not_grow(lambda params=params: client.get(REQUESTS, params), more_requests, ceiling=8)


# Schema


def test_schema_documents_the_request_endpoints(cast, login):
    text = login(cast.worker).get("/api/schema/").content.decode()
    for path in ["/api/v1/requests/", "/api/v1/requests/{id}/dispatch/", "/api/v1/requests/{id}/return/"]:
        assert path in text
    assert "/api/v1/requests/{id}/extension-decide/" in text
    assert "/api/v1/request-categories/" in text
    assert "居民诉求" in text and "本接口不接收照片" in text
