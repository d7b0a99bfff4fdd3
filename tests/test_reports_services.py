"""Report runs: request (reuse, regenerate, scope), the task (claim, progress, files, notice,
failure, retry, stale runs), the beat schedules, and the requeue sweep."""

import datetime as dt
import threading
import time
from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Notification
from dashboards import services, tasks
from dashboards.models import ReportRun, ReportStatus
from tests.markers import needs_postgres
from tests.reports_factories import OCTOBER, ReportRunFactory, october_fixture


def _request(cast, user=None, community="home", **kwargs):
    community = cast.community if community == "home" else community
    return services.report_request(
        community=community,
        period_kind=kwargs.pop("period_kind", "month"),
        period_start=kwargs.pop("period_start", OCTOBER),
        acting_user=user or cast.secretary,
        **kwargs,
    )


def test_request_queues_a_run_and_the_task_finishes_it(cast, django_capture_on_commit_callbacks):
    october_fixture(cast)
    with django_capture_on_commit_callbacks(execute=True):
        run, created = _request(cast, period_start=dt.date(2026, 10, 17))
    run.refresh_from_db()
    assert created
    assert (run.period_start, run.period_end) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
    )
    assert run.status == ReportStatus.DONE and run.progress == 100 and run.step == "已完成"
    assert run.xlsx.name.endswith(".xlsx") and run.pdf.name.endswith(".pdf")
    assert run.xlsx.read()[:2] == b"PK" and run.pdf.read()[:5] == b"%PDF-"
    assert run.started_at <= run.finished_at
    notice = Notification.objects.get(recipient=cast.secretary, key=f"report:{run.pk}:done")
    assert notice.title == "报表已生成:莲香社区 2026年10月 月报"
    assert notice.link == f"/reports/{run.pk}/"


