"""Keeps the current request's source IP where the audit log can read it.

Services take `acting_user` explicitly; the IP is transport detail, so it
travels in a context variable instead of through every service signature.
"""

from contextvars import ContextVar

_source_ip: ContextVar[str | None] = ContextVar("source_ip", default=None)


def current_source_ip() -> str | None:
    return _source_ip.get()


def client_ip(request) -> str | None:
    # REMOTE_ADDR is the proxy in production; gunicorn is configured to
    # trust X-Forwarded-For only from the compose network (see docker-compose.yml).
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _source_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _source_ip.reset(token)
