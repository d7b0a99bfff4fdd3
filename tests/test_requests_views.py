"""Staff request pages: inbox, intake, 随手拍, detail and the act view; scope, roles, workflow, photos."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from resident_requests import services
from resident_requests.models import (
    Channel,
    EventAction,
    HandlerKind,
    PhotoKind,
    ResidentRequest,
    Satisfaction,
    Status,
)
from resident_requests.views import time_left_label
from tests.factories import BuildingFactory, category, make_request
from tests.queries import assert_queries_do_not_grow
from tests.request_steps import walk
from xietang.images import process_image_upload

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 11, 21, 12, 0, tzinfo=SHANGHAI)
INBOX = reverse("requests:inbox")
CREATE = reverse("requests:create")
SNAP = reverse("requests:snap_staff")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def req(cast):
    return make_request(community=cast.community, building=cast.building)


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def detail_url(request) -> str:
    return reverse("requests:detail", args=[request.pk])


def act_url(request, action: str) -> str:
    return reverse("requests:act", args=[request.pk, action])


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def reload(request) -> ResidentRequest:
    return ResidentRequest.objects.get(pk=request.pk)


# Inbox


@pytest.mark.parametrize("role", ["secretary", "worker", "grid_worker", "street_admin", "street_reviewer"])
def test_inbox_shows_requests_in_scope_only(cast, login, req, role):
    outside = make_request(community=cast.other_community, description="淞渔的路灯不亮")
    content = login(getattr(cast, role)).get(INBOX, {"scope": "community" if role != "street_admin" else "all"})
    content = content.content.decode()
    assert req.tracking_code in content
    assert (outside.tracking_code in content) is role.startswith("street")


def test_inbox_tabs_depend_on_the_role(cast, login):
    grid_page = login(cast.grid_worker).get(INBOX).content.decode()
    assert all(label in grid_page for label in ("我的待办", "我的网格", "本社区"))
    assert "全街道" not in grid_page
    worker_page = login(cast.worker).get(INBOX).content.decode()
    assert "本社区" in worker_page and "我的网格" not in worker_page
    street_page = login(cast.street_admin).get(INBOX).content.decode()
    assert "全街道" in street_page and "本社区</a>" not in street_page


def test_grid_worker_sees_the_requests_of_their_grid_in_the_grid_tab(cast, login, req):
    other_grid_building = BuildingFactory(compound=cast.building.compound, grid=cast.other_grid, number="41幢")
    elsewhere = make_request(community=cast.community, building=other_grid_building, description="41幢门禁坏了")
    client = login(cast.grid_worker)
    grid_tab = client.get(INBOX).content.decode()  # the grid worker's default tab
    assert req.tracking_code in grid_tab and elsewhere.tracking_code not in grid_tab
    community_tab = client.get(INBOX, {"scope": "community"}).content.decode()
    assert req.tracking_code in community_tab and elsewhere.tracking_code in community_tab


def test_mine_tab_holds_what_the_user_accepted_or_handles(cast, login, req):
    untouched = make_request(community=cast.community, description="小区南门路灯不亮")
    walk(req, cast, to=Status.DISPATCHED)
    for user in (cast.worker, cast.grid_worker):
        content = login(user).get(INBOX, {"scope": "mine"}).content.decode()
        assert req.tracking_code in content and untouched.tracking_code not in content
    assert req.tracking_code not in login(cast.secretary).get(INBOX, {"scope": "mine"}).content.decode()


def test_inbox_filters_by_status(cast, login, req):
    accepted = walk(make_request(community=cast.community, description="电梯异响"), cast, to=Status.ACCEPTED)
    content = login(cast.worker).get(INBOX, {"status": Status.ACCEPTED}).content.decode()
    assert accepted.tracking_code in content and req.tracking_code not in content


def test_overdue_filter_and_labels(cast, login):
    with time_machine.travel(NOON, tick=False):
        late = walk(make_request(community=cast.community, description="楼道堆物"), cast, to=Status.ACCEPTED)
        hazard = make_request(community=cast.community, code="hazard", description="消防通道被占")
    with time_machine.travel(NOON + dt.timedelta(days=8, hours=3) - dt.timedelta(minutes=40), tick=False):
        walk(hazard, cast, to=Status.ACCEPTED)  # 2 hours from now
    with time_machine.travel(NOON + dt.timedelta(days=8, hours=3), tick=False):
        client = login(cast.worker)
        content = client.get(INBOX, {"overdue": "true"}).content.decode()
        assert late.tracking_code in content and hazard.tracking_code not in content
        assert 'class="overdue"' in content
        assert "超期 1天3小时" in content  # the word, not only the colour
        content = client.get(INBOX).content.decode()
        assert "剩 1小时20分" in content
        assert content.count('class="overdue"') == 1


def test_time_left_label_rounds_to_minutes(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.ACCEPTED)
    due = request.due_at
    assert time_left_label(request, due - dt.timedelta(hours=3, minutes=20, seconds=30)) == ("剩 3小时20分", False)
    assert time_left_label(request, due + dt.timedelta(days=2, hours=3)) == ("超期 2天3小时", True)
    assert time_left_label(request, due + dt.timedelta(days=2)) == ("超期 2天", True)
    assert time_left_label(request, due - dt.timedelta(minutes=5)) == ("剩 5分", False)
    assert time_left_label(make_request(community=cast.community), due) == ("", False)


def test_list_hides_names_from_handlers_and_masks_mobiles(cast, login):
    hidden = make_request(
        community=cast.community, building=cast.building, contact_name="赵匿名", hide_name_from_handlers=True
    )
    grid_page = login(cast.grid_worker).get(INBOX).content.decode()
    assert hidden.tracking_code in grid_page and "赵匿名" not in grid_page
    worker_page = login(cast.worker).get(INBOX).content.decode()
    assert "赵匿名" in worker_page  # coordinators see who asked
    for page in (grid_page, worker_page):
        assert hidden.contact_mobile not in page
        assert hidden.masked_mobile in page


def test_inbox_query_count_does_not_grow_with_rows(cast, login, req, django_assert_max_num_queries):
    client = login(cast.worker)

    def add_rows():
        for index in range(6):
            request = make_request(community=cast.community, building=cast.building, description=f"第{index}件")
            walk(request, cast, to=[Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS][index % 3])
        make_request(community=cast.community, description="无楼栋的诉求", address="南门")

    assert_queries_do_not_grow(lambda: client.get(INBOX, {"scope": "community"}), add_rows, ceiling=15)
    with django_assert_max_num_queries(15):
        client.get(INBOX, {"scope": "community", "status": [Status.ACCEPTED, Status.DISPATCHED]})


def test_inbox_wrong_method_anonymous_and_roleless(cast, client, login):
    assert login(cast.worker).post(INBOX).status_code == 405
    client.logout()
    response = client.get(INBOX)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert login(cast.no_role).get(INBOX).status_code == 403


# Intake


def intake_data(cast, **overrides) -> dict:
    data = {
        "channel": Channel.HOTLINE,
        "referral_number": "",
        "category": category("sanitation").pk,
        "description": "39幢1单元楼道堆满纸箱,老人上下楼不方便",
        "community": cast.community.pk,
        "compound": cast.building.compound.pk,
        "building": cast.building.pk,
        "address": "1单元",
        "resident_q": "",
        "contact_name": "钱大妈",
        "contact_mobile": "13800001111",
        "submission_token": "intake-token-1",
    }
    data.update(overrides)
    return data


def test_intake_form_renders_for_loggers(cast, login):
    response = login(cast.grid_worker).get(CREATE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "交办单号" in content and "查找居民" in content
    # Community staff log only for their own community.
    assert "淞渔社区" not in content and "莲香社区" in content


def test_intake_saves_with_photos_and_shows_the_tracking_code(cast, login):
    client = login(cast.worker)
    response = client.post(CREATE, {**intake_data(cast), "photos": [jpeg("a.jpg"), jpeg("b.jpg")]})
    created = ResidentRequest.objects.get(description__startswith="39幢1单元")
    assert response.status_code == 302 and response["Location"] == detail_url(created)
    assert any(created.tracking_code in message for message in flashed(response))
    assert (created.channel, created.created_by, created.grid) == (Channel.HOTLINE, cast.worker, cast.grid)
    assert created.photos.filter(kind=PhotoKind.BEFORE).count() == 2
    # The same form sent again (double click) does not log a second request.
    client.post(CREATE, intake_data(cast))
    assert ResidentRequest.objects.filter(description__startswith="39幢1单元").count() == 1


def test_referral_needs_its_number(cast, login):
    response = login(cast.worker).post(CREATE, intake_data(cast, channel=Channel.REFERRAL))
    assert response.status_code == 200
    assert "上级交办的诉求请填写交办单号" in response.content.decode()
    assert not ResidentRequest.objects.exists()


def test_a_bad_photo_keeps_everything_typed_and_says_to_choose_photos_again(cast, login):
    fake = SimpleUploadedFile("scan.jpg", b"this is not a picture", content_type="image/jpeg")
    response = login(cast.worker).post(CREATE, {**intake_data(cast), "photos": [fake]})
    content = response.content.decode()
    assert response.status_code == 200
    assert "「scan.jpg」不是图片" in content
    assert "请重新选择照片" in content
    assert "39幢1单元楼道堆满纸箱" in content and 'value="钱大妈"' in content and 'value="13800001111"' in content
    assert f'<option value="{cast.building.pk}" selected>' in content
    assert not ResidentRequest.objects.exists()


def test_resident_lookup_lists_matches_in_scope_and_picking_fills_the_contact(cast, login):
    client = login(cast.worker)
    data = intake_data(cast, contact_name="", contact_mobile="", resident_q="英")
    response = client.post(CREATE, {**data, "find_resident": "1"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "王秀英" in content and "李建英" in content and "张外区" not in content
    assert cast.resident.mobile not in content  # choices show masked mobiles
    assert "39幢1单元楼道堆满纸箱" in content  # the lookup keeps what was typed
    assert not ResidentRequest.objects.exists()

    response = client.post(CREATE, {**data, "resident": cast.resident.pk})
    created = ResidentRequest.objects.get()
    assert response.status_code == 302
    assert (created.resident, created.contact_name, created.contact_mobile) == (
        cast.resident,
        "王秀英",
        cast.resident.mobile,
    )


def test_intake_without_contact_asks_for_one(cast, login):
    response = login(cast.worker).post(CREATE, intake_data(cast, contact_name="", contact_mobile=""))
    content = response.content.decode()
    assert "请填写联系人" in content and "请填写联系电话" in content


def test_community_staff_cannot_log_for_another_community(cast, login):
    response = login(cast.worker).post(CREATE, intake_data(cast, community=cast.other_community.pk))
    assert response.status_code == 200
    assert not ResidentRequest.objects.exists()


def test_street_admin_picks_the_community_then_its_buildings(cast, login):
    client = login(cast.street_admin)
    content = client.get(CREATE).content.decode()
    assert "淞渔社区" in content and "莲香新村三区39幢" not in content
    response = client.post(CREATE, {"community": cast.community.pk, "refresh_places": "1", "description": "草稿"})
    content = response.content.decode()
    assert "莲香新村三区39幢" in content and "淞泽家园九区" not in content
    assert "草稿" in content and not ResidentRequest.objects.exists()
    response = client.post(CREATE, intake_data(cast))
    assert response.status_code == 302
    assert ResidentRequest.objects.get().community == cast.community


def test_intake_roles_methods_and_anonymous(cast, client, login):
    assert login(cast.street_reviewer).get(CREATE).status_code == 403  # 街道审阅 only reads
    assert login(cast.no_role).get(CREATE).status_code == 403
    assert login(cast.worker).delete(CREATE).status_code == 405
    client.logout()
    response = client.get(CREATE)
    assert response.status_code == 302 and reverse("login") in response["Location"]


# 随手拍 by staff


def test_staff_snap_logs_a_snapshot_with_the_staff_member_as_contact(cast, login):
    cast.grid_worker.first_name, cast.grid_worker.phone = "网格员小周", "13700002222"
    cast.grid_worker.save()
    client = login(cast.grid_worker)
    assert client.get(SNAP).status_code == 200
    response = client.post(
        SNAP,
        {
            "photos": [jpeg()],
            "category": category("hazard").pk,
            "building": cast.building.pk,
            "address": "",
            "description": "电动车在楼道充电",
            "submission_token": "snap-1",
        },
    )
    created = ResidentRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(created)
    assert (created.channel, created.contact_name, created.contact_mobile) == (
        Channel.SNAPSHOT,
        "网格员小周",
        "13700002222",
    )
    assert (created.community, created.grid) == (cast.community, cast.grid)
    assert created.photos.count() == 1


def test_staff_snap_needs_a_photo(cast, login):
    cast.worker.phone = "13700003333"
    cast.worker.save()
    response = login(cast.worker).post(
        SNAP, {"category": category("hazard").pk, "building": cast.building.pk, "description": "井盖缺失"}
    )
    assert response.status_code == 200
    assert "请选择要上传的照片" in response.content.decode()
    assert not ResidentRequest.objects.exists()


def test_staff_snap_roles_methods_and_anonymous(cast, client, login):
    assert login(cast.street_reviewer).get(SNAP).status_code == 403
    assert login(cast.no_role).get(SNAP).status_code == 403
    assert login(cast.worker).delete(SNAP).status_code == 405
    client.logout()
    assert client.get(SNAP).status_code == 302


# Detail


def test_detail_shows_the_request_and_the_actions_the_user_may_take(cast, login, req):
    content = login(cast.worker).get(detail_url(req)).content.decode()
    assert req.tracking_code in content and req.description in content
    assert req.contact_mobile in content  # a coordinator sees the full mobile
    for action in ("accept", "reject", "merge"):
        assert act_url(req, action) in content
    assert act_url(req, "dispatch") not in content
    grid_page = login(cast.grid_worker).get(detail_url(req)).content.decode()
    assert req.masked_mobile in grid_page and req.contact_mobile not in grid_page
    assert act_url(req, "accept") not in grid_page


def test_the_handler_sees_the_full_mobile_but_not_a_hidden_name(cast, login):
    hidden = make_request(
        community=cast.community, building=cast.building, contact_name="赵匿名", hide_name_from_handlers=True
    )
    walk(hidden, cast, to=Status.DISPATCHED)
    content = login(cast.grid_worker).get(detail_url(hidden)).content.decode()
    assert hidden.contact_mobile in content and "赵匿名" not in content
    assert act_url(hidden, "sign") in content and act_url(hidden, "return") in content
    assert "赵匿名" in login(cast.worker).get(detail_url(hidden)).content.decode()


def test_detail_timeline_photos_and_due_time(cast, login):
    with time_machine.travel(NOON, tick=False):
        request, _ = services.request_create(
            category=category("sanitation"),
            channel=Channel.HOTLINE,
            description="垃圾房满溢",
            contact_name="孙阿姨",
            contact_mobile="13900002222",
            building=cast.building,
            photos=[process_image_upload(jpeg())],
            acting_user=cast.worker,
        )
    with time_machine.travel(NOON + dt.timedelta(minutes=5), tick=False):
        walk(request, cast, to=Status.ACCEPTED)
        content = login(cast.secretary).get(detail_url(request)).content.decode()
    assert "2026年11月21日 12:00" in content and "2026年11月21日 12:05" in content
    assert "2026年11月28日 12:05" in content and "剩 7天" in content  # due time and time left
    assert cast.worker.username in content  # the actor of each step
    photo = request.photos.get()
    assert reverse("requests:photo", args=[photo.pk, "thumb"]) in content
    assert reverse("requests:photo", args=[photo.pk, "full"]) in content


def test_detail_lists_duplicates_with_a_merge_button(cast, login, req):
    twin = make_request(community=cast.community, building=cast.building, description="楼道堆放杂物,影响通行!")
    content = login(cast.worker).get(detail_url(twin)).content.decode()
    assert "可能重复的诉求" in content and req.tracking_code in content
    assert f'name="merge-target" value="{req.tracking_code}"' in content


def test_detail_scope_roles_methods_and_anonymous(cast, client, login, req):
    assert login(cast.other_worker).get(detail_url(req)).status_code == 404
    assert login(cast.no_role).get(detail_url(req)).status_code == 403
    assert login(cast.worker).post(detail_url(req)).status_code == 405
    client.logout()
    assert client.get(detail_url(req)).status_code == 302


# Actions through the act view


def test_accept(cast, login, req):
    response = login(cast.worker).post(act_url(req, "accept"), {"accept-note": "马上联系物业"})
    assert response.status_code == 302 and response["Location"] == detail_url(req)
    req = reload(req)
    assert (req.status, req.owner) == (Status.ACCEPTED, cast.worker)
    assert req.events.last().note == "马上联系物业"
    assert "已受理,办理时限开始计算。" in flashed(response)


def test_accepting_twice_is_a_workflow_message_not_an_error_page(cast, login, req):
    client = login(cast.worker)
    client.post(act_url(req, "accept"))
    response = client.post(act_url(req, "accept"))
    assert response.status_code == 302 and response["Location"] == detail_url(req)
    assert "该诉求当前状态为「已受理」,不能受理。" in flashed(response)
    assert req.events.filter(action=EventAction.ACCEPT).count() == 1


def test_reject_needs_a_reason(cast, login, req):
    client = login(cast.worker)
    response = client.post(act_url(req, "reject"), {"reject-reason": "  "})
    assert response.status_code == 400
    assert "请说明不予受理的理由。" in response.content.decode()
    assert reload(req).status == Status.SUBMITTED
    response = client.post(act_url(req, "reject"), {"reject-reason": "属于私人合同纠纷,请走诉讼途径"})
    assert response.status_code == 302
    assert reload(req).rejection_reason == "属于私人合同纠纷,请走诉讼途径"


def test_merge_into_a_visible_request_by_code(cast, login, req):
    target = make_request(community=cast.community, building=cast.building, description="楼道杂物")
    outside = make_request(community=cast.other_community, description="淞渔的楼道杂物")
    client = login(cast.worker)
    response = client.post(act_url(req, "merge"), {"merge-target": outside.tracking_code})
    assert response.status_code == 400
    assert f"找不到受理编号为 {outside.tracking_code} 的诉求" in response.content.decode()
    response = client.post(act_url(req, "merge"), {"merge-target": target.tracking_code.lower()})
    assert response.status_code == 302
    req = reload(req)
    assert (req.status, req.merged_into) == (Status.MERGED, target)


def test_dispatch_form_preselects_the_category_handler_kind(cast, login, req):
    walk(req, cast, to=Status.ACCEPTED)
    content = login(cast.worker).get(detail_url(req)).content.decode()
    assert f'<option value="{HandlerKind.GRID_WORKER}" selected>' in content
    assert f'<option value="{cast.grid_worker.pk}" selected>' in content  # the worker of the request's grid


def test_dispatch_sign_resolve_callback_archive(cast, login, req):
    walk(req, cast, to=Status.ACCEPTED)
    response = login(cast.worker).post(
        act_url(req, "dispatch"),
        {"dispatch-handler_kind": HandlerKind.GRID_WORKER, "dispatch-handler": cast.grid_worker.pk},
    )
    assert response.status_code == 302
    assert (reload(req).status, reload(req).handler) == (Status.DISPATCHED, cast.grid_worker)

    grid_worker = login(cast.grid_worker)
    assert grid_worker.post(act_url(req, "sign")).status_code == 302
    assert reload(req).status == Status.IN_PROGRESS

    response = grid_worker.post(
        act_url(req, "resolve"), {"resolve-result": "已清理纸箱,楼道畅通", "resolve-photos": [jpeg("after.jpg")]}
    )
    assert response.status_code == 302
    req = reload(req)
    assert (req.status, req.result) == (Status.RESOLVED, "已清理纸箱,楼道畅通")
    assert req.photos.filter(kind=PhotoKind.AFTER).count() == 1

    worker = login(cast.worker)
    response = worker.post(
        act_url(req, "callback"),
        {"callback-contacted": "yes", "callback-solved": "yes", "callback-satisfaction": Satisfaction.SATISFIED},
    )
    assert response.status_code == 302
    req = reload(req)
    assert (req.status, req.callback_contacted, req.callback_solved, req.callback_satisfaction) == (
        Status.CALLED_BACK,
        True,
        True,
        Satisfaction.SATISFIED,
    )
    assert act_url(req, "reopen") not in worker.get(detail_url(req)).content.decode()  # only after 不满意
    assert worker.post(act_url(req, "archive")).status_code == 302
    assert reload(req).status == Status.ARCHIVED


def test_dispatch_to_a_property_company_needs_its_name(cast, login, req):
    walk(req, cast, to=Status.ACCEPTED)
    response = login(cast.worker).post(act_url(req, "dispatch"), {"dispatch-handler_kind": HandlerKind.PROPERTY_COMPANY})
    assert response.status_code == 400
    assert "请填写承办单位名称。" in response.content.decode()


def test_sign_by_someone_else_is_forbidden(cast, login, req):
    walk(req, cast, to=Status.DISPATCHED)
    assert login(cast.secretary).post(act_url(req, "sign")).status_code == 403
    assert reload(req).status == Status.DISPATCHED


def test_handler_returns_a_case_with_a_reason(cast, login, req):
    walk(req, cast, to=Status.IN_PROGRESS)
    response = login(cast.grid_worker).post(act_url(req, "return"), {"return-reason": "属于物业维修范围"})
    assert response.status_code == 302
    req = reload(req)
    assert (req.status, req.handler) == (Status.ACCEPTED, None)


def test_reopen_after_a_dissatisfied_callback(cast, login, req):
    walk(req, cast, to=Status.RESOLVED)
    client = login(cast.worker)
    client.post(
        act_url(req, "callback"),
        {"callback-contacted": "yes", "callback-solved": "no", "callback-satisfaction": Satisfaction.DISSATISFIED},
    )
    assert act_url(req, "reopen") in client.get(detail_url(req)).content.decode()
    response = client.post(act_url(req, "reopen"), {"reopen-reason": "纸箱又堆回来了"})
    assert response.status_code == 302
    req = reload(req)
    assert (req.status, req.reopen_count) == (Status.ACCEPTED, 1)


def test_extension_asked_by_the_handler_and_approved_by_the_street(cast, login, req):
    req = walk(req, cast, to=Status.IN_PROGRESS)
    local_until = (req.due_at + dt.timedelta(days=3)).astimezone(SHANGHAI).replace(second=0, microsecond=0)
    response = login(cast.grid_worker).post(
        act_url(req, "extend"),
        {"extend-until": local_until.strftime("%Y-%m-%dT%H:%M"), "extend-reason": "需等待配件到货"},
    )
    assert response.status_code == 302
    assert reload(req).extension_until == local_until

    reviewer = login(cast.street_reviewer)
    content = reviewer.get(detail_url(req)).content.decode()
    assert act_url(req, "extend-approve") in content and act_url(req, "extend-refuse") in content
    assert reviewer.post(act_url(req, "extend-approve")).status_code == 302
    req = reload(req)
    assert (req.due_at, req.extension_until) == (local_until, None)


def test_extension_decision_is_not_offered_without_a_request(cast, login, req):
    walk(req, cast, to=Status.IN_PROGRESS)
    assert act_url(req, "extend-approve") not in login(cast.street_reviewer).get(detail_url(req)).content.decode()


def test_urge_by_the_secretary_and_supervise_by_the_street(cast, login, req):
    walk(req, cast, to=Status.DISPATCHED)
    secretary = login(cast.secretary)
    assert "催办" in secretary.get(detail_url(req)).content.decode()
    assert secretary.post(act_url(req, "urge"), {"urge-note": "请今天处理"}).status_code == 302
    assert login(cast.street_admin).post(act_url(req, "urge")).status_code == 302
    actions = list(req.events.filter(action__in=[EventAction.URGE, EventAction.SUPERVISE]).values_list("action", flat=True))
    assert actions == [EventAction.URGE, EventAction.SUPERVISE]
    assert reload(req).urge_count == 2
    assert login(cast.worker).post(act_url(req, "urge")).status_code == 403  # a worker does not urge


def test_act_unknown_action_wrong_method_outsider_role_and_anonymous(cast, client, login, req):
    worker = login(cast.worker)
    assert worker.post(act_url(req, "rate")).status_code == 404  # the resident's, not a staff action
    assert worker.post(act_url(req, "remind")).status_code == 404  # the system's
    assert worker.get(act_url(req, "accept")).status_code == 405
    assert login(cast.other_worker).post(act_url(req, "accept")).status_code == 404
    assert login(cast.grid_worker).post(act_url(req, "accept")).status_code == 403
    assert login(cast.street_reviewer).post(act_url(req, "accept")).status_code == 403
    assert login(cast.no_role).post(act_url(req, "accept")).status_code == 403
    client.logout()
    assert client.post(act_url(req, "accept")).status_code == 302
    assert reload(req).status == Status.SUBMITTED
