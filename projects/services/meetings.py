"""Writes for consultation meetings (协商议事), representative votes (票决) and public polls. DOMAIN.md §5.

Who writes: the meeting's community coordinators (社区书记、社区工作者) and 街道管理员
(`projects.permissions.can_manage_community`); everyone else in scope reads. A
follow-up action's owner account may also mark it done.

票决 (representative vote on the 实事菜单): every participant with a vote
(`Participant.can_vote`) at the meeting casts 赞成, 反对 or 弃权 on one shortlisted
menu item of the meeting's community. The item passes when 赞成 is more than half
of the eligible representatives (过半数通过, as in the 票决制): 弃权 counts as not in
favour. Recording the same item again at the same meeting replaces the earlier
ballot (a correction of how it was written down, not a second vote); another
meeting may vote on the item again and keeps its own ballot.

Public poll (民意征集): one vote per mobile number per poll, the number kept only
as a keyed digest (`xietang.digests.mobile_digest`). Nothing verifies that the
resident owns the number: the rule holds only as far as people give their own.
"""

import datetime as dt
import logging
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from communities.models import CoBuildingUnit, Community
from communities.validators import validate_mobile
from projects.models import (
    FollowUpAction,
    Meeting,
    MeetingPhoto,
    MenuBallot,
    MenuItem,
    MenuPoll,
    MenuStatus,
    Need,
    Opinion,
    Participant,
    PollVote,
    Project,
    Vote,
    VoteChoice,
)
from projects.permissions import can_manage_community
from projects.selectors.meetings import owner_choices
from resident_requests.forms_public import normalise_mobile
from resident_requests.models import ResidentRequest
from xietang.digests import mobile_digest
from xietang.images import ProcessedImage

logger = logging.getLogger(__name__)

# The basic record of a meeting, editable at any time by its writers.
MEETING_FIELDS = ("meeting_type", "topic", "topic_source", "background", "held_at", "place", "host")
# What the meeting decided and told residents.
OUTCOME_FIELDS = (
    "decision",
    "decision_whether",
    "decision_how",
    "decision_who",
    "minutes",
    "feedback",
    "public_summary",
)
# A name shorter than this (a single character) matches too much ordinary text to refuse it.
MIN_NAME_CHECK = 2
MAX_MEETING_PHOTOS = 30
MIN_POLL_ITEMS = 2
# Null when the recorder's account was deleted (SET_NULL) or a row was seeded: an edit keeps it as it is.
KEEP_AS_IS = ["created_by"]


# Permission checks


def can_write_meeting(user: User, meeting: Meeting) -> bool:
    return can_manage_community(user, meeting.community_id)


def _require_writer(user: User, community_id: int) -> None:
    if not can_manage_community(user, community_id):
        raise PermissionDenied(_("只有本社区的书记、社区工作者和街道管理员可以记录协商议事。"))


def can_complete_follow_up(user: User, follow_up: FollowUpAction) -> bool:
    # The owner reports their own action done; the writers may record it for an owner without an account.
    return follow_up.owner_id == user.pk or can_manage_community(user, follow_up.meeting.community_id)


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


# Meetings


@transaction.atomic
def meeting_create(
    *,
    acting_user: User,
    community: Community,
    meeting_type: str,
    topic: str,
    topic_source: str,
    held_at: dt.datetime,
    place: str,
    host: str,
    background: str = "",
) -> Meeting:
    _require_writer(acting_user, community.pk)
    meeting = Meeting(
        community=community,
        meeting_type=meeting_type,
        topic=topic.strip(),
        topic_source=topic_source,
        background=background.strip(),
        held_at=held_at,
        place=place.strip(),
        host=host.strip(),
        created_by=acting_user,
    )
    meeting.full_clean()
    meeting.save()
    logger.info("meeting %s created by user %s", meeting.pk, acting_user.pk)
    return meeting


@transaction.atomic
def meeting_update(*, acting_user: User, meeting: Meeting, **fields) -> Meeting:
    """Change the basic record (type, topic, source, background, time, place, host); not the community."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update does not change {sorted(unknown)}")
    _require_writer(acting_user, meeting.community_id)
    locked = _lock_meeting(meeting)
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.full_clean(exclude=KEEP_AS_IS)
    locked.save(update_fields=list(fields))
    return locked


def _names_in(text: str, names: Iterable[str]) -> list[str]:
    return sorted({name for name in names if len(name) >= MIN_NAME_CHECK and name in text})


@transaction.atomic
def meeting_record_outcome(*, acting_user: User, meeting: Meeting, **fields) -> Meeting:
    """The decision (and 改不改、怎么改、谁来改), minutes, feedback to residents and the public summary.

    The public summary is what residents read on the project page: it must not
    name the people who spoke (PIPL; residents speak more freely when unnamed).
    """
    unknown = set(fields) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"meeting_record_outcome does not change {sorted(unknown)}")
    _require_writer(acting_user, meeting.community_id)
    locked = _lock_meeting(meeting)
    for name, value in fields.items():
        setattr(locked, name, value.strip())
    named = _names_in(locked.public_summary, locked.participants.values_list("name", flat=True))
    if named:
        raise ValidationError(
            {"public_summary": _("公开摘要会向居民公开,请不要写参会人员姓名:%(names)s。") % {"names": "、".join(named)}}
        )
    locked.full_clean(exclude=KEEP_AS_IS)
    locked.save(update_fields=list(fields))
    return locked


@transaction.atomic
def meeting_set_links(
    *,
    acting_user: User,
    meeting: Meeting,
    needs: Iterable[Need],
    requests: Iterable[ResidentRequest],
    projects: Iterable[Project],
) -> Meeting:
    """Replace the needs, resident requests and projects the meeting is about; all of its community."""
    _require_writer(acting_user, meeting.community_id)
    locked = _lock_meeting(meeting)
    needs, requests, projects = list(needs), list(requests), list(projects)
    errors = {}
    foreign_needs = [need.title for need in needs if need.community_id != locked.community_id]
    if foreign_needs:
        errors["needs"] = _("需求「%(titles)s」不属于本次会议所在社区。") % {"titles": "、".join(foreign_needs)}
    foreign_requests = [r.tracking_code for r in requests if r.community_id != locked.community_id]
    if foreign_requests:
        errors["requests"] = _("诉求 %(codes)s 不属于本次会议所在社区。") % {"codes": "、".join(foreign_requests)}
    in_community = set(
        Project.objects.filter(pk__in=[p.pk for p in projects], communities=locked.community_id).values_list("pk", flat=True)
    )
    foreign_projects = [project.title for project in projects if project.pk not in in_community]
    if foreign_projects:
        errors["projects"] = _("项目「%(titles)s」不属于本次会议所在社区。") % {"titles": "、".join(foreign_projects)}
    if errors:
        raise ValidationError(errors)
    locked.needs.set(needs)
    locked.requests.set(requests)
    locked.projects.set(projects)
    return locked


# Participants and opinions


@transaction.atomic
def participant_add(
    *,
    acting_user: User,
    meeting: Meeting,
    role: str,
    name: str,
    organisation: str = "",
    unit: CoBuildingUnit | None = None,
    can_vote: bool = False,
) -> Participant:
    _require_writer(acting_user, meeting.community_id)
    if unit is not None and not unit.communities.filter(pk=meeting.community_id).exists():
        raise ValidationError({"unit": _("「%(unit)s」不是本社区的共建单位。") % {"unit": unit.name}})
    participant = Participant(
        meeting=meeting,
        role=role,
        name=name.strip(),
        # The unit's name is what the minutes call the organisation when staff leave it blank.
        organisation=organisation.strip() or (unit.name[:100] if unit is not None else ""),
        unit=unit,
        can_vote=can_vote,
    )
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def participant_remove(*, acting_user: User, participant: Participant) -> None:
    meeting = participant.meeting
    _require_writer(acting_user, meeting.community_id)
    _lock_meeting(meeting)
    # A cast vote is part of the record of a 票决: deleting the voter would delete the vote with it.
    if Vote.objects.filter(participant=participant).exists():
        raise ValidationError(_("%(name)s 已参加票决,不能从参会人员中删除。") % {"name": participant.name})
    participant.delete()


@transaction.atomic
def opinion_add(*, acting_user: User, meeting: Meeting, role: str, content: str, adopted: bool = False) -> Opinion:
    _require_writer(acting_user, meeting.community_id)
    opinion = Opinion(meeting=meeting, role=role, content=content.strip(), adopted=adopted)
    opinion.full_clean()
    opinion.save()
    return opinion


@transaction.atomic
def opinion_set_adopted(*, acting_user: User, opinion: Opinion, adopted: bool) -> Opinion:
    _require_writer(acting_user, opinion.meeting.community_id)
    opinion.adopted = adopted
    opinion.save(update_fields=["adopted"])
    return opinion


@transaction.atomic
def opinion_remove(*, acting_user: User, opinion: Opinion) -> None:
    _require_writer(acting_user, opinion.meeting.community_id)
    opinion.delete()


# Follow-up actions


def _meeting_link(meeting_id: int) -> str:
    return reverse("projects:meeting_detail", args=[meeting_id])


def follow_up_recipients(follow_up: FollowUpAction) -> list[User]:
    """The owner's account; without one (or a closed one), the community's coordinators, else the street admins."""
    if follow_up.owner_id and follow_up.owner.is_active:
        return [follow_up.owner]
    coordinators = list(
        User.objects.filter(
            community_id=follow_up.meeting.community_id,
            role__in=(Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER),
            is_active=True,
        )
    )
    return coordinators or list(User.objects.filter(role=Role.STREET_ADMIN, is_active=True))


def _notify_follow_up(follow_up: FollowUpAction, *, what: str, title: str, body: str, recipients=None) -> None:
    from accounts.notifications import notify

    notify(
        recipients=recipients if recipients is not None else follow_up_recipients(follow_up),
        key=f"follow-up:{follow_up.pk}:{what}",
        title=title,
        body=body,
        link=_meeting_link(follow_up.meeting_id),
    )


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


@transaction.atomic
def follow_up_add(
    *,
    acting_user: User,
    meeting: Meeting,
    description: str,
    owner_name: str,
    due_on: dt.date,
    owner: User | None = None,
) -> FollowUpAction:
    _require_writer(acting_user, meeting.community_id)
    if owner is not None and not owner_choices(meeting.community_id).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("责任人账号须是本社区在岗的工作人员。")})
    follow_up = FollowUpAction(
        meeting=meeting,
        description=description.strip(),
        owner_name=owner_name.strip() or (owner.display_name[:100] if owner is not None else ""),
        owner=owner,
        due_on=due_on,
    )
    follow_up.full_clean()
    follow_up.save()
    if owner is not None and owner.pk != acting_user.pk:
        _notify_follow_up(
            follow_up,
            what="assigned",
            recipients=[owner],
            title=_("协商议事跟进事项:%(text)s") % {"text": follow_up.description[:50]},
            body=_("「%(topic)s」议定由您跟进,完成期限 %(due)s。")
            % {"topic": meeting.topic, "due": _date(follow_up.due_on)},
        )
    return follow_up


@transaction.atomic
def follow_up_complete(*, acting_user: User, follow_up: FollowUpAction, result: str) -> FollowUpAction:
    locked = FollowUpAction.objects.select_for_update().select_related("meeting").get(pk=follow_up.pk)
    if not can_complete_follow_up(acting_user, locked):
        raise PermissionDenied(_("只有责任人和本社区的书记、社区工作者可以登记完成情况。"))
    if locked.done_at is not None:
        raise ValidationError(_("该跟进事项已于 %(at)s 登记完成。") % {"at": _date(timezone.localdate(locked.done_at))})
    locked.result = result.strip()
    if not locked.result:
        raise ValidationError({"result": _("请填写完成情况。")})
    locked.done_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["result", "done_at"])
    return locked


@transaction.atomic
def follow_up_remind_due(*, follow_up_id: int, today: dt.date, days: int) -> bool:
    """到期提醒 once: not done, due today or within `days`. The conditional update is the claim."""
    claimed = FollowUpAction.objects.filter(
        pk=follow_up_id,
        done_at__isnull=True,
        reminded_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
    ).update(reminded_at=timezone.now())
    if not claimed:
        return False
    follow_up = FollowUpAction.objects.select_related("meeting", "owner").get(pk=follow_up_id)
    left = (follow_up.due_on - today).days
    _notify_follow_up(
        follow_up,
        what="due",
        title=_("跟进事项即将到期:%(text)s") % {"text": follow_up.description[:50]},
        body=(_("今天到期") if left == 0 else _("还有 %(n)s 天到期") % {"n": left})
        + _("(%(due)s)。会议:%(topic)s;责任方:%(owner)s。")
        % {"due": _date(follow_up.due_on), "topic": follow_up.meeting.topic, "owner": follow_up.owner_name},
    )
    return True


@transaction.atomic
def follow_up_notify_late(*, follow_up_id: int, today: dt.date) -> bool:
    """逾期 notice once: not done and past its deadline day."""
    claimed = FollowUpAction.objects.filter(
        pk=follow_up_id, done_at__isnull=True, late_notified_at__isnull=True, due_on__lt=today
    ).update(late_notified_at=timezone.now())
    if not claimed:
        return False
    follow_up = FollowUpAction.objects.select_related("meeting", "owner").get(pk=follow_up_id)
    _notify_follow_up(
        follow_up,
        what="late",
        title=_("跟进事项已逾期:%(text)s") % {"text": follow_up.description[:50]},
        body=_("完成期限 %(due)s 已过,尚未登记完成。会议:%(topic)s;责任方:%(owner)s。")
        % {"due": _date(follow_up.due_on), "topic": follow_up.meeting.topic, "owner": follow_up.owner_name},
    )
    return True


# Photos


@transaction.atomic
def meeting_photos_add(
    *, acting_user: User, meeting: Meeting, photos: Iterable[ProcessedImage], is_public: bool = False
) -> list[MeetingPhoto]:
    """Store photos already checked and re-encoded by xietang.images (no EXIF/GPS)."""
    _require_writer(acting_user, meeting.community_id)
    locked = _lock_meeting(meeting)
    photos = list(photos)
    if not photos:
        raise ValidationError({"photos": _("请选择要上传的照片。")})
    if locked.photos.count() + len(photos) > MAX_MEETING_PHOTOS:
        raise ValidationError({"photos": _("每次会议最多保存 %(max)s 张照片。") % {"max": MAX_MEETING_PHOTOS}})
    saved = []
    for processed in photos:
        stem = uuid.uuid4().hex
        photo = MeetingPhoto(
            meeting=locked, width=processed.width, height=processed.height, is_public=is_public, uploaded_by=acting_user
        )
        photo.image.save(f"{stem}.jpg", processed.full, save=False)
        photo.thumbnail.save(f"{stem}_thumb.jpg", processed.thumbnail, save=False)
        photo.full_clean()
        photo.save()
        saved.append(photo)
    return saved


@transaction.atomic
def meeting_photo_set_public(*, acting_user: User, photo: MeetingPhoto, is_public: bool) -> MeetingPhoto:
    _require_writer(acting_user, photo.meeting.community_id)
    photo.is_public = is_public
    photo.save(update_fields=["is_public"])
    return photo


@transaction.atomic
def meeting_photo_delete(*, acting_user: User, photo: MeetingPhoto) -> None:
    _require_writer(acting_user, photo.meeting.community_id)
    files = [photo.image, photo.thumbnail]
    photo.delete()
    # The files go only once the row is really gone.
    transaction.on_commit(lambda: [stored.storage.delete(stored.name) for stored in files if stored.name])


# 票决


def ballot_passes(votes_for: int, eligible: int) -> bool:
    """赞成 more than half of the eligible representatives (过半数通过)."""
    return eligible > 0 and votes_for * 2 > eligible


@transaction.atomic
def ballot_record(
    *, acting_user: User, meeting: Meeting, menu_item: MenuItem, choices: Mapping[int, str]
) -> MenuBallot:
    """Record every voting participant's vote on a shortlisted menu item; write the tally and outcome.

    `choices` maps participant id → VoteChoice. Every participant with a vote must
    have exactly one choice and nobody else may vote. Recording the item again at
    this meeting replaces the earlier ballot and its votes.
    """
    _require_writer(acting_user, meeting.community_id)
    # The meeting lock serialises two staff recording at once; the item lock, an adoption meanwhile.
    locked = _lock_meeting(meeting)
    item = MenuItem.objects.select_for_update().get(pk=menu_item.pk)
    if item.community_id != locked.community_id:
        raise ValidationError({"menu_item": _("只能表决本社区实事菜单中的项目。")})
    if item.status != MenuStatus.SHORTLISTED:
        raise ValidationError(
            {"menu_item": _("「%(title)s」当前为「%(status)s」,只有入选菜单的项目才能票决。")
             % {"title": item.title, "status": item.get_status_display()}}
        )
    voters = {participant.pk: participant for participant in locked.participants.filter(can_vote=True)}
    if not voters:
        raise ValidationError(_("本次会议还没有有表决权的参会人员,请先在参会人员中登记。"))
    choices = {int(pk): choice for pk, choice in choices.items()}
    not_voters = set(choices) - set(voters)
    if not_voters:
        raise ValidationError(_("只有本次会议有表决权的参会人员可以投票。"))
    missing = [voters[pk].name for pk in voters if pk not in choices]
    if missing:
        raise ValidationError(_("请记录每位有表决权人员的表决:%(names)s 未记录。") % {"names": "、".join(missing)})
    if set(choices.values()) - set(VoteChoice.values):
        raise ValidationError(_("表决只能是赞成、反对或弃权。"))

    tally = Counter(choices.values())
    ballot = MenuBallot.objects.filter(meeting=locked, menu_item=item).first() or MenuBallot(
        meeting=locked, menu_item=item
    )
    replaced = ballot.pk is not None
    ballot.votes_for = tally[VoteChoice.FOR]
    ballot.votes_against = tally[VoteChoice.AGAINST]
    ballot.votes_abstain = tally[VoteChoice.ABSTAIN]
    ballot.eligible = len(voters)
    ballot.passed = ballot_passes(ballot.votes_for, ballot.eligible)
    ballot.recorded_by = acting_user
    ballot.full_clean()
    ballot.save()
    if replaced:
        ballot.votes.all().delete()
    votes = [Vote(ballot=ballot, participant=voters[pk], choice=choice) for pk, choice in choices.items()]
    for vote in votes:
        vote.full_clean(validate_unique=False, validate_constraints=False)
    Vote.objects.bulk_create(votes)
    logger.info(
        "ballot %s (meeting %s, menu item %s) %s by user %s: %s/%s/%s of %s",
        ballot.pk,
        locked.pk,
        item.pk,
        "re-recorded" if replaced else "recorded",
        acting_user.pk,
        ballot.votes_for,
        ballot.votes_against,
        ballot.votes_abstain,
        ballot.eligible,
    )
    return ballot


# Public preference poll (民意征集)


def _check_poll_items(community_id: int, items: list[MenuItem], max_choices: int) -> None:
    if len(items) < MIN_POLL_ITEMS:
        raise ValidationError({"items": _("请至少选择 %(n)s 个候选项目。") % {"n": MIN_POLL_ITEMS}})
    wrong = [item.title for item in items if item.community_id != community_id or item.status != MenuStatus.SHORTLISTED]
    if wrong:
        raise ValidationError(
            {"items": _("「%(titles)s」不是本社区入选菜单的项目。") % {"titles": "、".join(wrong)}}
        )
    if not 1 <= max_choices <= len(items):
        raise ValidationError(
            {"max_choices": _("每人最多选的项数应在 1 到 %(n)s 之间。") % {"n": len(items)}}
        )


@transaction.atomic
def poll_create(
    *,
    acting_user: User,
    community: Community,
    title: str,
    items: Iterable[MenuItem],
    max_choices: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    description: str = "",
) -> MenuPoll:
    _require_writer(acting_user, community.pk)
    items = list(items)
    _check_poll_items(community.pk, items, max_choices)
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("结束时间须晚于现在。")})
    poll = MenuPoll(
        community=community,
        title=title.strip(),
        description=description.strip(),
        max_choices=max_choices,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=acting_user,
    )
    poll.full_clean()
    poll.save()
    poll.items.set(items)
    return poll


@transaction.atomic
def poll_update(
    *,
    acting_user: User,
    poll: MenuPoll,
    title: str,
    items: Iterable[MenuItem],
    max_choices: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    description: str = "",
) -> MenuPoll:
    """Change a poll before anyone voted: afterwards its rules stay what residents voted under."""
    _require_writer(acting_user, poll.community_id)
    locked = MenuPoll.objects.select_for_update().get(pk=poll.pk)
    if locked.votes.exists():
        raise ValidationError(_("已有居民参与投票,不能再修改;如需停止,请提前结束征集。"))
    items = list(items)
    _check_poll_items(locked.community_id, items, max_choices)
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("结束时间须晚于现在。")})
    locked.title, locked.description = title.strip(), description.strip()
    locked.max_choices, locked.opens_at, locked.closes_at = max_choices, opens_at, closes_at
    locked.full_clean(exclude=KEEP_AS_IS)
    locked.save(update_fields=["title", "description", "max_choices", "opens_at", "closes_at"])
    locked.items.set(items)
    return locked


@transaction.atomic
def poll_close(*, acting_user: User, poll: MenuPoll) -> MenuPoll:
    """End an open poll now (提前结束); its results become public."""
    _require_writer(acting_user, poll.community_id)
    locked = MenuPoll.objects.select_for_update().get(pk=poll.pk)
    now = timezone.now()
    if not locked.is_open(now):
        raise ValidationError(_("只有进行中的征集可以提前结束。"))
    locked.closes_at = now
    locked.full_clean(exclude=KEEP_AS_IS)
    locked.save(update_fields=["closes_at"])
    return locked


def poll_vote(*, poll: MenuPoll, mobile: str, items: Iterable[MenuItem]) -> PollVote:
    """A resident's vote (no account): open poll, 1..max_choices of its items, one per mobile number.

    The same number typed with spaces, dashes or +86 is the same number. The
    unique constraint on (poll, mobile_digest) is the final guard when the same
    number votes twice at the same moment.
    """
    mobile = normalise_mobile(mobile)
    validate_mobile(mobile)
    chosen = {item.pk for item in items}
    duplicate = ValidationError(_("这个手机号已经参与过本次征集,每个手机号只能投一次。"), code="duplicate")
    with transaction.atomic():
        fresh = MenuPoll.objects.get(pk=poll.pk)
        if not fresh.is_open():
            raise ValidationError(_("本次征集不在投票时间内(已结束或尚未开始),不能投票。"), code="closed")
        if not chosen:
            raise ValidationError({"items": _("请至少选择一项。")})
        if len(chosen) > fresh.max_choices:
            raise ValidationError({"items": _("最多只能选 %(n)s 项。") % {"n": fresh.max_choices}})
        if chosen - set(fresh.items.values_list("pk", flat=True)):
            raise ValidationError({"items": _("所选项目不在本次征集的候选项目中。")})
        vote = PollVote(poll=fresh, mobile_digest=mobile_digest(mobile))
        if PollVote.objects.filter(poll=fresh, mobile_digest=vote.mobile_digest).exists():
            raise duplicate
        vote.full_clean(exclude=["mobile_digest"], validate_constraints=False)
        try:
            with transaction.atomic():
                vote.save()
        except IntegrityError:
            raise duplicate from None
        vote.items.set(chosen)
    return vote


__all__ = [
    "ballot_passes",
    "ballot_record",
    "can_complete_follow_up",
    "can_write_meeting",
    "follow_up_add",
    "follow_up_complete",
    "follow_up_notify_late",
    "follow_up_recipients",
    "follow_up_remind_due",
    "meeting_create",
    "meeting_photo_delete",
    "meeting_photo_set_public",
    "meeting_photos_add",
    "meeting_record_outcome",
    "meeting_set_links",
    "meeting_update",
    "opinion_add",
    "opinion_remove",
    "opinion_set_adopted",
    "participant_add",
    "participant_remove",
    "poll_close",
    "poll_create",
    "poll_update",
    "poll_vote",
]
