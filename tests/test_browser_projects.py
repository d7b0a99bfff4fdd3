"""微实事 end to end in a real browser (Debian's Chromium via Playwright): issue 4's "Done when".

A 社区工作者 of 莲香 ticks two resident requests in the inbox and lists them as
evidence for a new need; registers 苏州银行's money offer in the 资源清单; puts
the need on the 实事菜单 and screens it in; records a meeting where three
representatives vote the item through; drafts the project from the menu
(货物类, 300 张), links the meeting to it and sends it up (征集 → 评议 →
提请立项); the street reviewer approves it (立项); the worker records the
bank's 认领 from its offer, starts the work, reports two batches (100 and 120
of 300) and a before/after photo pair. A resident on a phone, not logged in,
reads 73% (220/300) and sees both photos on the public page, without sideways
scrolling.

The 票决 comes before the project is drafted: only an item still 入选菜单 can be
voted on (projects.services.meetings.ballot_record), and drafting the project
turns it into 已转为项目.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from projects.models import (
    Batch,
    Contribution,
    FundingSource,
    Meeting,
    MenuBallot,
    MenuItem,
    MenuStatus,
    Need,
    NeedSource,
    NeedStatus,
    PhotoPair,
    Project,
    ProjectStatus,
    ProjectType,
    Resource,
    ResourceKind,
)
from tests.factories import (
    CoBuildingUnitFactory,
    ensure_seeded_categories,
    make_request,
)
from tests.markers import needs_browser
from tests.test_browser import allow_orm_beside_playwright, browser, log_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, needs_browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
BANK = "苏州银行"
NEED_TITLE = "39幢楼道口加装座椅"
OFFER_TITLE = "苏州银行共建资金"
PROJECT_TITLE = "百凳为百姓:楼道口户外座椅"
MEETING_TOPIC = "楼道口加装座椅怎么装"
REPRESENTATIVES = ("周桂兰", "陈国强", "沈玉珍")
PUBLIC_SUMMARY = "居民代表票决通过:每个楼道口配一张户外座椅,分批安装,苏州银行出资。"
PLACE = "39幢1单元楼道口"
APPROVAL_NOTE = "同意立项,资金由苏州银行认领。"
CLAIM_NOTE = "认领百凳项目,分两年拨付"


def label(text: str) -> re.Pattern:
    """A field's label, with or without the required mark after it."""
    return re.compile(rf"^{re.escape(text)}(\s|$)")


def jpeg(path, colour: str) -> str:
    Image.new("RGB", (1200, 900), colour).save(path, "JPEG")
    return str(path)


def status_text(page) -> str:
    """The messages after a redirect (`<ul class="messages" role="status">` in base.html)."""
    return page.locator("ul.messages").inner_text()


def at(path: str) -> re.Pattern:
    """The page's URL is `path` on the live server, whatever its port, with or without a fragment."""
    return re.compile(rf"^http://[^/]+{re.escape(path)}(#.*)?$")


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def image_loaded(page, image) -> bool:
    """Scroll a (lazy) image into view, wait for it, and say whether the browser decoded it."""
    image.scroll_into_view_if_needed()
    handle = image.element_handle()
    page.wait_for_function("(img) => img.complete", arg=handle)
    return page.evaluate("(img) => img.naturalWidth", handle) > 0


def test_need_to_sponsored_project_shown_on_a_phone(cast, live_server, browser, tmp_path):  # noqa: F811 (fixture)
    try:
        _walk_a_project_through(cast, live_server, browser, tmp_path)
    finally:
        # Under Playwright's running event loop the ORM calls above get their own
        # connection (asgiref keys it by context); close it, or PostgreSQL refuses
        # to drop the test database at the end of the run.
        connections.close_all()


