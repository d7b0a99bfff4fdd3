"""factory_boy factories for the three lists, projects and meetings."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from projects.models import (
    Batch,
    Contribution,
    FundingSource,
    Meeting,
    MeetingType,
    MenuItem,
    Milestone,
    Need,
    Participant,
    ParticipantRole,
    Project,
    ProjectCategory,
    ProjectStatus,
    ProjectType,
    Resource,
    ResourceKind,
    TopicSource,
)
from tests.factories import CoBuildingUnitFactory, CommunityFactory


class NeedFactory(DjangoModelFactory):
    class Meta:
        model = Need

    title = factory.Sequence(lambda n: f"楼道加装座椅需求{n}")
    community = factory.SubFactory(CommunityFactory)
    category = ProjectCategory.ELDERLY
    beneficiaries = "30个老人集中的单元"


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"共建资金{n}")
    kind = ResourceKind.MONEY
    amount = Decimal("50000.00")
    provider_unit = factory.SubFactory(CoBuildingUnitFactory)


class MenuItemFactory(DjangoModelFactory):
    class Meta:
        model = MenuItem

    title = factory.Sequence(lambda n: f"候选实事{n}")
    community = factory.SubFactory(CommunityFactory)
    category = ProjectCategory.ELDERLY
    project_type = ProjectType.GOODS


class ProjectFactory(DjangoModelFactory):
    """A project in `status` (default 征集中) for `communities` (default one new community).

    Setting a later status directly is for read-side tests; lifecycle tests walk the services."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"百凳为百姓{n}")
    project_type = ProjectType.GOODS
    category = ProjectCategory.ELDERLY
    description = "为每个楼道口配备户外座椅,方便老人歇脚。"
    budget = Decimal("300000.00")
    planned_quantity = 300
    quantity_unit = "张"
    status = ProjectStatus.COLLECTING

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if not create:
            return
        self.communities.set(extracted if extracted is not None else [CommunityFactory()])


class ContributionFactory(DjangoModelFactory):
    class Meta:
        model = Contribution

    project = factory.SubFactory(ProjectFactory)
    source = FundingSource.UNIT
    unit = factory.SubFactory(CoBuildingUnitFactory)
    amount = Decimal("100000.00")


class BatchFactory(DjangoModelFactory):
    class Meta:
        model = Batch

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    planned_quantity = 100
    delivered_quantity = 0


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory, planned_quantity=None, quantity_unit="")
    title = factory.Sequence(lambda n: f"节点{n}")
    weight = 1
    percent = 0
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    community = factory.SubFactory(CommunityFactory)
    meeting_type = MeetingType.JOINT
    topic = factory.Sequence(lambda n: f"停车难怎么改{n}")
    topic_source = TopicSource.REQUESTS
    held_at = factory.LazyFunction(timezone.now)
    place = "党群服务中心二楼"
    host = "社区书记"


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    role = ParticipantRole.RESIDENT_REPRESENTATIVE
    name = factory.Sequence(lambda n: f"代表{n}")
    can_vote = True


def _rating_digest(rating) -> str:
    from xietang.digests import mobile_digest

    return mobile_digest(rating.mobile)


class ProjectRatingFactory(DjangoModelFactory):
    """A resident's rating of an accepted project, stored as the service stores it:
    the mobile only as its digest and last four digits. `published=True` for a published one."""

    class Meta:
        model = "projects.ProjectRating"
        exclude = ("mobile", "published")

    project = factory.SubFactory(ProjectFactory, status=ProjectStatus.COMPLETED)
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    published = False
    mobile_digest = factory.LazyAttribute(_rating_digest)
    mobile_tail = factory.LazyAttribute(lambda rating: rating.mobile[-4:])
    stars = 5
    status = factory.LazyAttribute(lambda rating: "published" if rating.published else "pending")


# Meetings area: shortlisted menu items, opinions, follow-ups and polls.


class ShortlistedMenuItemFactory(MenuItemFactory):
    """A menu item screened into the menu (入选菜单): what 票决 and polls work on."""

    status = "shortlisted"
    need_reasonable = True
    feasible = True


class OpinionFactory(DjangoModelFactory):
    class Meta:
        model = "projects.Opinion"

    meeting = factory.SubFactory(MeetingFactory)
    role = ParticipantRole.RESIDENT_REPRESENTATIVE
    content = factory.Sequence(lambda n: f"建议在39幢旁增设充电车棚{n}")


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = "projects.FollowUpAction"

    meeting = factory.SubFactory(MeetingFactory)
    description = factory.Sequence(lambda n: f"物业报价并公示{n}")
    owner_name = "物业公司"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))


class MenuPollFactory(DjangoModelFactory):
    """An open poll (opened an hour ago, closes in a week); pass `items=[...]` of its community."""

    class Meta:
        model = "projects.MenuPoll"
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"明年先办哪件实事{n}")
    max_choices = 2
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create and extracted:
            self.items.set(extracted)
