"""Public pages (no account): report a request, track it, rate it; 随手拍 for registered reporters.

DOMAIN.md §3 (接诉即办) and §10 (elderly-friendly pages). A resident has no
account, so what a browser may see lives in its session: the codes it has just
submitted (the done page) and the requests it unlocked with code + mobile tail
(tracking, rating, photos). Anything else answers 404, as if it did not exist.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from communities.models import Building, Community, Compound
from resident_requests import selectors, services
from resident_requests.forms_public import RatingForm, SnapForm, SubmitForm, TrackForm
from resident_requests.models import (
    DONE_STATES,
    Channel,
    PhotoKind,
    Reporter,
    RequestPhoto,
    ResidentRequest,
    Status,
)
from resident_requests.workflow import WorkflowError
from xietang.forms import add_service_errors
from xietang.images import stream_photo
from xietang.public import HONEYPOT, over_limit, public_page

# Session keys. SUBMITTED maps a just-submitted code to the page to go back to
# ("" for /report/, the reporter's own page for 随手拍).
SUBMITTED_KEY = "public_submitted"
UNLOCKED_KEY = "public_unlocked"
REMEMBERED_MAX = 20

# The submit button that only reloads the form with the next level of places (no JavaScript).
PLACE_STEP = "place_step"

REPORT_GROUP_IP = "requests:report-ip"
REPORT_GROUP_MOBILE = "requests:report-mobile"
TRACK_GROUP_IP = "requests:track-ip"

PHOTO_SIZES = {"thumb": "thumbnail", "full": "image"}


# Helpers


def _report_limited(request: HttpRequest, mobile: str) -> bool:
    if over_limit(request, group=REPORT_GROUP_IP, rate=settings.REQUEST_RATE_IP):
        return True
    # The key is hashed into the cache key by django-ratelimit: no mobile number is stored in the cache.
    return over_limit(
        request, group=REPORT_GROUP_MOBILE, rate=settings.REQUEST_RATE_MOBILE, key=lambda group, request: mobile
    )


def _too_many(request: HttpRequest, message: str) -> HttpResponse:
    phones = Community.objects.exclude(phone="").only("name", "phone")
    return render(
        request,
        "resident_requests/public/rate_limited.html",
        {"message": message, "community_phones": phones},
        status=429,
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "resident_requests/public/not_found.html", status=404)


def _refused(request: HttpRequest) -> HttpResponse:
    """The honeypot was filled: nothing is created, and the answer gives nothing away."""
    return render(request, "resident_requests/public/refused.html", status=400)


def _remember_submitted(request: HttpRequest, code: str, back_url: str = "") -> None:
    submitted = dict(request.session.get(SUBMITTED_KEY, {}))
    submitted.pop(code, None)
    submitted[code] = back_url
    request.session[SUBMITTED_KEY] = dict(list(submitted.items())[-REMEMBERED_MAX:])


def _unlock(request: HttpRequest, request_id: int) -> None:
    unlocked = [pk for pk in request.session.get(UNLOCKED_KEY, []) if pk != request_id]
    request.session[UNLOCKED_KEY] = [*unlocked, request_id][-REMEMBERED_MAX:]


def _unlocked_ids(request: HttpRequest) -> list[int]:
    return list(request.session.get(UNLOCKED_KEY, []))


def _initial_from_post(request: HttpRequest) -> dict:
    """The typed values, to redraw the form after a "下一步" reload without showing errors."""
    skip = {"csrfmiddlewaretoken", HONEYPOT, PLACE_STEP}
    return {key: request.POST.get(key) for key in request.POST if key not in skip}


def _submitted_with(token: str) -> ResidentRequest | None:
    # A second POST of the same form (double click, refresh) must not count against the rate limits.
    return ResidentRequest.objects.filter(submission_token=token).only("tracking_code").first()


def _create_and_redirect(
    request: HttpRequest, form: SubmitForm | SnapForm, *, back_url: str = "", **fields
) -> HttpResponse | None:
    """Create (or find) the request of a valid form and redirect to its done page.

    None when the service refused the data: its errors are on the form.
    """
    token = str(form.cleaned_data["submission_token"])
    resident_request = _submitted_with(token)
    if resident_request is None:
        if _report_limited(request, fields["contact_mobile"]):
            return _too_many(request, _("提交过于频繁,请稍后再试或拨打社区电话。"))
        try:
            resident_request, _created = services.request_create(
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"].strip(),
                photos=form.cleaned_data["photos"],
                submission_token=token,
                acting_user=None,
                **form.place_fields(),
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return None
    _remember_submitted(request, resident_request.tracking_code, back_url)
    return redirect("requests:submitted", code=resident_request.tracking_code)


# Report


def _render_submit(request: HttpRequest, form: SubmitForm, *, photos_dropped: bool = False) -> HttpResponse:
    return render(
        request,
        "resident_requests/public/submit.html",
        {"form": form, "photos_dropped": photos_dropped, "honeypot": HONEYPOT, "place_step": PLACE_STEP},
    )


@never_cache
@public_page
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_submit(request, SubmitForm(initial={"submission_token": uuid.uuid4()}))
    if request.POST.get(HONEYPOT):
        return _refused(request)
    if PLACE_STEP in request.POST:
        return _render_submit(
            request, SubmitForm(initial=_initial_from_post(request)), photos_dropped=bool(request.FILES)
        )
    form = SubmitForm(request.POST, request.FILES)
    if form.is_valid():
        response = _create_and_redirect(
            request,
            form,
            channel=Channel.ONLINE,
            contact_name=form.cleaned_data["contact_name"],
            contact_mobile=form.cleaned_data["contact_mobile"],
            hide_name_from_handlers=form.cleaned_data["hide_name_from_handlers"],
        )
        if response is not None:
            return response
    return _render_submit(request, form, photos_dropped=bool(request.FILES))


@never_cache
@public_page
@require_GET
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    """The done page, only for the browser that submitted: a guessed code shows nothing."""
    submitted_codes = request.session.get(SUBMITTED_KEY, {})
    if code not in submitted_codes:
        return _not_found(request)
    return render(
        request,
        "resident_requests/public/submitted.html",
        {
            "code": code,
            "track_url": f"{reverse('requests:track')}?{urlencode({'code': code})}",
            "back_url": submitted_codes[code],
        },
    )


# 随手拍


@never_cache
@public_page
@require_http_methods(["GET", "POST"])
def snap(request: HttpRequest, token: str) -> HttpResponse:
    """A registered reporter's own page (a secret link, no account); contact data come from the reporter."""
    reporter = Reporter.objects.filter(token=token, is_active=True).select_related("community").first()
    if reporter is None:
        return _not_found(request)
    photos_dropped = bool(request.FILES)
    if request.method == "GET":
        form = SnapForm(initial={"submission_token": uuid.uuid4(), "community": reporter.community_id})
    elif request.POST.get(HONEYPOT):
        return _refused(request)
    elif PLACE_STEP in request.POST:
        form = SnapForm(initial=_initial_from_post(request))
    else:
        form = SnapForm(request.POST, request.FILES)
        if form.is_valid():
            response = _create_and_redirect(
                request,
                form,
                back_url=request.path,
                channel=Channel.SNAPSHOT,
                reporter=reporter,
                contact_name=reporter.name,
                contact_mobile=reporter.mobile,
            )
            if response is not None:
                return response
    return render(
        request,
        "resident_requests/public/snap.html",
        {
            "form": form,
            "reporter": reporter,
            "photos_dropped": photos_dropped,
            "honeypot": HONEYPOT,
            "place_step": PLACE_STEP,
        },
    )


