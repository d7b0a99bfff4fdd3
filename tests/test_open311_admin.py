"""Issuing and revoking Open311 API keys in the admin; category fields in the admin."""

import hashlib
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import AuditAction, AuditLog, Role
from open311.models import ApiKey, Partner, PartnerKind, ServiceAttribute
from resident_requests.models import Channel, ResidentRequest
from tests.factories import UserFactory, category
from tests.open311_support import make_partner, post_data, url

pytestmark = pytest.mark.django_db
PARTNERS = reverse("admin:open311_partner_changelist")
KEYS = reverse("admin:open311_apikey_changelist")
KEY_ON_PAGE = re.compile(r'<code class="open311-key">([^<]+)</code>')


@pytest.fixture
def superuser():
    return UserFactory(username="root", role=Role.STREET_ADMIN, is_superuser=True, is_staff=True)


@pytest.fixture
def partner():
    return Partner.objects.create(name="12345热线", kind=PartnerKind.HOTLINE, channel=Channel.REFERRAL)


def issue(client, *partners):
    return client.post(PARTNERS, {"action": "issue_key", "_selected_action": [p.pk for p in partners]})


def test_issuing_a_key_shows_it_once_and_stores_only_its_hash(client, login, superuser, partner, cast):
    response = issue(login(superuser), partner)
    assert response.status_code == 200
    [plain] = KEY_ON_PAGE.findall(response.content.decode())
    api_key = ApiKey.objects.get()
    assert api_key.key_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert (api_key.partner, api_key.prefix, api_key.created_by) == (partner, plain[:8], superuser)
    assert "no-store" in response["Cache-Control"]
    # Not a flash message: nothing holds the key for a later page.
    assert "messages" not in response.cookies
    assert plain not in client.get(PARTNERS).content.decode()
    assert plain not in client.get(reverse("admin:open311_apikey_change", args=[api_key.pk])).content.decode()
    audit = AuditLog.objects.get(object_type="open311.apikey")
    assert (audit.actor, audit.action, audit.object_id) == (superuser, AuditAction.CREATE, str(api_key.pk))
    assert plain not in str(audit.changes) + audit.object_repr

    # The key works at once.
    filed = client.post(url("requests", "json"), {**post_data(cast), "api_key": plain})
    assert filed.status_code == 201


def test_each_partner_gets_its_own_key_and_inactive_partners_none(client, login, superuser, partner):
    other = Partner.objects.create(name="随手办App", kind=PartnerKind.APP, channel=Channel.PARTNER)
    stopped = Partner.objects.create(name="旧系统", kind=PartnerKind.SYSTEM, channel=Channel.PARTNER, is_active=False)
    content = issue(login(superuser), partner, other, stopped).content.decode()
    keys = KEY_ON_PAGE.findall(content)
    assert len(keys) == 2 and len(set(keys)) == 2
    assert set(ApiKey.objects.values_list("partner__name", flat=True)) == {"12345热线", "随手办App"}
    assert "旧系统" in content


def test_revoking_a_key_stops_it_at_once(client, login, superuser, cast):
    _partner, plain = make_partner()
    api_key = ApiKey.objects.get()
    response = login(superuser).post(KEYS, {"action": "revoke", "_selected_action": [api_key.pk]})
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert client.post(url("requests", "json"), {**post_data(cast), "api_key": plain}).status_code == 403
    audit = AuditLog.objects.filter(object_type="open311.apikey", action=AuditAction.UPDATE).get()
    assert audit.actor == superuser and "revoked_at" in audit.changes
    # Revoking again changes nothing and writes nothing.
    client.post(KEYS, {"action": "revoke", "_selected_action": [api_key.pk]})
    assert AuditLog.objects.filter(object_type="open311.apikey", action=AuditAction.UPDATE).count() == 1


def test_keys_are_never_added_or_deleted_by_hand(client, login, superuser):
    make_partner()
    api_key = ApiKey.objects.get()
    admin = login(superuser)
    assert admin.get(reverse("admin:open311_apikey_add")).status_code == 403
    assert admin.get(reverse("admin:open311_apikey_delete", args=[api_key.pk])).status_code == 403


def test_staff_without_the_permission_cannot_issue_keys(client, login, partner):
    clerk = UserFactory(username="clerk", role=Role.STREET_ADMIN, is_staff=True)
    clerk.user_permissions.add(
        Permission.objects.get(codename="view_partner"), Permission.objects.get(codename="change_partner")
    )
    response = issue(login(clerk), partner)
    assert not KEY_ON_PAGE.findall(response.content.decode())
    assert not ApiKey.objects.exists()
    clerk.user_permissions.add(Permission.objects.get(codename="add_apikey"))
    assert KEY_ON_PAGE.findall(issue(login(UserFactory._meta.model.objects.get(pk=clerk.pk)), partner).content.decode())


def test_submissions_in_the_admin_are_scoped_like_the_request_pages(client, login, cast):
    _partner, plain = make_partner()
    client.post(url("requests", "json"), {**post_data(cast), "api_key": plain})
    code = ResidentRequest.objects.get().tracking_code
    viewer_perm = Permission.objects.get(codename="view_partnersubmission")
    insider = UserFactory(username="insider", role=Role.COMMUNITY_WORKER, community=cast.community, is_staff=True)
    outsider = UserFactory(username="outsider", role=Role.COMMUNITY_WORKER, community=cast.other_community, is_staff=True)
    for user in (insider, outsider):
        user.user_permissions.add(viewer_perm)
    changelist = reverse("admin:open311_partnersubmission_changelist")
    assert code in login(insider).get(changelist).content.decode()
    assert code not in login(outsider).get(changelist).content.decode()


def attribute_form(datatype: str, values: list[tuple[str, str]]) -> dict:
    data = {
        "category": category("parking").pk,
        "code": "spot",
        "order": 1,
        "description": "车位类型",
        "datatype": datatype,
        "datatype_description": "",
        "required": "on",
        "variable": "on",
        "values-TOTAL_FORMS": str(len(values)),
        "values-INITIAL_FORMS": "0",
        "values-MIN_NUM_FORMS": "0",
        "values-MAX_NUM_FORMS": "1000",
    }
    for index, (key, name) in enumerate(values):
        data |= {f"values-{index}-key": key, f"values-{index}-name": name, f"values-{index}-order": str(index)}
    return data


@pytest.mark.parametrize(
    ("datatype", "values", "refusal"),
    [
        ("singlevaluelist", [("ground", "地面"), ("underground", "地下")], None),
        ("singlevaluelist", [], "至少要有一个选项"),
        ("string", [("ground", "地面")], "只有单选、多选字段才有选项"),
        ("string", [], None),
    ],
)
def test_list_fields_need_options_and_only_they_have_them(client, login, superuser, datatype, values, refusal):
    response = login(superuser).post(reverse("admin:open311_serviceattribute_add"), attribute_form(datatype, values))
    saved = refusal is None
    assert (response.status_code == 302) is saved
    if not saved:
        assert refusal in response.content.decode()
    assert ServiceAttribute.objects.filter(code="spot").exists() is saved
    if saved:
        definition = client.get(url("services/parking", "json")).json()
        assert [a["code"] for a in definition["attributes"]] == ["spot"]
        assert len(definition["attributes"][0]["values"]) == len(values)
