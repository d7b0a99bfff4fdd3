"""The public project pages (no account): the list, a project's page, its photos.

Residents see projects in PUBLIC_STATES only; a project's page shows what the
street publishes (money, progress, photos, public meeting summaries) and never
a resident's name, mobile or request text.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from communities.models import CoBuildingUnit
from projects.models import (
    PUBLIC_STATES,
    FundingSource,
    MeetingPhoto,
    MeetingType,
    PhotoPair,
    ProjectAction,
    ProjectEvent,
    ProjectStatus,
    ProjectType,
)
from projects.selectors.public import format_yuan
from tests.factories import CoBuildingUnitFactory, make_request
from tests.project_factories import (
    BatchFactory,
    ContributionFactory,
    MeetingFactory,
    MilestoneFactory,
    NeedFactory,
    ParticipantFactory,
    ProjectFactory,
)
from tests.queries import assert_queries_do_not_grow
from xietang.images import process_image_upload

pytestmark = pytest.mark.django_db

LIST_URL = "/projects/"


def detail_url(project) -> str:
    return reverse("projects:public_detail", args=[project.pk])


def pair_url(pair, side="before", size="thumb") -> str:
    return reverse("projects:public_pair_photo", args=[pair.pk, side, size])


def meeting_photo_url(photo, size="thumb") -> str:
    return reverse("projects:public_meeting_photo", args=[photo.pk, size])


def _processed(colour: str = "green"):
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(buffer, "JPEG")
    return process_image_upload(SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg"))


def make_pair(project, *, batch=None, caption="3幢楼道口", before=True, after=True) -> PhotoPair:
    pair = PhotoPair(project=project, batch=batch, caption=caption)
    for side, wanted in (("before", before), ("after", after)):
        if wanted:
            processed = _processed()
            getattr(pair, f"{side}_image").save(f"{side}.jpg", processed.full, save=False)
            getattr(pair, f"{side}_thumbnail").save(f"{side}_t.jpg", processed.thumbnail, save=False)
    pair.save()
    return pair


def make_meeting_photo(meeting, *, is_public=True) -> MeetingPhoto:
    processed = _processed("blue")
    photo = MeetingPhoto(meeting=meeting, width=processed.width, height=processed.height, is_public=is_public)
    photo.image.save("m.jpg", processed.full, save=False)
    photo.thumbnail.save("m_t.jpg", processed.thumbnail, save=False)
    photo.save()
    return photo


def benches(cast, **fields):
    """The 淞渔 benches: 300 planned, batches of 100 and 120 delivered (220/300 = 73%)."""
    project = ProjectFactory(
        title=fields.pop("title", "初心为民心,百凳为百姓"),
        communities=[cast.other_community],
        status=fields.pop("status", ProjectStatus.IMPLEMENTING),
        planned_quantity=300,
        quantity_unit="张",
        budget=Decimal("300000.00"),
        **fields,
    )
    BatchFactory(
        project=project, number=1, planned_quantity=100, delivered_quantity=100, delivered_on=dt.date(2021, 10, 1)
    )
    BatchFactory(
        project=project, number=2, planned_quantity=120, delivered_quantity=120, delivered_on=dt.date(2022, 9, 30)
    )
    bank = CoBuildingUnit.objects.filter(name="苏州银行零售银行总部党委").first()
    bank = bank or CoBuildingUnitFactory(name="苏州银行零售银行总部党委")
    ContributionFactory(project=project, unit=bank, amount=Decimal("100000"))
    return project


def page_text(response) -> str:
    return response.content.decode()


# /projects/


def test_the_list_shows_public_states_only(client, cast):
    for status in ProjectStatus:
        ProjectFactory(title=f"项目-{status.value}", communities=[cast.community], status=status)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    html = page_text(response)
    for status in ProjectStatus:
        shown = f"项目-{status.value}" in html
        assert shown == (status in PUBLIC_STATES), status
    # Statuses in words, never only a colour.
    assert "进展:实施中" in html and "进展:已完成" in html


def test_the_list_shows_progress_in_words_and_a_bar_sponsors_and_communities(client, cast):
    project = benches(cast)

    html = page_text(client.get(LIST_URL))

    assert "已完成 220/300 张 · 73%" in html
    assert re.search(rf'<progress id="progress-{project.pk}" max="100" value="73">73%</progress>', html)
    assert "出资单位:苏州银行零售银行总部党委" in html
    assert "社区:淞渔" in html


def test_milestone_projects_show_the_weighted_progress(client, cast):
    project = ProjectFactory(
        communities=[cast.community], status=ProjectStatus.IMPLEMENTING, planned_quantity=None, quantity_unit=""
    )
    MilestoneFactory(project=project, weight=1, percent=100)
    MilestoneFactory(project=project, weight=3, percent=50)
    MilestoneFactory(project=project, weight=1, percent=0)

    html = page_text(client.get(LIST_URL))

    assert "总体进度 50%" in html


def test_projects_before_approval_say_so_instead_of_a_bar(client, cast):
    ProjectFactory(title="待立项的项目", communities=[cast.community], status=ProjectStatus.PENDING_APPROVAL)

    html = page_text(client.get(LIST_URL))

    assert "待立项的项目" in html and "进度:立项后开始实施" in html and "<progress" not in html


def test_the_list_filters_by_community_type_status_and_year(client, cast):
    lianxiang = ProjectFactory(
        title="莲香停车棚",
        communities=[cast.community],
        status=ProjectStatus.IMPLEMENTING,
        project_type=ProjectType.WORKS,
        planned_start=dt.date(2025, 3, 1),
    )
    songyu = ProjectFactory(
        title="淞渔长椅",
        communities=[cast.other_community],
        status=ProjectStatus.COMPLETED,
        project_type=ProjectType.GOODS,
        planned_start=dt.date(2021, 5, 1),
    )

    def titles(**params) -> set[str]:
        html = page_text(client.get(LIST_URL, params))
        return {title for title in (lianxiang.title, songyu.title) if title in html}

    assert titles() == {"莲香停车棚", "淞渔长椅"}
    assert titles(community=cast.community.pk) == {"莲香停车棚"}
    assert titles(project_type=ProjectType.GOODS) == {"淞渔长椅"}
    assert titles(status=ProjectStatus.IMPLEMENTING) == {"莲香停车棚"}
    assert titles(year=2021) == {"淞渔长椅"}
    assert titles(year=2025, community=cast.other_community.pk) == set()
    # The year select offers the years that have projects, in words.
    html = page_text(client.get(LIST_URL))
    assert '<option value="2025">2025年</option>' in html and '<option value="2021">2021年</option>' in html


def test_a_hand_typed_internal_status_shows_nothing_internal(client, cast):
    ProjectFactory(title="征集中的草稿", communities=[cast.community], status=ProjectStatus.COLLECTING)

    response = client.get(LIST_URL, {"status": ProjectStatus.COLLECTING})

    assert response.status_code == 200
    assert "征集中的草稿" not in page_text(response)


def test_the_list_query_count_does_not_grow_with_projects(client, cast, django_assert_max_num_queries):
    benches(cast, title="第一个")
    # count, page, communities, sponsors, the year choices, the community choices
    with django_assert_max_num_queries(6):
        assert client.get(LIST_URL).status_code == 200

    def add_rows():
        for n in range(5):
            project = benches(cast, title=f"更多项目{n}")
            project.communities.add(cast.community)
            ContributionFactory(project=project, source=FundingSource.STREET, unit=None, amount=Decimal("5000"))

    assert_queries_do_not_grow(lambda: client.get(LIST_URL), add_rows, ceiling=6)


def test_the_list_refuses_other_methods(client, cast):
    assert client.post(LIST_URL).status_code == 405


def test_the_elder_mode_link_works_on_the_list(client, cast):
    response = client.get(LIST_URL, {"mode": "elder", "community": cast.community.pk})

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?community={cast.community.pk}"
    assert 'class="public elder"' in page_text(client.get(response["Location"]))


# /projects/<pk>/


def test_a_project_page_tells_what_why_who_pays_and_how_far(client, cast):
    project = benches(cast, description="为每个楼道口配备户外座椅,方便老人歇脚。")
    project.needs.add(
        NeedFactory(community=cast.other_community, title="老人下楼没处歇脚", beneficiaries="30个老人集中的单元")
    )
    ContributionFactory(
        project=project, source=FundingSource.STREET, unit=None, amount=Decimal("0"), in_kind="街道提供安装工人"
    )
    ContributionFactory(project=project, unit=CoBuildingUnitFactory(name="同程网络"), amount=Decimal("12345.50"))

    response = client.get(detail_url(project))

    assert response.status_code == 200
    html = page_text(response)
    assert "为每个楼道口配备户外座椅" in html
    assert "老人下楼没处歇脚" in html and "30个老人集中的单元" in html
    assert "苏州银行零售银行总部党委" in html and "100,000 元" in html
    assert "同程网络" in html and "12,345.50 元" in html
    assert "街道资金" in html and "街道提供安装工人" in html
    # funded ÷ budget: 112,345.50 / 300,000 = 37%
    assert "已筹集 112,345.50 元,预算 300,000 元 · 到位 37%" in html
    assert "已完成 220/300 张 · 73%" in html and 'value="73"' in html
    assert "第一批" in html and "计划 100 张,已完成 100 张,完成于 2021年10月1日" in html
    assert "第二批" in html and "完成于 2022年9月30日" in html


def test_the_page_carries_no_personal_data(client, cast):
    project = benches(cast, status=ProjectStatus.COMPLETED)
    request = make_request(
        community=cast.other_community,
        contact_name="赵桂兰",
        contact_mobile="13800138000",
        description="我家楼下没有椅子,腿脚不好的秘密诉求内容",
    )
    need = NeedFactory(community=cast.other_community, title="楼道口座椅", evidence_notes="走访时张阿姨说")
    need.evidence_requests.add(request)
    project.needs.add(need)
    meeting = MeetingFactory(
        community=cast.other_community, host="主持人钱书记", topic="钱书记的议题", public_summary="居民代表同意安装。"
    )
    meeting.projects.add(project)
    ParticipantFactory(meeting=meeting, name="孙代表")
    ProjectEvent.objects.create(
        project=project,
        action=ProjectAction.ACCEPT,
        actor=cast.street_reviewer,
        from_status=ProjectStatus.PENDING_ACCEPTANCE,
        to_status=ProjectStatus.PUBLICISING,
        note="内部意见:李科长签字",
    )
    cast.street_reviewer.last_name, cast.street_reviewer.first_name = "周", "婷"
    cast.street_reviewer.save()

    html = page_text(client.get(detail_url(project)))

    assert "楼道口座椅" in html and "居民代表同意安装" in html and "验收通过" in html
    for secret in (
        "赵桂兰",
        "13800138000",
        "8000",  # not even the tail of a resident's mobile
        request.tracking_code,
        "秘密诉求内容",
        "张阿姨",
        "钱书记",
        "孙代表",
        "李科长",
        "周婷",
        cast.street_reviewer.username,
    ):
        assert secret not in html, secret


def test_internal_and_unknown_projects_answer_404(client, cast):
    for status in (ProjectStatus.COLLECTING, ProjectStatus.CANCELLED):
        project = ProjectFactory(communities=[cast.community], status=status)
        response = client.get(detail_url(project))
        assert response.status_code == 404
        assert project.title not in page_text(response)
    assert client.get(reverse("projects:public_detail", args=[999999])).status_code == 404


def test_batches_show_before_and_after_photos_side_by_side(client, cast):
    project = benches(cast)
    batch = project.batches.get(number=1)
    pair = make_pair(project, batch=batch, caption="3幢楼道口")
    waiting = make_pair(project, batch=batch, caption="5幢楼道口", after=False)
    loose = make_pair(project, caption="小区大门")

    html = page_text(client.get(detail_url(project)))

    for shown in (pair_url(pair, "before"), pair_url(pair, "after"), pair_url(pair, "after", "full"), pair_url(loose)):
        assert shown in html
    assert pair_url(waiting, "before") in html and pair_url(waiting, "after") not in html
    assert "3幢楼道口" in html and "实施前" in html and "实施后" in html and "完工后补拍" in html


def test_meetings_show_their_public_summary_and_public_photos_only(client, cast):
    project = benches(cast)
    held = MeetingFactory(
        community=cast.other_community,
        meeting_type=MeetingType.BENCH,
        held_at=dt.datetime(2021, 6, 5, 9, 30, tzinfo=dt.UTC),
        public_summary="大家商量后决定先装 100 张。",
    )
    internal = MeetingFactory(community=cast.other_community, topic="内部碰头", public_summary="")
    held.projects.add(project)
    internal.projects.add(project)
    public_photo = make_meeting_photo(held)
    private_photo = make_meeting_photo(held, is_public=False)

    html = page_text(client.get(detail_url(project)))

    assert "板凳议事会" in html and "2021年6月5日" in html and "大家商量后决定先装 100 张。" in html
    assert "内部碰头" not in html
    assert meeting_photo_url(public_photo) in html
    assert meeting_photo_url(private_photo) not in html


def test_the_timeline_shows_state_changes_with_dates_only(client, cast):
    project = benches(cast)
    ProjectEvent.objects.create(
        project=project,
        action=ProjectAction.APPROVE,
        actor=cast.street_reviewer,
        from_status=ProjectStatus.PENDING_APPROVAL,
        to_status=ProjectStatus.FUNDING,
        note="经主任办公会研究",
        created_at=dt.datetime(2021, 4, 2, 2, 0, tzinfo=dt.UTC),
    )
    ProjectEvent.objects.create(
        project=project,
        action=ProjectAction.BATCH,
        actor=cast.worker,
        from_status=ProjectStatus.IMPLEMENTING,
        to_status=ProjectStatus.IMPLEMENTING,
        note="第一批到货内部记录",
    )

    html = page_text(client.get(detail_url(project)))

    assert "2021年4月2日" in html and "立项" in html and "进入「认领筹资」" in html
    assert "经主任办公会研究" not in html and "第一批到货内部记录" not in html


@pytest.mark.parametrize(
    ("status", "rateable"),
    [
        (ProjectStatus.DELIBERATING, False),
        (ProjectStatus.IMPLEMENTING, False),
        (ProjectStatus.PENDING_ACCEPTANCE, False),
        (ProjectStatus.PUBLICISING, True),
        (ProjectStatus.EVALUATING, True),
        (ProjectStatus.COMPLETED, True),
    ],
)
def test_the_rating_form_appears_once_the_project_is_accepted(client, cast, status, rateable):
    project = ProjectFactory(communities=[cast.community], status=status)

    html = page_text(client.get(detail_url(project)))

    assert ("请评价这个项目" in html) == rateable
    assert ("项目验收通过后,居民可以在这里评价" in html) == (not rateable)
    if rateable:
        for words in ("1 星 · 很不满意", "3 星 · 一般", "5 星 · 很满意", "只显示手机尾号"):
            assert words in html


def test_the_page_query_count_does_not_grow_with_its_content(client, cast):
    from tests.project_factories import ProjectRatingFactory

    project = benches(cast, status=ProjectStatus.COMPLETED)

    def add_rows(first: int = 0, count: int = 3):
        for n in range(first, first + count):
            batch = BatchFactory(project=project, number=10 + n, planned_quantity=10, delivered_quantity=5)
            make_pair(project, batch=batch, caption=f"楼道{n}")
            make_pair(project, caption=f"门口{n}")
            need = NeedFactory(community=cast.other_community)
            project.needs.add(need)
            ContributionFactory(project=project, unit=CoBuildingUnitFactory())
            meeting = MeetingFactory(community=cast.other_community, public_summary=f"摘要{n}")
            meeting.projects.add(project)
            make_meeting_photo(meeting)
            ProjectRatingFactory(project=project, mobile=f"1391234560{n}", published=True)
            ProjectEvent.objects.create(
                project=project, action=ProjectAction.EDIT, from_status="collecting", to_status="deliberating"
            )

    add_rows(first=0, count=1)  # one of everything, so every section's query runs from the start

    assert_queries_do_not_grow(lambda: client.get(detail_url(project)), lambda: add_rows(first=1), ceiling=11)


def test_the_page_refuses_other_methods(client, cast):
    project = benches(cast)
    assert client.put(detail_url(project)).status_code == 405
    assert client.delete(detail_url(project)).status_code == 405


def test_the_home_page_links_to_the_projects(client, db):
    assert LIST_URL in page_text(client.get("/"))


def test_money_is_grouped_by_thousands_and_drops_empty_cents():
    assert format_yuan(Decimal("300000.00")) == "300,000 元"
    assert format_yuan(Decimal("12345.5")) == "12,345.50 元"
    assert format_yuan(None) == "0 元"


# Photos


def test_photos_of_a_public_project_are_served(client, cast):
    project = benches(cast)
    pair = make_pair(project)

    for side in ("before", "after"):
        for size in ("thumb", "full"):
            response = client.get(pair_url(pair, side, size))
            assert response.status_code == 200
            assert response["Content-Type"] == "image/jpeg"
            assert "max-age=600" in response["Cache-Control"]
            assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


@pytest.mark.parametrize("status", [ProjectStatus.COLLECTING, ProjectStatus.CANCELLED])
def test_photos_of_an_internal_project_answer_404(client, cast, status):
    project = ProjectFactory(communities=[cast.community], status=status)
    pair = make_pair(project)
    meeting = MeetingFactory(community=cast.community, public_summary="公开摘要")
    meeting.projects.add(project)
    photo = make_meeting_photo(meeting)

    assert client.get(pair_url(pair)).status_code == 404
    assert client.get(pair_url(pair, "after", "full")).status_code == 404
    assert client.get(meeting_photo_url(photo)).status_code == 404
    # Staff have their own pages for these; the public address stays closed for them too.
    client.force_login(cast.worker, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(pair_url(pair)).status_code == 404


def test_meeting_photos_need_the_public_mark_and_a_public_summary(client, cast):
    project = benches(cast)
    summarised = MeetingFactory(community=cast.other_community, public_summary="公开摘要")
    unsummarised = MeetingFactory(community=cast.other_community, public_summary="")
    unlinked = MeetingFactory(community=cast.other_community, public_summary="与项目无关")
    summarised.projects.add(project)
    unsummarised.projects.add(project)

    assert client.get(meeting_photo_url(make_meeting_photo(summarised))).status_code == 200
    assert client.get(meeting_photo_url(make_meeting_photo(summarised), "full")).status_code == 200
    assert client.get(meeting_photo_url(make_meeting_photo(summarised, is_public=False))).status_code == 404
    assert client.get(meeting_photo_url(make_meeting_photo(unsummarised))).status_code == 404
    assert client.get(meeting_photo_url(make_meeting_photo(unlinked))).status_code == 404


def test_missing_sides_unknown_sizes_and_other_methods(client, cast):
    project = benches(cast)
    pair = make_pair(project, after=False)
    photo = make_meeting_photo(MeetingFactory(community=cast.other_community, public_summary="摘要"))
    photo.meeting.projects.add(project)

    assert client.get(pair_url(pair, "after")).status_code == 404
    assert client.get(pair_url(pair, "side")).status_code == 404
    assert client.get(pair_url(pair, "before", "original")).status_code == 404
    assert client.get(meeting_photo_url(photo, "original")).status_code == 404
    assert client.post(pair_url(pair)).status_code == 405
    assert client.post(meeting_photo_url(photo)).status_code == 405
