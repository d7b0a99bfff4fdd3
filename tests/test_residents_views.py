"""Resident pages: list, detail, create, edit, delete, reveal; scope, roles, validation, audit."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditLog
from communities.models import Resident, ResidentTag
from communities.validators import build_id_number
from tests.factories import BuildingFactory, HouseholdFactory, ResidentFactory
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

COMMUNITY_STAFF = ["secretary", "worker", "grid_worker"]
ALL_STAFF = ["street_admin", "street_reviewer", *COMMUNITY_STAFF]


def detail_url(resident):
    return reverse("communities:resident_detail", args=[resident.pk])


def form_data(cast, **overrides):
    birth = dt.date(1948, 5, 4)
    data = {
        "name": "赵桂兰",
        "gender": "female",
        "birth_date": birth.isoformat(),
        "mobile": "13912345678",
        "id_number": build_id_number(region="320571", birth=birth, serial=777, gender="female"),
        "residence_type": "hukou",
        "community": cast.community.pk,
        "household": cast.household.pk,
        "address": "",
        "tags": [ResidentTag.objects.get(name="老年人").pk],
        "note": "",
    }
    data.update(overrides)
    return data


# Reading


@pytest.mark.parametrize("role", ALL_STAFF)
def test_list_shows_residents_in_scope_only(cast, login, role):
    content = login(getattr(cast, role)).get(reverse("communities:resident_list")).content.decode()
    assert "王秀英" in content
    assert ("张外区" in content) is (role in ("street_admin", "street_reviewer"))


def test_list_never_shows_full_id_or_mobile(cast, login):
    content = login(cast.street_admin).get(reverse("communities:resident_list")).content.decode()
    assert cast.resident.id_number not in content
    assert cast.resident.masked_id_number in content
    assert cast.resident.mobile not in content


def test_list_filters_by_name_mobile_tail_tag_and_building(cast, login):
    client = login(cast.worker)
    url = reverse("communities:resident_list")
    assert "李建英" not in client.get(url, {"q": "王秀"}).content.decode()
    tail = cast.resident_other_grid.mobile[-4:]
    content = client.get(url, {"q": tail}).content.decode()
    assert "李建英" in content and "王秀英" not in content
    elderly = ResidentTag.objects.get(name="老年人")
    cast.resident.tags.add(elderly)
    content = client.get(url, {"tags": elderly.pk}).content.decode()
    assert "王秀英" in content and "李建英" not in content
    content = client.get(url, {"building": cast.building.pk}).content.decode()
    assert "王秀英" in content and "李建英" not in content


def test_list_query_count_does_not_grow_with_rows(cast, login):
    client = login(cast.worker)
    url = reverse("communities:resident_list")
    elderly = ResidentTag.objects.get(name="老年人")

    def add_rows():
        for _ in range(15):
            ResidentFactory(household=HouseholdFactory(stairwell=cast.household.stairwell)).tags.add(elderly)
        # New buildings add options to the building filter: the page must not grow with them.
        for _ in range(5):
            BuildingFactory(compound=cast.building.compound, grid=cast.grid)

    assert_queries_do_not_grow(lambda: client.get(url), add_rows, ceiling=15)
    assert client.get(url).content.decode().count("老年人") >= 15


@pytest.mark.parametrize("role", ALL_STAFF)
def test_detail_in_scope(cast, login, role):
    response = login(getattr(cast, role)).get(detail_url(cast.resident))
    assert response.status_code == 200
    assert cast.resident.masked_id_number in response.content.decode()
    assert cast.resident.id_number not in response.content.decode()


@pytest.mark.parametrize("role", COMMUNITY_STAFF)
def test_other_community_resident_is_404(cast, login, role):
    client = login(getattr(cast, role))
    for name in ("resident_detail", "resident_update", "resident_delete"):
        assert client.get(reverse(f"communities:{name}", args=[cast.outsider_resident.pk])).status_code == 404
    assert client.post(reverse("communities:resident_reveal_id", args=[cast.outsider_resident.pk])).status_code == 404


def test_anonymous_and_roleless(cast, client, login):
    assert client.get(detail_url(cast.resident)).status_code == 302
    assert login(cast.no_role).get(detail_url(cast.resident)).status_code == 403


# Creating and editing


def test_worker_registers_a_resident_and_the_audit_records_it(cast, login):
    response = login(cast.worker).post(reverse("communities:resident_create"), form_data(cast))
    resident = Resident.objects.get(name="赵桂兰")
    assert response.status_code == 302 and response["Location"] == detail_url(resident)
    assert list(resident.tags.values_list("name", flat=True)) == ["老年人"]
    row = AuditLog.objects.get(action=AuditAction.CREATE, object_id=str(resident.pk))
    assert row.actor == cast.worker
    assert row.changes["身份证号"] == ["", "***"]  # the value itself never enters the log
    assert row.source_ip == "127.0.0.1"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"mobile": "2391234567"}, "mobile", "手机号应为以1开头的11位数字"),
        ({"id_number": "320571194805040001"}, "id_number", "校验位不正确"),
        ({"birth_date": "1950-01-01"}, "birth_date", "出生日期与身份证号中的出生日期"),
        ({"gender": "male"}, "gender", "性别与身份证号第17位不一致"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_the_form_kept(cast, login, overrides, field, message):
    data = form_data(cast, **overrides)
    response = login(cast.worker).post(reverse("communities:resident_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="赵桂兰"' in response.content.decode()  # nothing typed is lost
    assert not Resident.objects.filter(name="赵桂兰").exists()


def test_duplicate_id_number_is_refused(cast, login):
    response = login(cast.worker).post(
        reverse("communities:resident_create"), form_data(cast, id_number=cast.resident_other_grid.id_number,
                                                          birth_date=cast.resident_other_grid.birth_date.isoformat())
    )
    assert "已有居民登记了这个身份证号" in response.content.decode()


def test_worker_cannot_register_into_another_community(cast, login):
    data = form_data(cast, community=cast.other_community.pk, household="")
    data["address"] = "淞渔某路1号"
    response = login(cast.worker).post(reverse("communities:resident_create"), data)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Resident.objects.filter(name="赵桂兰").exists()


def test_grid_worker_writes_only_in_own_grid(cast, login):
    client = login(cast.grid_worker)
    other_household = cast.resident_other_grid.household
    response = client.post(reverse("communities:resident_create"), form_data(cast, household=other_household.pk))
    assert "不能在该社区或网格登记居民" in response.content.decode()
    assert client.post(reverse("communities:resident_create"), form_data(cast)).status_code == 302
    assert client.get(reverse("communities:resident_update", args=[cast.resident_other_grid.pk])).status_code == 403


def test_reviewer_reads_but_cannot_write(cast, login):
    client = login(cast.street_reviewer)
    assert "登记居民" not in client.get(reverse("communities:resident_list")).content.decode()
    assert client.get(reverse("communities:resident_create")).status_code == 403
    assert client.post(reverse("communities:resident_create"), form_data(cast)).status_code == 403
    assert not Resident.objects.filter(name="赵桂兰").exists()
    assert client.get(reverse("communities:resident_update", args=[cast.resident.pk])).status_code == 403
    assert client.post(reverse("communities:resident_delete", args=[cast.resident.pk])).status_code == 403


def test_edit_keeps_id_when_left_empty_and_audits_changed_fields(cast, login):
    data = form_data(
        cast,
        name="王秀英",
        gender=cast.resident.gender,
        birth_date=cast.resident.birth_date.isoformat(),
        id_number="",
        mobile="13700001111",
    )
    response = login(cast.secretary).post(reverse("communities:resident_update", args=[cast.resident.pk]), data)
    assert response.status_code == 302
    cast.resident.refresh_from_db()
    assert cast.resident.mobile == "13700001111"
    assert cast.resident.id_number  # unchanged
    row = AuditLog.objects.get(action=AuditAction.UPDATE, object_id=str(cast.resident.pk))
    assert set(row.changes) == {"手机号", "标签"}
    assert row.changes["手机号"] == ["***", "***"]


def test_edit_form_does_not_echo_the_full_id(cast, login):
    content = login(cast.secretary).get(reverse("communities:resident_update", args=[cast.resident.pk])).content
    assert cast.resident.id_number not in content.decode()


def test_delete_is_audited(cast, login):
    pk = cast.resident.pk
    response = login(cast.worker).post(reverse("communities:resident_delete", args=[pk]))
    assert response.status_code == 302
    assert not Resident.objects.filter(pk=pk).exists()
    assert AuditLog.objects.filter(action=AuditAction.DELETE, object_id=str(pk), actor=cast.worker).exists()


def test_delete_needs_post(cast, login):
    client = login(cast.worker)
    assert client.get(reverse("communities:resident_delete", args=[cast.resident.pk])).status_code == 200
    assert Resident.objects.filter(pk=cast.resident.pk).exists()


# Revealing an ID number


def test_secretary_reveals_an_id_and_the_audit_records_who_and_from_where(cast, login):
    client = login(cast.secretary)
    url = reverse("communities:resident_reveal_id", args=[cast.resident.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, REMOTE_ADDR="10.1.2.3")
    assert cast.resident.id_number in response.content.decode()
    row = AuditLog.objects.get(action=AuditAction.REVEAL_ID)
    assert (row.actor, row.object_id, row.source_ip) == (cast.secretary, str(cast.resident.pk), "10.1.2.3")


@pytest.mark.parametrize("role", ["worker", "grid_worker", "street_reviewer"])
def test_roles_that_may_not_reveal_get_403_and_no_button(cast, login, role):
    client = login(getattr(cast, role))
    assert "查看完整号码" not in client.get(detail_url(cast.resident)).content.decode()
    response = client.post(reverse("communities:resident_reveal_id", args=[cast.resident.pk]))
    assert response.status_code == 403
    assert cast.resident.id_number not in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL_ID).exists()


def test_audit_source_ip_believes_forwarded_for_only_from_trusted_proxies(cast, login, settings):
    import ipaddress

    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("172.28.0.0/24")]
    client = login(cast.secretary)
    url = reverse("communities:resident_reveal_id", args=[cast.resident.pk])
    client.post(url, REMOTE_ADDR="172.28.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 58.210.3.4")
    client.post(url, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="58.210.3.4")
    assert list(AuditLog.objects.order_by("id").values_list("source_ip", flat=True)) == ["58.210.3.4", "203.0.113.9"]