def _walk_a_project_through(cast, live_server, browser, tmp_path) -> None:  # noqa: F811 (fixture)
    ensure_seeded_categories()  # an earlier transaction=True test may have flushed them
    evidence = [
        make_request(community=cast.community, building=cast.building, description="楼道口没有座椅,老人买菜回来没处歇脚"),
        make_request(
            community=cast.community, building=cast.building, code="utilities", description="希望在39幢门口放几张凳子"
        ),
    ]
    unticked = make_request(community=cast.community, building=cast.building, description="楼下垃圾桶满了没人清")
    bank = CoBuildingUnitFactory(name=BANK)
    bank.communities.add(cast.community)

    worker = browser.new_context(locale="zh-CN").new_page()
    log_in(worker, live_server, cast.worker.username)
    need = _need_from_two_requests(worker, cast, evidence, unticked)
    offer = _bank_offer(worker, cast, bank)
    item = _menu_item_screened_in(worker, need)
    meeting = _meeting_votes_the_item_through(worker, item)
    project = _project_drafted_from_the_menu(worker, cast, need, item)
    _meeting_linked_to_the_project(worker, meeting, project, need, evidence)
    _sent_up_and_approved(worker, browser, live_server, cast, project)
    _bank_claims_and_work_is_reported(worker, cast, project, offer, bank, tmp_path)
    _public_page_on_a_phone(browser, live_server, project)
    worker.context.close()


def _need_from_two_requests(worker, cast, evidence, unticked) -> Need:
    """1. Tick two requests in the inbox and list them as evidence for a new 需求清单 item."""
    worker.get_by_role("navigation").get_by_role("link", name="居民诉求").click()
    for request in evidence:
        worker.get_by_role("checkbox", name=f"选择 {request.tracking_code}").check()
    worker.get_by_role("button", name="把勾选的诉求列入需求清单").click()
    worker.wait_for_url(re.compile(r"/needs/evidence/\?"))
    assert heading(worker) == f"列入需求清单 · {cast.community}"
    chosen = worker.get_by_role("main").get_by_role("list").first.inner_text()
    assert all(request.tracking_code in chosen for request in evidence)
    assert unticked.tracking_code not in chosen
    assert worker.get_by_label("已有需求").input_value() == ""  # (新建需求)
    worker.get_by_label(label("新需求名称")).fill(NEED_TITLE)
    worker.get_by_label(label("受益对象")).fill("39幢 80户")
    worker.get_by_role("button", name="列入需求清单", exact=True).click()
    worker.wait_for_url(at(reverse("requests:inbox")))
    assert f"已将 2 件诉求列为需求「{NEED_TITLE}」的依据。" in status_text(worker)

    need = Need.objects.get(title=NEED_TITLE)
    assert (need.community, need.status, need.source, need.created_by) == (
        cast.community,
        NeedStatus.OPEN,
        NeedSource.REQUESTS,
        cast.worker,
    )
    assert need.beneficiaries == "39幢 80户"
    assert set(need.evidence_requests.all()) == set(evidence)
    return need


def _bank_offer(worker, cast, bank) -> Resource:
    """2. 资源清单: 苏州银行 offers 500,000 元 to 莲香."""
    worker.get_by_role("navigation").get_by_role("link", name="三张清单").click()
    worker.get_by_role("navigation", name="三张清单").get_by_role("link", name="资源清单").click()
    worker.get_by_role("link", name="登记资源").click()
    assert heading(worker) == "登记资源"
    worker.get_by_label(label("资源")).fill(OFFER_TITLE)
    worker.get_by_label(label("资源类型")).select_option(label="资金")
    worker.get_by_label(label("适用类别")).select_option(label="适老与助老")
    worker.get_by_label(label("提供单位")).select_option(label=BANK)
    assert worker.get_by_label(label("面向社区")).input_value() == str(cast.community.pk)
    worker.get_by_label(label("金额(元)")).fill("500000")
    worker.get_by_label(label("说明")).fill("用于莲香社区适老化微实事")
    worker.get_by_role("button", name="保存", exact=True).click()
    assert heading(worker) == OFFER_TITLE
    assert f"已登记资源「{OFFER_TITLE}」。" in status_text(worker)
    assert "未分配 500000.00 元" in worker.get_by_role("main").inner_text()

    offer = Resource.objects.get(title=OFFER_TITLE)
    assert (offer.kind, offer.amount, offer.provider_unit, offer.community) == (
        ResourceKind.MONEY,
        Decimal("500000.00"),
        bank,
        cast.community,
    )
    return offer


