"""Writes for report runs (DOMAIN.md §9): ask for a report, retry a failed one, and the
steps the Celery task takes (claim, progress, finish, fail).

    report_request   page, dashboard button, beat: reuse a finished or in-flight run, or queue a new one
    report_retry     a FAILED run goes back to the queue (same row, reason cleared)
    report_claim     the task: QUEUED → RUNNING with a conditional UPDATE (one worker wins)
    report_progress  the task: progress 0–100 and the step shown under the bar
    report_finish    the task: files saved, DONE 100, the requester notified
    report_fail      the task: FAILED with the reason shown on the run page

Two clicks on 生成报表 must give one run: the lookup and the insert run under a
transaction-scoped lock on (scope, period) — a PostgreSQL advisory lock, as no row
exists yet to lock — so the second request waits and then finds the first one's run.
"""

import datetime as dt
import logging
import zlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.notifications import notify
from accounts.permissions import is_staff_member
from communities.models import Community
from dashboards.models import ReportPeriod, ReportRun, ReportStatus
from dashboards.reports.periods import normalise_start, period_end, period_label

logger = logging.getLogger(__name__)

IN_FLIGHT = (ReportStatus.QUEUED, ReportStatus.RUNNING)
# Shown (and stored) at most this long: the log keeps the whole traceback.
ERROR_MAX_CHARS = 500
# First key of the advisory lock: "RP" — keeps clear of any other advisory lock user.
_LOCK_CLASS = 0x5250


def can_request_report(user: User, community: Community | None) -> bool:
    """Street roles: any community or the street. 社区书记/社区工作者: their own community only."""
    if not is_staff_member(user):
        return False
    if user.is_street_level:
        return True
    return (
        community is not None
        and user.role in (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER)
        and user.community_id == community.pk
    )


def report_title(run: ReportRun, *, street_name: str = "") -> str:
    """斜塘街道 2026年10月 月报 / 莲香社区 2026年10月 季报. Pass `street_name` to spare a query per row."""
    return _("%(scope)s %(period)s %(kind)s") % {
        "scope": str(run.community) if run.community_id else (street_name or scope_name(None)),
        "period": period_label(run.period_kind, run.period_start),
        "kind": ReportPeriod(run.period_kind).label,
    }


def scope_name(community: Community | None) -> str:
    if community is not None:
        return str(community)
    from communities.models import Street

    return Street.objects.order_by("pk").values_list("name", flat=True).first() or _("斜塘街道")


def run_link(run_id: int) -> str:
    return reverse("dashboards:report_detail", args=[run_id])


def _lock_scope_and_period(community_id: int | None, kind: str, start) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite (development, fast tests) lets one writer in at a time anyway
    key = zlib.crc32(f"{community_id or 0}:{kind}:{start.isoformat()}".encode()) & 0x7FFFFFFF
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, key])


def _reusable(runs: list[ReportRun], *, regenerate: bool, today) -> ReportRun | None:
    """The newest run that answers the request, if any.

    In flight: always (regenerating what is being generated gives the same file).
    Done: unless regeneration is asked; for a period not over yet only a run made today,
    since yesterday's file lacks today's data.
    """
    for run in runs:
        if run.status in IN_FLIGHT:
            return run
    if regenerate:
        return None
    for run in runs:
        if run.status == ReportStatus.DONE:
            if run.period_end < timezone.localdate(run.started_at or run.created_at) or (
                timezone.localdate(run.started_at or run.created_at) == today
            ):
                return run
    return None


def _check_period(kind: str, period_start) -> tuple:
    if kind not in ReportPeriod.values:
        raise ValidationError({"period_kind": _("请选择月报、季报或年报。")})
    if period_start is None:
        raise ValidationError({"period": _("请选择统计周期。")})
    start = normalise_start(kind, period_start)
    if start > timezone.localdate():
        raise ValidationError({"period": _("统计周期尚未开始,不能生成报表。")})
    return start, period_end(kind, start)


@transaction.atomic
def report_request(
    *,
    community: Community | None,
    period_kind: str,
    period_start,
    acting_user: User | None,
    regenerate: bool = False,
) -> tuple[ReportRun, bool]:
    """Reuse a run for this scope and period, or queue a new one; return (run, created).

    `community=None` is the street's report. `acting_user=None` is beat (no check, nobody
    to notify but the scope's recipients). The task is enqueued when this commits.
    """
    if acting_user is not None and not can_request_report(acting_user, community):
        raise PermissionDenied(_("您不能生成该范围的报表。"))
    start, end = _check_period(period_kind, period_start)
    community_id = community.pk if community is not None else None
    _lock_scope_and_period(community_id, period_kind, start)
    runs = list(
        ReportRun.objects.filter(community_id=community_id, period_kind=period_kind, period_start=start).order_by(
            "-created_at", "-pk"
        )
    )
    found = _reusable(runs, regenerate=regenerate, today=timezone.localdate())
    if found is not None:
        logger.info("report_request: reusing run %s (%s)", found.pk, found.status)
        return found, False
    run = ReportRun(
        community=community,
        period_kind=period_kind,
        period_start=start,
        period_end=end,
        status=ReportStatus.QUEUED,
        step=_("排队等待生成"),
        requested_by=acting_user,
    )
    run.full_clean()
    run.save()
    _enqueue(run.pk)
    logger.info(
        "report_request: queued run %s (%s %s %s)",
        run.pk,
        community_id or "street",
        period_kind,
        start,
    )
    return run, True


