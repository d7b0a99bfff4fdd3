"""/reports/ pages: the list (scoped, filtered, fixed query count), starting a report,
a run's page with its progress bar, status.json, 重试, and the audited downloads."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import AuditAction, AuditLog
from dashboards import services
from dashboards.models import ReportRun, ReportStatus
from tests.queries import assert_queries_do_not_grow
from tests.reports_factories import OCTOBER, ReportRunFactory, finished_run

LIST = "/reports/"
START = "/reports/start/"


def _start(client, scope, **data):
    return client.post(START, {"scope": scope, "period_kind": "month", "month": "2026-10", **data})


# --- List ------------------------------------------------------------------------


def test_list_shows_the_users_runs_only(cast, login):
    mine = finished_run(community=cast.community, requested_by=cast.secretary)
    theirs = ReportRunFactory(community=cast.other_community)
    street = ReportRunFactory(community=None, period_kind="quarter", period_end=dt.date(2026, 12, 31))
    page = login(cast.worker).get(LIST)
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/reports/{mine.pk}/" in body and "莲香社区 2026年10月 月报" in body
    assert f"/reports/{theirs.pk}/" not in body and f"/reports/{street.pk}/" not in body
    assert f"/reports/{mine.pk}/download/xlsx/" in body
    # The start form offers the worker's own community only, no street.
    assert page.context["start_form"].fields["scope"].choices == [(str(cast.community.pk), "莲香社区")]

    body = login(cast.street_reviewer).get(LIST).content.decode()
    assert all(f"/reports/{run.pk}/" in body for run in (mine, theirs, street))
    assert "斜塘街道 2026年第四季度 季报" in body


def test_list_filters(cast, login):
    street = ReportRunFactory(community=None)
    home = ReportRunFactory(community=cast.community, status=ReportStatus.FAILED)
    client = login(cast.street_admin)
    assert [r.pk for r in client.get(LIST, {"scope": "street"}).context["rows"]] == [street.pk]
    assert [r.pk for r in client.get(LIST, {"scope": cast.community.pk}).context["rows"]] == [home.pk]
    assert [r.pk for r in client.get(LIST, {"status": "failed"}).context["rows"]] == [home.pk]
    assert client.get(LIST, {"year": 2025}).context["rows"] == []
    # Community staff have no scope filter: one community.
    assert "scope" not in login(cast.worker).get(LIST).context["filter"].form.fields


def test_list_query_count_does_not_grow(cast, login, django_assert_max_num_queries):
    client = login(cast.street_reviewer)
    ReportRunFactory(community=None, requested_by=cast.worker)

    def add_rows():
        for index in range(6):
            ReportRunFactory(
                community=cast.other_community if index % 2 else None,
                requested_by=cast.secretary,
            )
            finished_run(community=cast.community, requested_by=cast.worker)

    assert_queries_do_not_grow(lambda: client.get(LIST), add_rows, ceiling=12)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200


def test_list_access(cast, client, login):
    assert client.get(LIST).status_code == 302  # anonymous → login
    assert login(cast.no_role).get(LIST).status_code == 403
    assert login(cast.worker).post(LIST).status_code == 405
    # 网格员 read their community's reports, without the start form.
    page = login(cast.grid_worker).get(LIST)
    assert page.status_code == 200 and page.context["start_form"] is None


# --- Start ------------------------------------------------------------------------


def test_secretary_starts_a_report_and_lands_on_its_page(cast, login, django_capture_on_commit_callbacks):
    client = login(cast.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = _start(client, cast.community.pk)
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{run.pk}/"
    assert (run.community, run.period_start, run.requested_by) == (
        cast.community,
        OCTOBER,
        cast.secretary,
    )
    page = client.get(response["Location"])
    assert "已开始生成「莲香社区 2026年10月 月报」,完成后会通知您。" in page.content.decode()
    assert ReportRun.objects.get().status == ReportStatus.DONE

    # The same again: the finished one is reused and said so.
    response = _start(client, cast.community.pk)
    assert response["Location"] == f"/reports/{run.pk}/"
    assert "已生成,直接打开" in client.get(response["Location"]).content.decode()
    assert ReportRun.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        _start(client, cast.community.pk, regenerate="on")
    assert ReportRun.objects.count() == 2


def test_street_reviewer_starts_the_street_report_of_a_quarter(cast, login):
    with mock.patch.object(services, "_enqueue"):
        response = _start(
            login(cast.street_reviewer),
            "street",
            period_kind="quarter",
            month="2026-08",
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert (run.community, run.period_kind, run.period_start, run.period_end) == (
        None,
        "quarter",
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
    )


def test_start_refusals(cast, client, login):
    assert (
        _start(client, cast.community.pk).status_code == 302
        and "/login" in _start(client, cast.community.pk)["Location"]
    )
    secretary = login(cast.secretary)
    assert secretary.get(START).status_code == 405
    assert _start(secretary, cast.other_community.pk).status_code == 404  # another community: out of scope
    assert _start(secretary, "street").status_code == 403  # the street is not theirs to report on
    assert _start(secretary, "nonsense").status_code == 404
    assert _start(login(cast.grid_worker), cast.community.pk).status_code == 403
    assert ReportRun.objects.count() == 0


def test_start_form_errors_come_back_by_field(cast, login):
    client = login(cast.worker)
    response = _start(client, cast.community.pk, month="十月")
    assert response.status_code == 400
    assert response.context["start_form"].errors == {"month": ["请按“2026-10”的格式填写年月。"]}
    next_month = timezone.localdate().replace(day=28) + dt.timedelta(days=5)
    response = _start(client, cast.community.pk, month=f"{next_month:%Y-%m}")
    assert response.context["start_form"].errors == {"month": ["统计月份不能晚于本月。"]}
    assert ReportRun.objects.count() == 0


# --- One run ------------------------------------------------------------------------


def test_a_running_report_shows_its_bar_and_refreshes(cast, login):
    run = ReportRunFactory(
        community=cast.community,
        status=ReportStatus.RUNNING,
        progress=40,
        step="生成 Excel 文件",
    )
    body = login(cast.worker).get(f"/reports/{run.pk}/").content.decode()
    assert '<progress id="report-bar" max="100" value="40">40%</progress>' in body
    assert "生成 Excel 文件" in body
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in body
    assert f'data-status-url="/reports/{run.pk}/status.json"' in body
    assert "js/report_progress.js" in body
    assert "/download/" not in body


def test_a_finished_report_offers_both_files_and_no_refresh(cast, login):
    run = finished_run(community=cast.community, requested_by=cast.secretary)
    body = login(cast.grid_worker).get(f"/reports/{run.pk}/").content.decode()
    assert f"/reports/{run.pk}/download/xlsx/" in body and f"/reports/{run.pk}/download/pdf/" in body
    assert "refresh" not in body and "report_progress.js" not in body
    assert 'value="100"' in body


def test_a_failed_report_shows_the_reason_and_retry(cast, login, django_capture_on_commit_callbacks):
    run = ReportRunFactory(
        community=cast.community,
        status=ReportStatus.FAILED,
        error="生成报表时出错:磁盘已满",
    )
    client = login(cast.secretary)
    body = client.get(f"/reports/{run.pk}/").content.decode()
    assert "生成报表时出错:磁盘已满" in body and f'action="/reports/{run.pk}/retry/"' in body
    # 网格员 see the reason, not the button.
    assert "/retry/" not in login(cast.grid_worker).get(f"/reports/{run.pk}/").content.decode()

    client = login(cast.secretary)
    assert client.get(f"/reports/{run.pk}/retry/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/{run.pk}/retry/")
    assert response["Location"] == f"/reports/{run.pk}/"
    run.refresh_from_db()
    assert (run.status, run.error) == (ReportStatus.DONE, "")
    # Not failed any more: refused with a message, nothing changes.
    response = client.post(f"/reports/{run.pk}/retry/", follow=True)
    assert "只有失败的报表可以重试" in response.content.decode()


def test_retry_refusals(cast, login):
    run = ReportRunFactory(community=cast.community, status=ReportStatus.FAILED, error="x")
    assert login(cast.grid_worker).post(f"/reports/{run.pk}/retry/").status_code == 403
    assert login(cast.other_worker).post(f"/reports/{run.pk}/retry/").status_code == 404
    assert ReportRun.objects.get(pk=run.pk).status == ReportStatus.FAILED


def test_status_json(cast, login):
    run = ReportRunFactory(
        community=cast.community,
        status=ReportStatus.RUNNING,
        progress=70,
        step="生成 PDF 文件",
    )
    client = login(cast.worker)
    data = client.get(f"/reports/{run.pk}/status.json").json()
    assert data == {
        "id": run.pk,
        "status": "running",
        "status_label": "生成中",
        "progress": 70,
        "step": "生成 PDF 文件",
        "finished": False,
        "error": "",
        "xlsx_url": "",
        "pdf_url": "",
    }
    done = finished_run(community=cast.community)
    data = client.get(f"/reports/{done.pk}/status.json").json()
    assert (data["finished"], data["xlsx_url"]) == (
        True,
        f"/reports/{done.pk}/download/xlsx/",
    )
    assert client.post(f"/reports/{run.pk}/status.json").status_code == 405
    assert login(cast.other_worker).get(f"/reports/{run.pk}/status.json").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/reports/{pk}/", "/reports/{pk}/status.json", "/reports/{pk}/download/pdf/"],
)
def test_outsiders_get_404(cast, login, client, path):
    theirs = finished_run(community=cast.other_community)
    street = finished_run(community=None)
    secretary = login(cast.secretary)
    assert secretary.get(path.format(pk=theirs.pk)).status_code == 404
    assert secretary.get(path.format(pk=street.pk)).status_code == 404
    assert login(cast.other_worker).get(path.format(pk=theirs.pk)).status_code == 200
    client.logout()
    assert client.get(path.format(pk=theirs.pk)).status_code == 302


# --- Downloads --------------------------------------------------------------------------


def test_downloads_are_audited_exports(cast, login):
    run = finished_run(community=cast.community, xlsx=b"PK\x03\x04 workbook", pdf=b"%PDF-1.4 document")
    client = login(cast.worker)
    response = client.get(f"/reports/{run.pk}/download/xlsx/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04 workbook"
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    assert "%E8%8E%B2%E9%A6%99" in response["Content-Disposition"]  # 莲香, RFC 5987-encoded
    response = client.get(f"/reports/{run.pk}/download/pdf/")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 document"
    assert response["Content-Type"] == "application/pdf"
    logs = AuditLog.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert [(log.actor, log.object_id, log.object_repr, log.changes) for log in logs] == [
        (cast.worker, str(run.pk), "莲香社区 2026年10月 月报", {"格式": "xlsx"}),
        (cast.worker, str(run.pk), "莲香社区 2026年10月 月报", {"格式": "pdf"}),
    ]


def test_download_refusals(cast, login):
    running = ReportRunFactory(community=cast.community, status=ReportStatus.RUNNING)
    client = login(cast.worker)
    assert client.get(f"/reports/{running.pk}/download/xlsx/").status_code == 404
    done = finished_run(community=cast.community)
    assert client.get(f"/reports/{done.pk}/download/docx/").status_code == 404
    assert client.post(f"/reports/{done.pk}/download/pdf/").status_code == 405
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


# --- From the dashboard and the menu ----------------------------------------------------


def test_dashboard_offers_the_report_of_its_scope_and_period(cast, login):
    body = (
        login(cast.street_reviewer)
        .get(f"/dashboard/communities/{cast.community.pk}/", {"period": "quarter"})
        .content.decode()
    )
    assert f'action="{START}"' in body
    assert f'name="scope" value="{cast.community.pk}"' in body
    assert 'name="period_kind" value="quarter"' in body
    quarter = timezone.localdate().replace(month=3 * ((timezone.localdate().month - 1) // 3) + 1, day=1)
    assert f'name="month" value="{quarter:%Y-%m}"' in body
    body = login(cast.street_reviewer).get("/dashboard/", {"scope": "street", "period": "month"}).content.decode()
    assert 'name="scope" value="street"' in body
    # A custom range has no report; a grid worker may not start one.
    body = (
        login(cast.street_reviewer)
        .get(
            "/dashboard/",
            {
                "scope": "street",
                "period": "custom",
                "start": "2026-10-01",
                "end": "2026-10-15",
            },
        )
        .content.decode()
    )
    assert f'action="{START}"' not in body and "自定义周期不生成报表" in body
    assert f'action="{START}"' not in login(cast.grid_worker).get("/dashboard/").content.decode()


def test_menu_links_the_reports(cast, login):
    assert '<a href="/reports/">报表</a>' in login(cast.worker).get(LIST).content.decode()