def _menu_item_screened_in(worker, need) -> MenuItem:
    """3a. The need goes on the 实事菜单 and is screened in: 需求合理, 切实可行 → 入选菜单."""
    worker.get_by_role("navigation").get_by_role("link", name="三张清单").click()  # the 需求清单 tab
    worker.get_by_role("link", name=NEED_TITLE, exact=True).click()
    worker.get_by_role("link", name="列入实事菜单").click()
    worker.wait_for_url(re.compile(rf"/menu/new/\?needs={need.pk}$"))
    needs = worker.get_by_role("group", name=label("对应需求"))
    assert needs.get_by_label(NEED_TITLE, exact=True).is_checked()
    assert worker.get_by_label(label("候选项目")).input_value() == NEED_TITLE
    worker.get_by_label(label("候选项目")).fill(PROJECT_TITLE)
    worker.get_by_label(label("类别")).select_option(label="适老与助老")
    worker.get_by_label(label("项目类型")).select_option(label="货物类")
    worker.get_by_label(label("内容")).fill("每个楼道口配一张户外座椅,方便老人歇脚。")
    worker.get_by_label(label("估算金额(元)")).fill("300000")
    worker.get_by_role("button", name="保存", exact=True).click()
    assert PROJECT_TITLE in heading(worker) and "待筛选" in heading(worker)

    worker.get_by_role("group", name=label("需求合理")).get_by_label("是", exact=True).check()
    worker.get_by_role("group", name=label("切实可行")).get_by_label("是", exact=True).check()
    worker.get_by_label(label("筛选意见")).fill("老人集中的楼道口需求明确,共建资金可覆盖。")
    worker.get_by_role("button", name="提交筛选结果").click()
    assert "筛选结果:入选菜单。" in status_text(worker)
    assert "入选菜单" in heading(worker)

    item = MenuItem.objects.get(title=PROJECT_TITLE)
    assert (item.status, item.need_reasonable, item.feasible, item.screened_by) == (
        MenuStatus.SHORTLISTED,
        True,
        True,
        need.created_by,
    )
    assert list(item.needs.all()) == [need]
    assert item.project_type == ProjectType.GOODS and item.estimated_budget == Decimal("300000.00")
    return item


def _meeting_votes_the_item_through(worker, item) -> Meeting:
    """4a. A 居民议事会 with three voting representatives and the property company; 票决 2:1, passed."""
    worker.get_by_role("navigation").get_by_role("link", name="协商议事").click()
    worker.get_by_role("link", name="登记协商议事").click()
    worker.get_by_label(label("会议类型")).select_option(label="居民议事会/阳光议事厅")
    worker.get_by_label(label("议题")).fill(MEETING_TOPIC)
    worker.get_by_label(label("议题来源")).select_option(label="需求清单")
    held_at = timezone.localtime() - dt.timedelta(days=1)
    worker.get_by_label(label("时间")).fill(held_at.strftime("%Y-%m-%dT%H:%M"))
    worker.get_by_label(label("地点")).fill("莲香社区党群服务中心")
    worker.get_by_label(label("主持人")).fill("社区书记")
    worker.get_by_role("button", name="保存", exact=True).click()
    assert heading(worker) == MEETING_TOPIC

    add = worker.locator("form").filter(has=worker.get_by_role("heading", name="添加参会人员"))
    for name in REPRESENTATIVES:
        add.get_by_label(label("身份")).select_option(label="居民代表")
        add.get_by_label(label("姓名")).fill(name)
        add.get_by_label(label("单位或楼栋")).fill("39幢")
        add.get_by_label(label("有表决权")).check()
        add.get_by_role("button", name="添加", exact=True).click()
        assert "已添加参会人员。" in status_text(worker)
    add.get_by_label(label("身份")).select_option(label="物业")
    add.get_by_label(label("姓名")).fill("物业经理")
    add.get_by_role("button", name="添加", exact=True).click()
    assert "参会人员(4 人,其中有表决权 3 人)" in worker.get_by_role("main").inner_text()

    worker.get_by_role("link", name="实事菜单票决").click()
    assert heading(worker) == "实事菜单票决"
    worker.get_by_label(label("表决项目(入选菜单)")).select_option(label=PROJECT_TITLE)
    for name, choice in zip(REPRESENTATIVES, ("赞成", "赞成", "反对"), strict=True):
        voter = worker.get_by_role("group", name=re.compile("^" + re.escape(f"{name}(居民代表)")))
        voter.get_by_label(choice, exact=True).check()
    worker.get_by_role("button", name="保存票决结果").click()
    assert f"已记录票决:「{PROJECT_TITLE}」赞成 2、反对 1、弃权 0,通过。" in status_text(worker)
    tally = worker.locator("table.ballot-table").get_by_role("row", name=re.compile(re.escape(PROJECT_TITLE)))
    assert tally.get_by_role("cell").all_inner_texts()[:5] == ["2", "1", "0", "3", "通过"]

    worker.get_by_role("link", name="记录议定事项和纪要").click()
    worker.get_by_label(label("改不改")).fill("改:每个楼道口配一张座椅")
    worker.get_by_label(label("怎么改")).fill("分批采购安装,先装老人集中的楼道")
    worker.get_by_label(label("谁来改")).fill("苏州银行出资,社区组织安装,物业管护")
    worker.get_by_label(label("公开摘要")).fill(PUBLIC_SUMMARY)
    worker.get_by_role("button", name="保存", exact=True).click()
    assert "已保存议定事项和会议纪要。" in status_text(worker)

    meeting = Meeting.objects.get(topic=MEETING_TOPIC)
    assert meeting.participants.filter(can_vote=True).count() == 3 and meeting.participants.count() == 4
    ballot = MenuBallot.objects.get(meeting=meeting, menu_item=item)
    assert (ballot.votes_for, ballot.votes_against, ballot.votes_abstain, ballot.eligible, ballot.passed) == (
        2,
        1,
        0,
        3,
        True,
    )
    return meeting


