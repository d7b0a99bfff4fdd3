"""Resident export: the list page's filter and scope, as .xlsx, masked, audited, in fixed queries."""

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditLog
from communities import sheets
from communities.models import ResidentTag
from communities.sheets import HEADERS
from tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("communities:resident_export")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_back(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def names_in(rows: list[tuple]) -> set[str]:
    return {row[0] for row in rows[1:]}


def test_export_is_an_xlsx_of_the_users_community_with_masked_numbers(cast, login):
    response = login(cast.worker).get(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    today = f"{timezone.localdate():%Y%m%d}"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="residents_{today}.xlsx"; ')
    assert f"filename*=UTF-8''{quote(f'居民名单_{today}.xlsx')}" in disposition

    rows = read_back(response)
    assert rows[0] == HEADERS
    assert names_in(rows) == {"王秀英", "李建英"}  # not 张外区 of the other community
    wang = next(row for row in rows if row[0] == "王秀英")
    assert wang[HEADERS.index("身份证号")] == cast.resident.masked_id_number
    assert wang[HEADERS.index("手机号")] == cast.resident.masked_mobile
    assert wang[HEADERS.index("社区")] == "莲香"
    assert wang[HEADERS.index("小区")] == "莲香新村三区"
    assert wang[HEADERS.index("户号")] == "301"
    assert cast.resident.id_number.encode() not in response.content


def test_export_freezes_the_header_row(cast, login):
    response = login(cast.worker).get(EXPORT_URL)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width == sheets.COLUMN_WIDTHS["身份证号"]


def test_export_respects_the_list_filter(cast, login):
    response = login(cast.worker).get(EXPORT_URL, {"q": "王秀英"})
    rows = read_back(response)
    assert len(rows) == 2
    assert rows[1][0] == "王秀英"


def test_export_filters_by_tag_once_per_resident(cast, login):
    old, alone = ResidentTag.objects.filter(name__in=["老年人", "独居"])
    cast.resident.tags.set([old, alone])
    response = login(cast.worker).get(f"{EXPORT_URL}?tags={old.pk}&tags={alone.pk}")
    rows = read_back(response)
    assert [row[0] for row in rows[1:]] == ["王秀英"]
    assert set(rows[1][HEADERS.index("标签")].split("、")) == {"老年人", "独居"}


def test_export_writes_an_audit_row_with_the_filter(cast, login):
    login(cast.worker).get(EXPORT_URL, {"q": "王秀英", "page": "2"})
    log = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert log.actor == cast.worker
    assert log.object_type == "communities.resident"
    assert log.changes == {"筛选": "q=王秀英", "行数": "1"}


def test_street_staff_export_every_community(cast, login):
    rows = read_back(login(cast.street_reviewer).get(EXPORT_URL))
    assert {"王秀英", "李建英", "张外区"} <= names_in(rows)


def test_export_queries_do_not_grow_with_rows(cast, login, django_assert_max_num_queries):
    client = login(cast.worker)
    tags = list(ResidentTag.objects.all()[:2])

    def add_residents(count: int) -> None:
        for _ in range(count):
            ResidentFactory(household=HouseholdFactory(stairwell=cast.household.stairwell)).tags.set(tags)

    add_residents(2)
    with CaptureQueriesContext(connection) as few:
        client.get(EXPORT_URL)
    add_residents(30)
    with django_assert_max_num_queries(len(few)):
        response = client.get(EXPORT_URL)
    assert len(read_back(response)) == 1 + 2 + 32


def test_too_large_export_is_refused_with_a_message(cast, login, monkeypatch):
    monkeypatch.setattr(sheets, "EXPORT_MAX_ROWS", 1)
    response = login(cast.worker).get(EXPORT_URL, {"q": "英"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('communities:resident_list')}?q=%E8%8B%B1"
    content = login(cast.worker).get(response["Location"]).content.decode()
    assert "超过单次导出上限 1 人" in content
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_role_is_refused(cast, login):
    assert login(cast.no_role).get(EXPORT_URL).status_code == 403


def test_wrong_method(cast, login):
    assert login(cast.worker).post(EXPORT_URL).status_code == 405


def test_text_starting_with_an_equals_sign_stays_text_not_a_formula():
    import io

    import openpyxl

    from communities.sheets import write_workbook

    content, _ = write_workbook(title="t", headers=["标题"], widths=[10], rows=[["=HYPERLINK(\"http://x\")"]])
    cell = openpyxl.load_workbook(io.BytesIO(content)).active["A2"]
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://x")')
