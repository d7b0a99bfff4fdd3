"""志愿服务 end to end in a real browser (Debian's Chromium via Playwright): issue 5's "Done when".

The organiser of 莲香's 垃圾分类宣传队 (a 社区工作者 account) publishes an
evening 宣传劝导 activity with two shifts. A resident on a phone, with no
account, signs up for the first shift and gets a confirmation code. The
evening comes and goes (the test moves the shift into the past, the one
thing a browser cannot do); the organiser checks the volunteer in at 17:00 and
out at 19:00, confirms the 2 hours in the 服务时长 queue and sees 20 points on
the volunteer's record (10 per hour). The organiser records the volunteer's ID
number, issues a 志愿服务记录证明, downloads the PDF (read back here), and the
resident verifies it on the public page by its number and code.
"""

import datetime as dt
import io
import re

import pytest
from django.db import connections
from django.utils import timezone
from pypdf import PdfReader

from tests.markers import needs_browser
from tests.test_browser import allow_orm_beside_playwright, browser, log_in  # noqa: F401 (fixtures)
from tests.volunteer_factories import TeamFactory
from volunteers.models import (
    Activity,
    ActivityStatus,
    Certificate,
    CertificateStatus,
    HoursStatus,
    PointsKind,
    ServiceHours,
    Signup,
    SignupStatus,
    Volunteer,
)

