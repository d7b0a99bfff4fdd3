"""Funding, batches, milestones and photos through projects.services.work (DOMAIN.md §4)."""

import datetime as dt
import io
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from accounts.models import Notification
from projects.models import (
    Contribution,
    FundingSource,
    PhotoPair,
    ProjectAction,
    ProjectEvent,
    ProjectStatus,
    ResourceKind,
)
from projects.selectors.progress import figures
from projects.services import work as services
from projects.workflow import WorkflowError
from tests.factories import CoBuildingUnitFactory
from tests.markers import needs_postgres
from tests.project_factories import ProjectFactory, ResourceFactory
from xietang.images import process_image_upload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def funding_project(cast, **kwargs):
    kwargs.setdefault("status", ProjectStatus.FUNDING)
    return ProjectFactory(communities=[cast.community], **kwargs)


def milestone_project(cast, **kwargs):
    return funding_project(cast, planned_quantity=None, quantity_unit="", **kwargs)


def unit_of(*communities, name="苏州银行零售银行总部党委"):
    unit = CoBuildingUnitFactory(name=name)
    unit.communities.set(communities)
    return unit


def events(project, action):
    return list(
        ProjectEvent.objects.filter(project=project, action=action).order_by("pk").values_list("note", flat=True)
    )


def photo(name="before.jpg", *, exif=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", (64, 48), "green")
    if exif is not None:
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "XietangPhone"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 17.0, 36.0)
    gps[3], gps[4] = "E", (120.0, 44.0, 24.0)
    return exif


# Funding


def test_funding_adds_money_and_lists_in_kind_without_counting_it(cast):
    project = funding_project(cast, budget=Decimal("300000"), responsible=cast.secretary)
    bank = unit_of(cast.community)
    design = unit_of(cast.community, name="中衡设计")
    services.contribution_add(
        acting_user=cast.worker, project=project, source=FundingSource.UNIT, unit=bank, amount=Decimal("150000")
    )
    services.contribution_add(
        acting_user=cast.worker, project=project, source=FundingSource.STREET, amount=Decimal("75000.50")
    )
    services.contribution_add(
        acting_user=cast.worker, project=project, source=FundingSource.UNIT, unit=design, in_kind="提供设计方案"
    )
    result = figures(project)
    assert result.funded == Decimal("225000.50")
    assert result.funding_percent == 75
    assert events(project, ProjectAction.CONTRIBUTE) == [
        "苏州银行零售银行总部党委 认领:150000.00 元",
        "街道资金 出资:75000.50 元",
        "中衡设计 认领:提供设计方案",
    ]
    # The responsible secretary hears of each one the worker recorded.
    assert (
        Notification.objects.filter(recipient=cast.secretary, key__startswith=f"project:{project.pk}:event:").count()
        == 3
    )


def test_a_contribution_needs_money_or_in_kind(cast):
    project = funding_project(cast)
    with pytest.raises(ValidationError) as error:
        services.contribution_add(acting_user=cast.worker, project=project, source=FundingSource.COMMUNITY)
    assert "请填写金额或实物/服务内容。" in error.value.messages
    with pytest.raises(ValidationError) as error:
        services.contribution_add(acting_user=cast.worker, project=project, source=FundingSource.UNIT, amount=100)
    assert "共建单位认领须选择单位。" in error.value.messages
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    "status",
    [
        ProjectStatus.COLLECTING,
        ProjectStatus.DELIBERATING,
        ProjectStatus.PENDING_APPROVAL,
        ProjectStatus.PUBLICISING,
        ProjectStatus.CANCELLED,
    ],
)
def test_no_contribution_before_approval_or_after_acceptance(cast, status):
    project = funding_project(cast, status=status)
    with pytest.raises(WorkflowError) as error:
        services.contribution_add(
            acting_user=cast.street_admin, project=project, source=FundingSource.STREET, amount=Decimal("1000")
        )
    assert str(ProjectStatus(status).label) in str(error.value)
    assert not Contribution.objects.exists()
    assert not ProjectEvent.objects.filter(project=project).exists()


@pytest.mark.parametrize(
    "status", [ProjectStatus.FUNDING, ProjectStatus.IMPLEMENTING, ProjectStatus.PENDING_ACCEPTANCE]
)
def test_contributions_from_approval_until_acceptance(cast, status):
    project = funding_project(cast, status=status)
    services.contribution_add(acting_user=cast.secretary, project=project, source=FundingSource.COMMUNITY, amount=500)
    assert project.contributions.count() == 1


