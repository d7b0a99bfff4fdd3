"""The micro-project lifecycle through its services: create, edit, every (action, status)
pair, no skipping 立项, 退回 with a reason, who decides, the notice period, needs
following their project, notifications, and two reviewers approving at once."""

import datetime as dt
import os
import subprocess
import sys
import threading
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Notification, Role
from projects import workflow
from projects.models import (
    MenuStatus,
    Need,
    NeedStatus,
    Project,
    ProjectAction,
    ProjectEvent,
    ProjectStatus,
)
from projects.services.projects import (
    project_create,
    project_end_notice,
    project_transition,
    project_update,
)
from tests.factories import UserFactory
from tests.markers import needs_postgres
from tests.project_factories import MenuItemFactory, NeedFactory, ProjectFactory

A, S = ProjectAction, ProjectStatus
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 11, 21, 12, 0, tzinfo=SHANGHAI)

# The lifecycle as DOMAIN.md §4 and issue 4 state it, written out independently of
# projects/workflow.py so a change to the table has to change this too.
EXPECTED = {
    (A.DELIBERATE, S.COLLECTING): S.DELIBERATING,
    (A.SUBMIT, S.DELIBERATING): S.PENDING_APPROVAL,
    (A.APPROVE, S.PENDING_APPROVAL): S.FUNDING,
    (A.RETURN, S.DELIBERATING): S.COLLECTING,
    (A.RETURN, S.PENDING_APPROVAL): S.DELIBERATING,
    (A.RETURN, S.PENDING_ACCEPTANCE): S.IMPLEMENTING,
    (A.START, S.FUNDING): S.IMPLEMENTING,
    (A.COMPLETE, S.IMPLEMENTING): S.PENDING_ACCEPTANCE,
    (A.ACCEPT, S.PENDING_ACCEPTANCE): S.PUBLICISING,
    (A.END_NOTICE, S.PUBLICISING): S.EVALUATING,
    (A.CLOSE, S.EVALUATING): S.COMPLETED,
    (A.CANCEL, S.COLLECTING): S.CANCELLED,
    (A.CANCEL, S.DELIBERATING): S.CANCELLED,
    (A.CANCEL, S.PENDING_APPROVAL): S.CANCELLED,
    (A.CANCEL, S.FUNDING): S.CANCELLED,
}
LIFECYCLE_ACTIONS = sorted({action for action, _status in EXPECTED})
# The steps for the street; everything else on a project is its community's.
STREET_STEPS = {
    (A.APPROVE, S.PENDING_APPROVAL),
    (A.RETURN, S.PENDING_APPROVAL),
    (A.RETURN, S.PENDING_ACCEPTANCE),
    (A.ACCEPT, S.PENDING_ACCEPTANCE),
}


def _project(cast, status=S.COLLECTING, **fields):
    return ProjectFactory(communities=[cast.community], status=status, responsible=cast.worker, **fields)


def _actor(cast, action, status):
    if action == A.END_NOTICE:
        return None
    return cast.street_reviewer if (action, status) in STREET_STEPS else cast.worker


def _note(action):
    return "居民议事会要求补充方案" if action in (A.RETURN, A.CANCEL) else ""


def _walk(project, cast, to):
    """Move a project (from 征集) to `to` the way staff do it."""
    path = [
        (A.DELIBERATE, cast.worker),
        (A.SUBMIT, cast.worker),
        (A.APPROVE, cast.street_reviewer),
        (A.START, cast.worker),
        (A.COMPLETE, cast.worker),
        (A.ACCEPT, cast.street_reviewer),
    ]
    for action, user in path:
        if project.status == to:
            break
        project = project_transition(acting_user=user, project=project, action=action)
    assert project.status == to
    return project


