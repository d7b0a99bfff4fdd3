"""A small, hand-counted fixture for report tests, and a report run factory.

October 2026 in 莲香 (cast.community), first grid:
    R1 满意, contacted, solved          R2 基本满意, contacted, solved
    R3 不满意, contacted, not solved, then 重办 on 10月25日
    R4 no callback, 办理中, due 10月20日 (overdue now)
September 2026: one request (the previous period). 淞渔 (other community): one request in October.
Hand-computed (weights 0.1/0.5/0.4, 基本满意 0.9), over 3 valid callbacks:
    响应率 3/3 = 100.0%   解决率 2/3 = 66.7%   满意率 (1 + 0.9)/3 = 63.3%
    综合成绩 0.1×1 + 0.5×0.6667 + 0.4×0.6333 = 0.6867 → 68.7
Projects of 莲香: 百凳为百姓 实施中 (budget 300,000.00, 120,000.00 contributed), one 征集中 (budget 50,000.00).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from factory.django import DjangoModelFactory

from dashboards.models import ReportPeriod, ReportRun, ReportStatus
from projects.models import Project, ProjectStatus
from resident_requests.models import (
    EventAction,
    RequestEvent,
    ResidentRequest,
    Satisfaction,
    Status,
)
from tests.factories import CoBuildingUnitFactory, make_request
from tests.project_factories import ContributionFactory, ProjectFactory

OCTOBER = dt.date(2026, 10, 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


class ReportRunFactory(DjangoModelFactory):
    class Meta:
        model = ReportRun

    community = None
    period_kind = ReportPeriod.MONTH
    period_start = OCTOBER
    period_end = dt.date(2026, 10, 31)
    status = ReportStatus.QUEUED


def _request(cast, *, community=None, day: dt.date, **fields) -> ResidentRequest:
    community = community or cast.community
    building = cast.building if community == cast.community else None
    request = make_request(community=community, building=building)
    ResidentRequest.objects.filter(pk=request.pk).update(submitted_at=at(day), **fields)
    request.refresh_from_db()
    return request


def _callback(satisfaction: str, *, solved: bool, day: dt.date) -> dict:
    return {
        "status": Status.CALLED_BACK,
        "accepted_at": at(day),
        "resolved_at": at(day + dt.timedelta(days=1)),
        "due_at": at(day + dt.timedelta(days=7)),
        "callback_at": at(day + dt.timedelta(days=2)),
        "callback_contacted": True,
        "callback_solved": solved,
        "callback_satisfaction": satisfaction,
    }


def october_fixture(cast) -> dict:
    return month_fixture(cast, OCTOBER)


def month_fixture(cast, first: dt.date) -> dict:
    """The fixture above in the month that starts on `first`: October for the tests that name
    dates; the browser test puts it in the current quarter, which its dashboard shows."""

    def day(n: int) -> dt.date:
        return first + dt.timedelta(days=n - 1)

    r1 = _request(
        cast,
        day=day(3),
        **_callback(Satisfaction.SATISFIED, solved=True, day=day(3)),
    )
    r2 = _request(
        cast,
        day=day(5),
        **_callback(Satisfaction.BASICALLY, solved=True, day=day(5)),
    )
    r3 = _request(
        cast,
        day=day(8),
        **_callback(Satisfaction.DISSATISFIED, solved=False, day=day(8)),
    )
    # 重办 after the 不满意 callback: back to 已受理 with a new time limit, still within it.
    ResidentRequest.objects.filter(pk=r3.pk).update(
        status=Status.ACCEPTED,
        reopen_count=1,
        due_at=timezone.now() + dt.timedelta(days=30),
    )
    RequestEvent.objects.create(
        request=r3,
        action=EventAction.REOPEN,
        at=at(day(25)),
        from_status=Status.CALLED_BACK,
        to_status=Status.ACCEPTED,
    )
    r4 = _request(
        cast,
        day=day(12),
        status=Status.IN_PROGRESS,
        accepted_at=at(day(13)),
        due_at=at(day(20)),
    )
    september = _request(cast, day=first - dt.timedelta(days=16))
    outsider = _request(cast, community=cast.other_community, day=day(9))

    benches = ProjectFactory(
        communities=[cast.community],
        title="百凳为百姓",
        status=ProjectStatus.IMPLEMENTING,
        budget=Decimal("300000.00"),
        approved_at=at(first - dt.timedelta(days=30)),
    )
    ContributionFactory(
        project=benches,
        unit=CoBuildingUnitFactory(name="苏州银行"),
        amount=Decimal("120000.00"),
        contributed_on=day(10),
    )
    park = ProjectFactory(communities=[cast.community], title="口袋公园", budget=Decimal("50000.00"))
    # Registered before the period's end, as the summary counts projects registered by then.
    Project.objects.filter(pk__in=[benches.pk, park.pk]).update(created_at=at(first - dt.timedelta(days=42)))
    return {
        "r1": r1,
        "r2": r2,
        "r3": r3,
        "r4": r4,
        "september": september,
        "outsider": outsider,
        "benches": benches,
    }


def finished_run(
    *,
    community=None,
    requested_by=None,
    xlsx: bytes = b"PK-xlsx",
    pdf: bytes = b"%PDF-1.4 test",
) -> ReportRun:
    """A DONE run with (fake) stored files, for page and download tests."""
    from django.core.files.base import ContentFile

    run = ReportRunFactory(
        community=community,
        requested_by=requested_by,
        status=ReportStatus.DONE,
        progress=100,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    run.xlsx.save(f"report_{run.pk}.xlsx", ContentFile(xlsx), save=False)
    run.pdf.save(f"report_{run.pk}.pdf", ContentFile(pdf), save=False)
    run.save(update_fields=["xlsx", "pdf"])
    return run
