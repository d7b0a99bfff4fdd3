"""Residents' ratings of accepted projects and their moderation by staff.

One rating per mobile per project (a keyed digest, never the number), shown only
after a staff member in the project's scope publishes it.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import AuditLog, Notification
from projects.models import ProjectRating, ProjectStatus, RatingStatus
from projects.selectors.public import pending_ratings_count
from projects.services import ratings as rating_services
from projects.services.ratings import rating_moderate, rating_submit
from tests.factories import CommunityFactory
from tests.project_factories import ProjectFactory, ProjectRatingFactory
from tests.queries import assert_queries_do_not_grow
from xietang.digests import mobile_digest

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"
LIST_URL = "/manage/ratings/"
DUPLICATE = "该手机号已评价过这个项目"


def detail_url(project) -> str:
    return reverse("projects:public_detail", args=[project.pk])


def moderate_url(rating) -> str:
    return reverse("projects:rating_moderate", args=[rating.pk])


def rating_data(**overrides) -> dict:
    data = {"mobile": "139 1234 5678", "stars": "4", "comment": "椅子很结实,老人很喜欢", "consent": "on", "website": ""}
    data.update(overrides)
    return data


def staff(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def accepted(cast):
    """An accepted project of 莲香 (公示中), open for ratings."""
    return ProjectFactory(title="莲香新村三区停车棚", communities=[cast.community], status=ProjectStatus.PUBLICISING)


# Submitting (public page)


def test_a_rating_is_saved_pending_with_digest_and_tail_only(client, cast, accepted):
    response = client.post(detail_url(accepted), rating_data())

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(accepted)}#ratings"
    rating = ProjectRating.objects.get()
    assert (rating.project, rating.stars, rating.status) == (accepted, 4, RatingStatus.PENDING)
    assert rating.mobile_digest == mobile_digest(MOBILE) and rating.mobile_tail == "5678"
    stored = [str(value) for value in ProjectRating.objects.values_list().get()]
    assert not any(MOBILE in value for value in stored)
    page = client.get(response["Location"]).content.decode()
    assert "感谢您的评价!工作人员审核后会在本页公开" in page
    # Hidden until published.
    assert "椅子很结实" not in page and "尾号5678" not in page


def test_one_rating_per_mobile_and_project(client, cast, accepted):
    assert client.post(detail_url(accepted), rating_data()).status_code == 302

    again = client.post(detail_url(accepted), rating_data(mobile="13912345678", stars="1", comment="再来一次"))

    assert again.status_code == 400
    assert DUPLICATE in again.content.decode()
    assert ProjectRating.objects.count() == 1
    assert ProjectRating.objects.get().stars == 4
    # Another mobile on the same project, and the same mobile on another project, are fine.
    assert client.post(detail_url(accepted), rating_data(mobile="13800001111")).status_code == 302
    other = ProjectFactory(communities=[cast.community], status=ProjectStatus.COMPLETED)
    assert client.post(detail_url(other), rating_data()).status_code == 302
    assert ProjectRating.objects.count() == 3


def test_the_database_constraint_is_the_final_guard(cast, accepted, monkeypatch):
    """Two submissions of the same mobile at the same moment both pass the checks; the constraint decides."""
    ProjectRatingFactory(project=accepted, mobile=MOBILE)
    monkeypatch.setattr(rating_services.ProjectRating, "full_clean", lambda self, *args, **kwargs: None)
    real_filter = rating_services.ProjectRating.objects.filter

    class NothingYet:
        def exists(self) -> bool:
            return False

    monkeypatch.setattr(
        rating_services.ProjectRating.objects,
        "filter",
        lambda *args, **kwargs: NothingYet() if "mobile_digest" in kwargs else real_filter(*args, **kwargs),
    )

    with pytest.raises(ValidationError) as error:
        rating_submit(project=accepted, mobile=MOBILE, stars=3)

    assert DUPLICATE in error.value.message_dict["mobile"][0]
    assert ProjectRating.objects.count() == 1


@pytest.mark.parametrize(
    "status", [ProjectStatus.DELIBERATING, ProjectStatus.IMPLEMENTING, ProjectStatus.PENDING_ACCEPTANCE]
)
def test_a_rating_before_acceptance_is_refused(client, cast, status):
    project = ProjectFactory(communities=[cast.community], status=status)

    response = client.post(detail_url(project), rating_data(), follow=True)

    assert "项目验收通过后才能评价" in response.content.decode()
    assert not ProjectRating.objects.exists()
    with pytest.raises(ValidationError, match="项目验收通过后才能评价"):
        rating_submit(project=project, mobile=MOBILE, stars=5)


def test_internal_projects_cannot_be_rated(client, cast):
    project = ProjectFactory(communities=[cast.community], status=ProjectStatus.CANCELLED)

    assert client.post(detail_url(project), rating_data()).status_code == 404
    assert not ProjectRating.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mobile", "1234", "手机号应为以1开头的11位数字"),
        ("stars", "6", "请选择 1 到 5 星"),
        ("stars", "", "请选择 1 到 5 星"),
        ("comment", "好" * 501, "最多 500 字"),
        ("consent", "", "请阅读并勾选同意"),
    ],
)
def test_field_errors_are_in_chinese_and_save_nothing(client, cast, accepted, field, value, message):
    response = client.post(detail_url(accepted), rating_data(**{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProjectRating.objects.exists()


def test_ratings_are_limited_per_ip(client, cast, accepted, settings):
    settings.PROJECT_RATING_RATE_IP = "2/h"
    for tail in ("0001", "0002"):
        assert client.post(detail_url(accepted), rating_data(mobile=f"1391234{tail}")).status_code == 302

    response = client.post(detail_url(accepted), rating_data(mobile="13912340003"))

    assert response.status_code == 429
    assert "评价提交过于频繁" in response.content.decode()
    assert ProjectRating.objects.count() == 2
    # Another address is not held back by this one.
    assert (
        client.post(detail_url(accepted), rating_data(mobile="13912340004"), REMOTE_ADDR="10.0.0.9").status_code == 302
    )


def test_a_cache_outage_lets_ratings_through(client, cast, accepted, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    def cache_down(*args, **kwargs):
        raise RedisConnectionError("redis is down")

    monkeypatch.setattr("xietang.public.is_ratelimited", cache_down)

    assert client.post(detail_url(accepted), rating_data()).status_code == 302
    assert ProjectRating.objects.count() == 1


def test_invalid_ratings_do_not_count_against_the_limit(client, cast, accepted, settings):
    settings.PROJECT_RATING_RATE_IP = "1/h"
    for _ in range(3):
        assert client.post(detail_url(accepted), rating_data(consent="")).status_code == 400

    assert client.post(detail_url(accepted), rating_data()).status_code == 302


def test_a_filled_honeypot_saves_nothing(client, cast, accepted):
    response = client.post(detail_url(accepted), rating_data(website="http://spam.example"))

    assert response.status_code == 400
    assert not ProjectRating.objects.exists()


def test_only_published_ratings_show_with_the_tail_and_their_average(client, cast, accepted):
    ProjectRatingFactory(project=accepted, mobile="13900001234", stars=5, comment="非常好", published=True)
    ProjectRatingFactory(project=accepted, mobile="13900002222", stars=4, comment="还不错", published=True)
    ProjectRatingFactory(project=accepted, mobile="13900003333", stars=1, comment="待审核的话")
    ProjectRatingFactory(
        project=accepted, mobile="13900004444", stars=1, comment="不公开的话", status=RatingStatus.HIDDEN
    )

    html = client.get(detail_url(accepted)).content.decode()

    assert "非常好" in html and "还不错" in html
    assert "待审核的话" not in html and "不公开的话" not in html
    assert "尾号1234" in html and "13900001234" not in html and "1390000" not in html
    assert "平均 4.5 星(共 2 条公开评价)" in html
    assert "5 星 · 很满意" in html and "4 星 · 满意" in html


def test_the_service_is_for_residents_only(cast, accepted):
    with pytest.raises(PermissionDenied):
        rating_submit(project=accepted, mobile=MOBILE, stars=5, acting_user=cast.worker)


def test_a_new_rating_tells_the_projects_coordinators(cast, accepted):
    rating_submit(project=accepted, mobile=MOBILE, stars=2, comment="晚上太暗")

    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"secretary", "worker"}
    notice = Notification.objects.first()
    assert "新的项目评价待审核" in notice.title and "晚上太暗" in notice.body
    assert notice.link == LIST_URL


def test_a_new_rating_goes_to_the_responsible_staff_member_when_there_is_one(cast, accepted):
    accepted.responsible = cast.worker
    accepted.save()

    rating_submit(project=accepted, mobile=MOBILE, stars=5)

    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["worker"]


# Moderation (/manage/ratings/)


def test_the_moderation_list_shows_pending_ratings_in_scope(cast, accepted):
    ProjectRatingFactory(project=accepted, mobile="13900001234", comment="莲香的评价")
    other = ProjectFactory(communities=[cast.other_community], status=ProjectStatus.COMPLETED)
    ProjectRatingFactory(project=other, comment="淞渔的评价")
    ProjectRatingFactory(project=accepted, comment="已公开的评价", published=True)

    html = staff(cast.secretary).get(LIST_URL).content.decode()

    assert "莲香的评价" in html and "1234" in html and accepted.title in html
    assert "淞渔的评价" not in html and "已公开的评价" not in html
    assert "待审核 (1)" in html and "已公开 (1)" in html
    published_tab = staff(cast.secretary).get(LIST_URL, {"status": "published"}).content.decode()
    assert "已公开的评价" in published_tab and "莲香的评价" not in published_tab
    street = staff(cast.street_reviewer).get(LIST_URL).content.decode()
    assert "莲香的评价" in street and "淞渔的评价" in street


def test_a_project_of_two_communities_lists_its_rating_once(cast):
    shared = ProjectFactory(communities=[cast.community, cast.other_community], status=ProjectStatus.COMPLETED)
    ProjectRatingFactory(project=shared, comment="两个社区共同的项目")

    html = staff(cast.street_admin).get(LIST_URL).content.decode()

    assert html.count("两个社区共同的项目") == 1
    assert pending_ratings_count(cast.street_admin) == 1


def test_publishing_stores_the_moderator_and_time_and_shows_the_rating(client, cast, accepted):
    rating = ProjectRatingFactory(project=accepted, mobile="13900001234", comment="灯很亮")

    response = staff(cast.worker).post(
        moderate_url(rating), {"decision": "publish", "note": "内容无个人信息", "tab": "pending"}
    )

    assert response.status_code == 302 and response["Location"] == f"{LIST_URL}?status=pending"
    rating.refresh_from_db()
    assert rating.status == RatingStatus.PUBLISHED
    assert rating.moderated_by == cast.worker and rating.moderated_at is not None
    audit = AuditLog.objects.get(object_type="projects.projectrating", object_id=str(rating.pk))
    assert audit.actor == cast.worker
    assert audit.changes == {"status": ["pending", "published"], "note": "内容无个人信息"}
    assert "灯很亮" in client.get(detail_url(accepted)).content.decode()


def test_hiding_keeps_the_rating_off_the_page_and_may_be_reversed(client, cast, accepted):
    rating = ProjectRatingFactory(project=accepted, comment="写了邻居的名字", published=True)
    moderator = staff(cast.secretary)

    moderator.post(moderate_url(rating), {"decision": "hide"})

    rating.refresh_from_db()
    assert rating.status == RatingStatus.HIDDEN and rating.moderated_by == cast.secretary
    assert "写了邻居的名字" not in client.get(detail_url(accepted)).content.decode()
    moderator.post(moderate_url(rating), {"decision": "publish"})
    rating.refresh_from_db()
    assert rating.status == RatingStatus.PUBLISHED


def test_the_same_decision_twice_is_refused_clearly(cast, accepted):
    rating = ProjectRatingFactory(project=accepted)
    moderator = staff(cast.secretary)
    moderator.post(moderate_url(rating), {"decision": "publish"})

    response = moderator.post(moderate_url(rating), {"decision": "publish"}, follow=True)

    assert "这条评价已经是「已公开」" in response.content.decode()
    assert AuditLog.objects.filter(object_type="projects.projectrating").count() == 1


def test_a_decision_is_required(cast, accepted):
    rating = ProjectRatingFactory(project=accepted)

    response = staff(cast.secretary).post(moderate_url(rating), {"decision": "delete"}, follow=True)

    assert "请选择公开或不公开" in response.content.decode()
    rating.refresh_from_db()
    assert rating.status == RatingStatus.PENDING


def test_outsiders_get_404_and_roles_without_the_right_get_403(cast, accepted):
    rating = ProjectRatingFactory(project=accepted)

    assert staff(cast.other_worker).post(moderate_url(rating), {"decision": "publish"}).status_code == 404
    assert staff(cast.grid_worker).post(moderate_url(rating), {"decision": "publish"}).status_code == 403
    assert staff(cast.grid_worker).get(LIST_URL).status_code == 403
    assert staff(cast.no_role).get(LIST_URL).status_code == 403
    assert staff(cast.no_role).post(moderate_url(rating), {"decision": "publish"}).status_code == 403
    anonymous = Client().get(LIST_URL)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    rating.refresh_from_db()
    assert rating.status == RatingStatus.PENDING
    # The street decides everywhere (街道审阅 included).
    assert staff(cast.street_reviewer).post(moderate_url(rating), {"decision": "publish"}).status_code == 302
    rating.refresh_from_db()
    assert rating.status == RatingStatus.PUBLISHED


def test_the_service_checks_scope_and_role_itself(cast, accepted):
    rating = ProjectRatingFactory(project=accepted)

    for user in (cast.other_worker, cast.grid_worker, cast.no_role):
        with pytest.raises(PermissionDenied):
            rating_moderate(acting_user=user, rating=rating, publish=True)
    rating.refresh_from_db()
    assert rating.status == RatingStatus.PENDING


def test_wrong_methods(cast, accepted):
    rating = ProjectRatingFactory(project=accepted)
    moderator = staff(cast.secretary)

    assert moderator.get(moderate_url(rating)).status_code == 405
    assert moderator.post(LIST_URL).status_code == 405


def test_the_moderation_list_query_count_does_not_grow(cast, accepted):
    moderator = staff(cast.secretary)
    ProjectRatingFactory(project=accepted)

    def add_rows():
        for _ in range(5):
            project = ProjectFactory(communities=[cast.community, CommunityFactory()], status=ProjectStatus.COMPLETED)
            ProjectRatingFactory(project=project)

    assert_queries_do_not_grow(lambda: moderator.get(LIST_URL), add_rows, ceiling=11)


def test_pending_ratings_count_for_the_nav(cast, accepted):
    ProjectRatingFactory(project=accepted)
    ProjectRatingFactory(project=accepted)
    ProjectRatingFactory(project=accepted, published=True)
    other = ProjectFactory(communities=[cast.other_community], status=ProjectStatus.COMPLETED)
    ProjectRatingFactory(project=other)

    assert pending_ratings_count(cast.secretary) == 2
    assert pending_ratings_count(cast.worker) == 2
    assert pending_ratings_count(cast.other_worker) == 1
    assert pending_ratings_count(cast.street_admin) == 3
    assert pending_ratings_count(cast.street_reviewer) == 3
    assert pending_ratings_count(cast.grid_worker) == 0  # reads projects, does not moderate
    assert pending_ratings_count(cast.no_role) == 0
