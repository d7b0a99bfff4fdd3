"""Needs-list hook: coordinators mark requests as evidence for a 需求清单 item."""

import pytest
from django.urls import reverse

from projects.models import Need
from tests.factories import make_request

URL = reverse("projects:need_evidence")


@pytest.fixture
def two_requests(cast):
    return [make_request(community=cast.community, building=cast.building) for _ in range(2)]


def test_inbox_offers_checkboxes_to_coordinators_only(cast, login, two_requests):
    body = login(cast.worker).get(reverse("requests:inbox")).content.decode()
    assert f'name="ids" value="{two_requests[0].pk}"' in body and URL in body
    body = login(cast.grid_worker).get(reverse("requests:inbox") + "?scope=community").content.decode()
    assert 'name="ids"' not in body


def test_worker_creates_a_need_from_two_requests(cast, login, two_requests):
    client = login(cast.worker)
    ids = [r.pk for r in two_requests]
    form = client.get(URL, {"ids": ids})
    assert form.status_code == 200 and two_requests[0].tracking_code in form.content.decode()
    response = client.post(URL, {"ids": ids, "new_title": "39幢楼道加装扶手", "beneficiaries": "39幢 80户"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.title, need.community, need.created_by) == ("39幢楼道加装扶手", cast.community, cast.worker)
    assert set(need.evidence_requests.all()) == set(two_requests)


def test_adding_to_an_existing_need(cast, login, two_requests):
    need = Need.objects.create(title="楼下加座椅", community=cast.community)
    login(cast.secretary).post(URL, {"ids": [two_requests[0].pk], "need": need.pk})
    assert list(need.evidence_requests.all()) == [two_requests[0]]


def test_neither_need_nor_title_is_a_clear_error(cast, login, two_requests):
    response = login(cast.worker).post(URL, {"ids": [two_requests[0].pk]})
    assert response.status_code == 400
    assert "请选择已有需求,或填写新需求名称。" in response.content.decode()
    assert not Need.objects.exists()


def test_other_communitys_requests_are_invisible(cast, login):
    outsider = make_request(community=cast.other_community)
    response = login(cast.worker).post(URL, {"ids": [outsider.pk], "new_title": "x"})
    assert response.status_code == 302 and not Need.objects.exists()


def test_other_communitys_need_cannot_be_chosen(cast, login, two_requests):
    foreign = Need.objects.create(title="淞渔需求", community=cast.other_community)
    response = login(cast.worker).post(URL, {"ids": [two_requests[0].pk], "need": foreign.pk})
    assert response.status_code == 400 and not foreign.evidence_requests.exists()


@pytest.mark.parametrize("user", ["grid_worker", "street_reviewer"])
def test_non_coordinators_are_refused(cast, login, two_requests, user):
    response = login(getattr(cast, user)).post(URL, {"ids": [two_requests[0].pk], "new_title": "x"})
    assert response.status_code == 403 and not Need.objects.exists()


def test_anonymous_goes_to_login(client, cast):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_request_page_names_the_needs_it_supports(cast, login, two_requests):
    need = Need.objects.create(title="39幢楼道加装扶手", community=cast.community)
    need.evidence_requests.add(two_requests[0])
    body = login(cast.worker).get(reverse("requests:detail", args=[two_requests[0].pk])).content.decode()
    assert "39幢楼道加装扶手(待办)" in body
