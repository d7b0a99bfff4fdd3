"""Report generation and its schedule, run by Celery (DOMAIN.md §9).

    generate_report(run_id)    on demand and from the schedules: figures → .xlsx → PDF → DONE, notified
    schedule_monthly_reports   1st of the month 02:00    the month before, the street and every community
    schedule_quarterly_reports 1 Jan/Apr/Jul/Oct 02:30   the quarter before
    schedule_yearly_reports    1 Jan 03:00               the year before
    requeue_report_runs        every 10 minutes          runs never enqueued (Redis was down) or whose worker died

`generate_report` claims its run with a conditional UPDATE (QUEUED → RUNNING),
so a message delivered twice, or two workers, produce one set of files; each
later step checks the claim is still its own. The schedules go through
`report_request`, which reuses a finished run: beat firing twice queues nothing new.
"""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from communities.models import Community
from dashboards import services
from dashboards.models import ReportPeriod, ReportRun, ReportStatus
from dashboards.reports import content, pdf, xlsx
from dashboards.reports.periods import previous_start
from xietang.queue import enqueue_now

logger = logging.getLogger(__name__)

__all__ = [
    "generate_report",
    "requeue_report_runs",
    "schedule_monthly_reports",
    "schedule_quarterly_reports",
    "schedule_yearly_reports",
]


def _failure_reason(exc: Exception) -> str:
    detail = str(exc).strip() or exc.__class__.__name__
    return _("生成报表时出错:%(detail)s") % {"detail": detail}


@shared_task
def generate_report(run_id: int) -> str:
    """Build one report run's files; return its final status (or "skipped" when not ours to run)."""
    claimed_at = services.report_claim(run_id)
    if claimed_at is None:
        logger.info(
            "generate_report: run %s is not queued (done, failed or running elsewhere); skipped",
            run_id,
        )
        return "skipped"

    def step(progress: int, text: str) -> None:
        if not services.report_progress(run_id, claimed_at, progress=progress, step=text):
            raise RunTakenOver(run_id)

    try:
        # The files are for people reading Chinese, whoever (or whatever) started the task.
        with override(settings.LANGUAGE_CODE):
            run = ReportRun.objects.select_related("community").get(pk=run_id)
            step(10, _("汇总统计数据"))
            document = content.build_report(run, progress=step)
            step(40, _("生成 Excel 文件"))
            xlsx_bytes = xlsx.render(document)
            step(70, _("生成 PDF 文件"))
            pdf_bytes = pdf.render(document)
            step(95, _("保存文件"))
            finished = services.report_finish(run_id, claimed_at, xlsx=xlsx_bytes, pdf=pdf_bytes)
    except RunTakenOver:
        logger.warning("generate_report: run %s was taken over by another worker; stopped", run_id)
        return "skipped"
    except Exception as exc:  # any failure is shown on the run page, with 重试
        logger.exception("generate_report: run %s failed", run_id)
        with override(settings.LANGUAGE_CODE):
            services.report_fail(run_id, claimed_at, reason=_failure_reason(exc))
        return ReportStatus.FAILED
    if not finished:
        return "skipped"
    logger.info("generate_report: run %s done", run_id)
    return ReportStatus.DONE


class RunTakenOver(Exception):
    pass


def schedule_reports(kind: str, today=None) -> int:
    """Ask for the street's and every community's report of the period before `today`; return how many were queued."""
    today = today or timezone.localdate()
    start = previous_start(kind, today)
    queued = 0
    for community in [None, *Community.objects.order_by("code")]:
        try:
            _run, created = services.report_request(
                community=community,
                period_kind=kind,
                period_start=start,
                acting_user=None,
            )
            queued += int(created)
        except Exception:  # one community failing must not stop the others
            logger.exception(
                "schedule_reports: %s %s for %s failed",
                kind,
                start,
                community or "street",
            )
    logger.info("schedule_reports: %s %s: %s queued", kind, start, queued)
    return queued


@shared_task
def schedule_monthly_reports() -> int:
    return schedule_reports(ReportPeriod.MONTH)


@shared_task
def schedule_quarterly_reports() -> int:
    return schedule_reports(ReportPeriod.QUARTER)


@shared_task
def schedule_yearly_reports() -> int:
    return schedule_reports(ReportPeriod.YEAR)


# Bounds one sweep after a long outage; the next one takes the rest.
SWEEP_BATCH = 200


@shared_task
def requeue_report_runs() -> int:
    """Enqueue runs left QUEUED (the broker was down when they were asked for) or RUNNING on a dead worker.

    A run queued a minute ago is most likely in the broker already: it is left alone.
    Enqueuing one twice is harmless, since only one claim succeeds.
    """
    now = timezone.now()
    stale = now - dt.timedelta(minutes=settings.REPORT_STALE_MINUTES)
    waiting = Q(status=ReportStatus.QUEUED, created_at__lt=now - dt.timedelta(minutes=2))
    ids = list(
        ReportRun.objects.filter(waiting | Q(status=ReportStatus.RUNNING, started_at__lt=stale))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    sent = sum(int(enqueue_now(generate_report, pk)) for pk in ids)
    logger.info("requeue_report_runs: %s of %s runs enqueued", sent, len(ids))
    return sent
