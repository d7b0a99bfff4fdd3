"""接诉即办 end to end in a real browser (Debian's Chromium via Playwright).

A resident submits from a phone-sized screen with a photo and gets a code; a
社区工作者 accepts and dispatches to the 网格员; the 网格员 signs for it and
closes it with an after-photo; the resident tracks it, sees it closed and
rates it; the street reviewer's summary shows the rates change.
"""

import io
import re

import pytest
from django.db import connections
from django.urls import reverse
from PIL import Image

from resident_requests.models import PhotoKind, ResidentRequest, Status
from tests.factories import ensure_seeded_categories
from tests.markers import needs_browser
from tests.test_browser import allow_orm_beside_playwright, browser, log_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, needs_browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
MOBILE = "13912345678"


def jpeg(colour: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(buffer, "JPEG")
    return {"name": f"{colour}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def label(text: str) -> re.Pattern:
    """A field's label, with or without the required mark after it."""
    return re.compile(rf"^{re.escape(text)}(\s|$)")


def lianxiang_summary_row(page, live_server) -> str:
    page.goto(live_server.url + reverse("requests:summary"))
    return page.get_by_role("row", name=re.compile(r"^莲香")).inner_text()


def test_request_from_phone_to_rating(cast, live_server, browser):  # noqa: F811 (fixture)
    try:
        _walk_a_request_through(cast, live_server, browser)
    finally:
        # Under Playwright's running event loop the ORM calls above get their own
        # connection (asgiref keys it by context); close it, or PostgreSQL refuses
        # to drop the test database at the end of the run.
        connections.close_all()


def _walk_a_request_through(cast, live_server, browser) -> None:  # noqa: F811 (fixture)
    ensure_seeded_categories()  # an earlier transaction=True test may have flushed them
    # The street reviewer looks at this month's summary first: nothing rated in 莲香 yet.
    reviewer = browser.new_context(locale="zh-CN").new_page()
    log_in(reviewer, live_server, cast.street_reviewer.username)
    before = lianxiang_summary_row(reviewer, live_server)

    # 1. A resident on a phone, no account.
    resident = browser.new_context(locale="zh-CN", **PHONE).new_page()
    resident.goto(live_server.url + reverse("requests:submit"))
    resident.get_by_label("环境卫生").check()
    resident.get_by_label(label("诉求内容")).fill("39幢楼道里堆满了旧家具,老人上下楼不方便")
    resident.get_by_label(label("社区")).select_option(label=str(cast.community))
    # The inline script fills the compound and building lists from /places/options/.
    resident.get_by_label(label("小区")).select_option(label=cast.building.compound.name)
    resident.get_by_label(label("楼栋")).select_option(label=cast.building.number)
    resident.get_by_label(label("照片")).set_input_files([jpeg("red")])
    resident.get_by_label(label("您的姓名")).fill("王秀英")
    resident.get_by_label(label("手机号")).fill(MOBILE)
    resident.get_by_label(re.compile("我同意斜塘街道")).check()
    assert resident.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    resident.get_by_role("button", name="提交诉求", exact=True).click()
    resident.wait_for_url(re.compile(r"/report/done/XT\d{10}/$"))
    code = re.search(r"XT\d{10}", resident.url).group(0)
    assert code in resident.content()
    request = ResidentRequest.objects.get(tracking_code=code)
    assert (request.building, request.status) == (cast.building, Status.SUBMITTED)
    assert request.photos.filter(kind=PhotoKind.BEFORE).count() == 1

    # 2. The 社区工作者 accepts and dispatches to the grid's 网格员.
    worker = browser.new_context(locale="zh-CN").new_page()
    log_in(worker, live_server, cast.worker.username)
    worker.get_by_role("navigation").get_by_role("link", name="居民诉求").click()
    worker.get_by_role("link", name=code).click()
    worker.locator("#action-accept").get_by_role("button", name="受理", exact=True).click()
    assert "已受理" in worker.get_by_role("heading", level=1).inner_text()
    dispatch = worker.locator("#action-dispatch")
    dispatch.get_by_label("承办方类型").select_option(label="网格员")
    dispatch.get_by_label("承办人").select_option(label=f"{cast.grid_worker.display_name}(网格员)")
    dispatch.get_by_role("button", name="派单", exact=True).click()
    assert "已派单" in worker.get_by_role("heading", level=1).inner_text()

    # 3. The 网格员 signs for it and closes it with an after-photo.
    grid_worker = browser.new_context(locale="zh-CN", **PHONE).new_page()
    log_in(grid_worker, live_server, cast.grid_worker.username)
    grid_worker.goto(live_server.url + reverse("requests:inbox") + "?scope=mine")
    grid_worker.get_by_role("link", name=code).click()
    grid_worker.locator("#action-sign").get_by_role("button", name="签收", exact=True).click()
    resolve = grid_worker.locator("#action-resolve")
    resolve.get_by_label("办理结果").fill("已联系物业清运旧家具,楼道恢复通畅。")
    resolve.get_by_label("办结照片").set_input_files([jpeg("green")])
    resolve.get_by_role("button", name="办结", exact=True).click()
    assert "已办结" in grid_worker.get_by_role("heading", level=1).inner_text()

    # 4. The resident tracks it with the code and the mobile's last four digits, and rates it.
    resident.goto(live_server.url + reverse("requests:track"))
    resident.get_by_label(label("受理编号")).fill(code)
    resident.get_by_label(label("手机号后四位")).fill(MOBILE[-4:])
    resident.get_by_role("button", name="查询").click()
    resident.wait_for_url(re.compile(rf"/track/{code}/$"))
    assert "已办结" in resident.content()
    assert cast.grid_worker.display_name not in resident.content()  # no staff names in public
    after_photo = resident.get_by_role("img", name=re.compile("办结"))
    assert after_photo.count() == 1
    assert resident.evaluate("(img) => img.naturalWidth", after_photo.element_handle()) > 0
    resident.get_by_role("group", name="办理人员联系过您吗?").get_by_label("是").check()
    resident.get_by_role("group", name="问题解决了吗?").get_by_label("是").check()
    resident.get_by_label(label("满意")).check()
    resident.get_by_role("button", name=re.compile("提交评价")).click()
    assert "感谢" in resident.content()
    request.refresh_from_db()
    assert (request.status, request.callback_satisfaction) == (Status.CALLED_BACK, "satisfied")

    # 5. The summary now counts the callback: 100% 响应/解决/满意 for 莲香.
    after = lianxiang_summary_row(reviewer, live_server)
    assert after != before
    assert after.count("100.0%") >= 3, after
    for page in (reviewer, resident, worker, grid_worker):
        page.context.close()
