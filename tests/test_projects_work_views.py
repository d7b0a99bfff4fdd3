"""The work pages under /manage/projects/<pk>/…: funding, batches, milestones, photos;
the work part of the project page; a co-building unit's sponsorships."""

import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from projects.models import (
    Batch,
    Contribution,
    FundingSource,
    Milestone,
    PhotoPair,
    Project,
    ProjectStatus,
)
from projects.selectors.projects import project_for_detail
from projects.selectors.work import work_context
from projects.services import work as services
from tests.factories import CoBuildingUnitFactory
from tests.project_factories import ProjectFactory
from tests.queries import assert_queries_do_not_grow
from xietang.images import process_image_upload

pytestmark = pytest.mark.django_db


def jpeg(name="spot.jpg", *, exif=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "JPEG", **({"exif": exif} if exif is not None else {}))
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "XietangPhone"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 17.0, 36.0)
    return exif


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def detail(project) -> str:
    return reverse("projects:project_detail", args=[project.pk])


@dataclass
class Work:
    project: Project  # quantity project, 300 张, 莲香, 认领筹资
    milestone_project: Project
    batch: Batch
    milestone: Milestone
    pair: PhotoPair
    contribution: Contribution


@pytest.fixture
def work(cast) -> Work:
    project = ProjectFactory(
        communities=[cast.community], status=ProjectStatus.FUNDING, planned_quantity=300, quantity_unit="张"
    )
    milestone_project = ProjectFactory(
        communities=[cast.community], status=ProjectStatus.IMPLEMENTING, planned_quantity=None, quantity_unit=""
    )
    return Work(
        project=project,
        milestone_project=milestone_project,
        batch=services.batch_add(acting_user=cast.worker, project=project, planned_quantity=100),
        milestone=services.milestone_add(
            acting_user=cast.worker, project=milestone_project, title="设计方案", weight=1
        ),
        pair=services.photo_pair_add(
            acting_user=cast.worker, project=project, caption="3幢楼道口", before=process_image_upload(jpeg())
        ),
        contribution=services.contribution_add(
            acting_user=cast.worker, project=project, source=FundingSource.STREET, amount=Decimal("1000")
        ),
    )


# name → (url, POST data) for the fixture's rows
def endpoint(name: str, w: Work) -> tuple[str, dict]:
    p, m = w.project.pk, w.milestone_project.pk
    return {
        "contribution_add": (
            reverse("projects:contribution_add", args=[p]),
            {"contribution-source": "community", "contribution-amount": "2000"},
        ),
        "contribution_remove": (
            reverse("projects:contribution_remove", args=[p, w.contribution.pk]),
            {f"remove-{w.contribution.pk}-reason": "录入重复"},
        ),
        "batch_add": (reverse("projects:batch_add", args=[p]), {"batch-planned_quantity": "120"}),
        "batch_delivery": (
            reverse("projects:batch_delivery", args=[p, w.batch.pk]),
            {f"delivery-{w.batch.pk}-delivered_quantity": "100"},
        ),
        "milestone_add": (
            reverse("projects:milestone_add", args=[m]),
            {"milestone-title": "施工", "milestone-weight": "3"},
        ),
        "milestone_progress": (
            reverse("projects:milestone_progress", args=[m, w.milestone.pk]),
            {f"progress-{w.milestone.pk}-percent": "100"},
        ),
        "photo_pair_add": (
            reverse("projects:photo_pair_add", args=[p]),
            {"photo-caption": "5幢楼道口", "photo-before": jpeg("before.jpg", exif=gps_exif())},
        ),
        "photo_pair_after": (
            reverse("projects:photo_pair_after", args=[p, w.pair.pk]),
            {f"after-{w.pair.pk}-after": jpeg("after.jpg")},
        ),
        "photo_pair_remove": (reverse("projects:photo_pair_remove", args=[p, w.pair.pk]), {}),
    }[name]