# The table


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("action", LIFECYCLE_ACTIONS)
def test_every_action_in_every_state(cast, action, status):
    project = _project(cast, status=status, notice_until=NOON - dt.timedelta(days=1))
    target = EXPECTED.get((action, status))
    with time_machine.travel(NOON, tick=False):
        if target is None:
            with pytest.raises(workflow.WorkflowError):
                project_transition(
                    acting_user=_actor(cast, action, status), project=project, action=action, note=_note(action)
                )
            project.refresh_from_db()
            assert project.status == status
            assert not project.events.exists()
            return
        result = project_transition(
            acting_user=_actor(cast, action, status), project=project, action=action, note=_note(action)
        )
    project.refresh_from_db()
    assert result.status == project.status == target
    event = project.events.get()
    assert (event.action, event.from_status, event.to_status) == (action, status, target)
    assert event.actor == _actor(cast, action, status)
    assert event.note == _note(action)


def test_the_workflow_table_offers_exactly_the_expected_steps():
    for status in S.values:
        offered = set(workflow.allowed_actions(status))
        expected = {action for (action, source) in EXPECTED if source == status and action != A.END_NOTICE}
        assert offered == expected, status


def test_unknown_action_is_a_workflow_error(cast):
    with pytest.raises(workflow.WorkflowError):
        project_transition(acting_user=cast.street_admin, project=_project(cast), action="contribute")


# No skipping approval


def test_only_approval_leads_to_funding():
    into_funding = {action for (action, _source), target in EXPECTED.items() if target == S.FUNDING}
    assert into_funding == {A.APPROVE}
    for action, transition in workflow.TRANSITIONS.items():
        for source in transition.sources:
            if workflow.target_of(action, source) == S.FUNDING:
                assert action == A.APPROVE


@pytest.mark.parametrize("status", [S.COLLECTING, S.DELIBERATING, S.PENDING_APPROVAL])
@pytest.mark.parametrize("action", [A.START, A.COMPLETE, A.ACCEPT, A.CLOSE])
def test_no_work_before_the_street_approves(cast, status, action):
    project = _project(cast, status=status)
    # Not even the street admin, who may take every step, can jump over 立项.
    with pytest.raises(workflow.WorkflowError):
        project_transition(acting_user=cast.street_admin, project=project, action=action)
    project.refresh_from_db()
    assert project.status == status and project.approved_at is None


def test_work_on_the_ground_is_recorded_only_after_approval():
    # Contributions, batches, milestones and photos (the work area) check WORK_STATES.
    assert set(workflow.WORK_STATES) == {S.FUNDING, S.IMPLEMENTING, S.PENDING_ACCEPTANCE}
    assert not {S.COLLECTING, S.DELIBERATING, S.PENDING_APPROVAL} & set(workflow.WORK_STATES)


def test_a_project_walks_from_collecting_to_completed_with_one_event_per_step(cast):
    project = _project(cast)
    project = _walk(project, cast, to=S.PUBLICISING)
    with time_machine.travel(project.notice_until + dt.timedelta(minutes=1), tick=False):
        assert project_end_notice(project.pk) is True
    project = project_transition(acting_user=cast.secretary, project=project, action=A.CLOSE)
    assert project.status == S.COMPLETED
    assert list(project.events.order_by("id").values_list("to_status", flat=True)) == [
        S.DELIBERATING,
        S.PENDING_APPROVAL,
        S.FUNDING,
        S.IMPLEMENTING,
        S.PENDING_ACCEPTANCE,
        S.PUBLICISING,
        S.EVALUATING,
        S.COMPLETED,
    ]


# Who may take which step


@pytest.mark.parametrize("action,status", sorted(STREET_STEPS))
def test_street_steps_belong_to_the_street(cast, action, status):
    for user in (cast.secretary, cast.worker, cast.grid_worker, cast.other_worker, cast.no_role):
        project = _project(cast, status=status)
        with pytest.raises(PermissionDenied):
            project_transition(acting_user=user, project=project, action=action, note="理由")
        project.refresh_from_db()
        assert project.status == status
    for user in (cast.street_reviewer, cast.street_admin):
        project = _project(cast, status=status)
        assert (
            project_transition(acting_user=user, project=project, action=action, note="理由").status
            == EXPECTED[(action, status)]
        )