def test_a_finished_run_is_reused_unless_regeneration_is_asked(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = _request(cast)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again, created = _request(cast, user=cast.worker)
    assert (again.pk, created, callbacks) == (first.pk, False, [])
    with django_capture_on_commit_callbacks(execute=True):
        fresh, created = _request(cast, user=cast.worker, regenerate=True)
    assert created and fresh.pk != first.pk
    fresh.refresh_from_db()
    assert fresh.status == ReportStatus.DONE
    # The old run stays listed, with its files.
    assert list(ReportRun.objects.values_list("pk", flat=True)) == [fresh.pk, first.pk]
    assert ReportRun.objects.get(pk=first.pk).xlsx


def test_an_in_flight_run_is_reused_even_when_regenerating(cast):
    queued, created = _request(cast)  # no commit callbacks run here: it stays queued
    assert created and queued.status == ReportStatus.QUEUED
    assert _request(cast, regenerate=True) == (queued, False)
    ReportRun.objects.filter(pk=queued.pk).update(status=ReportStatus.RUNNING, started_at=timezone.now())
    assert _request(cast, user=cast.street_reviewer) == (queued, False)


def test_a_failed_run_is_not_reused(cast):
    failed = ReportRunFactory(community=cast.community, status=ReportStatus.FAILED, error="x")
    run, created = _request(cast)
    assert created and run.pk != failed.pk


def test_a_finished_run_of_a_period_not_over_is_reused_only_the_same_day(cast):
    this_month = timezone.localdate().replace(day=1)
    old = ReportRunFactory(
        community=cast.community,
        period_start=this_month,
        period_end=timezone.localdate().replace(day=28),
        status=ReportStatus.DONE,
        started_at=timezone.now() - dt.timedelta(days=2),
    )
    run, created = _request(cast, period_start=this_month)
    assert created and run.pk != old.pk
    ReportRun.objects.filter(pk=run.pk).update(status=ReportStatus.DONE, started_at=timezone.now())
    assert _request(cast, period_start=this_month) == (run, False)


def test_scope_of_who_may_ask(cast):
    # 社区书记/社区工作者: their own community only; not the street, not another community.
    for user in (cast.secretary, cast.worker):
        assert _request(cast, user=user)[0].community == cast.community
        with pytest.raises(PermissionDenied):
            _request(cast, user=user, community=cast.other_community)
        with pytest.raises(PermissionDenied):
            _request(cast, user=user, community=None)
    # 网格员 read their community's reports but do not produce them.
    with pytest.raises(PermissionDenied):
        _request(cast, user=cast.grid_worker)
    with pytest.raises(PermissionDenied):
        _request(cast, user=cast.no_role)
    # Street roles: the street and any community.
    for user in (cast.street_admin, cast.street_reviewer):
        assert _request(cast, user=user, community=None, period_kind="year", regenerate=True)[0].community is None
        assert _request(cast, user=user, community=cast.other_community)[0].community == cast.other_community


def test_a_period_that_has_not_started_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        _request(cast, period_start=timezone.localdate() + dt.timedelta(days=40))
    assert error.value.message_dict == {"period": ["统计周期尚未开始,不能生成报表。"]}
    with pytest.raises(ValidationError):
        _request(cast, period_kind="week")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_one_run():
    from tests.conftest import build_cast

    cast = build_cast()
    first_in, release = threading.Event(), threading.Event()
    results = {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = _request(cast)
                first_in.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            results["second"] = _request(cast, user=cast.worker)
        finally:
            connection.close()

    with mock.patch.object(services, "_enqueue"):
        one = threading.Thread(target=first)
        one.start()
        assert first_in.wait(10)
        two = threading.Thread(target=second)
        two.start()
        time.sleep(0.5)
        assert two.is_alive(), "the second request must wait for the first one's lock"
        release.set()
        one.join(10)
        two.join(10)
    assert results["first"][1] is True and results["second"] == (
        results["first"][0],
        False,
    )
    assert ReportRun.objects.count() == 1


# --- The task -------------------------------------------------------------------


def test_the_task_claims_once_and_moves_the_bar(cast):
    run = ReportRunFactory(community=cast.community, requested_by=cast.worker)
    seen = []
    real = services.report_progress

    def spy(run_id, claimed_at, *, progress, step):
        seen.append((progress, ReportRun.objects.get(pk=run_id).status))
        return real(run_id, claimed_at, progress=progress, step=step)

    with mock.patch.object(services, "report_progress", side_effect=spy):
        assert tasks.generate_report(run.pk) == ReportStatus.DONE
    assert [p for p, _ in seen] == [10, 16, 22, 28, 34, 40, 70, 95]
    assert {status for _, status in seen} == {ReportStatus.RUNNING}
    # Delivered twice (acks_late, or beat and a click): nothing happens the second time.
    files = ReportRun.objects.get(pk=run.pk).xlsx.name
    assert tasks.generate_report(run.pk) == "skipped"
    assert ReportRun.objects.get(pk=run.pk).xlsx.name == files
    assert Notification.objects.filter(key=f"report:{run.pk}:done").count() == 1


def test_a_failure_is_shown_with_its_reason_and_can_be_retried(cast, django_capture_on_commit_callbacks):
    run = ReportRunFactory(community=cast.community, requested_by=cast.secretary)
    with mock.patch("dashboards.reports.pdf.render", side_effect=OSError("磁盘已满")):
        assert tasks.generate_report(run.pk) == ReportStatus.FAILED
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED
    assert run.error == "生成报表时出错:磁盘已满"
    assert run.progress == 70 and run.step == "生成失败"
    assert not run.xlsx and not run.pdf

    with pytest.raises(PermissionDenied):
        services.report_retry(run=run, acting_user=cast.grid_worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_retry(run=run, acting_user=cast.worker)
    run.refresh_from_db()
    assert (run.status, run.error, run.progress) == (ReportStatus.DONE, "", 100)
    with pytest.raises(ValidationError) as error:
        services.report_retry(run=run, acting_user=cast.worker)
    assert error.value.message_dict == {"status": ["只有失败的报表可以重试(当前「已完成」)。"]}


def test_a_run_left_running_by_a_dead_worker_is_claimed_again_after_a_while(cast):
    run = ReportRunFactory(
        community=cast.community,
        status=ReportStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=5),
    )
    assert tasks.generate_report(run.pk) == "skipped"  # maybe still working
    ReportRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=settings.REPORT_STALE_MINUTES + 1)
    )
    assert tasks.generate_report(run.pk) == ReportStatus.DONE


def test_a_worker_whose_run_was_taken_over_keeps_nothing(cast):
    run = ReportRunFactory(community=cast.community)
    claimed_at = services.report_claim(run.pk)
    # Another worker takes it over (a newer claim): the first one's steps and files are refused.
    later = services.report_claim(run.pk) or timezone.now()
    ReportRun.objects.filter(pk=run.pk).update(started_at=later + dt.timedelta(seconds=1))
    assert services.report_progress(run.pk, claimed_at, progress=50, step="x") is False
    assert services.report_finish(run.pk, claimed_at, xlsx=b"a", pdf=b"b") is False
    assert ReportRun.objects.get(pk=run.pk).status == ReportStatus.RUNNING