ENDPOINTS = [
    "contribution_add",
    "contribution_remove",
    "batch_add",
    "batch_delivery",
    "milestone_add",
    "milestone_progress",
    "photo_pair_add",
    "photo_pair_after",
    "photo_pair_remove",
]


def happened(name: str, w: Work) -> bool:
    if name == "contribution_add":
        return w.project.contributions.filter(source=FundingSource.COMMUNITY, amount=2000).exists()
    if name == "contribution_remove":
        return not Contribution.objects.filter(pk=w.contribution.pk).exists()
    if name == "batch_add":
        return w.project.batches.filter(number=2, planned_quantity=120).exists()
    if name == "batch_delivery":
        return Batch.objects.get(pk=w.batch.pk).delivered_quantity == 100
    if name == "milestone_add":
        return w.milestone_project.milestones.filter(title="施工", weight=3).exists()
    if name == "milestone_progress":
        return Milestone.objects.get(pk=w.milestone.pk).percent == 100
    if name == "photo_pair_add":
        pair = w.project.photo_pairs.filter(caption="5幢楼道口").first()
        if pair is None:
            return False
        with pair.before_image.open("rb") as stored:
            return not Image.open(stored).getexif()  # GPS and device gone
    if name == "photo_pair_after":
        return bool(PhotoPair.objects.get(pk=w.pair.pk).after_image)
    if name == "photo_pair_remove":
        return not PhotoPair.objects.filter(pk=w.pair.pk).exists()
    raise AssertionError(name)


def actor_for(name: str, cast):
    return cast.street_admin if name == "contribution_remove" else cast.worker


@pytest.mark.parametrize("name", ENDPOINTS)
def test_happy_path_records_and_goes_back_to_the_project(cast, login, work, name):
    url, data = endpoint(name, work)
    response = login(actor_for(name, cast)).post(url, data)
    project = work.milestone_project if name.startswith("milestone") else work.project
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == detail(project) + "#work"
    assert flashed(response)
    assert happened(name, work)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_wrong_method(cast, login, work, name):
    url, _data = endpoint(name, work)
    assert login(actor_for(name, cast)).get(url).status_code == 405


@pytest.mark.parametrize("name", ENDPOINTS)
def test_outsider_gets_404_and_nothing_changes(cast, login, work, name):
    url, data = endpoint(name, work)
    assert login(cast.other_worker).post(url, data).status_code == 404
    assert not happened(name, work)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_user_without_the_role_gets_403(cast, login, work, name):
    url, data = endpoint(name, work)
    # The grid worker reads the community's projects but records nothing; only the street admin removes funding.
    users = [cast.grid_worker, cast.street_reviewer] + (
        [cast.worker, cast.secretary] if name == "contribution_remove" else []
    )
    for user in users:
        url, data = endpoint(name, work)  # fresh uploads for each request
        assert login(user).post(url, data).status_code == 403, user.username
    assert not happened(name, work)


def test_anonymous_is_sent_to_login(client, work):
    url, data = endpoint("contribution_add", work)
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_before_approval_the_page_says_so_and_records_nothing(cast, login):
    project = ProjectFactory(communities=[cast.community], status=ProjectStatus.PENDING_APPROVAL)
    response = login(cast.worker).post(
        reverse("projects:contribution_add", args=[project.pk]),
        {"contribution-source": "street", "contribution-amount": "1000"},
    )
    assert response.status_code == 302 and response["Location"] == detail(project) + "#work"
    assert any("尚未立项" in message for message in flashed(response))
    assert not Contribution.objects.exists()