@pytest.mark.parametrize(
    "action,status",
    [(a, s) for (a, s) in EXPECTED if (a, s) not in STREET_STEPS and a != A.END_NOTICE],
)
def test_community_steps_belong_to_its_coordinators(cast, action, status):
    # 街道审阅 reads and decides, it does not run a community's project; 网格员 and other communities read.
    for user in (cast.street_reviewer, cast.grid_worker, cast.other_worker, cast.no_role):
        project = _project(cast, status=status)
        with pytest.raises(PermissionDenied):
            project_transition(acting_user=user, project=project, action=action, note="理由")
    for user in (cast.secretary, cast.worker, cast.street_admin):
        project = _project(cast, status=status)
        assert (
            project_transition(acting_user=user, project=project, action=action, note="理由").status
            == EXPECTED[(action, status)]
        )


def test_a_shared_project_is_run_by_either_communitys_coordinators(cast):
    project = ProjectFactory(communities=[cast.community, cast.other_community])
    project = project_transition(acting_user=cast.other_worker, project=project, action=A.DELIBERATE)
    project = project_transition(acting_user=cast.worker, project=project, action=A.SUBMIT)
    assert project.status == S.PENDING_APPROVAL


def test_nobody_without_an_account_takes_a_staff_step(cast):
    with pytest.raises(PermissionDenied):
        project_transition(acting_user=None, project=_project(cast), action=A.DELIBERATE)


def test_state_is_checked_before_role(cast):
    # "Already approved" tells a secretary more than "not yours" when nobody could approve now.
    project = _project(cast, status=S.FUNDING)
    with pytest.raises(workflow.WorkflowError):
        project_transition(acting_user=cast.secretary, project=project, action=A.APPROVE)


# 退回


@pytest.mark.parametrize("status", [S.DELIBERATING, S.PENDING_APPROVAL, S.PENDING_ACCEPTANCE])
def test_return_needs_a_reason(cast, status):
    project = _project(cast, status=status)
    for note in ("", "   "):
        with pytest.raises(ValidationError) as excinfo:
            project_transition(acting_user=cast.street_admin, project=project, action=A.RETURN, note=note)
        assert "note" in excinfo.value.message_dict
    project.refresh_from_db()
    assert project.status == status and not project.events.exists()


@pytest.mark.parametrize(
    "status,back",
    [(S.DELIBERATING, S.COLLECTING), (S.PENDING_APPROVAL, S.DELIBERATING), (S.PENDING_ACCEPTANCE, S.IMPLEMENTING)],
)
def test_return_goes_one_step_back_with_the_reason_on_the_timeline(cast, status, back):
    project = _project(cast, status=status)
    project = project_transition(
        acting_user=cast.street_admin, project=project, action=A.RETURN, note="  预算依据不足 "
    )
    assert project.status == back
    event = project.events.get()
    assert (event.action, event.from_status, event.to_status, event.note) == (A.RETURN, status, back, "预算依据不足")


def test_a_returned_project_goes_through_approval_again(cast):
    project = _walk(_project(cast), cast, to=S.PENDING_APPROVAL)
    project = project_transition(
        acting_user=cast.street_reviewer, project=project, action=A.RETURN, note="补充预算明细"
    )
    with pytest.raises(workflow.WorkflowError):
        project_transition(acting_user=cast.street_reviewer, project=project, action=A.APPROVE)
    project = project_transition(acting_user=cast.worker, project=project, action=A.SUBMIT)
    project = project_transition(acting_user=cast.street_reviewer, project=project, action=A.APPROVE)
    assert project.status == S.FUNDING


def test_cancel_needs_a_reason(cast):
    project = _project(cast)
    with pytest.raises(ValidationError):
        project_transition(acting_user=cast.worker, project=project, action=A.CANCEL)
    project.refresh_from_db()
    assert project.status == S.COLLECTING


# What the steps record


def test_approval_records_who_and_when(cast):
    project = _project(cast, status=S.PENDING_APPROVAL)
    with time_machine.travel(NOON, tick=False):
        project = project_transition(acting_user=cast.street_reviewer, project=project, action=A.APPROVE)
    project.refresh_from_db()
    assert project.approved_at == NOON and project.approved_by == cast.street_reviewer


