"""Settings read from the environment: production safety and the Chinese locale.

The environment tests run `manage.py` in a subprocess with a clean
environment, because settings are read once per process.
"""

import datetime as dt
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from xietang.settings import DEV_SECRET_KEY

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only what a process needs to start: none of the caller's DATABASE_URL,
    # REDIS_URL, DEBUG... may leak into what is being tested.
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        check=False,
        cwd=BASE_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def random_secret_key(length: int = 64) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_production_refuses_the_development_secret_key():
    result = run_manage("check", DJANGO_ENV="production", SECRET_KEY=DEV_SECRET_KEY, ALLOWED_HOSTS="portal.example.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_missing_secret_key():
    result = run_manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="portal.example.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="portal.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_defaults_off():
    result = run_manage("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_debug_can_be_turned_on_for_development():
    result = run_manage(
        "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)", DEBUG="1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_chinese_language_and_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_dates_render_in_chinese():
    day = dt.date(2026, 11, 21)
    with translation.override("zh-hans"):
        rendered = Template('{{ day|date }}|{{ day|date:"DATE_FORMAT" }}').render(Context({"day": day}))
    assert rendered == "2026年11月21日|2026年11月21日"