@pytest.mark.parametrize("who", ["grid_worker", "street_reviewer", "other_worker"])
def test_only_the_projects_coordinators_and_the_street_admin_record_funding(cast, who):
    project = funding_project(cast)
    with pytest.raises(PermissionDenied):
        services.contribution_add(
            acting_user=getattr(cast, who), project=project, source=FundingSource.STREET, amount=Decimal("1000")
        )
    services.contribution_add(acting_user=cast.street_admin, project=project, source=FundingSource.STREET, amount=1000)
    assert project.contributions.count() == 1


def test_the_unit_must_be_paired_with_one_of_the_projects_communities(cast):
    project = funding_project(cast)
    elsewhere = unit_of(cast.other_community, name="淞渔的共建单位")
    loose = unit_of(name="未结对单位")
    for unit in (elsewhere, loose):
        with pytest.raises(ValidationError) as error:
            services.contribution_add(
                acting_user=cast.street_admin, project=project, source=FundingSource.UNIT, unit=unit, amount=100
            )
        assert error.value.message_dict["unit"] == [f"「{unit.name}」不是本项目所在社区的共建单位。"]
    # A project of both communities may be claimed by a unit of either.
    project.communities.add(cast.other_community)
    services.contribution_add(
        acting_user=cast.street_admin, project=project, source=FundingSource.UNIT, unit=elsewhere, amount=100
    )


def test_a_unit_is_only_named_for_a_unit_claim(cast):
    project = funding_project(cast)
    with pytest.raises(ValidationError) as error:
        services.contribution_add(
            acting_user=cast.worker,
            project=project,
            source=FundingSource.STREET,
            unit=unit_of(cast.community),
            amount=10,
        )
    assert "unit" in error.value.message_dict


# Funding from the 资源清单


def test_allocation_from_a_resource_stops_at_its_remainder(cast):
    project = funding_project(cast)
    bank = unit_of(cast.community)
    resource = ResourceFactory(provider_unit=bank, community=cast.community, amount=Decimal("50000"))
    first = services.contribution_add(
        acting_user=cast.worker, project=project, source=FundingSource.UNIT, resource=resource, amount=Decimal("30000")
    )
    assert first.unit == bank  # the provider is the contributor
    with pytest.raises(ValidationError) as error:
        services.contribution_add(
            acting_user=cast.worker,
            project=project,
            source=FundingSource.UNIT,
            resource=resource,
            amount=Decimal("20000.01"),
        )
    assert error.value.message_dict["amount"] == [f"超出资源「{resource.title}」尚未分配的部分(剩余 20000.00 元)。"]
    services.contribution_add(
        acting_user=cast.worker, project=project, source=FundingSource.UNIT, resource=resource, amount=Decimal("20000")
    )
    assert figures(project).funded == Decimal("50000")


def test_a_money_resource_needs_an_amount_and_its_own_provider(cast):
    project = funding_project(cast)
    resource = ResourceFactory(provider_unit=unit_of(cast.community), community=None)
    with pytest.raises(ValidationError) as error:
        services.contribution_add(
            acting_user=cast.worker, project=project, source=FundingSource.UNIT, resource=resource
        )
    assert error.value.message_dict["amount"] == ["从资金类资源认领须填写金额。"]
    other_unit = unit_of(cast.community, name="同程网络")
    with pytest.raises(ValidationError) as error:
        services.contribution_add(
            acting_user=cast.worker,
            project=project,
            source=FundingSource.UNIT,
            unit=other_unit,
            resource=resource,
            amount=1,
        )
    assert "unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.contribution_add(
            acting_user=cast.worker, project=project, source=FundingSource.STREET, resource=resource, amount=1
        )
    assert "source" in error.value.message_dict
    assert not project.contributions.exists()