def test_acceptance_opens_a_notice_period_of_the_configured_days(cast, settings):
    project = _project(cast, status=S.PENDING_ACCEPTANCE)
    settings.PROJECT_NOTICE_DAYS = 10
    with time_machine.travel(NOON, tick=False):
        project = project_transition(acting_user=cast.street_reviewer, project=project, action=A.ACCEPT)
    project.refresh_from_db()
    assert project.accepted_at == NOON
    assert project.notice_until == NOON + dt.timedelta(days=10)


def test_default_notice_period_is_seven_days(cast):
    project = _project(cast, status=S.PENDING_ACCEPTANCE)
    with time_machine.travel(NOON, tick=False):
        project = project_transition(acting_user=cast.street_admin, project=project, action=A.ACCEPT)
    assert project.notice_until == NOON + dt.timedelta(days=7)


def _startup(env_value: str) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PROJECT_NOTICE_DAYS": env_value, "DJANGO_SETTINGS_MODULE": "xietang.settings"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.PROJECT_NOTICE_DAYS)",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_notice_period_under_seven_days_refuses_to_start():
    short = _startup("5")
    assert short.returncode != 0
    assert "PROJECT_NOTICE_DAYS must be at least 7" in short.stderr
    longer = _startup("14")
    assert longer.returncode == 0, longer.stderr
    assert longer.stdout.strip().endswith("14")


def test_closing_marks_the_needs_met(cast):
    open_need = NeedFactory(community=cast.community, status=NeedStatus.PLANNED)
    declined = NeedFactory(community=cast.community, status=NeedStatus.DECLINED, decline_reason="不在辖区")
    project = _project(cast, status=S.EVALUATING)
    project.needs.set([open_need, declined])
    with time_machine.travel(NOON, tick=False):
        project = project_transition(acting_user=cast.worker, project=project, action=A.CLOSE)
    open_need.refresh_from_db()
    declined.refresh_from_db()
    assert open_need.status == NeedStatus.MET
    assert declined.status == NeedStatus.DECLINED
    project.refresh_from_db()
    assert project.completed_at == NOON


def test_cancelling_frees_the_needs_no_other_project_answers(cast):
    only_here = NeedFactory(community=cast.community, status=NeedStatus.PLANNED)
    shared = NeedFactory(community=cast.community, status=NeedStatus.PLANNED)
    shared_with_cancelled = NeedFactory(community=cast.community, status=NeedStatus.PLANNED)
    project = _project(cast, status=S.FUNDING)
    project.needs.set([only_here, shared, shared_with_cancelled])
    _project(cast, status=S.IMPLEMENTING).needs.set([shared])
    _project(cast, status=S.CANCELLED).needs.set([shared_with_cancelled])
    project_transition(acting_user=cast.worker, project=project, action=A.CANCEL, note="共建单位撤回资金")
    for need, status in (
        (only_here, NeedStatus.OPEN),
        (shared, NeedStatus.PLANNED),
        (shared_with_cancelled, NeedStatus.OPEN),
    ):
        need.refresh_from_db()
        assert need.status == status, need.title


def test_a_stale_copy_cannot_approve_twice(cast):
    stale = _project(cast, status=S.PENDING_APPROVAL)
    project_transition(acting_user=cast.street_reviewer, project=Project.objects.get(pk=stale.pk), action=A.APPROVE)
    assert stale.status == S.PENDING_APPROVAL
    with pytest.raises(workflow.WorkflowError, match="认领筹资"):
        project_transition(acting_user=cast.street_admin, project=stale, action=A.APPROVE)
    assert ProjectEvent.objects.filter(project=stale, action=A.APPROVE).count() == 1


# The notice period ends by itself


def test_nobody_ends_the_notice_period_by_hand(cast):
    project = _project(cast, status=S.PUBLICISING, notice_until=NOON - dt.timedelta(days=1))
    for user in (cast.street_admin, cast.street_reviewer, cast.secretary):
        with pytest.raises(PermissionDenied):
            project_transition(acting_user=user, project=project, action=A.END_NOTICE)
    assert A.END_NOTICE not in workflow.allowed_actions(S.PUBLICISING)


