"""Request export: the inbox's tab, filter and scope as .xlsx; masked, names withheld, audited."""

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditLog
from resident_requests.models import Status
from resident_requests.views import EXPORT_COLUMNS
from tests.factories import make_request
from tests.queries import assert_queries_do_not_grow
from tests.request_steps import walk

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("requests:export")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = tuple(header for header, _width in EXPORT_COLUMNS)


def read_back(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def column(rows: list[tuple], header: str) -> list:
    index = HEADERS.index(header)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def requests_(cast):
    own = make_request(community=cast.community, building=cast.building, contact_mobile="13911112222")
    outside = make_request(community=cast.other_community, description="淞渔的路灯不亮", contact_mobile="13933334444")
    return own, outside


def test_export_is_an_xlsx_of_the_users_community_with_masked_mobiles(cast, login, requests_):
    own, _outside = requests_
    response = login(cast.worker).get(EXPORT_URL, {"scope": "community"})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    today = f"{timezone.localdate():%Y%m%d}"
    assert response["Content-Disposition"].startswith(f'attachment; filename="requests_{today}.xlsx"; ')
    assert f"filename*=UTF-8''{quote(f'居民诉求_{today}.xlsx')}" in response["Content-Disposition"]

    rows = read_back(response)
    assert rows[0] == HEADERS
    assert column(rows, "受理编号") == [own.tracking_code]  # not the other community's
    assert column(rows, "联系电话") == ["139****2222"]
    assert column(rows, "联系人") == ["王秀英"]
    assert column(rows, "社区") == ["莲香"]
    assert column(rows, "网格") == ["莲香第一网格"]
    assert b"13911112222" not in response.content


def test_street_admin_exports_every_community(cast, login, requests_):
    rows = read_back(login(cast.street_admin).get(EXPORT_URL))
    assert set(column(rows, "受理编号")) == {request.tracking_code for request in requests_}


def test_export_withholds_names_residents_asked_to_hide(cast, login):
    make_request(community=cast.community, contact_name="赵匿名", hide_name_from_handlers=True)
    response = login(cast.secretary).get(EXPORT_URL)
    assert column(read_back(response), "联系人") == [None]
    assert "赵匿名".encode() not in response.content


def test_export_freezes_the_header_row_and_formats_times(cast, login, requests_):
    accepted = walk(requests_[0], cast, to=Status.ACCEPTED)
    response = login(cast.worker).get(EXPORT_URL)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["E"].width == dict(EXPORT_COLUMNS)["诉求内容"]
    due = sheet.cell(row=2, column=HEADERS.index("办理时限") + 1)
    assert due.number_format == "yyyy-mm-dd hh:mm"
    # Shanghai wall-clock time, as on the page (Excel has no time zones).
    assert due.value == timezone.localtime(accepted.due_at).replace(tzinfo=None, microsecond=0)


def test_export_respects_the_filter_and_the_tab(cast, login, requests_):
    accepted = walk(make_request(community=cast.community, description="电梯异响"), cast, to=Status.ACCEPTED)
    client = login(cast.worker)
    rows = read_back(client.get(EXPORT_URL, {"status": Status.ACCEPTED}))
    assert column(rows, "受理编号") == [accepted.tracking_code]
    rows = read_back(client.get(EXPORT_URL, {"scope": "mine"}))  # accepted by the worker: 首接负责
    assert column(rows, "受理编号") == [accepted.tracking_code]


def test_export_writes_an_audit_row_with_the_filter(cast, login, requests_):
    login(cast.worker).get(EXPORT_URL, {"status": Status.SUBMITTED, "page": "2"})
    row = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert (row.actor, row.object_type, row.object_id) == (cast.worker, "resident_requests.residentrequest", "")
    assert row.changes == {"筛选": "status=submitted", "行数": "1"}


def test_export_query_count_does_not_grow_with_rows(cast, login, requests_):
    client = login(cast.worker)

    def add_rows():
        for index in range(5):
            request = make_request(community=cast.community, building=cast.building, description=f"第{index}件")
            walk(request, cast, to=Status.DISPATCHED)

    assert_queries_do_not_grow(lambda: client.get(EXPORT_URL), add_rows, ceiling=12)


def test_export_roles_methods_and_anonymous(cast, client, login):
    assert login(cast.worker).post(EXPORT_URL).status_code == 405
    assert login(cast.no_role).get(EXPORT_URL).status_code == 403
    client.logout()
    response = client.get(EXPORT_URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()
