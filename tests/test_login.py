"""Staff login: Chinese pages, lockout after repeated failures, idle expiry."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client):
    content = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-Hans">' in content
    assert "工作人员登录" in content and "居民无需登录" in content


def test_staff_logs_in_and_lands_on_home(cast, client):
    response = client.post(reverse("login"), {"username": "worker", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "您的工作范围:莲香社区" in response.content.decode()


def test_wrong_password_is_explained(cast, client):
    response = client.post(reverse("login"), {"username": "worker", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()


def test_repeated_failures_lock_the_account(cast, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "worker", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "worker", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sessions_expire_after_inactivity():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # every request pushes the expiry: idle timeout, not absolute


def test_logout_needs_post_and_ends_the_session(cast, login):
    client = login(cast.worker)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    # Logged out, the home page is the residents' landing page again, not the staff overview.
    response = client.get(reverse("home"))
    assert "overview" not in response.context and "提交诉求" in response.content.decode()


def test_staff_names_read_in_chinese_order(db):
    from tests.factories import UserFactory

    assert UserFactory(username="zt", role="", last_name="周", first_name="婷").display_name == "周婷"
    assert UserFactory(username="nameless", role="", last_name="", first_name="").display_name == "nameless"