def _project_drafted_from_the_menu(worker, cast, need, item) -> Project:
    """3b. 转为项目: the plan comes from the menu item; 300 张, budget 300,000 元."""
    worker.get_by_role("navigation").get_by_role("link", name="三张清单").click()
    worker.get_by_role("navigation", name="三张清单").get_by_role("link", name="实事菜单").click()
    worker.get_by_role("link", name=PROJECT_TITLE, exact=True).click()
    worker.get_by_role("link", name="转为项目").click()
    worker.wait_for_url(re.compile(rf"/manage/projects/new/\?menu_item={item.pk}$"))
    assert worker.get_by_label(label("项目名称")).input_value() == PROJECT_TITLE
    assert worker.get_by_role("checkbox", name=str(cast.community), exact=True).is_checked()
    assert worker.get_by_role("checkbox", name=re.compile("^" + re.escape(NEED_TITLE))).is_checked()
    assert worker.get_by_label(label("项目类型")).input_value() == ProjectType.GOODS
    worker.get_by_label(label("计划数量")).fill("300")
    worker.get_by_label(label("数量单位")).fill("张")
    worker.get_by_label(label("预算(元)")).fill("300000")
    worker.get_by_label(label("受益对象")).fill("39幢 80户")
    worker.get_by_role("button", name="保存", exact=True).click()
    assert "项目已登记,处于征集阶段。" in status_text(worker)
    assert PROJECT_TITLE in heading(worker) and "征集中" in heading(worker)

    project = Project.objects.get(title=PROJECT_TITLE)
    assert (project.status, project.menu_item, project.project_type) == (
        ProjectStatus.COLLECTING,
        item,
        ProjectType.GOODS,
    )
    assert (project.planned_quantity, project.quantity_unit, project.budget) == (300, "张", Decimal("300000.00"))
    assert list(project.communities.all()) == [cast.community] and list(project.needs.all()) == [need]
    item.refresh_from_db()
    need.refresh_from_db()
    assert (item.status, need.status) == (MenuStatus.ADOPTED, NeedStatus.PLANNED)
    return project


