"""Writes for teams, volunteers and their service records. DOMAIN.md §6.

Who writes: the community's coordinators (社区书记、社区工作者) for their community,
the street admin anywhere and alone for street-wide teams (`volunteers.permissions`).
A volunteer is one person street-wide (the mobile is unique), registered by a
community, linked to a resident of the directory or an outside person (a
co-building unit's staff, a student). Their record holds what 民政部《志愿服务记录与
证明出具办法(试行)》 asks for: basics, training, awards, evaluations (hours are
the activities area's). Volunteer rows are personal data: creations, changes and
every reveal of the full ID number write an audit row.

The team leader is a membership with role 队长 and `Team.leader`, kept in step
here and only here: naming a new 队长 makes the former one a 队员.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from accounts.permissions import can_reveal_id_number
from communities.models import CoBuildingUnit, Community, Resident, Street
from communities.validators import normalise_id_number, validate_id_number
from volunteers.models import (
    Award,
    Evaluation,
    IdType,
    MemberRole,
    Membership,
    ServiceDelivery,
    Team,
    TeamService,
    Training,
    Volunteer,
    VolunteerKind,
)
from volunteers.permissions import can_manage_community

TEAM_FIELDS = (
    "name",
    "team_type",
    "description",
    "founded_on",
    "is_public",
    "is_active",
    "co_building_unit",
    "party_organisation",
)
VOLUNTEER_FIELDS = (
    "name",
    "mobile",
    "kind",
    "affiliation",
    "co_building_unit",
    "id_type",
    "id_number",
    "is_party_member",
    "skills",
    "availability",
    "is_active",
)
SENSITIVE_FIELDS = {"id_number"}
SERVICE_FIELDS = ("title", "description", "beneficiaries", "schedule", "price_type", "price", "unit", "is_active")


def _check_community_writer(acting_user: User | None, community_id: int | None, message: str) -> None:
    if acting_user is not None and not can_manage_community(acting_user, community_id):
        raise PermissionDenied(message)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _unknown_fields(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")


# Teams


def _the_street(community: Community | None) -> Street:
    if community is not None:
        return community.street
    street = Street.objects.order_by("pk").first()
    if street is None:
        raise ValidationError(_("尚未登记街道。"))
    return street


@transaction.atomic
def team_create(*, acting_user: User, community: Community | None, name: str, team_type: str, **fields) -> Team:
    """A new team of a community, or a street-wide one (community None: 街道管理员 only)."""
    _unknown_fields(fields, TEAM_FIELDS)
    _check_community_writer(acting_user, community.pk if community else None, _("不能为该社区新建队伍。"))
    team = Team(street=_the_street(community), community=community, name=_strip(name), team_type=team_type)
    for key, value in fields.items():
        setattr(team, key, _strip(value))
    team.full_clean(exclude=["leader"])
    if community is None and Team.objects.filter(community__isnull=True, name=team.name).exists():
        # NULLs are distinct in the unique constraint: street-wide names are checked here.
        raise ValidationError({"name": _("已有同名的街道级队伍。")})
    team.save()
    return team


@transaction.atomic
def team_update(*, acting_user: User, team: Team, **fields) -> Team:
    """Change what a team says; its community stays (its members and activities belong to it)."""
    _unknown_fields(fields, TEAM_FIELDS)
    team = Team.objects.select_for_update().get(pk=team.pk)
    _check_community_writer(acting_user, team.community_id, _("不能修改该队伍。"))
    for key, value in fields.items():
        setattr(team, key, _strip(value))
    team.full_clean(exclude=["leader"])
    if (
        team.community_id is None
        and Team.objects.filter(community__isnull=True, name=team.name).exclude(pk=team.pk).exists()
    ):
        raise ValidationError({"name": _("已有同名的街道级队伍。")})
    team.save(update_fields=list(fields))
    return team


def _sync_leader(team: Team, membership: Membership) -> None:
    """The team is locked by the caller. A new 队长 demotes the old one; a former 队长 clears the leader."""
    if membership.role == MemberRole.LEADER and membership.left_on is None:
        team.memberships.filter(role=MemberRole.LEADER).exclude(pk=membership.pk).update(role=MemberRole.MEMBER)
        if team.leader_id != membership.volunteer_id:
            team.leader_id = membership.volunteer_id
            team.save(update_fields=["leader"])
    elif team.leader_id == membership.volunteer_id:
        team.leader = None
        team.save(update_fields=["leader"])


@transaction.atomic
def membership_add(
    *,
    acting_user: User,
    team: Team,
    volunteer: Volunteer,
    role: str = MemberRole.MEMBER,
    joined_on: dt.date | None = None,
) -> Membership:
    """Add a volunteer to a team (or bring back one who had left)."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    _check_community_writer(acting_user, team.community_id, _("不能修改该队伍的队员。"))
    if not volunteer.is_active:
        raise ValidationError({"volunteer": _("该志愿者已注销,不能加入队伍。")})
    joined_on = joined_on or timezone.localdate()
    membership = Membership.objects.filter(team=team, volunteer=volunteer).first()
    if membership is not None and membership.left_on is None:
        raise ValidationError({"volunteer": _("该志愿者已在本队伍中。")})
    if membership is None:
        membership = Membership(team=team, volunteer=volunteer)
    membership.role = role or MemberRole.MEMBER
    membership.joined_on = joined_on
    membership.left_on = None
    membership.full_clean(validate_unique=False, validate_constraints=False)
    membership.save()
    _sync_leader(team, membership)
    return membership


