"""A community worker walks the grid tree in a real browser (Debian's Chromium via Playwright).

The pages must work without JavaScript, so this checks what a person sees:
the masked ID number, the 404 page for another community's resident, and the
API answering 404 for it in the same logged-in browser session.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import PASSWORD
from tests.markers import chromium_path, needs_browser

pytestmark = [pytest.mark.browser, needs_browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOT = Path("/tmp/xietang-resident-phone.png")
# The last character of an ID number is a check digit, which may be X.
MASKED_ID = re.compile(r"^\d{4}\*+\d{3}[\dX]$")


@pytest.fixture(scope="module", autouse=True)
def allow_orm_beside_playwright():
    # Playwright's sync API keeps an asyncio loop running in this thread, and
    # Django refuses ORM calls from a thread with a running loop unless told.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + reverse("home"))


def test_community_worker_walks_to_a_resident_and_cannot_reach_another_community(cast, live_server, browser):
    worker = cast.worker  # 社区工作者 of 莲香, password tests.factories.PASSWORD
    assert worker.role == Role.COMMUNITY_WORKER and worker.community == cast.community
    resident = cast.resident
    outsider = cast.outsider_resident

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, worker.username)

    # The nav says 社区网格 to street staff and 本社区 to community staff; a
    # community worker lands straight on their own community.
    page.get_by_role("navigation").get_by_role("link", name=re.compile("社区网格|本社区")).click()
    page.wait_for_url(re.compile(r"/places/"))
    if page.url.endswith(reverse("communities:community_list")):
        page.get_by_role("link", name=str(cast.community), exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == str(cast.community)

    page.get_by_role("link", name=str(cast.grid), exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == str(cast.grid)

    page.get_by_role("link", name=cast.building.number, exact=True).click()  # 39幢
    assert page.get_by_role("heading", level=1).inner_text() == str(cast.building)

    page.get_by_role("link", name=f"{cast.household.room}室", exact=True).click()  # 301室
    page.get_by_role("link", name=resident.name, exact=True).click()
    page.wait_for_url(live_server.url + reverse("communities:resident_detail", args=[resident.pk]))
    assert page.get_by_role("heading", level=1).inner_text() == resident.name

    masked = page.get_by_test_id("masked-id").inner_text().strip()
    assert MASKED_ID.match(masked), masked
    assert masked[:4] == resident.id_number[:4] and masked[-4:] == resident.id_number[-4:]
    assert resident.id_number not in page.content()

    # Another community's resident: the 404 page, not a 403 that confirms the record exists.
    response = page.goto(live_server.url + reverse("communities:resident_detail", args=[outsider.pk]))
    assert response.status == 404
    assert "页面不存在" in page.get_by_role("heading", level=1).inner_text()
    assert outsider.name not in page.content()

    # The API shares the browser's session cookie: own resident yes, outsider 404.
    api_own = page.request.get(f"{live_server.url}/api/v1/residents/{resident.pk}/")
    assert api_own.status == 200, api_own.text()
    assert resident.name in api_own.text()
    assert resident.id_number not in api_own.text()  # masked in the API too
    api_outsider = page.request.get(f"{live_server.url}/api/v1/residents/{outsider.pk}/")
    assert api_outsider.status == 404
    assert outsider.name not in api_outsider.text()

    context.close()


def test_resident_page_is_readable_on_a_phone(cast, live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, cast.worker.username)

    page.goto(live_server.url + reverse("communities:resident_detail", args=[cast.resident.pk]))
    assert page.get_by_role("heading", level=1).inner_text() == cast.resident.name
    # Nothing wider than the phone: no sideways scrolling on the detail page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
    context.close()
