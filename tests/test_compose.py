"""docker-compose.yml, Dockerfile and .env.example agree with what the code reads.

No Docker engine is needed: the files are parsed and compared with the names
xietang/settings.py (and gunicorn.conf.py) read from the environment, so a
renamed or misspelt variable fails here instead of being ignored in production.
"""

import re
import runpy
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
SERVICES = ("web", "worker", "beat", "db", "redis")

_ENV_CALL = re.compile(r"""\b(?:env_str|env_bool|env_int|env_list)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
_OS_ENV = re.compile(
    r"""os\.(?:environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']"""
)
_ENV_LINE = re.compile(r"^#?([A-Z][A-Z0-9_]*)=")


def names_read_by(path: Path, pattern: re.Pattern) -> set[str]:
    return {name for match in pattern.finditer(path.read_text()) for name in match.groups() if name}


SETTINGS_NAMES = names_read_by(BASE_DIR / "xietang" / "settings.py", _ENV_CALL) | names_read_by(
    BASE_DIR / "xietang" / "settings.py", _OS_ENV
)
GUNICORN_NAMES = names_read_by(BASE_DIR / "gunicorn.conf.py", _OS_ENV)
KNOWN_NAMES = SETTINGS_NAMES | GUNICORN_NAMES


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def env_example_names() -> list[str]:
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    return [m.group(1) for line in lines if (m := _ENV_LINE.match(line))]


def environment_names(service: dict) -> set[str]:
    environment = service.get("environment") or {}
    if isinstance(environment, dict):
        return set(environment)
    return {item.split("=", 1)[0] for item in environment}


def env_files(service: dict) -> list[str]:
    env_file = service.get("env_file") or []
    entries = [env_file] if isinstance(env_file, (str, dict)) else env_file
    return [entry["path"] if isinstance(entry, dict) else entry for entry in entries]


def test_the_grep_finds_the_settings_names():
    # Guards the test itself: if settings stop using the env_* helpers, this fails loudly.
    assert {"DJANGO_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "LOG_LEVEL"} <= SETTINGS_NAMES
    assert GUNICORN_NAMES == {"WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "LOG_LEVEL"}


def test_all_services_exist(compose):
    assert set(SERVICES) <= set(compose["services"])


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_app_services_pass_only_names_the_code_reads(compose, name):
    service = compose["services"][name]
    assert env_files(service) == [".env"]
    unknown = environment_names(service) - KNOWN_NAMES
    assert not unknown, f"{name} passes variables nothing reads: {sorted(unknown)}"
    assert service["build"] == "."


def test_env_example_documents_exactly_what_the_code_reads():
    names = env_example_names()
    assert len(names) == len(set(names)), "a variable is listed twice"
    unknown = set(names) - KNOWN_NAMES
    assert not unknown, f".env.example lists variables nothing reads: {sorted(unknown)}"
    undocumented = SETTINGS_NAMES - set(names)
    assert not undocumented, f"settings.py reads variables .env.example does not document: {sorted(undocumented)}"
    assert GUNICORN_NAMES - {"LOG_LEVEL"} <= set(names)


def test_commands(compose):
    services = compose["services"]
    assert services["worker"]["command"][:5] == ["celery", "-A", "xietang", "worker", "-l"]
    assert services["beat"]["command"][:5] == ["celery", "-A", "xietang", "beat", "-l"]
    web = " ".join(services["web"]["command"])
    assert "collectstatic --noinput" in web
    assert "gunicorn -c gunicorn.conf.py xietang.wsgi" in web
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_media_volume_is_shared_at_media_root(compose):
    media_root = compose["services"]["web"]["environment"]["MEDIA_ROOT"]
    for name in ("web", "worker"):
        service = compose["services"][name]
        assert service["environment"]["MEDIA_ROOT"] == media_root
        assert f"media:{media_root}" in service["volumes"]
    assert "media" in compose["volumes"]


def test_beat_keeps_its_schedule_in_a_volume(compose):
    beat = compose["services"]["beat"]
    schedule = beat["command"][beat["command"].index("--schedule") + 1]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in beat["volumes"]}
    directory = str(Path(schedule).parent)
    assert directory in mounts and mounts[directory] in compose["volumes"]


def test_healthchecks(compose):
    services = compose["services"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "ping" in " ".join(services["redis"]["healthcheck"]["test"])
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["db"]["volumes"])


def test_dockerfile_runs_as_a_user_with_chinese_fonts():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    assert "pip install -r /tmp/requirements.txt" in dockerfile
    assert "fonts-noto-cjk" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}


def test_gunicorn_config():
    namespace = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    assert namespace["bind"] == "0.0.0.0:8000"
    assert namespace["accesslog"] == "-"
    assert namespace["forwarded_allow_ips"]
    assert isinstance(namespace["workers"], int) and namespace["workers"] >= 1
