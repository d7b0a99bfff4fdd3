import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.permissions import staff_required
from communities import selectors

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive. Touches nothing else, so a slow database never kills the pod."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: the database answers and, when configured, Redis does too."""
    checks: dict[str, str] = {}
    failures: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not ready"
        checks["database"] = f"error: {exc.__class__.__name__}"
        failures.append(f"数据库不可用({exc.__class__.__name__})")
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
            failures.append(f"Redis 不可用({exc.__class__.__name__})")
    else:
        checks["redis"] = "not configured"
    if failures:
        logger.warning("readyz failing: %s", checks)
        return JsonResponse({"status": "unavailable", "reason": ";".join(failures), "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})


def home(request: HttpRequest) -> HttpResponse:
    """Residents (no account) land on their services; staff on the overview of their scope."""
    if not request.user.is_authenticated:
        return render(request, "public_home.html")
    return staff_home(request)


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"overview": selectors.scope_overview(request.user)})