@transaction.atomic
def membership_set_role(*, acting_user: User, membership: Membership, role: str) -> Membership:
    team = Team.objects.select_for_update().get(pk=membership.team_id)
    _check_community_writer(acting_user, team.community_id, _("不能修改该队伍的队员。"))
    membership = Membership.objects.get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError({"role": _("该志愿者已退出队伍。")})
    if role not in MemberRole.values:
        raise ValidationError({"role": _("请选择队内职务。")})
    membership.role = role
    membership.save(update_fields=["role"])
    _sync_leader(team, membership)
    return membership


@transaction.atomic
def membership_remove(*, acting_user: User, membership: Membership, left_on: dt.date | None = None) -> Membership:
    """退出: the row stays with its dates (the record shows who served when)."""
    team = Team.objects.select_for_update().get(pk=membership.team_id)
    _check_community_writer(acting_user, team.community_id, _("不能修改该队伍的队员。"))
    membership = Membership.objects.get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError({"volunteer": _("该志愿者已退出队伍。")})
    membership.left_on = max(left_on or timezone.localdate(), membership.joined_on)
    membership.role = MemberRole.MEMBER if membership.role == MemberRole.LEADER else membership.role
    was_leader = team.leader_id == membership.volunteer_id
    membership.save(update_fields=["left_on", "role"])
    if was_leader:
        team.leader = None
        team.save(update_fields=["leader"])
    return membership


# 产消者 services and their delivery log


def _clean_service(service: TeamService) -> None:
    if service.price_type == "free":
        service.price = None
    elif service.price is None or service.price <= 0:
        raise ValidationError({"price": _("低偿服务须填写大于 0 的单价。")})
    service.full_clean()


@transaction.atomic
def team_service_create(*, acting_user: User, team: Team, title: str, beneficiaries: str, schedule: str, **fields) -> TeamService:
    _unknown_fields(fields, SERVICE_FIELDS)
    _check_community_writer(acting_user, team.community_id, _("不能修改该队伍的服务项目。"))
    service = TeamService(team=team, title=_strip(title), beneficiaries=_strip(beneficiaries), schedule=_strip(schedule))
    for key, value in fields.items():
        setattr(service, key, _strip(value))
    _clean_service(service)
    service.save()
    return service


@transaction.atomic
def team_service_update(*, acting_user: User, service: TeamService, **fields) -> TeamService:
    _unknown_fields(fields, SERVICE_FIELDS)
    service = TeamService.objects.select_related("team").select_for_update(of=("self",)).get(pk=service.pk)
    _check_community_writer(acting_user, service.team.community_id, _("不能修改该队伍的服务项目。"))
    for key, value in fields.items():
        setattr(service, key, _strip(value))
    _clean_service(service)
    service.save()
    return service