def test_resources_of_another_community_withdrawn_or_out_of_date_are_refused(cast):
    project = funding_project(cast)
    unit = unit_of(cast.community, cast.other_community)
    today = TODAY()
    refused = {
        "淞渔": ResourceFactory(provider_unit=unit, community=cast.other_community),
        "撤回": ResourceFactory(provider_unit=unit, community=cast.community, withdrawn=True),
        "过期": ResourceFactory(provider_unit=unit, valid_until=today - dt.timedelta(days=1)),
        "未开始": ResourceFactory(provider_unit=unit, valid_from=today + dt.timedelta(days=1)),
    }
    for label, resource in refused.items():
        with pytest.raises(ValidationError) as error:
            services.contribution_add(
                acting_user=cast.street_admin, project=project, source=FundingSource.UNIT, resource=resource, amount=100
            )
        assert "resource" in error.value.message_dict, label
    # Valid on the contribution's date is what counts.
    services.contribution_add(
        acting_user=cast.street_admin,
        project=project,
        source=FundingSource.UNIT,
        resource=refused["过期"],
        amount=100,
        contributed_on=today - dt.timedelta(days=2),
    )
    # A street-wide resource serves every community.
    services.contribution_add(
        acting_user=cast.worker,
        project=project,
        source=FundingSource.UNIT,
        resource=ResourceFactory(provider_unit=unit),
        amount=100,
    )
    assert project.contributions.count() == 2


def test_materials_are_counted_in_their_quantity_and_described_in_kind(cast):
    project = funding_project(cast)
    resource = ResourceFactory(
        title="户外长椅",
        kind=ResourceKind.MATERIALS,
        amount=None,
        quantity=Decimal("50"),
        unit="张",
        provider_unit=None,
        provider_department="街道城管办",
    )
    with pytest.raises(ValidationError) as error:
        services.contribution_add(
            acting_user=cast.worker, project=project, source=FundingSource.STREET, resource=resource
        )
    assert error.value.message_dict["quantity"] == ["请填写从该资源调用的数量。"]
    taken = services.contribution_add(
        acting_user=cast.worker, project=project, source=FundingSource.STREET, resource=resource, quantity=Decimal("40")
    )
    assert (taken.in_kind, taken.amount, taken.unit) == ("户外长椅 40 张", 0, None)
    with pytest.raises(ValidationError) as error:
        services.contribution_add(
            acting_user=cast.worker,
            project=project,
            source=FundingSource.STREET,
            resource=resource,
            quantity=Decimal("11"),
        )
    assert error.value.message_dict["quantity"] == ["超出资源「户外长椅」尚未分配的部分(剩余 10 张)。"]
    assert figures(project).funded == 0  # in kind: listed, not priced


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_allocations_at_once_cannot_both_take_the_last_of_a_resource(cast):
    unit = unit_of(cast.community)
    resource = ResourceFactory(provider_unit=unit, amount=Decimal("50000"))
    # Two projects, so the project row lock does not serialise them: only the resource lock can.
    first_project, second_project = funding_project(cast), funding_project(cast)
    first_done, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                services.contribution_add(
                    acting_user=cast.worker,
                    project=first_project,
                    source=FundingSource.UNIT,
                    resource=resource,
                    amount=30000,
                )
                first_done.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            services.contribution_add(
                acting_user=cast.worker,
                project=second_project,
                source=FundingSource.UNIT,
                resource=resource,
                amount=30000,
            )
            outcome["second"] = "saved"
        except ValidationError as error:
            outcome["second"] = error.message_dict["amount"][0]
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_done.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.5)
    assert two.is_alive(), "the second allocation must wait for the first one's lock"
    release.set()
    one.join(10)
    two.join(10)
    assert outcome["second"].startswith("超出资源")
    assert Contribution.objects.filter(resource=resource).count() == 1


def test_only_the_street_admin_removes_a_contribution_with_a_reason(cast):
    project = funding_project(cast)
    contribution = services.contribution_add(
        acting_user=cast.worker, project=project, source=FundingSource.STREET, amount=Decimal("1000")
    )
    for user in (cast.worker, cast.secretary, cast.street_reviewer):
        with pytest.raises(PermissionDenied):
            services.contribution_remove(acting_user=user, contribution=contribution, reason="录入错误")
    with pytest.raises(ValidationError):
        services.contribution_remove(acting_user=cast.street_admin, contribution=contribution, reason="  ")
    services.contribution_remove(
        acting_user=cast.street_admin, contribution=contribution, reason="金额录错,应为 10,000 元"
    )
    assert not project.contributions.exists()
    assert events(project, ProjectAction.CONTRIBUTE)[-1] == (
        f"撤销认领与筹资记录:街道资金 1000.00 元({TODAY().year}年{TODAY().month}月{TODAY().day}日)。原因:金额录错,应为 10,000 元"
    )


# Batches