def test_end_notice_waits_for_the_period_and_runs_once(cast):
    project = _project(cast, status=S.PUBLICISING, notice_until=NOON)
    with time_machine.travel(NOON - dt.timedelta(seconds=1), tick=False):
        assert project_end_notice(project.pk) is False
    project.refresh_from_db()
    assert project.status == S.PUBLICISING
    with time_machine.travel(NOON, tick=False):
        assert project_end_notice(project.pk) is True
        assert project_end_notice(project.pk) is False
    project.refresh_from_db()
    assert project.status == S.EVALUATING
    event = project.events.get()
    assert (event.action, event.actor, event.from_status) == (A.END_NOTICE, None, S.PUBLICISING)


def test_end_notice_under_the_lock_rechecks_the_period(cast):
    project = _project(cast, status=S.PUBLICISING, notice_until=NOON + dt.timedelta(days=1))
    with time_machine.travel(NOON, tick=False), pytest.raises(workflow.WorkflowError, match="公示期"):
        project_transition(acting_user=None, project=project, action=A.END_NOTICE)


@pytest.mark.parametrize("status", [s for s in S.values if s != S.PUBLICISING])
def test_end_notice_does_nothing_outside_the_notice_period(cast, status):
    project = _project(cast, status=status, notice_until=NOON - dt.timedelta(days=3))
    with time_machine.travel(NOON, tick=False):
        assert project_end_notice(project.pk) is False
    project.refresh_from_db()
    assert project.status == status


def test_end_notice_of_a_missing_project_is_false(db):
    assert project_end_notice(999_999) is False


# Notifications


def _notified(project):
    return set(
        Notification.objects.filter(key__startswith=f"project:{project.pk}:").values_list(
            "recipient__username", flat=True
        )
    )


def test_submission_and_completion_notify_the_street(cast):
    inactive = UserFactory(role=Role.STREET_REVIEWER, is_active=False)
    project = project_transition(
        acting_user=cast.worker, project=_project(cast, status=S.DELIBERATING), action=A.SUBMIT
    )
    assert _notified(project) == {cast.street_reviewer.username, cast.street_admin.username}
    assert inactive.username not in _notified(project)
    note = Notification.objects.filter(recipient=cast.street_reviewer).get()
    assert project.title in note.title and note.link == f"/manage/projects/{project.pk}/"
    done = project_transition(acting_user=cast.worker, project=_project(cast, status=S.IMPLEMENTING), action=A.COMPLETE)
    assert _notified(done) == {cast.street_reviewer.username, cast.street_admin.username}


@pytest.mark.parametrize(
    "action,status", [(A.APPROVE, S.PENDING_APPROVAL), (A.RETURN, S.PENDING_APPROVAL), (A.ACCEPT, S.PENDING_ACCEPTANCE)]
)
def test_decisions_notify_the_responsible_and_the_coordinators_not_the_decider(cast, action, status):
    responsible = UserFactory(role=Role.STREET_ADMIN)
    project = ProjectFactory(communities=[cast.community], status=status, responsible=responsible)
    project_transition(acting_user=cast.street_reviewer, project=project, action=action, note="请补充")
    assert _notified(project) == {cast.secretary.username, cast.worker.username, responsible.username}
    body = Notification.objects.filter(recipient=cast.worker).get().body
    assert body == ("请补充")


def test_steps_nobody_waits_for_send_nothing(cast):
    project = project_transition(acting_user=cast.worker, project=_project(cast), action=A.DELIBERATE)
    assert _notified(project) == set()


def test_a_refused_step_notifies_nobody(cast):
    project = _project(cast, status=S.PENDING_APPROVAL)
    with pytest.raises(PermissionDenied):
        project_transition(acting_user=cast.worker, project=project, action=A.APPROVE)
    assert not Notification.objects.exists()


# Create