@transaction.atomic
def service_delivery_add(
    *,
    acting_user: User,
    service: TeamService,
    delivered_on: dt.date,
    quantity: int,
    people_served: int,
    note: str = "",
) -> ServiceDelivery:
    """One delivery of a 产消者 service (e.g. 40 breakfasts on Tuesday): what the community bought."""
    _check_community_writer(acting_user, service.team.community_id, _("不能登记该队伍的服务记录。"))
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("服务日期不能晚于今天。")})
    delivery = ServiceDelivery(
        service=service,
        delivered_on=delivered_on,
        quantity=quantity,
        people_served=people_served,
        note=_strip(note),
        recorded_by=acting_user,
    )
    delivery.full_clean()
    delivery.save()
    return delivery


# Volunteers


def _audit_value(field: str, value) -> str:
    if field in SENSITIVE_FIELDS:
        return "***"
    if hasattr(value, "pk"):
        return str(value)
    return "" if value is None else str(value)


def _label(field: str) -> str:
    return str(Volunteer._meta.get_field(field).verbose_name)


def _check_volunteer(volunteer: Volunteer) -> None:
    """Same-row checks the model cannot express, with messages under the field."""
    volunteer.name = _strip(volunteer.name)
    volunteer.mobile = _strip(volunteer.mobile)
    volunteer.affiliation = _strip(volunteer.affiliation)
    if volunteer.id_type == IdType.RESIDENT_ID:
        volunteer.id_number = normalise_id_number(volunteer.id_number)
        if volunteer.id_number:
            try:
                validate_id_number(volunteer.id_number)
            except ValidationError as error:
                raise ValidationError({"id_number": error.messages}) from error
    else:
        volunteer.id_number = _strip(volunteer.id_number)
    if volunteer.kind == VolunteerKind.UNIT_STAFF and not (volunteer.co_building_unit_id or volunteer.affiliation):
        raise ValidationError({"co_building_unit": _("共建单位职工请选择所在的共建单位。")})
    if volunteer.kind == VolunteerKind.STUDENT and not volunteer.affiliation:
        raise ValidationError({"affiliation": _("学生请填写所在学校。")})
    if volunteer.co_building_unit_id and not volunteer.affiliation:
        volunteer.affiliation = volunteer.co_building_unit.name[:60]
    if volunteer.mobile:
        taken = Volunteer.objects.filter(mobile=volunteer.mobile).exclude(pk=volunteer.pk).first()
        if taken is not None:
            raise ValidationError(
                {"mobile": _("该手机号已登记为志愿者(编号 %(number)s)。") % {"number": taken.number or taken.pk}}
            )
    volunteer.full_clean(exclude=["number"], validate_unique=False)


def _assign_number(volunteer: Volunteer) -> None:
    # "XT" + year of registration + the row id: unique because the id is.
    volunteer.number = f"XT{volunteer.registered_on.year:04d}{volunteer.pk:06d}"
    volunteer.save(update_fields=["number"])


@transaction.atomic
def volunteer_register(
    *,
    acting_user: User | None,
    community: Community,
    resident: Resident | None = None,
    name: str = "",
    mobile: str = "",
    kind: str = VolunteerKind.RESIDENT,
    affiliation: str = "",
    co_building_unit: CoBuildingUnit | None = None,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str = "",
    is_party_member: bool = False,
    skills: str = "",
    availability: str = "",
    registered_on: dt.date | None = None,
) -> Volunteer:
    """Register a volunteer with the community. A resident's basics are taken from the directory
    where the form left them blank. `acting_user` None is the public sign-up (no role check)."""
    _check_community_writer(acting_user, community.pk, _("不能为该社区登记志愿者。"))
    if resident is not None:
        if resident.community_id != community.pk:
            raise ValidationError({"resident": _("该居民不属于登记社区。")})
        if Volunteer.objects.filter(resident=resident).exists():
            raise ValidationError({"resident": _("该居民已登记为志愿者。")})
        name = name or resident.name
        mobile = mobile or resident.mobile
        if not id_number and id_type == IdType.RESIDENT_ID:
            id_number = resident.id_number
        kind = VolunteerKind.RESIDENT
    if not (mobile or "").strip():
        raise ValidationError({"mobile": _("请填写手机号(报名、通知和积分都凭手机号)。")})
    volunteer = Volunteer(
        community=community,
        resident=resident,
        name=name,
        mobile=mobile,
        kind=kind or VolunteerKind.RESIDENT,
        affiliation=affiliation or "",
        co_building_unit=co_building_unit,
        id_type=id_type or IdType.RESIDENT_ID,
        id_number=id_number or "",
        is_party_member=is_party_member,
        skills=(skills or "").strip(),
        availability=(availability or "").strip(),
        registered_on=registered_on or timezone.localdate(),
    )
    _check_volunteer(volunteer)
    volunteer.save()
    _assign_number(volunteer)
    changes = {
        _label(field): ["", _audit_value(field, getattr(volunteer, field))]
        for field in ("name", "mobile", "kind", "affiliation", "id_type", "id_number", "resident")
        if getattr(volunteer, field)
    }
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=volunteer, changes=changes)
    return volunteer


