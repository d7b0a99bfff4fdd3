"""诉求统计 page (requests:summary): figures, periods, scope, sorting and a fixed query count."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from resident_requests import services
from resident_requests.models import ResidentRequest, Satisfaction, Status
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    make_request,
)
from tests.queries import assert_queries_do_not_grow
from tests.request_steps import walk

pytestmark = pytest.mark.django_db

URL = reverse("requests:summary")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH_10 = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)

# contacted 9, solved 8; 满意 6, 基本满意 2, 不满意 2 → 90.0%, 80.0%, 78.0%, 80.2 (tests/test_requests_stats.py).
CALLBACKS = [
    *[(True, True, Satisfaction.SATISFIED)] * 6,
    *[(True, True, Satisfaction.BASICALLY)] * 2,
    (True, False, Satisfaction.DISSATISFIED),
    (False, False, Satisfaction.DISSATISFIED),
]


def called_back(cast, contacted: bool, solved: bool, satisfaction: str, building=None):
    request = walk(make_request(community=cast.community, building=building or cast.building), cast, to=Status.RESOLVED)
    return services.request_callback(
        request=request, acting_user=cast.worker, contacted=contacted, solved=solved, satisfaction=satisfaction
    )


@pytest.fixture
def march(cast):
    """The ten callbacks of the example in grid 1 of 莲香, on 2026-03-10; the page is viewed on 2026-03-20."""
    with time_machine.travel(MARCH_10, tick=False):
        for answers in CALLBACKS:
            called_back(cast, *answers)
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        yield


def row(html: str, label: str) -> list[str]:
    """The cells of the table row headed `label` (first match)."""
    match = re.search(rf'<tr><th scope="row">{re.escape(label)}</th>(.*?)</tr>', html, re.DOTALL)
    assert match, f"no row {label!r}"
    return re.findall(r"<td[^>]*>(.*?)</td>", match.group(1))


def row_labels(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row">(.*?)</th>', body)


# Columns: 诉求数 已办结 超期 按时办结率 平均办理时长 有效回访 响应率 解决率 满意率 综合成绩
EXAMPLE = ["10", "10", "0", "100.0%", "0.0", "10", "90.0%", "80.0%", "78.0%", "80.2"]


def test_street_admin_sees_communities_with_the_hand_computed_figures(cast, login, march):
    response = login(cast.street_admin).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年3月1日 至 2026年3月31日" in html
    assert row(html, str(cast.community)) == EXAMPLE
    assert row(html, str(cast.other_community)) == ["0", "0", "0", "—", "—", "0", "—", "—", "—", "—"]
    assert row(html, "合计") == EXAMPLE
    assert row(html, "环境卫生") == EXAMPLE  # by category
    assert "0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率" in html


def test_community_staff_see_their_grids_only(cast, login, march):
    with time_machine.travel(MARCH_10, tick=False):
        make_request(community=cast.other_community)  # in the other community: never on this page
    html = login(cast.worker).get(URL).content.decode()
    assert row_labels(html) == [cast.grid.name, cast.other_grid.name]
    assert row(html, cast.grid.name) == EXAMPLE
    assert row(html, cast.other_grid.name)[0] == "0"
    assert row(html, "合计") == EXAMPLE
    assert str(cast.other_community) not in html.split("<main", 1)[1]

    other = login(cast.other_worker).get(URL).content.decode()
    assert row(other, "合计")[0] == "1"
    assert "80.2" not in other


def test_the_grid_worker_sees_the_community_grids(cast, login, march):
    html = login(cast.grid_worker).get(URL).content.decode()
    assert row(html, cast.grid.name) == EXAMPLE


def test_period_switching(cast, login, march):
    with time_machine.travel(dt.datetime(2026, 1, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        called_back(cast, False, False, Satisfaction.DISSATISFIED)
    client = login(cast.street_admin)

    this_month = client.get(URL).content.decode()
    assert row(this_month, "合计")[0] == "10"
    quarter = client.get(URL, {"period": "quarter"}).content.decode()
    assert "2026年1月1日 至 2026年3月31日" in quarter
    assert row(quarter, "合计")[:2] == ["11", "11"]
    assert row(quarter, "合计")[6] == "81.8%"  # 9 contacted of 11
    year = client.get(URL, {"period": "year"}).content.decode()
    assert "2026年1月1日 至 2026年12月31日" in year
    assert row(year, "合计")[0] == "11"
    january = client.get(URL, {"period": "custom", "start": "2026-01-01", "end": "2026-01-31"}).content.decode()
    assert row(january, "合计")[:2] == ["1", "1"]
    assert row(january, "合计")[-1] == "0.0"


def test_a_bad_custom_period_says_so_and_shows_this_month(cast, login, march):
    client = login(cast.street_admin)
    html = client.get(URL, {"period": "custom", "start": "2026-03-31", "end": "2026-03-01"}).content.decode()
    assert "开始日期不能晚于结束日期" in html
    assert "2026年3月1日 至 2026年3月31日" in html
    html = client.get(URL, {"period": "custom"}).content.decode()
    assert "自定义期间请填写开始日期和结束日期" in html


def test_sort_by_a_column(cast, login, march):
    # A third community with one fully satisfied callback: 100 points, above 莲香's 80.2.
    third = CommunityFactory(name="金湖", code="320571006003")
    with time_machine.travel(MARCH_10, tick=False):
        request = make_request(community=third)
    ResidentRequest.objects.filter(pk=request.pk).update(
        status=Status.CALLED_BACK, callback_at=MARCH_10, callback_contacted=True, callback_solved=True,
        callback_satisfaction=Satisfaction.SATISFIED,
    )
    client = login(cast.street_admin)
    html = client.get(URL).content.decode()
    assert row_labels(html) == [str(cast.community), str(cast.other_community), str(third)]  # by code
    assert 'href="?sort=-score"' in html  # a first click ranks, best first

    best_first = client.get(URL, {"sort": "-score"}).content.decode()
    assert row_labels(best_first) == [str(third), str(cast.community), str(cast.other_community)]  # "—" last
    assert 'aria-sort="descending"' in best_first
    assert 'href="?sort=score"' in best_first  # the second click reverses
    worst_first = client.get(URL, {"sort": "score"}).content.decode()
    assert row_labels(worst_first) == [str(cast.community), str(third), str(cast.other_community)]
    by_count = client.get(URL, {"sort": "-total", "period": "year"}).content.decode()
    assert row_labels(by_count)[0] == str(cast.community)
    assert "period=year" in re.search(r'href="\?([^"]*sort=-score[^"]*)"', by_count).group(1)
    assert client.get(URL, {"sort": "nonsense"}).status_code == 200


def test_the_query_count_does_not_grow_with_communities_or_requests(cast, login, march):
    client = login(cast.street_admin)

    def add_rows():
        with time_machine.travel(MARCH_10, tick=False):
            for n in range(3):
                community = CommunityFactory()
                building = BuildingFactory(compound=CompoundFactory(community=community))
                make_request(community=community, building=building)
            called_back(cast, True, True, Satisfaction.SATISFIED, building=cast.building)

    # Session and user, weights, communities, counts per community, categories, counts per category,
    # the total, the unread-notification badge, the session save (3): 12.
    assert_queries_do_not_grow(lambda: client.get(URL, {"sort": "-score"}), add_rows, ceiling=14)


def test_access(cast, login, client):
    assert client.get(URL).status_code == 302  # anonymous → login
    assert login(cast.no_role).get(URL).status_code == 403
    assert login(cast.street_reviewer).get(URL).status_code == 200
    assert login(cast.street_admin).post(URL).status_code == 405