def _meeting_linked_to_the_project(worker, meeting, project, need, evidence) -> None:
    """4b. The meeting is linked to the project, its need and the requests; the project page lists it."""
    worker.get_by_role("navigation").get_by_role("link", name="协商议事").click()
    worker.get_by_role("link", name=MEETING_TOPIC, exact=True).click()
    worker.get_by_role("link", name="关联需求、诉求和项目").click()
    worker.get_by_role("group", name=label("相关需求")).get_by_label(NEED_TITLE, exact=True).check()
    worker.get_by_role("group", name=label("相关项目")).get_by_label(PROJECT_TITLE, exact=True).check()
    worker.get_by_label(label("相关诉求编号")).fill(" ".join(request.tracking_code for request in evidence))
    worker.get_by_role("button", name="保存", exact=True).click()
    assert "已更新相关需求、诉求和项目。" in status_text(worker)
    assert set(meeting.projects.all()) == {project} and set(meeting.needs.all()) == {need}
    assert set(meeting.requests.all()) == set(evidence)

    worker.get_by_role("link", name=PROJECT_TITLE, exact=True).click()
    meetings = worker.get_by_role("heading", name="协商议事(1 次)", exact=True)
    assert meetings.count() == 1
    assert worker.get_by_role("rowheader", name=MEETING_TOPIC).count() == 1


def _act(page, slug: str, button: str, note: str = "") -> None:
    form = page.locator(f"#action-{slug}")
    if note:
        form.get_by_label(re.compile(r"^(说明|理由)")).fill(note)
    form.get_by_role("button", name=button, exact=True).click()


def _sent_up_and_approved(worker, browser, live_server, cast, project) -> None:  # noqa: F811 (fixture)
    """5. 征集 → 评议 → 提请立项 by the worker; the street reviewer approves (立项)."""
    _act(worker, "deliberate", "提交评议", "议事会票决通过")
    assert "已提交居民议事评议。" in status_text(worker) and "评议中" in heading(worker)
    _act(worker, "submit", "提请立项")
    assert "已提请街道立项审批。" in status_text(worker) and "待立项" in heading(worker)
    # No skipping the street: the community cannot approve its own project.
    assert worker.locator("#action-approve").count() == 0

    reviewer = browser.new_context(locale="zh-CN").new_page()
    log_in(reviewer, live_server, cast.street_reviewer.username)
    reviewer.get_by_role("navigation").get_by_role("link", name="微实事").click()
    reviewer.get_by_role("link", name=PROJECT_TITLE, exact=True).click()
    assert "待立项" in heading(reviewer)
    _act(reviewer, "approve", "立项", APPROVAL_NOTE)
    assert "已立项,进入认领筹资。" in status_text(reviewer) and "认领筹资" in heading(reviewer)
    project.refresh_from_db()
    assert (project.status, project.approved_by) == (ProjectStatus.FUNDING, cast.street_reviewer)
    assert project.approved_at is not None
    reviewer.context.close()