@transaction.atomic
def volunteer_update(*, acting_user: User, volunteer: Volunteer, **fields) -> Volunteer:
    """Change a volunteer's basics; `id_number` left out (or blank from a form) keeps the stored one."""
    _unknown_fields(fields, VOLUNTEER_FIELDS)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    _check_community_writer(acting_user, volunteer.community_id, _("不能修改该志愿者。"))
    if "id_number" in fields and not (fields["id_number"] or "").strip():
        fields.pop("id_number")
    changes = {}
    for field, value in fields.items():
        old = getattr(volunteer, field)
        if old != value:
            changes[_label(field)] = [_audit_value(field, old), _audit_value(field, value)]
            setattr(volunteer, field, value)
    _check_volunteer(volunteer)
    if changes:
        volunteer.save(update_fields=[field for field in fields if _label(field) in changes])
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=volunteer, changes=changes)
    return volunteer


@transaction.atomic
def volunteer_reveal_id_number(*, acting_user: User, volunteer: Volunteer) -> str:
    """Return the full ID number and log who saw it (PIPL), like `resident_reveal_id_number`."""
    if not can_reveal_id_number(acting_user):
        raise PermissionDenied(_("您的角色不能查看完整证件号。"))
    audit_record(actor=acting_user, action=AuditAction.REVEAL_ID, obj=volunteer)
    return volunteer.id_number


def volunteer_find_or_create_by_mobile(
    *, community: Community, name: str, mobile: str, acting_user: User | None = None
) -> Volunteer:
    """The volunteer with this mobile (unique street-wide), or a new one registered in `community`.

    Called by the public activity sign-up (no account: acting_user None) and by
    staff sign-ups. An existing volunteer keeps their home community and name.
    """
    mobile = (mobile or "").strip()
    found = Volunteer.objects.filter(mobile=mobile).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return volunteer_register(acting_user=acting_user, community=community, name=name, mobile=mobile)
    except IntegrityError:
        # Two sign-ups with the same new mobile at once: the other one registered it.
        found = Volunteer.objects.filter(mobile=mobile).first()
        if found is None:
            raise
        return found
    except ValidationError as error:
        # The check above lost a race to a registration that committed in between.
        found = Volunteer.objects.filter(mobile=mobile).first()
        if found is not None and "mobile" in getattr(error, "error_dict", {}):
            return found
        raise


# The service record: training, awards, evaluations


@transaction.atomic
def training_add(
    *, acting_user: User, volunteer: Volunteer, title: str, held_on: dt.date, provider: str = "", hours=0
) -> Training:
    _check_community_writer(acting_user, volunteer.community_id, _("不能修改该志愿者的服务记录。"))
    training = Training(volunteer=volunteer, title=_strip(title), provider=_strip(provider), held_on=held_on, hours=hours or 0)
    training.full_clean()
    training.save()
    return training


@transaction.atomic
def award_add(*, acting_user: User, volunteer: Volunteer, title: str, awarded_on: dt.date, awarded_by: str = "") -> Award:
    _check_community_writer(acting_user, volunteer.community_id, _("不能修改该志愿者的服务记录。"))
    award = Award(volunteer=volunteer, title=_strip(title), awarded_by=_strip(awarded_by), awarded_on=awarded_on)
    award.full_clean()
    award.save()
    return award


@transaction.atomic
def evaluation_add(
    *, acting_user: User, volunteer: Volunteer, period: str, grade: str, comment: str = "", evaluated_on: dt.date | None = None
) -> Evaluation:
    _check_community_writer(acting_user, volunteer.community_id, _("不能修改该志愿者的服务记录。"))
    evaluation = Evaluation(
        volunteer=volunteer,
        period=_strip(period),
        grade=grade,
        comment=_strip(comment),
        evaluated_by=acting_user,
        evaluated_on=evaluated_on or timezone.localdate(),
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation
