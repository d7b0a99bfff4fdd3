"""Keeps the current request's source IP where the audit log can read it.

Services take `acting_user` explicitly; the IP is transport detail, so it
travels in a context variable instead of through every service signature.
"""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

_source_ip: ContextVar[str | None] = ContextVar("source_ip", default=None)


def current_source_ip() -> str | None:
    return _source_ip.get()


def _is_trusted_proxy(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXY_NETWORKS)


def client_ip(request) -> str | None:
    """The resident-facing address for the audit log.

    Behind the reverse proxy REMOTE_ADDR is the proxy. X-Forwarded-For is
    believed only when the peer is a trusted proxy (TRUSTED_PROXIES), and then
    only its last hop, the one our proxy appended: earlier hops are client-supplied.
    """
    remote = request.META.get("REMOTE_ADDR")
    if _is_trusted_proxy(remote):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _source_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _source_ip.reset(token)
