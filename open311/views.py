"""Open311 GeoReport v2 endpoints under /open311/v2/, each as .json and .xml.

Views only parse, call a selector or service and write the response; every
failure is an `Open311Error` written in the spec's error shape. No view uses
the session or the logged-in user: reads are public, writes need an api_key,
so CSRF does not apply.
"""

from functools import wraps

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from open311 import selectors, services
from open311.errors import Open311Error
from open311.models import Partner
from open311.render import error_response, respond
from resident_requests.models import PhotoKind, RequestPhoto
from xietang.images import stream_photo
from xietang.public import over_limit

RATE_GROUP = "open311:key"
READ_METHODS = ("GET", "HEAD")


def _param(request: HttpRequest, name: str) -> str:
    value = request.POST.get(name) if request.method == "POST" else None
    return (value or request.GET.get(name) or "").strip()


def open311_endpoint(*methods: str):
    """Method check, the jurisdiction_id check, and errors in the spec's shape, for one endpoint."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            if request.method not in methods:
                # 405 rather than the spec's catch-all 400: HTTP clients know what it means.
                message = _("%(path)s 不支持 %(method)s,请用 %(allowed)s。") % {
                    "path": request.path,
                    "method": request.method,
                    "allowed": ", ".join(m for m in methods if m != "HEAD"),
                }
                return error_response([(405, message)], fmt=fmt, status=405, headers={"Allow": ", ".join(methods)})
            try:
                selectors.check_jurisdiction(_param(request, "jurisdiction_id"))
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return error_response(error.errors, fmt=fmt, status=error.status, headers=error.headers)

        return wrapper

    return decorate


def _base_url(request: HttpRequest) -> str:
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


def _caller(request: HttpRequest) -> Partner | None:
    """A GET may carry the partner's api_key: its own requests then show their free text."""
    plain = request.GET.get("api_key", "").strip()
    return services.key_authenticate(plain).partner if plain else None


def _private(response: HttpResponse) -> HttpResponse:
    # Holds a partner's own free text: no shared cache may keep it.
    patch_cache_control(response, private=True, no_store=True)
    return response


@open311_endpoint(*READ_METHODS)
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    # The endpoint's base URL, wherever xietang/urls.py mounts this app.
    base_path = reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
    return respond(selectors.discovery(endpoint_url=_base_url(request) + base_path), root="discovery", fmt=fmt)


@open311_endpoint(*READ_METHODS)
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return respond(selectors.service_list(), root="services", fmt=fmt)


@open311_endpoint(*READ_METHODS)
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    return respond(selectors.service_definition(service_code), root="service_definition", fmt=fmt)


@open311_endpoint("GET", "HEAD", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    partner = _caller(request)
    rows = selectors.find_requests(request.GET)
    view = selectors.RequestView(base_url=_base_url(request), partner=partner)
    response = respond([view.as_dict(row) for row in rows], root="service_requests", fmt=fmt)
    return _private(response) if partner else response


@open311_endpoint(*READ_METHODS)
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    partner = _caller(request)
    view = selectors.RequestView(base_url=_base_url(request), partner=partner)
    response = respond([view.as_dict(selectors.find_request(service_request_id))], root="service_requests", fmt=fmt)
    return _private(response) if partner else response


@open311_endpoint(*READ_METHODS)
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    submissions = selectors.find_tokens(token, _caller(request))
    data = [{"service_request_id": s.request.tracking_code, "token": s.token} for s in submissions]
    return respond(data, root="service_requests", fmt=fmt)


def _over_limit(request: HttpRequest, api_key_id: int) -> bool:
    """Count this new request against the key's limit (the partner is known by its key).
    With the cache down it goes through: a referral must not be lost to a Redis outage."""
    return over_limit(
        request, group=RATE_GROUP, rate=settings.OPEN311_RATE_KEY, key=lambda group, request: str(api_key_id)
    )


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    api_key = services.key_authenticate(_param(request, "api_key"))
    clean = services.submission_clean(
        partner=api_key.partner, data=request.POST, idempotency_key=request.headers.get("Idempotency-Key", "").strip()
    )
    submission, created = services.submission_replayed(clean), False
    if submission is None:
        # Only new requests count: a repeat must always be able to learn its service_request_id.
        if _over_limit(request, api_key.pk):
            # 429 rather than the spec's catch-all 400, so a client's retry logic backs off.
            raise Open311Error(429, _("提交过于频繁(每个密钥 %(rate)s),请稍后再试。") % {"rate": settings.OPEN311_RATE_KEY})
        submission, created = services.submission_create(api_key=api_key, clean=clean)
    data = [
        {
            "service_request_id": submission.request.tracking_code,
            "service_notice": selectors.time_limit_notice(submission.request.category),
            "account_id": clean.account_id or None,
        }
    ]
    return respond(data, root="service_requests", fmt=fmt, status=201 if created else 200)


def media(request: HttpRequest, signed: str) -> FileResponse:
    """An after-photo (办结照片) named by a GET requests media_url: the finished work, public by design.

    The id is signed, so only photos the API has listed can be fetched; before-photos never.
    """
    if request.method not in READ_METHODS:
        raise Http404
    photo_id = selectors.photo_id_from_token(signed)
    photo = RequestPhoto.objects.filter(pk=photo_id, kind=PhotoKind.AFTER).first() if photo_id else None
    if photo is None:
        raise Http404
    return stream_photo(photo.image, public=True)


@csrf_exempt
def unknown(request: HttpRequest, path: str) -> HttpResponse:
    """Anything else under /open311/v2/: a spec-shaped 404 (XML, the spec's required format, unless .json)."""
    fmt = "json" if path.endswith(".json") else "xml"
    message = _("没有这个资源:/open311/v2/%(path)s。可用:discovery、services、services/{service_code}、requests、"
                "requests/{service_request_id}、tokens/{token},后缀 .json 或 .xml。") % {"path": path[:100]}
    return error_response([(404, message)], fmt=fmt, status=404)