def test_beat_reports_are_noticed_to_the_scope(cast):
    street = ReportRunFactory(community=None)
    community = ReportRunFactory(community=cast.community)
    tasks.generate_report(street.pk)
    tasks.generate_report(community.pk)
    assert set(
        Notification.objects.filter(key=f"report:{street.pk}:done").values_list("recipient__username", flat=True)
    ) == {
        "streetadmin",
        "reviewer",
    }
    assert list(
        Notification.objects.filter(key=f"report:{community.pk}:done").values_list("recipient__username", flat=True)
    ) == ["secretary"]


# --- Beat ---------------------------------------------------------------------------


def test_monthly_schedule_asks_for_last_month_for_the_street_and_every_community(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.schedule_reports("month", today=dt.date(2026, 11, 1)) == 3
    runs = ReportRun.objects.order_by("pk")
    assert [(r.community_id, r.period_start, r.period_end, r.status, r.requested_by) for r in runs] == [
        (None, dt.date(2026, 10, 1), dt.date(2026, 10, 31), ReportStatus.DONE, None),
        (
            cast.community.pk,
            dt.date(2026, 10, 1),
            dt.date(2026, 10, 31),
            ReportStatus.DONE,
            None,
        ),
        (
            cast.other_community.pk,
            dt.date(2026, 10, 1),
            dt.date(2026, 10, 31),
            ReportStatus.DONE,
            None,
        ),
    ]
    # Beat firing twice: the finished runs are reused, nothing new is queued.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.schedule_reports("month", today=dt.date(2026, 11, 1)) == 0
    assert ReportRun.objects.count() == 3


@pytest.mark.parametrize(
    ("kind", "today", "start", "end"),
    [
        ("quarter", dt.date(2026, 10, 1), dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("quarter", dt.date(2026, 1, 1), dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ("year", dt.date(2027, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        ("month", dt.date(2026, 1, 1), dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
    ],
)
def test_schedules_cover_the_period_just_ended(cast, kind, today, start, end):
    with mock.patch.object(services, "_enqueue"):
        tasks.schedule_reports(kind, today=today)
    assert set(ReportRun.objects.values_list("period_kind", "period_start", "period_end")) == {(kind, start, end)}


def test_beat_entries_and_their_crontabs():
    schedule = settings.CELERY_BEAT_SCHEDULE
    expected = {
        "schedule-monthly-reports": (
            "dashboards.tasks.schedule_monthly_reports",
            crontab(day_of_month=1, hour=2, minute=0),
        ),
        "schedule-quarterly-reports": (
            "dashboards.tasks.schedule_quarterly_reports",
            crontab(month_of_year="1,4,7,10", day_of_month=1, hour=2, minute=30),
        ),
        "schedule-yearly-reports": (
            "dashboards.tasks.schedule_yearly_reports",
            crontab(month_of_year=1, day_of_month=1, hour=3, minute=0),
        ),
    }
    for name, (task, cron) in expected.items():
        assert schedule[name]["task"] == task
        assert schedule[name]["schedule"] == cron
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    # The names resolve to registered tasks.
    from xietang.celery import app

    for name in [*expected, "requeue-report-runs"]:
        assert schedule[name]["task"] in app.tasks


def test_requeue_sweep_sends_waiting_and_stale_runs_only(cast):
    now = timezone.now()
    waiting = ReportRunFactory(community=cast.community)
    ReportRun.objects.filter(pk=waiting.pk).update(created_at=now - dt.timedelta(minutes=10))
    just_queued = ReportRunFactory(community=cast.community)
    stale = ReportRunFactory(
        community=None,
        status=ReportStatus.RUNNING,
        started_at=now - dt.timedelta(minutes=settings.REPORT_STALE_MINUTES + 5),
    )
    ReportRunFactory(community=None, status=ReportStatus.RUNNING, started_at=now)
    ReportRunFactory(community=None, status=ReportStatus.DONE)
    with mock.patch.object(tasks, "enqueue_now", return_value=True) as send:
        assert tasks.requeue_report_runs() == 2
    assert sorted(call.args[1] for call in send.call_args_list) == sorted([waiting.pk, stale.pk])
    assert just_queued.pk not in [call.args[1] for call in send.call_args_list]