def _bank_claims_and_work_is_reported(worker, cast, project, offer, bank, tmp_path) -> None:
    """6. 认领 from the bank's offer, 开始实施, batches of 100 and 120 delivered, a before/after pair."""
    worker.reload()
    assert "认领筹资" in heading(worker)

    claim = worker.locator("#form-contribution")
    assert claim.get_by_label(label("来源")).input_value() == FundingSource.UNIT
    claim.get_by_label(label("共建单位")).select_option(label=BANK)
    claim.get_by_label(label("从资源清单调用")).select_option(label=f"{BANK} · {OFFER_TITLE}(剩余 500000.00 元)")
    claim.get_by_label(label("金额(元)")).fill("300000")
    claim.get_by_label(label("备注")).fill(CLAIM_NOTE)
    claim.get_by_role("button", name="登记", exact=True).click()
    assert "已登记认领与筹资。" in status_text(worker)
    work = worker.locator("#work")
    assert "已筹 300000.00 元 / 预算 300000.00 元 · 100%" in work.inner_text()
    contribution = Contribution.objects.get(project=project)
    assert (contribution.source, contribution.unit, contribution.resource, contribution.amount) == (
        FundingSource.UNIT,
        bank,
        offer,
        Decimal("300000.00"),
    )
    # The offer keeps what was not drawn, and the bank's page lists what it sponsored.
    offers = worker.locator("#form-contribution").get_by_label(label("从资源清单调用"))
    assert offers.locator("option", has_text=OFFER_TITLE).inner_text() == f"{BANK} · {OFFER_TITLE}(剩余 200000.00 元)"
    work.get_by_role("link", name=BANK, exact=True).click()
    assert heading(worker) == BANK
    sponsored = worker.locator("section", has=worker.get_by_role("heading", name="认领与出资的项目"))
    assert "共 1 个项目,出资 300000.00 元" in sponsored.inner_text()
    sponsored.get_by_role("link", name=PROJECT_TITLE, exact=True).click()
    assert "认领筹资" in heading(worker)

    _act(worker, "start", "开始实施")
    assert "已开始实施。" in status_text(worker) and "实施中" in heading(worker)

    for planned in (100, 120):
        batch_form = worker.locator("#form-batch")
        batch_form.get_by_label(label("本批计划数量")).fill(str(planned))
        batch_form.get_by_role("button", name="添加批次").click()
        assert "已添加实施批次。" in status_text(worker)
    assert "各批计划合计 220/300 张" in work.inner_text()
    assert "尚可安排 80 张" in worker.locator("#form-batch").inner_text()

    for batch_name, delivered in (("第一批", 100), ("第二批", 120)):
        row = work.get_by_role("row").filter(has=worker.get_by_role("rowheader", name=batch_name, exact=True))
        row.get_by_label(label("累计完成数量")).fill(str(delivered))
        row.get_by_role("button", name="保存", exact=True).click()
        assert f"已登记{batch_name}完成情况。" in status_text(worker)
    assert "220/300 张 · 73%" in work.inner_text()
    assert list(project.batches.order_by("number").values_list("planned_quantity", "delivered_quantity")) == [
        (100, 100),
        (120, 120),
    ]

    photo = worker.locator("#form-photo")
    photo.get_by_label(label("位置或说明")).fill(PLACE)
    photo.get_by_label(label("实施前照片")).set_input_files(jpeg(tmp_path / "before.jpg", "grey"))
    photo.get_by_label(label("所属批次")).select_option(label="第一批")
    photo.get_by_role("button", name="上传", exact=True).click()
    assert "已上传前后对比照片。" in status_text(worker)
    pair_panel = work.locator("li.panel").filter(has=worker.get_by_role("heading", name=re.compile(re.escape(PLACE))))
    pair_panel.get_by_label(label("实施后照片")).set_input_files(jpeg(tmp_path / "after.jpg", "seagreen"))
    pair_panel.get_by_role("button", name="上传实施后照片").click()
    assert f"已上传「{PLACE}」实施后照片。" in status_text(worker)
    for side in ("实施前", "实施后"):
        assert image_loaded(worker, work.get_by_role("img", name=f"{PLACE} {side}", exact=True))

    pair = PhotoPair.objects.get(project=project)
    assert pair.batch == Batch.objects.get(project=project, number=1)
    assert pair.before_image and pair.after_image and pair.before_thumbnail and pair.after_thumbnail
    project.refresh_from_db()
    assert project.status == ProjectStatus.IMPLEMENTING


def _public_page_on_a_phone(browser, live_server, project) -> None:  # noqa: F811 (fixture)
    """7. A resident on a phone, no account: 73% (220/300), the sponsor, the meeting, both photos."""
    resident = browser.new_context(locale="zh-CN", **PHONE).new_page()
    resident.goto(live_server.url + reverse("projects:public_list"))
    resident.get_by_role("link", name=re.compile(re.escape(PROJECT_TITLE))).first.click()
    resident.wait_for_url(at(reverse("projects:public_detail", args=[project.pk])))
    assert heading(resident) == PROJECT_TITLE

    # The words say it all (已完成 220/300 张 · 73%); the bar, labelled by them, repeats it.
    progress = resident.get_by_role("progressbar", name="已完成 220/300 张 · 73%", exact=True)
    assert progress.get_attribute("value") == "73"
    assert progress.is_visible()
    text = resident.get_by_role("main").inner_text()
    assert "实施中" in text and BANK in text and PUBLIC_SUMMARY in text and NEED_TITLE in text
    # What stays internal: names at the meeting, the notes on steps and on the contribution.
    for internal in (*REPRESENTATIVES, APPROVAL_NOTE, CLAIM_NOTE):
        assert internal not in text, internal

    for side in ("实施前", "实施后"):
        photo = resident.get_by_role("img", name=f"{PLACE},{side}", exact=True)
        assert photo.count() == 1
        assert image_loaded(resident, photo), side
    assert resident.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    resident.context.close()
