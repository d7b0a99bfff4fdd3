"""/manage/projects/export/: the filtered, scoped project list as .xlsx, audited."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl

from accounts.models import AuditAction, AuditLog
from communities import sheets
from projects.models import ProjectStatus
from tests.factories import CoBuildingUnitFactory
from tests.project_factories import BatchFactory, ContributionFactory, ProjectFactory

URL = "/manage/projects/export/"
HEADERS = [
    "项目名称",
    "所属社区",
    "项目类型",
    "类别",
    "状态",
    "预算(元)",
    "已筹资金(元)",
    "筹资比例(%)",
    "进度(%)",
    "计划开始",
    "计划完成",
    "牵头党组织",
    "书记项目",
]


def _rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_matches_the_list(cast, login):
    benches = ProjectFactory(
        communities=[cast.community, cast.other_community],
        title="初心为民心,百凳为百姓",
        status=ProjectStatus.IMPLEMENTING,
        budget=Decimal("300000"),
        is_secretary_project=True,
        planned_start=dt.date(2021, 5, 1),
        planned_end=dt.date(2022, 12, 31),
    )
    BatchFactory(project=benches, number=1, planned_quantity=100, delivered_quantity=100)
    BatchFactory(project=benches, number=2, planned_quantity=120, delivered_quantity=120)
    ContributionFactory(project=benches, unit=CoBuildingUnitFactory(name="苏州银行"), amount=Decimal("150000"))
    ProjectFactory(communities=[cast.other_community], title="淞渔独有")
    response = login(cast.worker).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "projects_" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == HEADERS
    assert len(rows) == 2  # 淞渔独有 is outside the worker's scope
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["项目名称"] == "初心为民心,百凳为百姓"
    assert set(row["所属社区"].split("、")) == {str(cast.community), str(cast.other_community)}
    assert row["状态"] == "实施中" and row["项目类型"] == "货物类" and row["类别"] == "适老与助老"
    assert (row["预算(元)"], row["已筹资金(元)"], row["筹资比例(%)"], row["进度(%)"]) == (300000, 150000, 50, 73)
    assert row["计划开始"].date() == dt.date(2021, 5, 1) and row["计划完成"].date() == dt.date(2022, 12, 31)
    assert row["书记项目"] == "是"


def test_export_takes_the_filters_and_is_audited(cast, login):
    ProjectFactory(communities=[cast.community], title="征集中的", status=ProjectStatus.COLLECTING)
    ProjectFactory(communities=[cast.community], title="筹资中的", status=ProjectStatus.FUNDING)
    response = login(cast.street_admin).get(URL, {"status": "funding"})
    titles = [row[0] for row in _rows(response)[1:]]
    assert titles == ["筹资中的"]
    audit = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert audit.actor == cast.street_admin and audit.object_type == "projects.project"
    assert audit.changes == {"筛选": "status=funding", "行数": "1"}


def test_export_too_large_goes_back_to_the_list(cast, login, monkeypatch):
    monkeypatch.setattr(sheets, "EXPORT_MAX_ROWS", 1)
    ProjectFactory.create_batch(2, communities=[cast.community])
    response = login(cast.worker).get(URL, {"q": "百凳"})
    assert response.status_code == 302 and response["Location"] == "/manage/projects/?q=%E7%99%BE%E5%87%B3"
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_export_method_and_role(cast, login, client):
    assert login(cast.worker).post(URL).status_code == 405
    assert login(cast.no_role).get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_export_query_count_is_flat(cast, login, django_assert_max_num_queries):
    client = login(cast.street_reviewer)
    ProjectFactory.create_batch(2, communities=[cast.community])
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    ProjectFactory.create_batch(10, communities=[cast.community, cast.other_community])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_rows(client.get(URL))) == 13
