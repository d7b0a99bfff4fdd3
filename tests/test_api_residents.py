"""/api/v1/residents/: masking, writes through the services, reveal-id, filters.

Scope, anonymous, no-role and query counts for this endpoint are covered with
every other endpoint in test_api_places.py.
"""

import datetime as dt
import json

import pytest

from accounts.models import AuditAction, AuditLog
from communities.models import Resident, ResidentTag
from communities.validators import build_id_number
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

RESIDENTS = "/api/v1/residents/"

MOBILE_MESSAGE = "手机号应为以1开头的11位数字,第二位为3至9,例如 13812345678。"
CHECKSUM_MESSAGE = "身份证号校验位不正确,请核对是否输错。"




def detail(pk: int) -> str:
    return f"{RESIDENTS}{pk}/"


def new_id_number(serial: int = 7, gender: str = "male") -> str:
    return build_id_number(region="320571", birth=dt.date(1962, 8, 1), serial=serial, gender=gender)


def payload(cast, **overrides) -> dict:
    data = {
        "name": "陈阿婆",
        "gender": "male",
        "birth_date": "1962-08-01",
        "mobile": "13912345678",
        "id_number": new_id_number(),
        "residence_type": "hukou",
        "community": cast.community.pk,
        "household": cast.household.pk,
        "tags": [],
        "note": "",
    }
    data.update(overrides)
    return data


def audit_rows(action: str, resident_pk: int):
    return AuditLog.objects.filter(action=action, object_type="communities.resident", object_id=str(resident_pk))


# Reading: the full ID number never appears


def test_out_of_scope_resident_answers_404(cast, api):
    # The lead's browser test relies on exactly this URL shape.
    response = api(cast.worker).get(f"/api/v1/residents/{cast.outsider_resident.pk}/")
    assert response.status_code == 404


def test_list_masks_mobile_and_id_number(cast, api):
    response = api(cast.worker).get(RESIDENTS)
    body = response.content.decode()
    row = next(row for row in response.json()["results"] if row["id"] == cast.resident.pk)
    resident = cast.resident
    assert row["id_number_masked"] == resident.masked_id_number
    assert row["mobile_masked"] == resident.masked_mobile
    assert "id_number" not in row and "mobile" not in row
    for other in (cast.resident, cast.resident_other_grid):
        assert other.id_number not in body
        assert other.mobile not in body
    assert row["full_address"] == "莲香新村三区39幢1单元301室"


def test_detail_shows_full_mobile_but_masked_id_number(cast, api):
    response = api(cast.worker).get(detail(cast.resident.pk))
    row = response.json()
    assert row["mobile"] == cast.resident.mobile
    assert row["id_number_masked"].startswith("3205") and "*" in row["id_number_masked"]
    assert "id_number" not in row
    assert cast.resident.id_number not in response.content.decode()


def test_detail_lists_tag_ids_and_names(cast, api):
    tag = ResidentTag.objects.get(name="独居")
    cast.resident.tags.add(tag)
    row = api(cast.worker).get(detail(cast.resident.pk)).json()
    assert row["tags"] == [tag.pk]
    assert row["tag_names"] == ["独居"]


# Create


