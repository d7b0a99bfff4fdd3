"""Shared by every public page (no account): the 长辈版 switch, the honeypot field and rate limits.

Used by resident requests (/report/, /track/, /snap/), public project pages and polls.
"""

import ipaddress
import logging
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from xietang.middleware import client_ip

logger = logging.getLogger(__name__)

ELDER_COOKIE = "xt_elder"
ELDER_COOKIE_AGE = 365 * 24 * 3600
# Filled only by bots: a person never sees it (CSS, aria-hidden, tabindex=-1).
HONEYPOT = "website"


def public_page(view):
    """`?mode=elder` / `?mode=standard` on any public page sets the 长辈版 cookie and reloads the page.

    A plain link, so the large-text mode works without JavaScript (DOMAIN.md §10).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        mode = request.GET.get("mode")
        if request.method == "GET" and mode in ("elder", "standard"):
            query = request.GET.copy()
            del query["mode"]
            response = redirect(request.path + (f"?{query.urlencode()}" if query else ""))
            if mode == "elder":
                response.set_cookie(
                    ELDER_COOKIE,
                    "1",
                    max_age=ELDER_COOKIE_AGE,
                    samesite="Lax",
                    httponly=True,
                    secure=request.is_secure(),
                )
            else:
                response.delete_cookie(ELDER_COOKIE, samesite="Lax")
            return response
        return view(request, *args, **kwargs)

    return wrapper


def ip_key(group: str, request: HttpRequest) -> str:
    """The client address as xietang.middleware trusts it; IPv6 by /64, what one subscriber holds."""
    address = client_ip(request) or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def over_limit(request: HttpRequest, *, group: str, rate: str, key=ip_key) -> bool:
    """Count this attempt and say whether the limit is exceeded.

    If the cache is down the attempt is let through: a resident reporting a gas
    leak matters more than a flood we would notice in the inbox anyway.
    """
    try:
        return is_ratelimited(request, group=group, key=key, rate=rate, method=ALL, increment=True)
    except (RedisError, OSError):
        logger.exception("rate limit %s not checked: cache unavailable", group)
        return False
