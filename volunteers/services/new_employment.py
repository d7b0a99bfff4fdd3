"""Writes for the new employment groups (新就业群体): the registry of couriers, riders and
drivers, what each 暖心驿站 offers, and enlisting a worker as a 随手拍 reporter. DOMAIN.md §7.

Who writes: the community's coordinators (社区书记、社区工作者) and 街道管理员, like the
rest of the volunteers app (`volunteers.permissions.can_manage_community`).

Enlisting makes two links on the worker: a `resident_requests.Reporter` (the
personal /snap/<token>/ link, no account) and a volunteer profile of kind 新就业群体,
which is where points for accepted reports go (`volunteers.services.reports`).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community, PositionType, ServicePosition
from resident_requests.models import Reporter, ReporterKind
from volunteers.models import (
    Amenity,
    NewEmploymentWorker,
    StationAmenity,
    Volunteer,
    VolunteerKind,
    WorkerKind,
)
from volunteers.permissions import can_manage_community
from volunteers.services.teams import volunteer_register

WORKER_FIELDS = ("name", "mobile", "kind", "company", "station", "is_party_member", "note")
REPORTER_KIND = {
    WorkerKind.COURIER: ReporterKind.COURIER,
    WorkerKind.RIDER: ReporterKind.RIDER,
    WorkerKind.DRIVER: ReporterKind.DRIVER,
    WorkerKind.OTHER: ReporterKind.OTHER,
}
WORKER_KIND = {reporter: worker for worker, reporter in REPORTER_KIND.items()}


def _check_writer(acting_user: User | None, community_id: int | None) -> None:
    if acting_user is not None and not can_manage_community(acting_user, community_id):
        raise PermissionDenied(_("不能修改该社区的新就业群体登记。"))


def _check_worker(worker: NewEmploymentWorker) -> None:
    for name in ("name", "mobile", "company", "station", "note"):
        setattr(worker, name, (getattr(worker, name) or "").strip())
    taken = NewEmploymentWorker.objects.filter(community_id=worker.community_id, mobile=worker.mobile)
    if worker.mobile and taken.exclude(pk=worker.pk).exists():
        raise ValidationError({"mobile": _("本社区已登记该手机号。")})
    worker.full_clean(validate_unique=False, exclude=["registered_by"])


@transaction.atomic
def worker_register(
    *,
    acting_user: User | None,
    community: Community,
    name: str,
    mobile: str,
    kind: str,
    company: str,
    station: str = "",
    is_party_member: bool = False,
    note: str = "",
    registered_on: dt.date | None = None,
) -> NewEmploymentWorker:
    _check_writer(acting_user, community.pk)
    worker = NewEmploymentWorker(
        community=community,
        name=name,
        mobile=mobile,
        kind=kind,
        company=company,
        station=station,
        is_party_member=is_party_member,
        note=note,
        registered_on=registered_on or timezone.localdate(),
        registered_by=acting_user,
    )
    _check_worker(worker)
    worker.save()
    return worker


@transaction.atomic
def worker_update(*, acting_user: User, worker: NewEmploymentWorker, **fields) -> NewEmploymentWorker:
    unknown = set(fields) - set(WORKER_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    worker = NewEmploymentWorker.objects.select_for_update().get(pk=worker.pk)
    _check_writer(acting_user, worker.community_id)
    for name, value in fields.items():
        setattr(worker, name, value)
    _check_worker(worker)
    worker.save(update_fields=list(fields))
    return worker


def _link_volunteer(worker: NewEmploymentWorker, acting_user: User | None) -> Volunteer | None:
    """The worker's volunteer profile: the one with the worker's mobile (unique street-wide), or a new one.

    A profile already linked to another worker (the same person registered in two
    communities) stays with that worker; this one earns through it by mobile."""
    volunteer = Volunteer.objects.filter(mobile=worker.mobile).first()
    if volunteer is None:
        volunteer = volunteer_register(
            acting_user=acting_user,
            community=worker.community,
            name=worker.name,
            mobile=worker.mobile,
            kind=VolunteerKind.NEW_EMPLOYMENT,
            affiliation=worker.company[:60],
        )
    if NewEmploymentWorker.objects.filter(volunteer=volunteer).exclude(pk=worker.pk).exists():
        return volunteer
    worker.volunteer = volunteer
    worker.save(update_fields=["volunteer"])
    return volunteer


@transaction.atomic
def worker_enlist_reporter(*, acting_user: User, worker: NewEmploymentWorker) -> NewEmploymentWorker:
    """随手拍、随手帮: give the worker a personal reporting link and a volunteer profile for points.

    Enlisting again is harmless: existing links are kept (an inactive reporter is re-activated)."""
    worker = NewEmploymentWorker.objects.select_for_update().get(pk=worker.pk)
    _check_writer(acting_user, worker.community_id)
    if worker.reporter_id is None:
        reporter = Reporter(
            name=worker.name,
            mobile=worker.mobile,
            kind=REPORTER_KIND.get(worker.kind, ReporterKind.OTHER),
            company=worker.company,
            community_id=worker.community_id,
        )
        reporter.full_clean()
        reporter.save()
        worker.reporter = reporter
        worker.save(update_fields=["reporter"])
    elif not worker.reporter.is_active:
        Reporter.objects.filter(pk=worker.reporter_id).update(is_active=True)
    if worker.volunteer_id is None:
        _link_volunteer(worker, acting_user)
    return NewEmploymentWorker.objects.select_related("reporter", "volunteer").get(pk=worker.pk)


@transaction.atomic
def volunteer_for_reporter(reporter: Reporter) -> Volunteer:
    """Where a reporter's points go: their worker's volunteer, linking (or creating) what is missing.

    A reporter registered before this app existed has no worker: one is registered
    from the reporter's details (company, community, mobile), as the system.
    """
    worker = NewEmploymentWorker.objects.select_for_update().filter(reporter=reporter).first()
    if worker is None:
        worker = (
            NewEmploymentWorker.objects.select_for_update()
            .filter(community_id=reporter.community_id, mobile=reporter.mobile)
            .first()
        )
        if worker is None:
            worker = worker_register(
                acting_user=None,
                community=reporter.community,
                name=reporter.name,
                mobile=reporter.mobile,
                kind=WORKER_KIND.get(reporter.kind, WorkerKind.OTHER),
                company=reporter.company or str(_("未填写")),
                note=str(_("随手拍报告人自动登记")),
            )
        if worker.reporter_id is None:
            worker.reporter = reporter
            worker.save(update_fields=["reporter"])
    if worker.volunteer_id is not None:
        return worker.volunteer
    return _link_volunteer(worker, None)


# 暖心驿站 amenities


def warm_stations():
    return ServicePosition.objects.filter(position_type=PositionType.WARM_STATION)


@transaction.atomic
def amenity_add(*, acting_user: User, station: ServicePosition, amenity: str, hours: str = "") -> StationAmenity:
    if station.position_type != PositionType.WARM_STATION:
        raise ValidationError({"amenity": _("只有暖心驿站可以登记驿站服务。")})
    _check_writer(acting_user, station.community_id)
    if amenity not in Amenity.values:
        raise ValidationError({"amenity": _("请选择驿站服务。")})
    if StationAmenity.objects.filter(position=station, amenity=amenity).exists():
        raise ValidationError({"amenity": _("该驿站已登记这项服务。")})
    row = StationAmenity(position=station, amenity=amenity, hours=(hours or "").strip())
    row.full_clean(validate_constraints=False)
    row.save()
    return row


@transaction.atomic
def amenity_remove(*, acting_user: User, amenity: StationAmenity) -> None:
    _check_writer(acting_user, amenity.position.community_id)
    amenity.delete()