# Tracking


@never_cache
@public_page
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Code + the last 4 digits of the mobile unlock a request for this browser session."""
    if request.method == "GET":
        form = TrackForm(initial={"code": request.GET.get("code", "")[:20]})
        return render(request, "resident_requests/public/track.html", {"form": form})
    # Every attempt counts, right or wrong: the tail has only 10,000 values.
    if over_limit(request, group=TRACK_GROUP_IP, rate=settings.TRACK_RATE_IP):
        return _too_many(request, _("查询过于频繁,请稍后再试或拨打社区电话。"))
    form = TrackForm(request.POST)
    if form.is_valid():
        found = (
            ResidentRequest.objects.filter(
                tracking_code=form.cleaned_data["code"],
                contact_mobile__endswith=form.cleaned_data["mobile_tail"],
            )
            .only("pk", "tracking_code")
            .first()
        )
        if found is not None:
            _unlock(request, found.pk)
            return redirect("requests:track_detail", code=found.tracking_code)
        # One answer for a wrong code and a wrong tail: it must not confirm that a code exists.
        form.add_error(None, _("未找到,请核对编号和手机号后四位。"))
    return render(request, "resident_requests/public/track.html", {"form": form})


def _track_context(resident_request: ResidentRequest, rating_form: RatingForm | None) -> dict:
    target = resident_request.merged_into if resident_request.status == Status.MERGED else None
    rateable = resident_request.status in DONE_STATES and resident_request.resident_rated_at is None
    return {
        "r": resident_request,
        "timeline": selectors.public_timeline(resident_request),
        "after_photos": resident_request.photos.filter(kind=PhotoKind.AFTER),
        # A duplicate follows the case it was merged into: the resident sees that case's
        # progress and outcome, never its description or its resident.
        "merged_target": target,
        "merged_target_done": target is not None and target.status in DONE_STATES,
        "merged_target_photos": target.photos.filter(kind=PhotoKind.AFTER) if target else [],
        "rating_form": (rating_form or RatingForm()) if rateable else None,
        "rated": resident_request.resident_rated_at is not None,
    }


@never_cache
@public_page
@require_http_methods(["GET", "POST"])
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    resident_request = (
        ResidentRequest.objects.filter(pk__in=_unlocked_ids(request), tracking_code=code)
        .select_related("category", "merged_into")
        .first()
    )
    if resident_request is None:
        # Locked (or unknown: the same answer): ask for the mobile tail first.
        return redirect(f"{reverse('requests:track')}?{urlencode({'code': code})}")
    rating_form = None
    if request.method == "POST":
        rating_form = RatingForm(request.POST)
        if rating_form.is_valid():
            if resident_request.status not in DONE_STATES:
                messages.error(request, _("诉求办结后才能评价,请耐心等待。"))
                return redirect("requests:track_detail", code=code)
            try:
                services.request_rate(request=resident_request, **rating_form.cleaned_data)
            except WorkflowError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("感谢您的评价!您的意见会帮助我们改进工作。"))
            return redirect("requests:track_detail", code=code)
    return render(
        request, "resident_requests/public/track_detail.html", _track_context(resident_request, rating_form)
    )


# Places and photos


@require_GET
def place_options(request: HttpRequest) -> JsonResponse:
    """`?community=<id>` → its compounds; `?compound=<id>` → its buildings. Names only: the place tree is public."""

    def _id(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    compound_id, community_id = _id("compound"), _id("community")
    if compound_id is not None:
        rows = Building.objects.filter(compound_id=compound_id).values_list("pk", "number")
    elif community_id is not None:
        rows = Compound.objects.filter(community_id=community_id).values_list("pk", "name")
    else:
        return JsonResponse({"error": _("请提供 community 或 compound 参数。")}, status=400)
    response = JsonResponse([{"id": pk, "name": name} for pk, name in rows], safe=False)
    patch_cache_control(response, public=True, max_age=300)
    return response


def _photo_for(request: HttpRequest, pk: int) -> RequestPhoto | None:
    photos = RequestPhoto.objects.filter(pk=pk)
    staff_photo = photos.visible_to(request.user).first()
    if staff_photo is not None:
        return staff_photo
    unlocked = _unlocked_ids(request)
    if not unlocked:
        return None
    # Own unlocked request: any photo. The case it was merged into: after-photos only,
    # so no resident sees another's before-photos.
    return photos.filter(
        Q(request_id__in=unlocked) | Q(kind=PhotoKind.AFTER, request__merged_requests__pk__in=unlocked)
    ).first()


@require_GET
def photo(request: HttpRequest, pk: int, size: str) -> FileResponse:
    """Stream a stored photo: media is never served directly in production."""
    if size not in PHOTO_SIZES:
        raise Http404
    found = _photo_for(request, pk)
    if found is None:
        raise Http404
    return stream_photo(getattr(found, PHOTO_SIZES[size]))
