"""The public request pages (no account): report, done page, 随手拍, tracking, rating, places, photos.

Residents are anonymous: what a browser may see rests on its session (codes it
just submitted, requests it unlocked with code + mobile tail). Everything else
must look exactly like "not there".
"""

import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from resident_requests import services
from resident_requests.models import (
    Channel,
    PhotoKind,
    Reporter,
    ReporterKind,
    RequestPhoto,
    ResidentRequest,
    Satisfaction,
    Status,
)
from resident_requests.views_public import UNLOCKED_KEY
from tests.factories import CompoundFactory, category, make_request
from tests.request_steps import walk
from xietang.images import process_image_upload
from xietang.public import ELDER_COOKIE

EXIF_MAKE = 0x010F
GPS_IFD = 0x8825
MOBILE = "13912345678"
NOT_FOUND = "未找到,请核对编号和手机号后四位"


def phone_jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    """A JPEG as a phone sends it: camera make and the GPS position of the resident's home."""
    exif = Image.Exif()
    exif[EXIF_MAKE] = "XietangPhone"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (31.0, 17.0, 36.0)
    gps[3], gps[4] = "E", (120.0, 44.0, 24.0)
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), "green").save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def report_data(cast, **overrides) -> dict:
    data = {
        "category": category("sanitation").pk,
        "description": "莲香新村三区39幢楼道堆放杂物,老人上下楼不方便",
        "community": cast.community.pk,
        "compound": cast.building.compound_id,
        "building": cast.building.pk,
        "address": "1单元门口",
        "contact_name": "王秀英",
        "contact_mobile": "139 1234 5678",
        "consent": "on",
        "submission_token": str(uuid.uuid4()),
        "website": "",
    }
    data.update(overrides)
    return data


def submit(client, data, **extra):
    return client.post(reverse("requests:submit"), data, **extra)


def unlock(client, resident_request, tail: str = MOBILE[-4:]):
    return client.post(reverse("requests:track"), {"code": resident_request.tracking_code, "mobile_tail": tail})


def detail_url(resident_request) -> str:
    return reverse("requests:track_detail", args=[resident_request.tracking_code])


def photo_url(photo: RequestPhoto, size: str = "thumb") -> str:
    return reverse("requests:photo", args=[photo.pk, size])


def staff_client(user) -> Client:
    # A browser of its own: the resident's session above must not lend its unlocked requests.
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def resolved_with_after_photo(cast, **fields) -> ResidentRequest:
    resident_request = make_request(
        community=cast.community, building=cast.building, photos=[process_image_upload(phone_jpeg())], **fields
    )
    resident_request = walk(resident_request, cast, to=Status.IN_PROGRESS)
    return services.request_resolve(
        request=resident_request,
        acting_user=cast.grid_worker,
        result="已清理楼道杂物",
        photos=[process_image_upload(phone_jpeg("after.jpg"))],
    )


# /report/