def test_two_batches_of_100_and_120_of_300_are_73_percent(cast):
    project = funding_project(cast, planned_quantity=300, quantity_unit="张")
    first = services.batch_add(acting_user=cast.worker, project=project, planned_quantity=100)
    second = services.batch_add(acting_user=cast.worker, project=project, planned_quantity=120)
    assert (first.number, second.number) == (1, 2)
    services.batch_record_delivery(acting_user=cast.worker, batch=first, delivered_quantity=100)
    services.batch_record_delivery(acting_user=cast.worker, batch=second, delivered_quantity=120)
    result = figures(project)
    assert (result.delivered, result.planned, result.progress_percent) == (220, 300, 73)
    assert events(project, ProjectAction.BATCH) == [
        "安排第一批:计划 100 张",
        "安排第二批:计划 120 张",
        "第一批完成 100 张",
        "第二批完成 120 张",
    ]


def test_batch_plans_stay_within_the_project_plan(cast):
    project = funding_project(cast, planned_quantity=300, quantity_unit="张")
    services.batch_add(acting_user=cast.worker, project=project, planned_quantity=100)
    services.batch_add(acting_user=cast.worker, project=project, planned_quantity=120)
    with pytest.raises(ValidationError) as error:
        services.batch_add(acting_user=cast.worker, project=project, planned_quantity=81)
    assert error.value.message_dict["planned_quantity"] == [
        "各批计划合计不能超过项目计划 300 张(已安排 220 张,尚可安排 80 张)。"
    ]
    last = services.batch_add(acting_user=cast.worker, project=project, planned_quantity=80, planned_end=TODAY())
    assert last.number == 3
    with pytest.raises(ValidationError):
        services.batch_add(acting_user=cast.worker, project=project, planned_quantity=0)


def test_delivery_stays_within_the_batch_plan_and_is_a_running_total(cast):
    project = funding_project(cast, planned_quantity=300, quantity_unit="张", status=ProjectStatus.IMPLEMENTING)
    batch = services.batch_add(acting_user=cast.worker, project=project, planned_quantity=120)
    with pytest.raises(ValidationError) as error:
        services.batch_record_delivery(acting_user=cast.worker, batch=batch, delivered_quantity=121)
    assert error.value.message_dict["delivered_quantity"] == ["完成数量不能超过本批计划 120 张。"]
    with pytest.raises(ValidationError) as error:
        services.batch_record_delivery(
            acting_user=cast.worker, batch=batch, delivered_quantity=10, delivered_on=TODAY() + dt.timedelta(days=1)
        )
    assert "delivered_on" in error.value.message_dict
    services.batch_record_delivery(acting_user=cast.worker, batch=batch, delivered_quantity=60, note="雨天停工两日")
    services.batch_record_delivery(acting_user=cast.worker, batch=batch, delivered_quantity=90)
    batch.refresh_from_db()
    assert (batch.delivered_quantity, batch.delivered_on, batch.note) == (90, TODAY(), "雨天停工两日")
    assert events(project, ProjectAction.BATCH)[-2:] == [
        "第一批已完成 60/120 张。雨天停工两日",
        "第一批已完成 90/120 张",
    ]
    assert figures(project).progress_percent == 30


def test_batches_are_for_quantity_projects_and_milestones_for_the_others(cast):
    quantity = funding_project(cast)
    other = milestone_project(cast)
    with pytest.raises(ValidationError, match="请添加实施节点"):
        services.batch_add(acting_user=cast.worker, project=other, planned_quantity=10)
    with pytest.raises(ValidationError, match="请添加实施批次"):
        services.milestone_add(acting_user=cast.worker, project=quantity, title="设计")


def test_no_batch_before_approval_nor_by_a_grid_worker(cast):
    with pytest.raises(WorkflowError):
        services.batch_add(
            acting_user=cast.worker,
            project=funding_project(cast, status=ProjectStatus.PENDING_APPROVAL),
            planned_quantity=10,
        )
    with pytest.raises(PermissionDenied):
        services.batch_add(acting_user=cast.grid_worker, project=funding_project(cast), planned_quantity=10)


# Milestones