pytestmark = [pytest.mark.browser, needs_browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
TITLE = "垃圾分类宣传劝导(晚间)"
VOLUNTEER = "陆美华"
MOBILE = "13912345678"
ID_NUMBER = "320571196205080249"  # valid GB 11643 check digit, born 1962, female


def label(text: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(text)}(\s|$)")


def local_input(moment: dt.datetime) -> str:
    """The value a datetime-local input takes, in Asia/Shanghai."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_activity_sign_up_hours_points_and_certificate(cast, live_server, browser):  # noqa: F811 (fixture)
    try:
        _walk_an_activity_through(cast, live_server, browser)
    finally:
        # Playwright's event loop gives the ORM calls their own connection; close it,
        # or PostgreSQL refuses to drop the test database at the end of the run.
        connections.close_all()


def _walk_an_activity_through(cast, live_server, browser) -> None:  # noqa: F811 (fixture)
    team = TeamFactory(street=cast.community.street, community=cast.community, name="垃圾分类宣传队")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    evening = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(17)))

    organiser = browser.new_context(locale="zh-CN").new_page()
    log_in(organiser, live_server, cast.worker.username)
    activity = _publish_with_two_shifts(organiser, team, evening)

    first_shift, second_shift = activity.shifts.order_by("starts_at")
    code = _resident_signs_up_on_a_phone(browser, live_server, activity)
    signup = Signup.objects.get(code=code)
    assert signup.shift_id == first_shift.pk and signup.status == SignupStatus.CONFIRMED
    assert second_shift.signups.count() == 0

    # The evening passes: the first shift now ran from 17:00 to 19:00 yesterday.
    yesterday_evening = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() - dt.timedelta(days=1), dt.time(17))
    )
    first_shift.starts_at = yesterday_evening
    first_shift.ends_at = yesterday_evening + dt.timedelta(hours=2)
    first_shift.save(update_fields=["starts_at", "ends_at"])

    record = _organiser_checks_in_and_out(organiser, activity, signup, yesterday_evening)
    volunteer = _organiser_confirms_two_hours(organiser, record)
    certificate = _certificate_issued_and_downloaded(organiser, volunteer)
    _resident_verifies_the_certificate(browser, live_server, certificate)
    organiser.context.close()


def _publish_with_two_shifts(page, team, evening: dt.datetime) -> Activity:
    """1. Create the activity with its first shift, add a second, publish."""
    page.get_by_role("navigation").get_by_role("link", name="志愿活动").click()
    page.get_by_role("link", name="发起活动").click()
    page.get_by_label(label("活动名称")).fill(TITLE)
    page.get_by_label(label("活动类型")).select_option(label="宣传劝导")
    page.get_by_label(label("组织队伍")).select_option(label=team.name)
    page.get_by_label(label("活动地点")).fill("莲香新村三区 39幢 垃圾分类投放点")
    page.get_by_label(label("活动内容")).fill("在投放点引导居民分类投放,讲解湿垃圾破袋。")
    page.get_by_label(label("第一个班次开始时间")).fill(local_input(evening))
    page.get_by_label(label("第一个班次结束时间")).fill(local_input(evening + dt.timedelta(hours=2)))
    page.get_by_label(label("每班招募人数")).fill("2")
    page.get_by_role("button", name=re.compile("保存|创建|发起")).first.click()
    page.get_by_role("heading", level=1, name=re.compile(re.escape(TITLE))).wait_for()
    activity = Activity.objects.get(title=TITLE)
    assert activity.status == ActivityStatus.DRAFT and activity.shifts.count() == 1

    next_evening = evening + dt.timedelta(days=1)
    page.get_by_label(label("开始时间")).fill(local_input(next_evening))
    page.get_by_label(label("结束时间")).fill(local_input(next_evening + dt.timedelta(hours=2)))
    page.get_by_label(label("招募人数")).fill("2")
    page.get_by_role("button", name="添加班次").click()
    page.get_by_role("button", name="发布活动").click()
    page.get_by_role("heading", level=1, name=re.compile(re.escape(TITLE))).wait_for()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PUBLISHED
    assert activity.shifts.count() == 2
    return activity


def _resident_signs_up_on_a_phone(browser, live_server, activity) -> str:  # noqa: F811 (fixture)
    """2. A resident, no account, 375 px wide: finds the activity and signs up for the first shift."""
    phone = browser.new_context(locale="zh-CN", **PHONE).new_page()
    phone.goto(f"{live_server.url}/serve/")
    phone.get_by_role("link", name=re.compile(re.escape(TITLE))).first.click()
    phone.get_by_label(label("姓名")).fill(VOLUNTEER)
    phone.get_by_label(label("手机号")).fill(MOBILE)
    phone.get_by_role("checkbox").first.check()  # the first (earliest) shift
    phone.get_by_label(re.compile("^我同意")).check()
    phone.get_by_role("button", name=re.compile("报名")).click()
    code = phone.locator(".code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{6}", code), code
    body = phone.locator("body").inner_text()
    assert TITLE in body
    # No sideways scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.context.close()
    return code


def _organiser_checks_in_and_out(page, activity, signup, start: dt.datetime) -> ServiceHours:
    """3. The organiser records 17:00 in and 19:00 out on the activity page."""
    page.goto(page.url.split("/activities/")[0] + f"/activities/{activity.pk}/")
    page.locator(f"#att-in-{signup.pk}").fill(local_input(start))
    page.get_by_role("button", name="签到", exact=True).click()
    page.locator(f"#att-out-{signup.pk}").fill(local_input(start + dt.timedelta(hours=2)))
    page.get_by_role("button", name="签退", exact=True).click()
    page.get_by_role("link", name="120 分钟 · 待确认").wait_for()
    record = ServiceHours.objects.get(signup=signup)
    assert record.minutes == 120 and record.status == HoursStatus.PENDING
    return record


def _organiser_confirms_two_hours(page, record) -> Volunteer:
    """4. 服务时长 queue → 确认; the volunteer's record shows 20 points (2 h × 10)."""
    page.goto(page.url.split("/activities/")[0] + "/activities/hours/")
    row = page.get_by_role("row").filter(has_text=VOLUNTEER)
    row.get_by_role("button", name="确认").click()
    page.locator("ul.messages").wait_for()
    record.refresh_from_db()
    assert record.status == HoursStatus.CONFIRMED

    volunteer = record.volunteer
    page.goto(page.url.split("/activities/")[0] + f"/volunteers/{volunteer.pk}/")
    points = page.get_by_role("region", name="志愿积分")
    assert "当前余额:20 分" in points.inner_text().replace(" ", "").replace("20分", "20 分")
    volunteer.refresh_from_db()
    assert volunteer.points_balance == 20
    entry = volunteer.points_entries.get()
    assert (entry.kind, entry.delta, entry.hours_id) == (PointsKind.HOURS, 20, record.pk)
    return volunteer


def _certificate_issued_and_downloaded(page, volunteer) -> Certificate:
    """5. Record the ID number, issue the certificate, download and read the PDF."""
    base = page.url.split("/volunteers/")[0]
    page.goto(f"{base}/volunteers/{volunteer.pk}/edit/")
    page.get_by_label(label("证件号码")).fill(ID_NUMBER)
    page.get_by_role("button", name="提交").click()
    page.get_by_role("link", name="出具服务证明").wait_for()
    volunteer.refresh_from_db()
    assert volunteer.id_number == ID_NUMBER

    page.get_by_role("link", name="出具服务证明").click()
    page.get_by_role("button", name=re.compile("出具")).click()
    page.get_by_role("link", name="下载 PDF").wait_for()
    certificate = Certificate.objects.get(volunteer=volunteer)
    assert certificate.status == CertificateStatus.READY
    assert certificate.total_minutes == 120

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages)
    assert "志愿服务记录证明" in text
    assert VOLUNTEER in text
    assert "3205**********0249" in text and ID_NUMBER not in text
    assert certificate.number in text and volunteer.number in text
    assert "2.0" in text
    return certificate


def _resident_verifies_the_certificate(browser, live_server, certificate) -> None:  # noqa: F811 (fixture)
    """6. Anyone verifies it by number and code on a phone; a wrong code is refused."""
    phone = browser.new_context(locale="zh-CN", **PHONE).new_page()
    phone.goto(f"{live_server.url}/certificates/verify/")
    phone.get_by_label(label("证明编号")).fill(certificate.number)
    phone.get_by_label(label("验证码")).fill("WRONG234")
    phone.get_by_role("button", name="核验").click()
    assert "有效" not in phone.locator("main").inner_text()

    phone.get_by_label(label("证明编号")).fill(certificate.number)
    phone.get_by_label(label("验证码")).fill(certificate.verification_code)
    phone.get_by_role("button", name="核验").click()
    result = phone.locator("main").inner_text()
    assert "✔ 有效" in result
    assert "2.0" in result
    assert VOLUNTEER not in result  # the holder's name is partly masked (陆*华)
    assert "陆*华" in result
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.context.close()
