"""New employment groups: registry, counts, 暖心驿站 amenities, enlisting as a 随手拍 reporter."""

from django.urls import reverse

from resident_requests.models import Reporter, ReporterKind
from tests.queries import assert_queries_do_not_grow
from tests.volunteer_factories import (
    ActivityFactory,
    NewEmploymentWorkerFactory,
    StationAmenityFactory,
    VolunteerFactory,
    WarmStationFactory,
)
from volunteers.models import (
    ActivityType,
    NewEmploymentWorker,
    StationAmenity,
    VolunteerKind,
    WorkerKind,
)


def test_counts_by_company_and_kind(cast, login):
    # 彭山: 48 顺丰 couriers, 7 中通 couriers, 8 叮咚 riders (a few of each here).
    for _ in range(4):
        NewEmploymentWorkerFactory(community=cast.community, company="顺丰速运", kind=WorkerKind.COURIER)
    NewEmploymentWorkerFactory(community=cast.community, company="中通快递", kind=WorkerKind.COURIER, is_party_member=True)
    for _ in range(2):
        NewEmploymentWorkerFactory(community=cast.community, company="叮咚买菜", kind=WorkerKind.RIDER)
    NewEmploymentWorkerFactory(community=cast.other_community, company="顺丰速运", name="外区快递员")
    ActivityFactory(community=cast.community, activity_type=ActivityType.NEW_EMPLOYMENT_CARE, title="夏日送清凉")
    body = login(cast.worker).get(reverse("volunteers:worker_list")).content.decode()
    assert "共 7 人" in body and "外区快递员" not in body
    assert '<th scope="row">顺丰速运</th><td>快递员</td><td>4</td><td>0</td>' in body
    assert '<th scope="row">中通快递</th><td>快递员</td><td>1</td><td>1</td>' in body
    assert '<th scope="row">叮咚买菜</th><td>外卖骑手</td><td>2</td><td>0</td>' in body
    assert "夏日送清凉" in body


def test_worker_list_rights_and_queries(cast, client, login):
    url = reverse("volunteers:worker_list")
    assert client.get(url).status_code == 302
    assert login(cast.worker).post(url).status_code == 405
    worker = login(cast.worker)
    NewEmploymentWorkerFactory(community=cast.community)
    assert_queries_do_not_grow(
        lambda: worker.get(url),
        lambda: [NewEmploymentWorkerFactory(community=cast.community) for _ in range(4)],
        ceiling=14,
    )


def test_register_and_edit_a_worker(cast, login):
    client = login(cast.worker)
    response = client.post(
        reverse("volunteers:worker_create"),
        {"community": cast.community.pk, "name": "王师傅", "mobile": "13512340000", "kind": "courier", "company": "顺丰速运", "station": "彭山营业部"},
    )
    worker = NewEmploymentWorker.objects.get(mobile="13512340000")
    assert response.status_code == 302 and worker.registered_by == cast.worker
    again = client.post(
        reverse("volunteers:worker_create"),
        {"community": cast.community.pk, "name": "王师傅", "mobile": "13512340000", "kind": "courier", "company": "顺丰速运"},
    )
    assert again.status_code == 400 and "本社区已登记该手机号" in again.content.decode()
    assert login(cast.grid_worker).get(reverse("volunteers:worker_create")).status_code == 403
    assert login(cast.other_worker).get(reverse("volunteers:worker_detail", args=[worker.pk])).status_code == 404


def test_enlist_makes_a_reporter_and_a_volunteer(cast, login):
    worker = NewEmploymentWorkerFactory(community=cast.community, name="刘骑手", mobile="13500001111", kind=WorkerKind.RIDER, company="美团")
    client = login(cast.worker)
    url = reverse("volunteers:worker_enlist", args=[worker.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    worker.refresh_from_db()
    reporter = worker.reporter
    assert (reporter.kind, reporter.company, reporter.community, reporter.mobile) == (ReporterKind.RIDER, "美团", cast.community, "13500001111")
    assert worker.volunteer.kind == VolunteerKind.NEW_EMPLOYMENT and worker.volunteer.mobile == "13500001111"
    page = client.get(reverse("volunteers:worker_detail", args=[worker.pk])).content.decode()
    assert f"/snap/{reporter.token}/" in page
    client.post(url)  # again: nothing new
    assert Reporter.objects.count() == 1
    assert login(cast.grid_worker).post(url).status_code == 403


def test_enlist_reuses_an_existing_volunteer(cast, login):
    volunteer = VolunteerFactory(community=cast.community, mobile="13500002222")
    worker = NewEmploymentWorkerFactory(community=cast.community, mobile="13500002222")
    login(cast.worker).post(reverse("volunteers:worker_enlist", args=[worker.pk]))
    worker.refresh_from_db()
    assert worker.volunteer == volunteer


def test_station_amenities(cast, login):
    station = WarmStationFactory(community=cast.community, name="彭山暖心驿站")
    other = WarmStationFactory(community=cast.other_community, name="淞渔暖心驿站")
    client = login(cast.worker)
    assert client.post(reverse("volunteers:amenity_add", args=[station.pk]), {"amenity": "charging", "hours": "全天"}).status_code == 302
    duplicate = client.post(reverse("volunteers:amenity_add", args=[station.pk]), {"amenity": "charging"})
    assert duplicate.status_code == 400
    amenity = StationAmenity.objects.get(position=station)
    body = client.get(reverse("volunteers:station_list")).content.decode()
    assert "彭山暖心驿站" in body and "充电" in body and "淞渔暖心驿站" not in body
    assert client.post(reverse("volunteers:amenity_add", args=[other.pk]), {"amenity": "water"}).status_code == 404
    assert login(cast.grid_worker).post(reverse("volunteers:amenity_remove", args=[station.pk, amenity.pk])).status_code == 403
    client = login(cast.worker)  # the test client is shared: log the worker in again
    assert client.post(reverse("volunteers:amenity_remove", args=[station.pk, amenity.pk])).status_code == 302
    assert not StationAmenity.objects.exists()


def test_station_list_queries_do_not_grow(cast, login):
    client = login(cast.worker)
    StationAmenityFactory(position=WarmStationFactory(community=cast.community))
    assert_queries_do_not_grow(
        lambda: client.get(reverse("volunteers:station_list")),
        lambda: [StationAmenityFactory(position=WarmStationFactory(community=cast.community)) for _ in range(3)],
        ceiling=10,
    )
