"""Consultation meetings (协商议事), representative votes (票决) and public preference polls. DOMAIN.md §5.

Staff pages (in scope; the community's coordinators and 街道管理员 write, others read):
    /meetings/                       list with counts of meetings and opinions
    /meetings/new/, <pk>/edit/       the basic record
    /meetings/<pk>/                  detail: participants, opinions, outcome, follow-ups, ballots, photos, links
    /meetings/<pk>/outcome/          decision (改不改、怎么改、谁来改), minutes, feedback, public summary
    /meetings/<pk>/links/            needs, requests and projects of the same community
    /meetings/<pk>/ballot/           票决 on a shortlisted menu item
    /meetings/<pk>/…/                one POST per small change (participants, opinions, follow-ups, photos)
    /meetings/photos/<id>/<size>/    photos streamed by Django
    /manage/polls/…                  public preference polls: create, edit before the first vote, close, results
Public (no account): /polls/, /polls/<pk>/.

Each view: visible_to (404 outside scope) → role (403) → form → service → redirect.
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import staff_required
from communities.models import CoBuildingUnit, Community
from projects.forms.meetings import (
    AdoptForm,
    BallotForm,
    FollowUpDoneForm,
    FollowUpForm,
    LinksForm,
    MeetingFilter,
    MeetingForm,
    OpinionForm,
    OutcomeForm,
    ParticipantForm,
    PhotoForm,
    PhotoPublicForm,
    PollForm,
    PollVoteForm,
)
from projects.models import (
    FollowUpAction,
    Meeting,
    MeetingPhoto,
    MenuItem,
    MenuPoll,
    MenuStatus,
    Need,
    Opinion,
    Participant,
    Project,
)
from projects.permissions import can_manage_community
from projects.selectors import meetings as selectors
from projects.services import meetings as services
from resident_requests.models import ResidentRequest
from xietang.forms import add_service_errors
from xietang.images import stream_photo
from xietang.public import HONEYPOT, over_limit, public_page
from xietang.scoping import get_visible_or_404

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
PHOTO_SIZES = {"thumb": "thumbnail", "full": "image"}
POLL_GROUP_IP = "polls:vote-ip"
# Polls this browser voted in: only to say "thank you" instead of showing the form again.
POLL_VOTED_KEY = "polls_voted"
REMEMBERED_MAX = 20
# Closed polls stay on the public list this long, with their results.
PUBLIC_LIST_DAYS = 90


# Shared pieces


def _can_create(user: User) -> bool:
    """Coordinators for their community, 街道管理员 for any; never 网格员 or 街道审阅."""
    return can_manage_community(user, user.community_id)


def _writable_communities(user: User):
    return Community.objects.visible_to(user).order_by("code")


def _meeting_or_404(request: HttpRequest, pk: int, *, detail: bool = False) -> Meeting:
    queryset = Meeting.objects.select_related("community")
    if detail:
        queryset = selectors.meeting_detail_queryset(queryset)
    return get_visible_or_404(queryset, request.user, pk=pk)


def _writable_meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    meeting = _meeting_or_404(request, pk)
    if not services.can_write_meeting(request.user, meeting):
        raise PermissionDenied
    return meeting


def _child_or_404(related_manager, pk: int):
    """A participant, opinion, follow-up or photo of a meeting already fetched in scope."""
    found = related_manager.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _detail_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("projects:meeting_detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# List


def _meeting_filter(request: HttpRequest) -> MeetingFilter:
    meeting_filter = MeetingFilter(
        request.GET, queryset=Meeting.objects.visible_to(request.user), request=request
    )
    if not request.user.is_street_level:
        # Community staff see one community: a choice of one is noise.
        meeting_filter.filters.pop("community", None)
    for name in ("held_from", "held_to"):
        meeting_filter.form.fields[name].widget.input_type = "date"
    return meeting_filter


@staff_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    meeting_filter = _meeting_filter(request)
    filtered = meeting_filter.qs
    page = Paginator(selectors.meetings_for_list(filtered), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/meetings/list.html",
        {
            "filter": meeting_filter,
            "page": page,
            "totals": selectors.meeting_totals(filtered, meeting_count=page.paginator.count),
            "query": _query_without(request, "page"),
            "can_create": _can_create(request.user),
        },
    )


# Create and edit


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _can_create(user):
        raise PermissionDenied
    communities = _writable_communities(user) if user.is_street_level else None
    form = MeetingForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                acting_user=user,
                community=form.cleaned_data["community"] if communities is not None else user.community,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记协商议事。请继续登记参会人员和收集的意见。"))
            return redirect("projects:meeting_detail", pk=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/meetings/form.html", {"form": form, "meeting": None}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_update(acting_user=request.user, meeting=meeting, **form.service_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("projects:meeting_detail", pk=meeting.pk)
    else:
        form = MeetingForm(initial=model_to_dict(meeting, fields=MeetingForm.Meta.fields))
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/meetings/form.html", {"form": form, "meeting": meeting}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    if request.method == "POST":
        form = OutcomeForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_record_outcome(acting_user=request.user, meeting=meeting, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已保存议定事项和会议纪要。"))
                return redirect(_detail_url(meeting, "outcome"))
    else:
        form = OutcomeForm(initial=model_to_dict(meeting, fields=OutcomeForm.Meta.fields))
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/meetings/outcome_form.html", {"form": form, "meeting": meeting}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_links(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    user = request.user
    choices = {
        "needs": Need.objects.visible_to(user).filter(community=meeting.community_id).order_by("-created_at"),
        "projects": Project.objects.visible_to(user).filter(communities=meeting.community_id).order_by("-created_at"),
        "requests": ResidentRequest.objects.visible_to(user).filter(community=meeting.community_id),
    }
    if request.method == "POST":
        form = LinksForm(request.POST, **choices)
        if form.is_valid():
            try:
                services.meeting_set_links(
                    acting_user=user,
                    meeting=meeting,
                    needs=form.cleaned_data["needs"],
                    projects=form.cleaned_data["projects"],
                    requests=form.cleaned_data["request_codes"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已更新相关需求、诉求和项目。"))
                return redirect(_detail_url(meeting, "links"))
    else:
        form = LinksForm(
            initial={
                "needs": list(meeting.needs.values_list("pk", flat=True)),
                "projects": list(meeting.projects.values_list("pk", flat=True)),
                "request_codes": " ".join(meeting.requests.order_by("tracking_code").values_list("tracking_code", flat=True)),
            },
            **choices,
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/meetings/links_form.html", {"form": form, "meeting": meeting}, status=status)


# Detail


def _units(user: User, meeting: Meeting):
    return CoBuildingUnit.objects.visible_to(user).filter(communities=meeting.community_id).order_by("name")


def _detail_context(request: HttpRequest, meeting: Meeting, bound: dict | None = None) -> dict:
    user = request.user
    can_write = services.can_write_meeting(user, meeting)
    bound = bound or {}
    forms = {}
    if can_write:
        forms = {
            "participant": ParticipantForm(prefix="participant", units=_units(user, meeting)),
            "opinion": OpinionForm(prefix="opinion"),
            "follow_up": FollowUpForm(prefix="follow_up", owners=selectors.owner_choices(meeting.community_id)),
            "photo": PhotoForm(prefix="photo"),
        }
    forms.update({name: form for name, form in bound.items() if name != "done"})
    follow_ups = list(meeting.follow_ups.all())
    today = timezone.localdate()
    done_pk, done_form = bound.get("done", (None, None))
    for follow_up in follow_ups:
        follow_up.late = follow_up.done_at is None and follow_up.due_on < today
        follow_up.can_complete = follow_up.done_at is None and (can_write or follow_up.owner_id == user.pk)
        if follow_up.can_complete:
            follow_up.done_form = done_form if follow_up.pk == done_pk else FollowUpDoneForm(prefix=f"done-{follow_up.pk}")
    opinions = list(meeting.opinions.all())
    return {
        "meeting": meeting,
        "can_write": can_write,
        "forms": forms,
        "participants": list(meeting.participants.all()),
        "voters": selectors.voting_participants(meeting),
        "opinions": opinions,
        "adopted_count": sum(1 for opinion in opinions if opinion.adopted),
        "follow_ups": follow_ups,
        "ballots": list(meeting.ballots.all()),
        "photos": list(meeting.photos.all()),
        "needs": list(meeting.needs.all()),
        "requests": list(meeting.requests.all()),
        "projects": list(meeting.projects.all()),
    }


@staff_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk, detail=True)
    return render(request, "projects/meetings/detail.html", _detail_context(request, meeting))


def _section_post(request: HttpRequest, meeting: Meeting, name: str, form, run, done: str, anchor: str) -> HttpResponse:
    """Validate a detail-page form, call the service, redirect; or show the page again with the errors."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(_detail_url(meeting, anchor))
    fresh = _meeting_or_404(request, meeting.pk, detail=True)
    return render(request, "projects/meetings/detail.html", _detail_context(request, fresh, {name: form}), status=400)


