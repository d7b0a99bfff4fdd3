"""The demo volunteers (volunteers/demo.py): the figures of DOMAIN.md §6–8, ledgers that add up, idempotence.

The street (communities + requests) and the volunteers are seeded once per module inside a
transaction rolled back at the end, like tests/test_seed_demo.py.
"""

import datetime as dt
import io

import pypdf
import pytest
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.test import override_settings
from django.utils import timezone

from communities.demo import seed_demo
from communities.models import PositionType, ServicePosition
from resident_requests.demo import DEMO_REPORTER_TOKEN, seed_requests
from volunteers.demo import KITCHEN_NAME, seed_volunteers, summary_line
from volunteers.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Audience,
    Certificate,
    CertificateStatus,
    HoursStatus,
    MarketStall,
    MemberRole,
    NewEmploymentWorker,
    PointsEntry,
    PointsKind,
    Redemption,
    ServiceHours,
    Shift,
    Team,
    TeamType,
    Volunteer,
)

pytestmark = pytest.mark.django_db
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media):
        with transaction.atomic():
            seed_demo()
            seed_requests()
            counts = seed_volunteers()
            yield {"counts": counts, "media": media}
            transaction.set_rollback(True)


def test_64_vanguard_teams_and_teams_in_every_community(seeded):
    vanguard = Team.objects.filter(team_type__in=[TeamType.RED_STEWARD, TeamType.GOOD_NEIGHBOUR])
    assert vanguard.count() == 64
    from communities.models import Community

    assert (
        Community.objects.exclude(
            volunteer_teams__team_type__in=[TeamType.RED_STEWARD, TeamType.GOOD_NEIGHBOUR]
        ).count()
        == 0
    )
    assert seeded["counts"]["vanguard_teams"] == 64
    # Every team has members and its leader is one of them.
    assert not Team.objects.filter(memberships__isnull=True).exists()
    for team in Team.objects.select_related("leader"):
        assert team.memberships.filter(volunteer=team.leader, role=MemberRole.LEADER).exists(), team.name


def test_the_kitchen_has_30_plus_members_a_pastry_maker_and_a_year_of_breakfasts(seeded):
    kitchen = Team.objects.get(name=KITCHEN_NAME)
    assert kitchen.community.name == "莲香"
    assert kitchen.team_type == TeamType.RESIDENT_SERVICE
    assert kitchen.memberships.count() >= 30
    assert "面点" in kitchen.leader.skills
    service = kitchen.services.get()
    assert service.schedule.startswith("每周二、周四")
    deliveries = service.deliveries.all()
    assert deliveries.count() >= 100  # twice a week for a year: 104 or so
    assert {d.delivered_on.weekday() for d in deliveries} == {1, 3}
    span = max(d.delivered_on for d in deliveries) - min(d.delivered_on for d in deliveries)
    assert span >= dt.timedelta(days=355)


def test_ledgers_equal_balances_and_each_confirmed_record_earned_once(seeded):
    sums = dict(PointsEntry.objects.values("volunteer").annotate(total=Sum("delta")).values_list("volunteer", "total"))
    for volunteer in Volunteer.objects.only("pk", "points_balance"):
        assert volunteer.points_balance == sums.get(volunteer.pk, 0)
        assert volunteer.points_balance >= 0
    # The last entry of each ledger states the balance, like a bank statement.
    last = {}
    for volunteer_id, entry_id, balance_after in PointsEntry.objects.values_list("volunteer", "id", "balance_after"):
        if entry_id > last.get(volunteer_id, (0, 0))[0]:
            last[volunteer_id] = (entry_id, balance_after)
    balances = dict(Volunteer.objects.filter(pk__in=last).values_list("pk", "points_balance"))
    assert {pk: after for pk, (_id, after) in last.items()} == balances
    confirmed = ServiceHours.objects.filter(status=HoursStatus.CONFIRMED)
    assert confirmed.count() > 500
    assert not confirmed.annotate(n=Count("points_entries")).exclude(n=1).exists()
    assert not ServiceHours.objects.filter(status=HoursStatus.PENDING, points_entries__isnull=False).exists()
    assert ServiceHours.objects.filter(status=HoursStatus.PENDING).exists()  # the organisers' queue is not empty
    assert Redemption.objects.count() >= 5
    assert PointsEntry.objects.filter(kind=PointsKind.REDEEM).count() == Redemption.objects.count()


