"""统计看板 pages: scoping (404/403/405, login), the remembered choice, charts with tables, query counts."""

import json
import re

import pytest

from dashboards.models import DashboardPreference
from tests.dash_factories import build_dashboard_data
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    GridFactory,
    make_request,
)
from tests.queries import assert_queries_do_not_grow

OCT = "period=custom&start=2026-10-01&end=2026-10-31"


@pytest.fixture
def data(cast):
    return build_dashboard_data(cast)


def urls(cast):
    return {
        "street": "/dashboard/",
        "community": f"/dashboard/communities/{cast.community.pk}/",
        "grid": f"/dashboard/grids/{cast.grid.pk}/",
    }


def test_anonymous_goes_to_login(cast, client):
    for url in urls(cast).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_no_role_is_forbidden_and_post_is_refused(cast, login):
    for url in urls(cast).values():
        assert login(cast.no_role).get(url).status_code == 403
        assert login(cast.street_reviewer).post(url).status_code == 405


def test_community_staff_cannot_open_another_community(cast, login):
    other_grid = cast.outsider_resident.household.stairwell.building.grid
    client = login(cast.secretary)
    assert client.get(f"/dashboard/communities/{cast.other_community.pk}/").status_code == 404
    assert client.get(f"/dashboard/grids/{other_grid.pk}/").status_code == 404
    assert client.get(f"/dashboard/?scope=c{cast.other_community.pk}").status_code == 404
    assert client.get("/dashboard/?scope=street").status_code == 404
    # Their own community and its grids open.
    assert client.get(f"/dashboard/grids/{cast.other_grid.pk}/").status_code == 200
    assert login(cast.other_worker).get(f"/dashboard/grids/{cast.grid.pk}/").status_code == 404
    assert login(cast.grid_worker).get(f"/dashboard/communities/{cast.community.pk}/").status_code == 200


def test_landing_scope_per_role(cast, login):
    assert "统计看板 · 全街道" in login(cast.street_reviewer).get("/dashboard/").content.decode()
    assert "统计看板 · 莲香</h1>" in login(cast.secretary).get("/dashboard/").content.decode()
    assert "统计看板 · 莲香 · 莲香第一网格" in login(cast.grid_worker).get("/dashboard/").content.decode()


def test_street_drills_down_to_community_and_grid(data, login):
    cast = data.cast
    client = login(cast.street_reviewer)
    body = client.get(f"/dashboard/?{OCT}").content.decode()
    link = f'/dashboard/communities/{cast.community.pk}/?period=custom&amp;start=2026-10-01&amp;end=2026-10-31'
    assert f'href="{link}"' in body  # ranking row → the community, same period
    body = client.get(f"/dashboard/communities/{cast.community.pk}/?{OCT}").content.decode()
    assert f'/dashboard/grids/{cast.grid.pk}/?period=custom' in body
    assert "莲香第一网格" in body and "网格排名" in body
    body = client.get(f"/dashboard/grids/{cast.grid.pk}/?{OCT}").content.decode()
    assert "按社区统计,网格层面不单列" in body


def test_figures_and_ranking_on_the_page(data, login):
    body = login(data.cast.street_reviewer).get(f"/dashboard/?{OCT}&order=-total").content.decode()
    assert re.search(r"民意收集</span>\s*<strong[^>]*><a href=\"/requests/\?scope=all&amp;submitted_from=2026-10-01", body)
    assert "▲ 比上期增加 3 件" in body  # 4 requests against 1
    ranks = re.findall(r'<td data-label="排名">(\d+|—)</td><th scope="row"><a [^>]*>([^<]+)</a>', body)
    assert ranks == [("1", "莲香"), ("2", "淞渔")]
    assert 'aria-sort="descending"' in body


def test_every_chart_has_its_table(data, login):
    cast = data.cast
    for url in urls(cast).values():
        body = login(cast.street_admin).get(f"{url}?{OCT}").content.decode()
        charts = re.findall(r'data-chart="([^"]+)"', body)
        assert charts
        for chart_id in charts:
            assert f'id="{chart_id}-table"' in body
            block = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', body, re.S)
            spec = json.loads(block.group(1))
            table = re.search(rf'id="{chart_id}-table">(.*?)</table>', body, re.S).group(1)
            assert len(re.findall(r'<th scope="row">', table)) == len(spec["categories"])
        assert "/static/vendor/echarts/echarts.min.js" in body and "cdn" not in body.lower()


def test_trend_table_has_hand_computed_values(data, login):
    body = login(data.cast.secretary).get(f"/dashboard/communities/{data.cast.community.pk}/?{OCT}").content.decode()
    table = re.search(r'id="trend-service-table">(.*?)</table>', body, re.S).group(1)
    assert re.search(r"2026年10月</th><td[^>]*>3.5</td><td[^>]*>130</td>", table)
    assert '<progress max="100" value="73"' in body


def test_choice_is_remembered(cast, login):
    client = login(cast.secretary)
    client.get(f"/dashboard/grids/{cast.other_grid.pk}/?period=year")
    pref = DashboardPreference.objects.get(user=cast.secretary)
    assert (pref.period, pref.grid_id, pref.community_id) == ("year", cast.other_grid.pk, cast.community.pk)
    body = client.get("/dashboard/").content.decode()  # no parameters: the stored choice
    assert "统计看板 · 莲香 · 莲香第二网格" in body and "2026年" in body
    client.get(f"/dashboard/?scope=c{cast.community.pk}&{OCT}")
    pref.refresh_from_db()
    assert (pref.period, str(pref.custom_start), str(pref.custom_end), pref.grid_id) == (
        "custom",
        "2026-10-01",
        "2026-10-31",
        None,
    )
    body = client.get("/dashboard/").content.decode()
    assert "统计看板 · 莲香</h1>" in body and "2026年10月1日—10月31日" in body
    # An invalid period is not a choice: it shows the error and keeps the stored one.
    body = client.get("/dashboard/?period=custom&start=2026-10-31&end=2026-10-01").content.decode()
    assert "起始日期不能晚于截止日期。" in body
    pref.refresh_from_db()
    assert str(pref.custom_start) == "2026-10-01"


def test_stored_scope_out_of_reach_falls_back(cast, login):
    DashboardPreference.objects.create(user=cast.worker, community=cast.other_community)
    body = login(cast.worker).get("/dashboard/").content.decode()
    assert "统计看板 · 莲香</h1>" in body


# --- Query counts: fixed per page, not growing with communities, grids or requests ---------

EXACT = {"street": 40, "community": 40, "grid": 18}
CEILINGS = {"street": 42, "community": 42, "grid": 21}


def add_rows(cast):
    def _add():
        for n in range(3):
            community = CommunityFactory()
            grid = GridFactory(community=community)
            building = BuildingFactory(compound=CompoundFactory(community=community), grid=grid)
            make_request(community=community, building=building)
            make_request(community=cast.community, building=cast.building)
        GridFactory(community=cast.community)

    return _add


@pytest.mark.parametrize("level", ["street", "community", "grid"])
def test_query_counts(data, login, django_assert_num_queries, level):
    cast = data.cast
    client = login(cast.street_reviewer)
    url = f"{urls(cast)[level]}?{OCT}"
    client.get(url)  # the first visit creates the preference row (an INSERT in a savepoint)
    with django_assert_num_queries(EXACT[level]):
        assert client.get(url).status_code == 200
    assert_queries_do_not_grow(lambda: client.get(url), add_rows(cast), ceiling=CEILINGS[level])