def _refused(request: HttpRequest, meeting: Meeting, error: ValidationError, anchor: str) -> HttpResponse:
    """A one-button action (remove, mark) the service refused: say why on the page."""
    messages.error(request, " ".join(error.messages))
    return redirect(_detail_url(meeting, anchor))


@staff_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    form = ParticipantForm(request.POST, prefix="participant", units=_units(request.user, meeting))
    return _section_post(
        request,
        meeting,
        "participant",
        form,
        lambda data: services.participant_add(acting_user=request.user, meeting=meeting, **data),
        _("已添加参会人员。"),
        "participants",
    )


@staff_required
@require_POST
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    participant: Participant = _child_or_404(meeting.participants, participant_pk)
    try:
        services.participant_remove(acting_user=request.user, participant=participant)
    except ValidationError as error:
        return _refused(request, meeting, error, "participants")
    messages.success(request, _("已删除参会人员 %(name)s。") % {"name": participant.name})
    return redirect(_detail_url(meeting, "participants"))


@staff_required
@require_POST
def opinion_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    form = OpinionForm(request.POST, prefix="opinion")
    return _section_post(
        request,
        meeting,
        "opinion",
        form,
        lambda data: services.opinion_add(acting_user=request.user, meeting=meeting, **data),
        _("已记录意见。"),
        "opinions",
    )


