"""Skip helpers for tests that need a service a developer's laptop may lack.

On a fresh machine with only Python, tests that need Redis or Chromium are
skipped, with the reason shown by `pytest -ra`. CI sets REQUIRE_REDIS=1 and
REQUIRE_BROWSER=1: there the same tests are never skipped, so a missing
service fails the run instead of passing it silently.

Use the marks (`@needs_redis`, `@needs_browser`) on the test, and take the
service from `redis_url()` / `chromium_path()`, which fail with a clear
message when the service is required but absent.
"""

import os
from pathlib import Path

import pytest
from django.db import connection

CHROMIUM = Path("/usr/bin/chromium")

_TRUE = {"1", "true", "yes", "on"}


def _required(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def _redis_configured() -> bool:
    return bool(os.environ.get("REDIS_URL", "").strip())


def _chromium_present() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


needs_redis = pytest.mark.skipif(
    not _redis_configured() and not _required("REQUIRE_REDIS"),
    reason="REDIS_URL is not set (export REDIS_URL=redis://127.0.0.1:6379/0 to run; CI sets REQUIRE_REDIS=1)",
)

needs_browser = pytest.mark.skipif(
    not _chromium_present() and not _required("REQUIRE_BROWSER"),
    reason=f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk to run; CI sets REQUIRE_BROWSER=1)",
)


def redis_url() -> str:
    """REDIS_URL, or a test failure when Redis is required (REQUIRE_REDIS=1) but not configured."""
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        pytest.fail("REQUIRE_REDIS=1 but REDIS_URL is not set: CI must start Redis and export REDIS_URL")
    return url


def chromium_path() -> str:
    """Debian's Chromium, or a test failure when the browser is required (REQUIRE_BROWSER=1) but absent."""
    if not _chromium_present():
        pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    return str(CHROMIUM)

# Row locks and concurrent inserts behave for real only on PostgreSQL (SQLite
# serialises writers anyway); CI runs the suite on PostgreSQL, so there they run.
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent writes need PostgreSQL (CI runs on it)"
)
