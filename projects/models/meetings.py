"""Consultation meetings (协商议事, "有事好商量"), representative votes and public polls. DOMAIN.md §5."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xietang.scoping import ScopedQuerySet


class MeetingType(models.TextChoices):
    JOINT = "joint", _("联席沟通会议")
    COUNCIL = "council", _("居民议事会/阳光议事厅")
    BENCH = "bench", _("板凳议事会")
    FORUM = "forum", _("民情恳谈会")
    CONTACT_DAY = "contact_day", _("社情民意联系日")


class TopicSource(models.TextChoices):
    REQUESTS = "requests", _("居民诉求")
    NEED = "need", _("需求清单")
    PROJECT = "project", _("实事项目")
    PROPOSAL = "proposal", _("居民提议")
    COMMUNITY = "community", _("社区党组织")
    OTHER = "other", _("其他")


class ParticipantRole(models.TextChoices):
    """The "3+N" parties: 社区党组织 + 业委会 + 物业 + N others."""

    COMMUNITY = "community", _("社区党组织")
    STREET_DEPARTMENT = "street_department", _("街道部门")
    PROPERTY_COMMITTEE = "property_committee", _("物管委")
    PROPERTY_COMPANY = "property_company", _("物业")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    RESIDENT_REPRESENTATIVE = "resident_rep", _("居民代表")
    CO_BUILDING_UNIT = "co_building_unit", _("共建单位")
    PARTY_MEMBER = "party_member", _("党员")
    OTHER = "other", _("其他")


class MeetingQuerySet(ScopedQuerySet):
    pass


class Meeting(models.Model):
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="meetings"
    )
    meeting_type = models.CharField(_("会议类型"), max_length=16, choices=MeetingType.choices)
    topic = models.CharField(_("议题"), max_length=150)
    topic_source = models.CharField(_("议题来源"), max_length=16, choices=TopicSource.choices)
    background = models.TextField(_("背景"), blank=True)
    held_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=100)
    host = models.CharField(_("主持人"), max_length=50)
    # The decision; for a project, the answers to 改不改、怎么改、谁来改.
    decision = models.TextField(_("议定事项"), blank=True)
    decision_whether = models.CharField(_("改不改"), max_length=300, blank=True)
    decision_how = models.CharField(_("怎么改"), max_length=300, blank=True)
    decision_who = models.CharField(_("谁来改"), max_length=300, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    feedback = models.TextField(_("向居民反馈"), blank=True)
    # What residents may read on the project page; staff write it, without names.
    public_summary = models.TextField(_("公开摘要"), blank=True)
    needs = models.ManyToManyField("projects.Need", verbose_name=_("相关需求"), blank=True, related_name="meetings")
    requests = models.ManyToManyField(
        "resident_requests.ResidentRequest", verbose_name=_("相关诉求"), blank=True, related_name="meetings"
    )
    projects = models.ManyToManyField("projects.Project", verbose_name=_("相关项目"), blank=True, related_name="meetings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("协商议事")
        verbose_name_plural = _("协商议事")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["community", "held_at"])]

    def __str__(self) -> str:
        return self.topic


class Participant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("身份"), max_length=24, choices=ParticipantRole.choices)
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("单位或楼栋"), max_length=100, blank=True)
    unit = models.ForeignKey(
        "communities.CoBuildingUnit", verbose_name=_("共建单位"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Only representatives with a vote take part in 票决 on the project menu.
    can_vote = models.BooleanField(_("有表决权"), default=False)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["meeting", "role", "id"]

    def __str__(self) -> str:
        return f"{self.name}({self.get_role_display()})"


class Opinion(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="opinions")
    role = models.CharField(_("提出方"), max_length=24, choices=ParticipantRole.choices)
    content = models.TextField(_("意见"))
    adopted = models.BooleanField(_("已采纳"), default=False)

    class Meta:
        verbose_name = _("收集意见")
        verbose_name_plural = _("收集意见")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.content[:30]


class FollowUpQuerySet(ScopedQuerySet):
    community_lookup = "meeting__community"


class FollowUpAction(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    description = models.CharField(_("跟进事项"), max_length=200)
    owner_name = models.CharField(_("责任方"), max_length=100)
    # When the owner has an account, reminders reach them; otherwise the meeting's recorder.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人账号"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.CharField(_("完成情况"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    late_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("跟进事项")
        verbose_name_plural = _("跟进事项")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_at", "due_on"])]

    def __str__(self) -> str:
        return self.description


def _meeting_photo_path(instance, filename: str) -> str:
    return f"meetings/{timezone.now():%Y/%m}/{filename}"


class MeetingPhoto(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to=_meeting_photo_path)
    thumbnail = models.FileField(upload_to=_meeting_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # Photos of people are internal unless staff mark them for the public summary.
    is_public = models.BooleanField(_("公开"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会议照片")
        verbose_name_plural = _("会议照片")
        ordering = ["created_at", "id"]


class VoteChoice(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


class MenuBallot(models.Model):
    """A representative vote (票决) on one menu item at one meeting, with its tally.

    The tally is written by the service that records the votes, so the outcome
    stays what the meeting decided even if participants are edited later."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="ballots")
    menu_item = models.ForeignKey("projects.MenuItem", on_delete=models.CASCADE, related_name="ballots")
    votes_for = models.PositiveSmallIntegerField(_("赞成"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("反对"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"), default=0)
    eligible = models.PositiveSmallIntegerField(_("应到表决人数"), default=0)
    passed = models.BooleanField(_("通过"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("票决结果")
        verbose_name_plural = _("票决结果")
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "menu_item"], name="ballot_once_per_meeting", violation_error_message=_("该菜单项已在本次会议表决。")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.menu_item} {self.votes_for}/{self.votes_against}/{self.votes_abstain}"


class Vote(models.Model):
    ballot = models.ForeignKey(MenuBallot, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    choice = models.CharField(_("表决"), max_length=8, choices=VoteChoice.choices)

    class Meta:
        verbose_name = _("表决票")
        verbose_name_plural = _("表决票")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "participant"], name="vote_once_per_ballot", violation_error_message=_("每位代表每项只能投一票。")
            ),
        ]


class PollQuerySet(ScopedQuerySet):
    pass


class MenuPoll(models.Model):
    """An optional public preference poll on the menu: one vote per mobile number."""

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="menu_polls"
    )
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    items = models.ManyToManyField("projects.MenuItem", verbose_name=_("候选项目"), related_name="polls")
    max_choices = models.PositiveSmallIntegerField(_("每人最多选"), default=1)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = _("菜单民意征集")
        verbose_name_plural = _("菜单民意征集")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="poll_closes_after_opening",
                violation_error_message=_("结束时间须晚于开始时间。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class PollVote(models.Model):
    """One mobile's choice(s) in a poll; the mobile itself is kept only as a keyed digest."""

    poll = models.ForeignKey(MenuPoll, on_delete=models.CASCADE, related_name="votes")
    mobile_digest = models.CharField(max_length=64, editable=False)
    items = models.ManyToManyField("projects.MenuItem", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("民意投票")
        verbose_name_plural = _("民意投票")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "mobile_digest"], name="poll_vote_one_per_mobile", violation_error_message=_("该手机号已参与过本次征集。")
            ),
        ]