@staff_required
@require_POST
def opinion_adopt(request: HttpRequest, pk: int, opinion_pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    opinion: Opinion = _child_or_404(meeting.opinions, opinion_pk)
    form = AdoptForm(request.POST)
    form.is_valid()  # a checkbox: absent means False, never invalid
    services.opinion_set_adopted(acting_user=request.user, opinion=opinion, adopted=form.cleaned_data["adopted"])
    messages.success(request, _("已标记为采纳。") if opinion.adopted else _("已取消采纳。"))
    return redirect(_detail_url(meeting, "opinions"))


@staff_required
@require_POST
def opinion_remove(request: HttpRequest, pk: int, opinion_pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    opinion: Opinion = _child_or_404(meeting.opinions, opinion_pk)
    services.opinion_remove(acting_user=request.user, opinion=opinion)
    messages.success(request, _("已删除该条意见。"))
    return redirect(_detail_url(meeting, "opinions"))


@staff_required
@require_POST
def follow_up_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    form = FollowUpForm(request.POST, prefix="follow_up", owners=selectors.owner_choices(meeting.community_id))
    return _section_post(
        request,
        meeting,
        "follow_up",
        form,
        lambda data: services.follow_up_add(acting_user=request.user, meeting=meeting, **data),
        _("已添加跟进事项。"),
        "follow-ups",
    )


@staff_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    follow_up: FollowUpAction = _child_or_404(meeting.follow_ups.select_related("meeting"), follow_up_pk)
    if not services.can_complete_follow_up(request.user, follow_up):
        raise PermissionDenied
    form = FollowUpDoneForm(request.POST, prefix=f"done-{follow_up.pk}")
    if form.is_valid():
        try:
            services.follow_up_complete(acting_user=request.user, follow_up=follow_up, result=form.cleaned_data["result"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, meeting, error, "follow-ups")
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记完成情况。"))
            return redirect(_detail_url(meeting, "follow-ups"))
    fresh = _meeting_or_404(request, pk, detail=True)
    context = _detail_context(request, fresh, {"done": (follow_up.pk, form)})
    return render(request, "projects/meetings/detail.html", context, status=400)


# Photos


@staff_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    form = PhotoForm(request.POST, request.FILES, prefix="photo")
    return _section_post(
        request,
        meeting,
        "photo",
        form,
        lambda data: services.meeting_photos_add(
            acting_user=request.user, meeting=meeting, photos=data["photos"], is_public=data["is_public"]
        ),
        _("已上传照片。"),
        "photos",
    )


@staff_required
@require_POST
def photo_public(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    photo: MeetingPhoto = _child_or_404(meeting.photos, photo_pk)
    form = PhotoPublicForm(request.POST)
    form.is_valid()  # a checkbox: absent means False
    services.meeting_photo_set_public(acting_user=request.user, photo=photo, is_public=form.cleaned_data["is_public"])
    messages.success(request, _("照片已设为公开。") if photo.is_public else _("照片已设为不公开。"))
    return redirect(_detail_url(meeting, "photos"))


@staff_required
@require_POST
def photo_delete(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    photo: MeetingPhoto = _child_or_404(meeting.photos, photo_pk)
    services.meeting_photo_delete(acting_user=request.user, photo=photo)
    messages.success(request, _("已删除照片。"))
    return redirect(_detail_url(meeting, "photos"))


@staff_required
@require_GET
def photo(request: HttpRequest, pk: int, size: str) -> FileResponse:
    """Stream a meeting photo to staff in scope (media are never served directly)."""
    if size not in PHOTO_SIZES:
        raise Http404
    found = selectors.photo_for(request.user, pk)
    if found is None:
        raise Http404
    return stream_photo(getattr(found, PHOTO_SIZES[size]))


# 票决


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _writable_meeting_or_404(request, pk)
    items = selectors.shortlisted_items(meeting.community_id)
    voters = list(meeting.participants.filter(can_vote=True))
    if request.method == "POST":
        form = BallotForm(request.POST, items=items, voters=voters)
        if form.is_valid():
            try:
                ballot = services.ballot_record(
                    acting_user=request.user,
                    meeting=meeting,
                    menu_item=form.cleaned_data["menu_item"],
                    choices=form.choices(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                outcome = _("通过") if ballot.passed else _("未通过")
                messages.success(
                    request,
                    _("已记录票决:「%(title)s」赞成 %(f)s、反对 %(a)s、弃权 %(b)s,%(outcome)s。")
                    % {
                        "title": ballot.menu_item.title,
                        "f": ballot.votes_for,
                        "a": ballot.votes_against,
                        "b": ballot.votes_abstain,
                        "outcome": outcome,
                    },
                )
                return redirect(_detail_url(meeting, "ballots"))
    else:
        form = BallotForm(initial=_ballot_initial(request, meeting), items=items, voters=voters)
    return render(
        request,
        "projects/meetings/ballot_form.html",
        {"form": form, "meeting": meeting, "items": items, "voters": voters},
        status=400 if request.method == "POST" else 200,
    )


def _ballot_initial(request: HttpRequest, meeting: Meeting) -> dict:
    """?item=<id> of an item already voted on at this meeting: its votes, to correct the record."""
    item_id = request.GET.get("item", "")
    if not item_id.isdigit():
        return {}
    ballot = meeting.ballots.filter(menu_item_id=int(item_id)).prefetch_related("votes").first()
    if ballot is None:
        return {"menu_item": int(item_id)}
    return {"menu_item": ballot.menu_item_id, **{f"vote_{vote.participant_id}": vote.choice for vote in ballot.votes.all()}}


# Polls: staff


def _poll_or_404(request: HttpRequest, pk: int) -> MenuPoll:
    return get_visible_or_404(MenuPoll.objects.select_related("community", "created_by"), request.user, pk=pk)


def _poll_items(user: User, community_id: int | None = None):
    """Shortlisted items the user sees: of one community, or of all (street staff pick the community in the form)."""
    items = MenuItem.objects.visible_to(user).filter(status=MenuStatus.SHORTLISTED)
    if community_id is not None:
        items = items.filter(community_id=community_id)
    return items.select_related("community").order_by("community__code", "title", "pk")


@staff_required
@require_GET
def poll_manage_list(request: HttpRequest) -> HttpResponse:
    polls = selectors.polls_for_list(MenuPoll.objects.visible_to(request.user))
    page = Paginator(polls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/polls/manage_list.html",
        {"page": page, "now": timezone.now(), "can_create": _can_create(request.user)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def poll_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _can_create(user):
        raise PermissionDenied
    communities = _writable_communities(user) if user.is_street_level else None
    items = _poll_items(user, None if communities is not None else user.community_id)
    form = PollForm(request.POST or None, items=items, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.poll_create(
                acting_user=user,
                community=form.cleaned_data["community"] if communities is not None else user.community,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已发起民意征集。把居民投票页的链接发到楼道群或贴出二维码即可。"))
            return redirect("projects:poll_manage_detail", pk=poll.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/polls/form.html", {"form": form, "poll": None}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def poll_edit(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_or_404(request, pk)
    if not can_manage_community(request.user, poll.community_id):
        raise PermissionDenied
    items = _poll_items(request.user, poll.community_id)
    if request.method == "POST":
        form = PollForm(request.POST, items=items)
        if form.is_valid():
            try:
                services.poll_update(acting_user=request.user, poll=poll, **form.service_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("projects:poll_manage_detail", pk=poll.pk)
    else:
        initial = model_to_dict(poll, fields=["title", "description", "max_choices", "opens_at", "closes_at"])
        initial["items"] = list(poll.items.values_list("pk", flat=True))
        form = PollForm(initial=initial, items=items)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/polls/form.html", {"form": form, "poll": poll}, status=status)


@staff_required
@require_GET
def poll_manage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_or_404(request, pk)
    now = timezone.now()
    results = selectors.poll_results(poll)
    return render(
        request,
        "projects/polls/manage_detail.html",
        {
            "poll": poll,
            "results": results,
            "is_open": poll.is_open(now),
            "not_yet_open": now < poll.opens_at,
            "can_write": can_manage_community(request.user, poll.community_id),
            "public_url": request.build_absolute_uri(reverse("projects:poll_public", args=[poll.pk])),
        },
    )


@staff_required
@require_POST
def poll_close(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_or_404(request, pk)
    if not can_manage_community(request.user, poll.community_id):
        raise PermissionDenied
    try:
        services.poll_close(acting_user=request.user, poll=poll)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("征集已结束,结果已向居民公开。"))
    return redirect("projects:poll_manage_detail", pk=poll.pk)


# Polls: residents (no account)


def _voted_here(request: HttpRequest) -> list[int]:
    return list(request.session.get(POLL_VOTED_KEY, []))


def _remember_vote(request: HttpRequest, poll_id: int) -> None:
    voted = [pk for pk in _voted_here(request) if pk != poll_id]
    request.session[POLL_VOTED_KEY] = [*voted, poll_id][-REMEMBERED_MAX:]


def _render_public_poll(request: HttpRequest, poll: MenuPoll, form: PollVoteForm | None, *, status: int = 200):
    now = timezone.now()
    show_results = selectors.poll_result_is_public(poll, now)
    return render(
        request,
        "projects/polls/public_detail.html",
        {
            "poll": poll,
            "form": form,
            "is_open": poll.is_open(now),
            "not_yet_open": now < poll.opens_at,
            "voted_here": poll.pk in _voted_here(request),
            "results": selectors.poll_results(poll) if show_results else None,
            "items": list(poll.items.order_by("title", "pk")),
            "honeypot": HONEYPOT,
        },
        status=status,
    )


@never_cache
@public_page
@require_GET
def poll_public_list(request: HttpRequest) -> HttpResponse:
    """Polls open now and those closed in the last PUBLIC_LIST_DAYS (their results), all communities."""
    now = timezone.now()
    polls = MenuPoll.objects.filter(opens_at__lte=now, closes_at__gte=now - dt.timedelta(days=PUBLIC_LIST_DAYS)).select_related(
        "community"
    )
    polls = list(polls.order_by("-closes_at", "-pk")[:50])
    return render(
        request,
        "projects/polls/public_list.html",
        {"open_polls": [p for p in polls if p.is_open(now)], "closed_polls": [p for p in polls if not p.is_open(now)]},
    )


@never_cache
@public_page
@require_http_methods(["GET", "POST"])
def poll_public(request: HttpRequest, pk: int) -> HttpResponse:
    poll = MenuPoll.objects.select_related("community").filter(pk=pk).first()
    if poll is None:
        return render(request, "resident_requests/public/not_found.html", status=404)
    if request.method == "GET":
        return _render_public_poll(request, poll, PollVoteForm(poll=poll) if poll.is_open() else None)
    if request.POST.get(HONEYPOT):
        return render(request, "resident_requests/public/refused.html", status=400)
    # Every attempt counts, valid or not: a refusal also says whether a number has voted.
    if over_limit(request, group=POLL_GROUP_IP, rate=settings.POLL_RATE_IP):
        return render(request, "projects/polls/public_rate_limited.html", {"poll": poll}, status=429)
    if not poll.is_open():
        messages.error(request, _("本次征集不在投票时间内(已结束或尚未开始),不能投票。"))
        return _render_public_poll(request, poll, None, status=400)
    form = PollVoteForm(request.POST, poll=poll)
    if form.is_valid():
        try:
            services.poll_vote(poll=poll, mobile=form.cleaned_data["mobile"], items=form.cleaned_data["items"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _remember_vote(request, poll.pk)
            messages.success(request, _("投票成功,谢谢您的参与!"))
            return redirect("projects:poll_public", pk=poll.pk)
    return _render_public_poll(request, poll, form, status=400)