@transaction.atomic
def report_retry(*, run: ReportRun, acting_user: User) -> ReportRun:
    """A FAILED run goes back to the queue; the same row keeps its history (who asked, when)."""
    if not can_request_report(acting_user, run.community):
        raise PermissionDenied(_("您不能重新生成该范围的报表。"))
    locked = ReportRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != ReportStatus.FAILED:
        raise ValidationError(
            {"status": _("只有失败的报表可以重试(当前「%(status)s」)。") % {"status": locked.get_status_display()}}
        )
    locked.status = ReportStatus.QUEUED
    locked.progress = 0
    locked.step = _("排队等待生成")
    locked.error = ""
    locked.started_at = None
    locked.finished_at = None
    locked.save(
        update_fields=[
            "status",
            "progress",
            "step",
            "error",
            "started_at",
            "finished_at",
        ]
    )
    _enqueue(locked.pk)
    logger.info("report_retry: run %s queued again by %s", locked.pk, acting_user.pk)
    return locked


def _enqueue(run_id: int) -> None:
    # Imported here: the tasks module imports this one.
    from dashboards.tasks import generate_report
    from xietang.queue import enqueue_on_commit

    enqueue_on_commit(generate_report, run_id)


# The task's steps. Each is its own short transaction, so the page sees progress as it happens.


def _stale_before():
    return timezone.now() - dt.timedelta(minutes=settings.REPORT_STALE_MINUTES)


def report_claim(run_id: int):
    """QUEUED → RUNNING for one worker; returns the claim time (the token the later steps check), or None.

    A RUNNING run whose worker vanished (started more than REPORT_STALE_MINUTES ago) can be claimed again.
    """
    now = timezone.now()
    claimed = (
        ReportRun.objects.filter(pk=run_id)
        .filter(Q(status=ReportStatus.QUEUED) | Q(status=ReportStatus.RUNNING, started_at__lt=_stale_before()))
        .update(
            status=ReportStatus.RUNNING,
            started_at=now,
            finished_at=None,
            progress=5,
            step=_("开始生成"),
            error="",
        )
    )
    return now if claimed else None


def report_progress(run_id: int, claimed_at, *, progress: int, step: str) -> bool:
    """Move the bar; False when the run is no longer this worker's (taken over as stale)."""
    return bool(
        ReportRun.objects.filter(pk=run_id, status=ReportStatus.RUNNING, started_at=claimed_at).update(
            progress=progress, step=step[:60]
        )
    )


def _file_stem(run: ReportRun) -> str:
    scope = run.community.code if run.community_id else "street"
    return f"report_{scope}_{run.period_kind}_{run.period_start:%Y%m%d}_{run.pk}"


def report_finish(run_id: int, claimed_at, *, xlsx: bytes, pdf: bytes) -> bool:
    """Save both files and mark the run DONE; notify whoever should know. False if the claim was lost."""
    run = ReportRun.objects.select_related("community", "requested_by").get(pk=run_id)
    stem = _file_stem(run)
    storage = run.xlsx.storage
    xlsx_name = storage.save(run.xlsx.field.generate_filename(run, f"{stem}.xlsx"), ContentFile(xlsx))
    pdf_name = storage.save(run.pdf.field.generate_filename(run, f"{stem}.pdf"), ContentFile(pdf))
    with transaction.atomic():
        done = ReportRun.objects.filter(pk=run_id, status=ReportStatus.RUNNING, started_at=claimed_at).update(
            status=ReportStatus.DONE,
            progress=100,
            step=_("已完成"),
            xlsx=xlsx_name,
            pdf=pdf_name,
            finished_at=timezone.now(),
        )
        if done:
            _notify_done(run)
    if not done:
        # Another worker took the run over meanwhile: its files win, ours go.
        storage.delete(xlsx_name)
        storage.delete(pdf_name)
        logger.warning("report_finish: run %s was taken over; files discarded", run_id)
    return bool(done)


def _recipients(run: ReportRun) -> list[User]:
    if run.requested_by is not None:
        return [run.requested_by]
    # Scheduled by beat: the people who send the report up the line.
    if run.community_id is not None:
        return list(
            User.objects.filter(
                role=Role.COMMUNITY_SECRETARY,
                community_id=run.community_id,
                is_active=True,
            )
        )
    return list(User.objects.filter(role__in=[Role.STREET_ADMIN, Role.STREET_REVIEWER], is_active=True))


def _notify_done(run: ReportRun) -> None:
    title = report_title(run)
    notify(
        recipients=_recipients(run),
        key=f"report:{run.pk}:done",
        title=_("报表已生成:%(title)s") % {"title": title},
        body=_("%(title)s 已生成,可下载 Excel 和 PDF 文件。") % {"title": title},
        link=run_link(run.pk),
    )


def report_fail(run_id: int, claimed_at, *, reason: str) -> bool:
    """FAILED with the reason (shown on the run page); 重试 becomes possible."""
    return bool(
        ReportRun.objects.filter(pk=run_id, status=ReportStatus.RUNNING, started_at=claimed_at).update(
            status=ReportStatus.FAILED,
            step=_("生成失败"),
            error=reason[:ERROR_MAX_CHARS],
            finished_at=timezone.now(),
        )
    )