def test_three_markets_served_400_plus(seeded):
    markets = Activity.objects.filter(activity_type=ActivityType.MARKET, stalls__isnull=False).distinct()
    assert markets.count() == 3
    assert MarketStall.objects.aggregate(total=Sum("people_served"))["total"] >= 400
    assert seeded["counts"]["market_people_served"] >= 400


def test_persuasion_every_evening_and_public_activities_ahead(seeded):
    persuasion = Activity.objects.get(title="垃圾分类宣传劝导", community__name="莲香")
    today = timezone.localdate()
    days = set()
    for shift in persuasion.shifts.all():
        start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
        assert (start.hour, end.hour, start.minute, end.minute) == (17, 19, 0, 0)
        days.add(start.date())
    assert {today - dt.timedelta(days=n) for n in range(28)} <= days
    ahead = Shift.objects.filter(
        starts_at__gt=timezone.now(),
        starts_at__lt=timezone.now() + dt.timedelta(days=14),
        activity__status=ActivityStatus.PUBLISHED,
        activity__audience=Audience.PUBLIC,
    ).exclude(activity=persuasion)
    assert ahead.values("activity").distinct().count() >= 5
    # A year of activities.
    oldest = Shift.objects.order_by("starts_at").first()
    assert (today - timezone.localtime(oldest.starts_at).date()).days >= 300


def test_new_employment_registry_and_warm_stations(seeded):
    workers = NewEmploymentWorker.objects.filter(community__name="莲香")
    by_company = dict(workers.values("company").annotate(n=Count("id")).values_list("company", "n"))
    assert (by_company["顺丰速运"], by_company["中通快递"], by_company["叮咚买菜"]) == (48, 7, 8)
    stations = ServicePosition.objects.filter(position_type=PositionType.WARM_STATION)
    assert stations.exists()
    assert not stations.filter(amenities__isnull=True).exists()
    assert not stations.exclude(amenities__amenity="water").exists()


def test_the_demo_reporter_is_a_worker_and_volunteer_with_report_points(seeded):
    worker = NewEmploymentWorker.objects.select_related("reporter", "volunteer").get(
        reporter__token=DEMO_REPORTER_TOKEN
    )
    volunteer = worker.volunteer
    entries = volunteer.points_entries.filter(kind=PointsKind.REPORT)
    assert entries.count() >= 1
    assert all(entry.report.reporter_id == worker.reporter_id for entry in entries)
    assert volunteer.points_balance == entries.aggregate(total=Sum("delta"))["total"]


def test_one_ready_certificate_with_its_pdf(seeded, settings):
    settings.MEDIA_ROOT = seeded["media"]  # where the seed drew it (each test otherwise gets its own)
    certificate = Certificate.objects.get()
    assert certificate.status == CertificateStatus.READY
    assert certificate.issuer == "斜塘街道莲香社区居民委员会"
    with certificate.pdf.open("rb") as handle:
        text = pypdf.PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert certificate.holder_name in text and certificate.number in text
    assert certificate.id_number_masked in text and "*" in certificate.id_number_masked


def test_some_volunteers_have_no_id_number_and_outside_people_take_part(seeded):
    assert Volunteer.objects.filter(id_number="").exists()  # the certificate form's refusal can be shown
    assert Volunteer.objects.filter(kind="student").count() >= 5
    assert Volunteer.objects.filter(kind="unit_staff", co_building_unit__isnull=False).exists()
    assert Volunteer.objects.filter(resident__isnull=False).count() > 300
    assert not Volunteer.objects.filter(Q(number__isnull=True) | Q(number="")).exists()


def test_summary_line_and_second_run(seeded):
    line = summary_line(seeded["counts"])
    assert "红管先锋/友邻先锋 64 支" in line and "妈妈的灶屋间" in line and "志愿服务记录证明 1 份" in line
    before = (Team.objects.count(), Volunteer.objects.count(), PointsEntry.objects.count(), Certificate.objects.count())
    assert seed_volunteers() == {}
    after = (Team.objects.count(), Volunteer.objects.count(), PointsEntry.objects.count(), Certificate.objects.count())
    assert before == after