def test_milestone_progress_is_the_weighted_roll_up(cast):
    project = milestone_project(cast)
    design = services.milestone_add(acting_user=cast.worker, project=project, title="设计方案", weight=1)
    works = services.milestone_add(
        acting_user=cast.worker, project=project, title="施工", weight=3, due_on=TODAY() + dt.timedelta(days=30)
    )
    services.milestone_add(acting_user=cast.worker, project=project, title="验收准备", weight=1)
    assert figures(project).progress_percent == 0
    services.milestone_update(acting_user=cast.worker, milestone=design, percent=100)
    services.milestone_update(acting_user=cast.worker, milestone=works, percent=50)
    # (1×100 + 3×50 + 1×0) / 5 = 50
    assert figures(project).progress_percent == 50
    design.refresh_from_db()
    assert design.done_on == TODAY()
    today = TODAY()
    assert events(project, ProjectAction.MILESTONE)[-2:] == [
        f"节点「设计方案」已完成({today.year}年{today.month}月{today.day}日)",
        "节点「施工」完成 50%",
    ]


def test_milestone_percent_and_done_date_rules(cast):
    project = milestone_project(cast)
    milestone = services.milestone_add(acting_user=cast.worker, project=project, title="施工")
    with pytest.raises(ValidationError):
        services.milestone_update(acting_user=cast.worker, milestone=milestone, percent=101)
    with pytest.raises(ValidationError) as error:
        services.milestone_update(acting_user=cast.worker, milestone=milestone, percent=60, done_on=TODAY())
    assert "done_on" in error.value.message_dict
    services.milestone_update(
        acting_user=cast.worker, milestone=milestone, percent=100, done_on=TODAY() - dt.timedelta(days=3)
    )
    services.milestone_update(acting_user=cast.worker, milestone=milestone, percent=80)  # reopened: no longer done
    milestone.refresh_from_db()
    assert (milestone.percent, milestone.done_on) == (80, None)
    with pytest.raises(ValidationError):
        services.milestone_add(acting_user=cast.worker, project=project, title="调试", weight=0)


# Photos


def test_a_before_photo_then_the_after_photo_of_the_same_spot(cast):
    project = funding_project(cast)
    batch = services.batch_add(acting_user=cast.worker, project=project, planned_quantity=100)
    pair = services.photo_pair_add(
        acting_user=cast.worker,
        project=project,
        caption="3幢楼道口",
        before=process_image_upload(photo(exif=phone_exif())),
        batch=batch,
    )
    assert pair.before_image and pair.before_thumbnail and not pair.after_image
    with pair.before_image.open("rb") as stored:
        image = Image.open(stored)
        assert image.format == "JPEG"
        assert not image.getexif(), "EXIF (device, GPS) must be stripped"
    services.photo_pair_add_after(acting_user=cast.worker, pair=pair, after=process_image_upload(photo("after.jpg")))
    pair.refresh_from_db()
    assert pair.after_image and pair.after_thumbnail
    with pytest.raises(ValidationError):
        services.photo_pair_add_after(
            acting_user=cast.worker, pair=pair, after=process_image_upload(photo("again.jpg"))
        )
    assert events(project, ProjectAction.PHOTO) == ["上传实施前照片:3幢楼道口", "上传实施后照片:3幢楼道口"]


def test_a_photo_pair_needs_a_photo_and_its_own_projects_batch(cast):
    project = funding_project(cast)
    other_batch = services.batch_add(acting_user=cast.worker, project=funding_project(cast), planned_quantity=5)
    with pytest.raises(ValidationError):
        services.photo_pair_add(acting_user=cast.worker, project=project, caption="3幢")
    with pytest.raises(ValidationError) as error:
        services.photo_pair_add(
            acting_user=cast.worker,
            project=project,
            caption="3幢",
            before=process_image_upload(photo()),
            batch=other_batch,
        )
    assert "batch" in error.value.message_dict
    assert not PhotoPair.objects.exists()


def test_removing_a_pair_deletes_its_files_once_committed(cast, django_capture_on_commit_callbacks):
    project = funding_project(cast)
    pair = services.photo_pair_add(
        acting_user=cast.worker, project=project, caption="3幢", before=process_image_upload(photo())
    )
    storage, name = pair.before_image.storage, pair.before_image.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_pair_remove(acting_user=cast.worker, pair=pair)
    assert not PhotoPair.objects.exists()
    assert not storage.exists(name)
    with pytest.raises(PermissionDenied):
        services.photo_pair_add(
            acting_user=cast.street_reviewer, project=project, caption="3幢", before=process_image_upload(photo())
        )


def test_chinese_ordinals():
    from projects.models.projects import chinese_ordinal

    assert [chinese_ordinal(n) for n in (1, 2, 10, 11, 20, 23, 99, 100)] == [
        "一",
        "二",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
        "100",
    ]