def test_worker_creates_a_resident_through_the_service(cast, api):
    tag = ResidentTag.objects.get(name="老年人")
    id_number = new_id_number()
    response = api(cast.worker).post(RESIDENTS, payload(cast, tags=[tag.pk], id_number=id_number), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    resident = Resident.objects.get(pk=body["id"])
    assert resident.id_number == id_number and resident.household == cast.household
    assert list(resident.tags.all()) == [tag]
    assert id_number not in response.content.decode()
    assert body["id_number_masked"] == resident.masked_id_number
    row = audit_rows(AuditAction.CREATE, resident.pk).get()
    assert row.actor == cast.worker
    assert row.changes["身份证号"] == ["", "***"]


def test_id_number_is_normalised_like_the_form(cast, api):
    id_number = next(number for number in map(new_id_number, range(100)) if number.endswith("X"))
    response = api(cast.worker).post(
        RESIDENTS, payload(cast, id_number=f" {id_number.lower()} "), format="json"
    )
    assert response.status_code == 201, response.content
    assert Resident.objects.get(pk=response.json()["id"]).id_number == id_number


def test_bad_mobile_answers_400_in_chinese(cast, api):
    response = api(cast.worker).post(RESIDENTS, payload(cast, mobile="12345"), format="json")
    assert response.status_code == 400
    assert response.json()["mobile"] == [MOBILE_MESSAGE]
    assert not Resident.objects.filter(name="陈阿婆").exists()


def test_bad_id_checksum_answers_400_in_chinese(cast, api):
    good = new_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = api(cast.worker).post(RESIDENTS, payload(cast, id_number=bad), format="json")
    assert response.status_code == 400
    assert response.json()["id_number"] == [CHECKSUM_MESSAGE]
    assert bad not in json.dumps(response.json())


def test_model_rules_checked_by_the_service_answer_400_per_field(cast, api):
    # 17th digit odd = male; the resident is registered as female.
    response = api(cast.worker).post(RESIDENTS, payload(cast, gender="female"), format="json")
    assert response.status_code == 400
    assert response.json() == {"gender": ["性别与身份证号第17位不一致。"]}
    assert not AuditLog.objects.filter(action=AuditAction.CREATE).exists()


def test_resident_without_household_needs_an_address(cast, api):
    response = api(cast.worker).post(RESIDENTS, payload(cast, household=None), format="json")
    assert response.status_code == 400
    assert response.json() == {"address": ["请选择房屋或填写地址。"]}


def test_duplicate_id_number_answers_400(cast, api):
    response = api(cast.worker).post(RESIDENTS, payload(cast, id_number=cast.resident.id_number), format="json")
    assert response.status_code == 400
    assert response.json() == {"id_number": ["已有居民登记了这个身份证号。"]}
    assert cast.resident.id_number not in response.content.decode()


def test_duplicate_id_number_in_lower_case_is_caught_too(cast, api):
    existing = next(number for number in map(new_id_number, range(100)) if number.endswith("X"))
    ResidentFactory(household=cast.household, gender="male", birth_date=dt.date(1962, 8, 1), id_number=existing)
    response = api(cast.worker).post(RESIDENTS, payload(cast, id_number=existing.lower()), format="json")
    assert response.json() == {"id_number": ["已有居民登记了这个身份证号。"]}


def test_resending_the_own_id_number_on_update_is_not_a_duplicate(cast, api):
    response = api(cast.worker).patch(
        detail(cast.resident.pk), {"id_number": cast.resident.id_number}, format="json"
    )
    assert response.status_code == 200, response.content


def test_reviewer_may_not_create(cast, api):
    response = api(cast.street_reviewer).post(RESIDENTS, payload(cast), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "不能在该社区或网格登记居民。"
    assert not Resident.objects.filter(name="陈阿婆").exists()


def test_grid_worker_may_not_create_outside_their_grid(cast, api):
    other_household = cast.resident_other_grid.household
    response = api(cast.grid_worker).post(RESIDENTS, payload(cast, household=other_household.pk), format="json")
    assert response.status_code == 403


def test_grid_worker_creates_in_their_grid(cast, api):
    response = api(cast.grid_worker).post(RESIDENTS, payload(cast), format="json")
    assert response.status_code == 201


def test_places_outside_the_scope_are_rejected_like_missing_ones(cast, api):
    outsider_household = cast.outsider_resident.household
    response = api(cast.worker).post(
        RESIDENTS,
        payload(cast, community=cast.other_community.pk, household=outsider_household.pk),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"community", "household"}


def test_no_role_and_anonymous_may_not_create(cast, api):
    assert api(cast.no_role).post(RESIDENTS, payload(cast), format="json").status_code == 403
    assert api().post(RESIDENTS, payload(cast), format="json").status_code in (401, 403)


# Update and delete


def test_patch_updates_through_the_service(cast, api):
    response = api(cast.worker).patch(detail(cast.resident.pk), {"mobile": "13700001111"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["mobile"] == "13700001111"
    cast.resident.refresh_from_db()
    assert cast.resident.mobile == "13700001111"
    row = audit_rows(AuditAction.UPDATE, cast.resident.pk).get()
    assert row.changes == {"手机号": ["***", "***"]}
    assert cast.resident.id_number not in response.content.decode()


def test_empty_id_number_on_update_keeps_the_stored_one(cast, api):
    stored = cast.resident.id_number
    response = api(cast.worker).patch(detail(cast.resident.pk), {"id_number": "", "note": "独居老人"}, format="json")
    assert response.status_code == 200, response.content
    cast.resident.refresh_from_db()
    assert cast.resident.id_number == stored
    assert audit_rows(AuditAction.UPDATE, cast.resident.pk).get().changes == {"备注": ["", "独居老人"]}


def test_put_replaces_the_resident(cast, api):
    tag = ResidentTag.objects.get(name="志愿者")
    data = payload(cast, name="王秀英", gender="female", birth_date="1950-03-15", tags=[tag.pk])
    del data["id_number"]
    response = api(cast.secretary).put(detail(cast.resident.pk), data, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["tag_names"] == ["志愿者"]
    cast.resident.refresh_from_db()
    assert cast.resident.mobile == "13912345678"
    changes = audit_rows(AuditAction.UPDATE, cast.resident.pk).get().changes
    assert changes["标签"] == [[], ["志愿者"]]


def test_update_with_bad_mobile_answers_400(cast, api):
    response = api(cast.worker).patch(detail(cast.resident.pk), {"mobile": "1381234"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"mobile": [MOBILE_MESSAGE]}


def test_reviewer_may_not_update_or_delete(cast, api):
    client = api(cast.street_reviewer)
    assert client.patch(detail(cast.resident.pk), {"note": "x"}, format="json").status_code == 403
    assert client.delete(detail(cast.resident.pk)).status_code == 403
    assert Resident.objects.filter(pk=cast.resident.pk).exists()


def test_grid_worker_may_not_update_outside_their_grid(cast, api):
    response = api(cast.grid_worker).patch(detail(cast.resident_other_grid.pk), {"note": "x"}, format="json")
    assert response.status_code == 403


def test_worker_may_not_move_a_resident_out_of_scope(cast, api):
    response = api(cast.worker).patch(
        detail(cast.resident.pk), {"community": cast.other_community.pk}, format="json"
    )
    assert response.status_code == 400
    cast.resident.refresh_from_db()
    assert cast.resident.community == cast.community


def test_out_of_scope_update_and_delete_answer_404(cast, api):
    client = api(cast.worker)
    assert client.patch(detail(cast.outsider_resident.pk), {"note": "x"}, format="json").status_code == 404
    assert client.delete(detail(cast.outsider_resident.pk)).status_code == 404


def test_worker_deletes_through_the_service(cast, api):
    pk = cast.resident.pk
    response = api(cast.worker).delete(detail(pk))
    assert response.status_code == 204
    assert not Resident.objects.filter(pk=pk).exists()
    assert audit_rows(AuditAction.DELETE, pk).get().actor == cast.worker


# Reveal the full ID number


def reveal_url(pk: int) -> str:
    return f"{detail(pk)}reveal-id/"


def test_secretary_reveals_the_id_number_and_it_is_audited(cast, api):
    response = api(cast.secretary).post(reveal_url(cast.resident.pk))
    assert response.status_code == 200
    assert response.json() == {"id_number": cast.resident.id_number}
    row = audit_rows(AuditAction.REVEAL_ID, cast.resident.pk).get()
    assert row.actor == cast.secretary


def test_street_admin_may_reveal_any_community(cast, api):
    response = api(cast.street_admin).post(reveal_url(cast.outsider_resident.pk))
    assert response.json() == {"id_number": cast.outsider_resident.id_number}


@pytest.mark.parametrize("role", ["worker", "grid_worker", "street_reviewer"])
def test_other_roles_may_not_reveal(cast, api, role):
    response = api(getattr(cast, role)).post(reveal_url(cast.resident.pk))
    assert response.status_code == 403
    assert cast.resident.id_number not in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL_ID).exists()


def test_reveal_out_of_scope_answers_404(cast, api):
    response = api(cast.secretary).post(reveal_url(cast.outsider_resident.pk))
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL_ID).exists()


def test_reveal_needs_post(cast, api):
    assert api(cast.secretary).get(reveal_url(cast.resident.pk)).status_code == 405


def test_reveal_refuses_anonymous_and_no_role(cast, api):
    assert api().post(reveal_url(cast.resident.pk)).status_code in (401, 403)
    assert api(cast.no_role).post(reveal_url(cast.resident.pk)).status_code == 403


# Filters: the same ResidentFilter as the list page


def listed_names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_search_by_name_and_mobile_tail(cast, api):
    client = api(cast.worker)
    assert listed_names(client.get(RESIDENTS, {"q": "秀英"})) == {"王秀英"}
    tail = cast.resident_other_grid.mobile[-4:]
    assert listed_names(client.get(RESIDENTS, {"q": tail})) == {"李建英"}
    assert listed_names(client.get(RESIDENTS, {"q": "张外区"})) == set()


def test_filter_by_tags_compound_building_and_residence_type(cast, api):
    lonely, elderly = ResidentTag.objects.filter(name__in=["独居", "老年人"]).order_by("name")
    cast.resident.tags.add(lonely, elderly)
    ResidentFactory(household=cast.household, name="租客小刘", residence_type="tenant")
    client = api(cast.worker)
    both = client.get(RESIDENTS, {"tags": [lonely.pk, elderly.pk]})
    assert listed_names(both) == {"王秀英"}
    assert len(both.json()["results"]) == 1  # one row per resident, however many tags match
    assert listed_names(client.get(RESIDENTS, {"building": cast.building.pk})) == {"王秀英", "租客小刘"}
    assert listed_names(client.get(RESIDENTS, {"compound": cast.building.compound_id})) == {
        "王秀英",
        "李建英",
        "租客小刘",
    }
    assert listed_names(client.get(RESIDENTS, {"residence_type": "tenant"})) == {"租客小刘"}


def test_filtering_by_an_out_of_scope_building_is_rejected(cast, api):
    other_building = cast.outsider_resident.household.stairwell.building
    response = api(cast.worker).get(RESIDENTS, {"building": other_building.pk})
    assert response.status_code == 400