def test_a_refused_batch_comes_back_with_the_reason_and_what_was_typed(cast, login, work):
    response = login(cast.worker).post(
        reverse("projects:batch_add", args=[work.project.pk]),
        {"batch-planned_quantity": "201", "batch-title": "第二批座椅"},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "各批计划合计不能超过项目计划 300 张(已安排 100 张,尚可安排 200 张)。" in content
    assert 'value="第二批座椅"' in content
    assert work.project.batches.count() == 1


def test_a_non_image_is_refused_by_name_and_nothing_is_saved(cast, login, work):
    fake = SimpleUploadedFile("scan.jpg", b"this is not a picture", content_type="image/jpeg")
    response = login(cast.worker).post(
        reverse("projects:photo_pair_add", args=[work.project.pk]), {"photo-caption": "7幢楼道口", "photo-before": fake}
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "「scan.jpg」不是图片" in content
    assert "请改正后重新选择照片" in content
    assert 'value="7幢楼道口"' in content
    assert not work.project.photo_pairs.filter(caption="7幢楼道口").exists()


def test_a_photo_pair_needs_a_photo(cast, login, work):
    response = login(cast.worker).post(
        reverse("projects:photo_pair_add", args=[work.project.pk]), {"photo-caption": "8幢"}
    )
    assert response.status_code == 400
    assert "请至少上传一张照片。" in response.content.decode()


# Photos served to staff


def photo_url(w: Work, side="before", size="thumb") -> str:
    return reverse("projects:photo_pair_image", args=[w.project.pk, w.pair.pk, side, size])


def test_photos_are_streamed_to_staff_in_scope(cast, login, work):
    for user in (cast.worker, cast.grid_worker, cast.street_reviewer):
        response = login(user).get(photo_url(work, "before", "full"))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"


def test_photos_outside_scope_missing_or_odd_answer_404(cast, login, client, work):
    assert login(cast.other_worker).get(photo_url(work)).status_code == 404
    client = login(cast.worker)
    assert client.get(photo_url(work, "after")).status_code == 404  # not uploaded yet
    assert client.get(photo_url(work, "before", "huge")).status_code == 404
    assert client.post(photo_url(work)).status_code == 405


def test_photos_need_a_staff_login(client, login, cast, work):
    assert client.get(photo_url(work)).status_code == 302
    assert login(cast.no_role).get(photo_url(work)).status_code == 403


# The work part of the project page


def add_rows(cast, project, n: int) -> None:
    unit = CoBuildingUnitFactory()
    unit.communities.add(cast.community)
    for i in range(n):
        services.contribution_add(
            acting_user=cast.worker, project=project, source=FundingSource.UNIT, unit=unit, amount=100 + i
        )
        services.contribution_add(
            acting_user=cast.worker, project=project, source=FundingSource.OTHER, in_kind=f"志愿者 {i}"
        )
        services.photo_pair_add(
            acting_user=cast.worker, project=project, caption=f"{i}幢", before=process_image_upload(jpeg())
        )
    for batch in list(project.batches.all()):
        services.batch_record_delivery(acting_user=cast.worker, batch=batch, delivered_quantity=batch.planned_quantity)
    services.batch_add(acting_user=cast.worker, project=project, planned_quantity=1)


def test_the_project_page_shows_funding_progress_batches_and_photos(cast, login, work):
    project = work.project
    services.batch_record_delivery(acting_user=cast.worker, batch=work.batch, delivered_quantity=100)
    second = services.batch_add(acting_user=cast.worker, project=project, planned_quantity=120)
    services.batch_record_delivery(acting_user=cast.worker, batch=second, delivered_quantity=120)
    response = login(cast.worker).get(detail(project))
    content = response.content.decode()
    assert response.status_code == 200
    assert "220/300 张 · 73%" in content
    assert "已筹 1000.00 元 / 预算 300000.00 元" in content
    assert "第二批" in content
    assert reverse("projects:photo_pair_image", args=[project.pk, work.pair.pk, "before", "thumb"]) in content
    # The forms this user may use now, posting to the work views.
    for name in ("contribution_add", "batch_add", "photo_pair_add"):
        assert reverse(f"projects:{name}", args=[project.pk]) in content
    assert reverse("projects:photo_pair_after", args=[project.pk, work.pair.pk]) in content
    assert reverse("projects:contribution_remove", args=[project.pk, work.contribution.pk]) not in content


def test_readers_see_the_work_without_forms_and_the_street_admin_may_correct_funding(cast, login, work):
    content = login(cast.grid_worker).get(detail(work.project)).content.decode()
    assert "认领筹资与实施进度" in content
    assert reverse("projects:contribution_add", args=[work.project.pk]) not in content
    content = login(cast.street_admin).get(detail(work.project)).content.decode()
    assert reverse("projects:contribution_remove", args=[work.project.pk, work.contribution.pk]) in content


def test_milestone_project_page_shows_weighted_progress_and_milestone_forms(cast, login, work):
    services.milestone_add(acting_user=cast.worker, project=work.milestone_project, title="施工", weight=3)
    services.milestone_update(acting_user=cast.worker, milestone=work.milestone, percent=100)
    content = login(cast.worker).get(detail(work.milestone_project)).content.decode()
    assert "按节点权重 · 25%" in content
    assert reverse("projects:milestone_add", args=[work.milestone_project.pk]) in content
    assert reverse("projects:milestone_progress", args=[work.milestone_project.pk, work.milestone.pk]) in content
    assert reverse("projects:batch_add", args=[work.milestone_project.pk]) not in content


def test_work_context_costs_the_same_queries_however_many_rows(cast, work):
    request = RequestFactory().get("/")
    request.user = cast.worker

    def render_panel():
        project = project_for_detail(Project.objects.all()).get(pk=work.project.pk)
        render_to_string("projects/projects/_work.html", work_context(project, cast.worker), request=request)

    # Loading the project (with its figures and communities) is the page's; the panel adds
    # contributions, batches, milestones, photo pairs and the forms' choices.
    queries = assert_queries_do_not_grow(render_panel, lambda: add_rows(cast, work.project, 5), ceiling=10)
    assert queries >= 6  # it does read the rows


def test_the_project_page_query_count_does_not_grow(cast, login, work, django_assert_max_num_queries):
    client = login(cast.worker)
    url = detail(work.project)
    assert_queries_do_not_grow(lambda: client.get(url), lambda: add_rows(cast, work.project, 5), ceiling=25)
    with django_assert_max_num_queries(25):
        client.get(url)


# A co-building unit's page lists what it sponsored


def test_a_units_page_lists_its_sponsorships_within_the_users_scope(cast, login):
    bank = CoBuildingUnitFactory(name="苏州银行零售银行总部党委")
    bank.communities.set([cast.community, cast.other_community])
    lianxiang = ProjectFactory(
        communities=[cast.community], status=ProjectStatus.IMPLEMENTING, title="莲香新村三区停车"
    )
    songyu = ProjectFactory(communities=[cast.other_community], status=ProjectStatus.FUNDING, title="百凳为百姓")
    services.contribution_add(
        acting_user=cast.street_admin, project=lianxiang, source=FundingSource.UNIT, unit=bank, amount=Decimal("80000")
    )
    services.contribution_add(
        acting_user=cast.street_admin, project=songyu, source=FundingSource.UNIT, unit=bank, amount=Decimal("150000")
    )
    services.contribution_add(
        acting_user=cast.street_admin, project=songyu, source=FundingSource.UNIT, unit=bank, in_kind="员工志愿者 20 名"
    )
    url = reverse("communities:co_building_unit_detail", args=[bank.pk])

    content = login(cast.street_admin).get(url).content.decode()
    assert "共 2 个项目,出资 230000.00 元" in content
    assert "莲香新村三区停车" in content and "百凳为百姓" in content and "员工志愿者 20 名" in content
    assert reverse("projects:project_detail", args=[songyu.pk]) in content

    content = login(cast.worker).get(url).content.decode()
    assert "共 1 个项目,出资 80000.00 元" in content
    assert "莲香新村三区停车" in content and "百凳为百姓" not in content


def test_a_unit_without_sponsorships_says_so(cast, login):
    unit = CoBuildingUnitFactory()
    unit.communities.add(cast.community)
    response = login(cast.worker).get(reverse("communities:co_building_unit_detail", args=[unit.pk]))
    assert "尚无认领或出资的项目。" in response.content.decode()