def test_report_page_shows_categories_consent_token_and_a_hidden_honeypot(client, cast, settings):
    settings.REQUEST_CONTACT_RETENTION_DAYS = 730
    response = client.get(reverse("requests:submit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "环境卫生" in html and "垃圾分类、楼道杂物、绿化养护" in html  # category with its description
    assert "办结归档后保留730天,期满自动删除联系信息" in html
    token = re.search(r'name="submission_token" value="([^"]+)"', html).group(1)
    assert uuid.UUID(token).version == 4
    honeypot = re.search(r'<div class="hp-field" aria-hidden="true">.*?</div>', html, re.DOTALL).group(0)
    assert 'tabindex="-1"' in honeypot
    assert "长辈版" in html and reverse("requests:track") in html
    assert "logout" not in html  # no staff navigation


def test_submit_creates_one_online_request_with_a_stripped_before_photo(client, cast):
    response = submit(client, report_data(cast, photos=[phone_jpeg()], hide_name_from_handlers="on"))

    created = ResidentRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("requests:submitted", args=[created.tracking_code])
    assert created.channel == Channel.ONLINE
    assert created.status == Status.SUBMITTED
    assert created.contact_mobile == MOBILE  # spaces typed by the resident are dropped
    assert created.hide_name_from_handlers is True
    assert (created.community, created.compound, created.building) == (
        cast.community,
        cast.building.compound,
        cast.building,
    )
    assert created.created_by is None and created.reporter is None
    photo = created.photos.get()
    assert photo.kind == PhotoKind.BEFORE
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info


def test_done_page_shows_the_code_to_the_submitting_session_only(client, cast):
    response = submit(client, report_data(cast))
    code = ResidentRequest.objects.get().tracking_code

    done = client.get(response["Location"])
    assert done.status_code == 200
    assert code in done.content.decode()
    assert f"{reverse('requests:track')}?code={code}" in done.content.decode()

    assert Client().get(response["Location"]).status_code == 404
    guessed = make_request(community=cast.community).tracking_code
    assert client.get(reverse("requests:submitted", args=[guessed])).status_code == 404


def test_the_same_form_sent_twice_makes_one_request(client, cast):
    data = report_data(cast)
    first = submit(client, data)
    second = submit(client, data)

    assert ResidentRequest.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_a_filled_honeypot_creates_nothing(client, cast):
    response = submit(client, report_data(cast, website="http://spam.example"))

    assert response.status_code == 400
    assert "提交未成功" in response.content.decode()
    assert not ResidentRequest.objects.exists()


def test_the_ip_limit_answers_429_and_creates_nothing(client, cast, settings):
    settings.REQUEST_RATE_IP = "2/h"
    for tail in ("0001", "0002"):
        assert submit(client, report_data(cast, contact_mobile=f"1391234{tail}")).status_code == 302

    response = submit(client, report_data(cast, contact_mobile="13912340003"))

    assert response.status_code == 429
    assert "提交过于频繁,请稍后再试或拨打社区电话" in response.content.decode()
    assert ResidentRequest.objects.count() == 2


def test_the_mobile_limit_holds_across_addresses(client, cast, settings):
    settings.REQUEST_RATE_MOBILE = "1/d"
    assert submit(client, report_data(cast), REMOTE_ADDR="10.0.0.1").status_code == 302

    response = submit(client, report_data(cast), REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 429
    assert ResidentRequest.objects.count() == 1


def test_the_ip_limit_uses_the_client_address_behind_a_trusted_proxy(client, cast, settings):
    import ipaddress

    settings.REQUEST_RATE_IP = "1/h"
    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("172.28.0.0/24")]
    proxy = {"REMOTE_ADDR": "172.28.0.5"}
    assert submit(client, report_data(cast), HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy).status_code == 302
    other_client = report_data(cast, contact_mobile="13812345678")
    assert submit(client, other_client, HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy).status_code == 302
    # A client that is not our proxy cannot pick its address with the header.
    direct = {"REMOTE_ADDR": "198.51.100.7"}
    assert submit(client, report_data(cast, contact_mobile="13712345678"), **direct).status_code == 302
    spoofed = report_data(cast, contact_mobile="13612345678")
    assert submit(client, spoofed, HTTP_X_FORWARDED_FOR="203.0.113.9", **direct).status_code == 429


def test_a_cache_outage_lets_residents_through(client, cast, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    def cache_down(*args, **kwargs):
        raise RedisConnectionError("redis is down")

    monkeypatch.setattr("xietang.public.is_ratelimited", cache_down)

    assert submit(client, report_data(cast)).status_code == 302
    assert ResidentRequest.objects.count() == 1


def test_invalid_posts_do_not_count_against_the_limits(client, cast, settings):
    settings.REQUEST_RATE_IP = "1/h"
    for _ in range(3):
        assert submit(client, report_data(cast, consent="")).status_code == 200

    assert submit(client, report_data(cast)).status_code == 302


def test_a_non_image_keeps_what_was_typed_and_asks_for_photos_again(client, cast):
    text_file = SimpleUploadedFile("notes.txt", b"not a photo at all", content_type="text/plain")
    data = report_data(cast, description="路灯坏了三天,晚上很黑", photos=[text_file])

    response = submit(client, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "路灯坏了三天,晚上很黑" in html
    assert "「notes.txt」不是图片" in html
    assert "请重新选择照片" in html
    assert 'value="王秀英"' in html
    assert f'value="{data["submission_token"]}"' in html
    assert not ResidentRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_mobile", "1234567", "手机号应为以1开头的11位数字"),
        ("consent", "", "请阅读并勾选同意"),
        ("description", "", "请填写诉求内容"),
        ("description", "字" * 2001, "2000"),
    ],
)
def test_field_errors_are_in_chinese_and_create_nothing(client, cast, field, value, message):
    response = submit(client, report_data(cast, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ResidentRequest.objects.exists()


def test_a_place_is_required(client, cast):
    response = submit(client, report_data(cast, community="", compound="", building="", address=""))

    assert "请选择社区,或在“详细地址”中写明位置" in response.content.decode()
    assert not ResidentRequest.objects.exists()


def test_a_free_address_alone_is_enough(client, cast):
    data = report_data(cast, community="", compound="", building="", address="星湖街与南施街路口")

    assert submit(client, data).status_code == 302
    assert ResidentRequest.objects.get().address == "星湖街与南施街路口"


def test_without_javascript_next_step_reloads_the_compounds_of_the_community(client, cast):
    data = report_data(cast, compound="", building="", place_step="community", description="井盖松动")

    response = submit(client, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert not ResidentRequest.objects.exists()
    assert f'<option value="{cast.building.compound_id}">莲香新村三区</option>' in html
    assert "淞泽家园九区" not in html  # the other community's compound
    assert "井盖松动" in html and "请修改" not in html  # values kept, no errors yet
    assert f'value="{data["submission_token"]}"' in html

    data.update(compound=cast.building.compound_id, place_step="compound")
    html = submit(client, data).content.decode()
    assert f'<option value="{cast.building.pk}">39幢</option>' in html


def test_submit_refuses_other_methods(client, cast):
    assert client.put(reverse("requests:submit")).status_code == 405


# /places/options/


def test_place_options_lists_names_only(client, cast):
    compound = cast.building.compound
    CompoundFactory(community=cast.community, name="莲香新村一区")

    compounds = client.get(reverse("requests:place_options"), {"community": cast.community.pk}).json()
    buildings = client.get(reverse("requests:place_options"), {"compound": compound.pk}).json()

    assert {row["name"] for row in compounds} == {"莲香新村三区", "莲香新村一区"}
    assert {row["name"] for row in buildings} == {"39幢", "40幢"}
    assert all(set(row) == {"id", "name"} for row in compounds + buildings)
    assert client.get(reverse("requests:place_options")).status_code == 400
    assert client.get(reverse("requests:place_options"), {"community": "x"}).status_code == 400


# /track/


def test_the_right_code_and_tail_open_the_progress_page(client, cast):
    resident_request = make_request(community=cast.community, contact_mobile=MOBILE)

    response = unlock(client, resident_request)

    assert response.status_code == 302
    assert response["Location"] == detail_url(resident_request)
    page = client.get(detail_url(resident_request)).content.decode()
    assert "待受理" in page and "环境卫生" in page
    day = resident_request.submitted_at.astimezone()
    assert f"{day:%Y}年{day.month}月{day.day}日" in page
    assert "诉求已提交" in page


def test_the_code_may_be_typed_in_lower_case_with_spaces(client, cast):
    resident_request = make_request(community=cast.community)
    code = resident_request.tracking_code.lower()

    response = client.post(reverse("requests:track"), {"code": f" {code[:6]} {code[6:]} ", "mobile_tail": "5678"})

    assert response["Location"] == detail_url(resident_request)


def _without_tokens(response, *codes: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    for code in codes:
        html = html.replace(code, "CODE")
    return html


def test_a_wrong_tail_and_an_unknown_code_get_the_same_answer(client, cast):
    resident_request = make_request(community=cast.community, contact_mobile=MOBILE)
    unknown = "XT0001010001"

    wrong_tail = unlock(client, resident_request, tail="0000")
    wrong_code = client.post(reverse("requests:track"), {"code": unknown, "mobile_tail": "0000"})

    assert wrong_tail.status_code == wrong_code.status_code == 200
    assert NOT_FOUND in wrong_tail.content.decode()
    assert _without_tokens(wrong_tail, resident_request.tracking_code) == _without_tokens(wrong_code, unknown)
    assert client.get(detail_url(resident_request)).status_code == 302


def test_tracking_attempts_are_limited_per_ip(client, cast, settings):
    settings.TRACK_RATE_IP = "3/h"
    resident_request = make_request(community=cast.community, contact_mobile=MOBILE)
    for tail in ("0001", "0002", "0003"):
        assert unlock(client, resident_request, tail=tail).status_code == 200

    response = unlock(client, resident_request)  # even the right tail, once over the limit

    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
    assert UNLOCKED_KEY not in client.session


def test_the_progress_page_needs_the_tail_first(client, cast):
    resident_request = make_request(community=cast.community)

    response = client.get(detail_url(resident_request))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('requests:track')}?code={resident_request.tracking_code}"
    prefilled = client.get(response["Location"]).content.decode()
    assert f'value="{resident_request.tracking_code}"' in prefilled
    # Unlocked in one browser is not unlocked in another.
    unlock(client, resident_request)
    assert Client().get(detail_url(resident_request)).status_code == 302


def test_the_public_timeline_shows_steps_and_public_notes_only(client, cast):
    resident_request = make_request(community=cast.community, building=cast.building)
    resident_request = services.request_accept(
        request=resident_request, acting_user=cast.worker, note="内部备注:此人多次投诉"
    )
    resident_request = walk(resident_request, cast, to=Status.RESOLVED)
    unlock(client, resident_request)

    page = client.get(detail_url(resident_request)).content.decode()

    for step in ("诉求已提交", "已受理,正在安排办理", "已派给承办人", "承办人已签收,正在办理", "已办结"):
        assert step in page
    assert "已清理楼道杂物" in page  # the result is the public note of 办结
    assert "内部备注" not in page
    for staff in (cast.worker, cast.grid_worker):
        assert staff.username not in page
        assert staff.display_name not in page
    assert "13912345678" not in page and "王秀英" not in page


def test_a_merged_request_says_so_and_shows_the_outcome_not_the_other_resident(client, cast):
    target = resolved_with_after_photo(cast, contact_name="李建英", contact_mobile="13800001111")
    duplicate = make_request(community=cast.community, contact_mobile=MOBILE)
    # Merged while the target was still open, then the target was resolved.
    target_open = make_request(community=cast.community, description="另一位居民的描述", contact_mobile="13800002222")
    services.request_merge(request=duplicate, acting_user=cast.worker, target=target_open)
    target_open = walk(target_open, cast, to=Status.RESOLVED)
    unlock(client, duplicate)

    page = client.get(detail_url(duplicate)).content.decode()

    assert "已合并" in page and "已与相同诉求合并办理" in page
    assert "已清理楼道杂物" in page
    assert "另一位居民的描述" not in page and "13800002222" not in page
    assert target.pk != target_open.pk


def test_rating_is_taken_once(client, cast):
    resident_request = walk(make_request(community=cast.community), cast, to=Status.RESOLVED)
    unlock(client, resident_request)
    assert "请评价本次办理" in client.get(detail_url(resident_request)).content.decode()
    rating = {"contacted": "yes", "solved": "no", "satisfaction": Satisfaction.BASICALLY, "comment": "处理及时"}

    first = client.post(detail_url(resident_request), rating)

    assert first.status_code == 302
    resident_request.refresh_from_db()
    assert resident_request.status == Status.CALLED_BACK
    assert (resident_request.callback_contacted, resident_request.callback_solved) == (True, False)
    assert resident_request.callback_satisfaction == Satisfaction.BASICALLY
    rated_at = resident_request.resident_rated_at
    page = client.get(first["Location"]).content.decode()
    assert "感谢您的评价" in page and "您的评价" in page and "请评价本次办理" not in page

    second = client.post(detail_url(resident_request), {**rating, "satisfaction": Satisfaction.DISSATISFIED}, follow=True)

    assert "您已评价过这件诉求" in second.content.decode()
    resident_request.refresh_from_db()
    assert resident_request.resident_rated_at == rated_at
    assert resident_request.callback_satisfaction == Satisfaction.BASICALLY


def test_rating_before_the_work_is_done_is_refused(client, cast):
    resident_request = walk(make_request(community=cast.community), cast, to=Status.IN_PROGRESS)
    unlock(client, resident_request)
    assert "请评价本次办理" not in client.get(detail_url(resident_request)).content.decode()

    response = client.post(
        detail_url(resident_request),
        {"contacted": "yes", "solved": "yes", "satisfaction": Satisfaction.SATISFIED},
        follow=True,
    )

    assert "诉求办结后才能评价" in response.content.decode()
    resident_request.refresh_from_db()
    assert resident_request.resident_rated_at is None
    assert resident_request.status == Status.IN_PROGRESS


# /requests/photos/<pk>/<size>/


def test_photo_permissions(client, cast):
    mine = resolved_with_after_photo(cast)
    other = resolved_with_after_photo(cast, contact_mobile="13800001111")
    before = mine.photos.get(kind=PhotoKind.BEFORE)
    after = mine.photos.get(kind=PhotoKind.AFTER)
    others_after = other.photos.get(kind=PhotoKind.AFTER)
    others_before = other.photos.get(kind=PhotoKind.BEFORE)

    assert client.get(photo_url(after)).status_code == 404  # anonymous, nothing unlocked

    unlock(client, mine)
    response = client.get(photo_url(after))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert client.get(photo_url(after, "full")).status_code == 200
    assert client.get(photo_url(before)).status_code == 200  # own before-photo
    assert client.get(photo_url(others_after)).status_code == 404
    assert client.get(photo_url(others_before)).status_code == 404
    assert client.get(photo_url(after, "original")).status_code == 404

    outsider = staff_client(cast.other_worker)
    assert outsider.get(photo_url(before)).status_code == 404
    assert outsider.get(photo_url(after)).status_code == 404
    staff = staff_client(cast.worker)
    assert staff.get(photo_url(others_before)).status_code == 200
    assert staff.get(photo_url(others_after, "full")).status_code == 200


def test_the_progress_page_links_after_photos_only(client, cast):
    resident_request = resolved_with_after_photo(cast)
    unlock(client, resident_request)

    page = client.get(detail_url(resident_request)).content.decode()

    assert photo_url(resident_request.photos.get(kind=PhotoKind.AFTER)) in page
    assert photo_url(resident_request.photos.get(kind=PhotoKind.BEFORE)) not in page


def test_merged_resident_sees_the_targets_after_photos_but_not_its_before_photos(client, cast):
    duplicate = make_request(community=cast.community, contact_mobile=MOBILE)
    target = make_request(
        community=cast.community, contact_mobile="13800001111", photos=[process_image_upload(phone_jpeg())]
    )
    services.request_merge(request=duplicate, acting_user=cast.worker, target=target)
    target = walk(target, cast, to=Status.IN_PROGRESS)
    services.request_resolve(
        request=target, acting_user=cast.grid_worker, result="已修复", photos=[process_image_upload(phone_jpeg())]
    )
    unlock(client, duplicate)

    assert client.get(photo_url(target.photos.get(kind=PhotoKind.AFTER))).status_code == 200
    assert client.get(photo_url(target.photos.get(kind=PhotoKind.BEFORE))).status_code == 404


# /snap/<token>/


@pytest.fixture
def reporter(cast) -> Reporter:
    return Reporter.objects.create(
        name="陈师傅", mobile="13700001234", kind=ReporterKind.COURIER, company="顺丰", community=cast.community
    )


def snap_data(cast, **overrides) -> dict:
    data = {
        "category": category("hazard").pk,
        "community": cast.community.pk,
        "compound": "",
        "building": "",
        "address": "39幢楼道口",
        "description": "电动车在楼道里充电",
        "photos": [phone_jpeg()],
        "submission_token": str(uuid.uuid4()),
        "website": "",
    }
    data.update(overrides)
    return data


def test_snap_page_presets_the_reporters_community(client, cast, reporter):
    response = client.get(reverse("requests:snap", args=[reporter.token]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "陈师傅" in html
    assert f'<option value="{cast.community.pk}" selected>' in html


def test_snap_creates_a_snapshot_request_with_the_reporters_contact(client, cast, reporter):
    data = snap_data(cast)
    response = client.post(reverse("requests:snap", args=[reporter.token]), data)

    created = ResidentRequest.objects.get()
    assert response["Location"] == reverse("requests:submitted", args=[created.tracking_code])
    assert created.channel == Channel.SNAPSHOT
    assert created.reporter == reporter
    assert (created.contact_name, created.contact_mobile) == ("陈师傅", "13700001234")
    assert created.photos.get().kind == PhotoKind.BEFORE
    done = client.get(response["Location"]).content.decode()
    assert created.tracking_code in done and reverse("requests:snap", args=[reporter.token]) in done

    client.post(reverse("requests:snap", args=[reporter.token]), {**data, "photos": [phone_jpeg()]})
    assert ResidentRequest.objects.count() == 1  # same token


def test_snap_needs_a_photo(client, cast, reporter):
    response = client.post(reverse("requests:snap", args=[reporter.token]), snap_data(cast, photos=[]))

    assert response.status_code == 200
    assert "请选择要上传的照片" in response.content.decode()
    assert not ResidentRequest.objects.exists()


def test_snap_is_rate_limited_by_the_reporters_mobile(client, cast, reporter, settings):
    settings.REQUEST_RATE_MOBILE = "1/d"
    url = reverse("requests:snap", args=[reporter.token])
    assert client.post(url, snap_data(cast)).status_code == 302

    assert client.post(url, snap_data(cast)).status_code == 429
    assert ResidentRequest.objects.count() == 1


def test_snap_honeypot_creates_nothing(client, cast, reporter):
    url = reverse("requests:snap", args=[reporter.token])

    assert client.post(url, snap_data(cast, website="x")).status_code == 400
    assert not ResidentRequest.objects.exists()


def test_snap_with_an_unknown_or_inactive_token_is_404(client, cast, reporter):
    assert client.get(reverse("requests:snap", args=["not-a-token"])).status_code == 404
    reporter.is_active = False
    reporter.save(update_fields=["is_active"])
    assert client.get(reverse("requests:snap", args=[reporter.token])).status_code == 404
    assert client.post(reverse("requests:snap", args=[reporter.token]), snap_data(cast)).status_code == 404
    assert not ResidentRequest.objects.exists()


# 长辈版


def test_the_elder_mode_link_sets_a_cookie_and_enlarges_the_page(client, db):
    response = client.get(reverse("requests:track"), {"mode": "elder", "code": "XT2611210042"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('requests:track')}?code=XT2611210042"
    assert response.cookies[ELDER_COOKIE].value == "1"
    page = client.get(response["Location"]).content.decode()
    assert 'class="public elder"' in page and "标准版" in page

    client.get(reverse("requests:track"), {"mode": "standard"})
    assert 'class="public"' in client.get(reverse("requests:track")).content.decode()