def test_create_a_blank_project(cast):
    need = NeedFactory(community=cast.community)
    project = project_create(
        acting_user=cast.worker,
        communities=[cast.community],
        title=" 楼道口座椅 ",
        project_type="goods",
        category="elderly",
        description="为楼道口配备座椅",
        budget=Decimal("30000"),
        needs=[need],
        planned_quantity=30,
        quantity_unit="张",
    )
    assert project.status == S.COLLECTING and project.title == "楼道口座椅"
    assert list(project.communities.all()) == [cast.community]
    assert project.responsible == cast.worker and project.created_by == cast.worker
    need.refresh_from_db()
    assert need.status == NeedStatus.PLANNED
    event = project.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == (A.CREATE, "", S.COLLECTING, cast.worker)


def _create(cast, user, **fields):
    defaults = dict(
        acting_user=user,
        communities=[cast.community],
        title="莲香新村三区停车场改造",
        project_type="works",
        category="parking",
        description="增设停车位和电瓶车充电棚",
        budget=Decimal("800000"),
    )
    return project_create(**{**defaults, **fields})


def test_create_from_a_shortlisted_menu_item_adopts_it_and_plans_its_needs(cast):
    needs = [NeedFactory(community=cast.community) for _ in range(2)]
    extra = NeedFactory(community=cast.community)
    item = MenuItemFactory(community=cast.community, status=MenuStatus.SHORTLISTED, need_reasonable=True, feasible=True)
    item.needs.set(needs)
    project = _create(cast, cast.secretary, menu_item=item, needs=[extra, needs[0]])
    assert project.menu_item == item
    assert set(project.needs.all()) == {*needs, extra}
    item.refresh_from_db()
    assert item.status == MenuStatus.ADOPTED
    planned = Need.objects.filter(pk__in=[need.pk for need in (*needs, extra)]).values_list("status", flat=True)
    assert set(planned) == {NeedStatus.PLANNED}


@pytest.mark.parametrize("status", [MenuStatus.CANDIDATE, MenuStatus.REJECTED, MenuStatus.ADOPTED])
def test_only_a_shortlisted_item_becomes_a_project(cast, status):
    screened = status in (MenuStatus.ADOPTED,)
    item = MenuItemFactory(
        community=cast.community,
        status=status,
        need_reasonable=screened or None,
        feasible=screened or None,
        screening_note="不可行",
    )
    with pytest.raises(ValidationError) as excinfo:
        _create(cast, cast.worker, menu_item=item)
    assert "menu_item" in excinfo.value.message_dict
    assert not Project.objects.exists()


def test_a_menu_item_of_another_community_is_refused(cast):
    item = MenuItemFactory(
        community=cast.other_community, status=MenuStatus.SHORTLISTED, need_reasonable=True, feasible=True
    )
    with pytest.raises(ValidationError):
        _create(cast, cast.street_admin, menu_item=item)


def test_needs_must_belong_to_the_projects_communities(cast):
    foreign = NeedFactory(community=cast.other_community)
    with pytest.raises(ValidationError) as excinfo:
        _create(cast, cast.worker, needs=[foreign])
    assert "needs" in excinfo.value.message_dict
    foreign.refresh_from_db()
    assert foreign.status == NeedStatus.OPEN and not Project.objects.exists()


def test_met_or_declined_needs_are_not_planned_again(cast):
    met = NeedFactory(community=cast.community, status=NeedStatus.MET)
    with pytest.raises(ValidationError):
        _create(cast, cast.worker, needs=[met])


@pytest.mark.parametrize("who", ["grid_worker", "street_reviewer", "other_worker", "no_role"])
def test_create_needs_a_coordinator_of_the_community(cast, who):
    with pytest.raises(PermissionDenied):
        _create(cast, getattr(cast, who))
    assert not Project.objects.exists()


def test_a_shared_project_needs_a_coordinator_of_every_community(cast):
    with pytest.raises(PermissionDenied):
        _create(cast, cast.worker, communities=[cast.community, cast.other_community])
    project = _create(cast, cast.street_admin, communities=[cast.community, cast.other_community])
    assert set(project.communities.all()) == {cast.community, cast.other_community}


def test_create_refuses_a_project_without_community(cast):
    with pytest.raises(ValidationError):
        _create(cast, cast.street_admin, communities=[])


def test_model_rules_are_checked_before_saving(cast):
    with pytest.raises(ValidationError):
        _create(cast, cast.worker, planned_quantity=300, quantity_unit="")
    with pytest.raises(ValidationError):
        _create(cast, cast.worker, planned_start=dt.date(2026, 12, 1), planned_end=dt.date(2026, 11, 1))
    assert not Project.objects.exists()


def test_responsible_must_work_where_the_project_is(cast):
    with pytest.raises(ValidationError) as excinfo:
        _create(cast, cast.worker, responsible=cast.other_worker)
    assert "responsible" in excinfo.value.message_dict


# Edit


def test_edit_the_plan_while_collecting(cast):
    project = _project(cast, status=S.DELIBERATING)
    old_need = NeedFactory(community=cast.community, status=NeedStatus.PLANNED)
    new_need = NeedFactory(community=cast.community)
    project.needs.set([old_need])
    project = project_update(
        acting_user=cast.worker, project=project, budget=Decimal("250000"), title="百凳为百姓(一期)", needs=[new_need]
    )
    project.refresh_from_db()
    assert project.budget == Decimal("250000") and project.title == "百凳为百姓(一期)"
    assert list(project.needs.all()) == [new_need]
    old_need.refresh_from_db()
    new_need.refresh_from_db()
    assert (old_need.status, new_need.status) == (NeedStatus.OPEN, NeedStatus.PLANNED)
    event = project.events.get()
    assert event.action == A.EDIT and "预算" in event.note and "项目名称" in event.note


def test_saving_an_unchanged_plan_writes_no_event(cast):
    project = _project(cast)
    project_update(acting_user=cast.worker, project=project, title=project.title)
    assert not project.events.exists()


@pytest.mark.parametrize("status", [s for s in S.values if s not in (S.COLLECTING, S.DELIBERATING)])
def test_the_plan_is_fixed_once_sent_for_approval(cast, status):
    project = _project(cast, status=status)
    with pytest.raises(workflow.WorkflowError):
        project_update(acting_user=cast.street_admin, project=project, budget=Decimal("1"))
    project.refresh_from_db()
    assert project.budget == Decimal("300000.00")


@pytest.mark.parametrize("who", ["grid_worker", "street_reviewer", "other_worker"])
def test_edit_needs_a_coordinator(cast, who):
    with pytest.raises(PermissionDenied):
        project_update(acting_user=getattr(cast, who), project=_project(cast), title="改名")


def test_a_coordinator_cannot_take_another_community_off_a_shared_project(cast):
    project = ProjectFactory(communities=[cast.community, cast.other_community])
    with pytest.raises(PermissionDenied):
        project_update(acting_user=cast.worker, project=project, communities=[cast.community])
    assert project.communities.count() == 2


def test_edit_refuses_unknown_fields(cast):
    with pytest.raises(TypeError):
        project_update(acting_user=cast.worker, project=_project(cast), status=S.FUNDING)


# Two reviewers at once (PostgreSQL: row locks are real there)


@pytest.mark.django_db(transaction=True)
@needs_postgres
def test_two_reviewers_approving_at_once_cannot_both_succeed(django_db_setup):
    from tests.conftest import build_cast

    cast = build_cast()
    project = ProjectFactory(communities=[cast.community], status=S.PENDING_APPROVAL)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(user):
        from django.db import connections

        try:
            barrier.wait()
            project_transition(acting_user=user, project=Project.objects.get(pk=project.pk), action=A.APPROVE)
            outcomes.append("ok")
        except workflow.WorkflowError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in (cast.street_reviewer, cast.street_admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert ProjectEvent.objects.filter(project=project, action=A.APPROVE).count() == 1
    assert Project.objects.get(pk=project.pk).status == S.FUNDING
