"""`manage.py seed_demo`: the demo street reproduces the figures the street reports (DOMAIN.md).

The street is seeded once per module inside a transaction that is rolled back at the end,
so the other test modules still start from an empty database.
"""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F
from django.http import HttpRequest
from django.test import override_settings

from accounts.models import Role, User
from communities import demo
from communities.models import (
    Building,
    CoBuildingUnit,
    Community,
    CommunityType,
    Compound,
    Grid,
    PartyOrganisation,
    PartyPosition,
    PartyTier,
    PositionLevel,
    PositionTitle,
    PositionType,
    Resident,
    ServicePosition,
    Street,
)
from communities.selectors import party_coverage
from communities.validators import (
    MOBILE_RE,
    id_birth_date,
    id_gender,
    validate_id_number,
)

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ARTICLE_COMMUNITIES = {"锦塘", "莲香", "淞渔", "淞源", "金星苑", "彩莲", "美颂", "翰林缘"}
DEMO_USERNAMES = [username for username, *_ in demo.DEMO_ACCOUNTS]


@pytest.fixture(scope="module")
def seed_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            out = StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def street(seed_output) -> Street:
    return Street.objects.get(code=demo.STREET_CODE)


def test_output_has_a_summary_line_and_the_accounts_table(seed_output):
    summary, *table = seed_output.splitlines()
    assert summary.startswith("斜塘街道演示数据已生成:社区 38 · ")
    assert "楼道党小组 105" in summary and "共建单位 152" in summary
    for username in DEMO_USERNAMES:
        assert any(line.strip().startswith(username) for line in table)
    assert demo.DEMO_PASSWORD in table[-2]  # the grid-worker line closes the table
    assert table[0] == "居民诉求演示数据:近一年 714 件"
    assert table[1].startswith("微实事演示数据:项目 14 个")
    assert table[2].startswith("志愿服务演示数据:") and "红管先锋/友邻先锋 64 支" in table[2]
    assert table[-1] == "随手拍演示链接(莲香社区快递员):/snap/demo-lianxiang-courier/"


def test_a_year_of_requests_in_every_state(seed_output):
    from resident_requests.models import ResidentRequest, Status

    requests = ResidentRequest.objects.all()
    assert requests.count() == 714
    states = set(requests.values_list("status", flat=True))
    assert {Status.ARCHIVED, Status.REJECTED, Status.IN_PROGRESS} <= states
    # Every closed case has its whole timeline, ending in the state it is in.
    archived = requests.filter(status=Status.ARCHIVED).first()
    assert list(archived.events.values_list("action", flat=True)) == [
        "submit", "accept", "dispatch", "sign", "resolve", "callback", "archive"
    ]
    assert all(r.events.order_by("at", "id").last().to_status == r.status for r in requests[:50])


def test_street_has_38_coded_communities_of_mixed_types(street):
    communities = list(Community.objects.filter(street=street))
    assert street.name == "斜塘街道"
    assert [c.code for c in communities] == [f"320571006{n:03d}" for n in range(1, 39)]
    assert ARTICLE_COMMUNITIES <= {c.name for c in communities}
    types = [c.community_type for c in communities]
    assert types.count(CommunityType.RESETTLEMENT) == 20
    assert types.count(CommunityType.TALENT) == 2


def test_every_community_has_three_to_six_serial_grids(street):
    for community in Community.objects.filter(street=street).prefetch_related("grids"):
        serials = [grid.serial for grid in community.grids.all()]
        assert 3 <= len(serials) <= 6, community
        assert sorted(serials) == list(range(1, len(serials) + 1))
    assert Grid.objects.filter(name="莲香第一网格", community__name="莲香").exists()


def test_compounds_and_buildings_from_the_articles_exist(street):
    assert Building.objects.filter(compound__name="莲香新村三区", compound__community__name="莲香", number="39幢").exists()
    assert Compound.objects.filter(name="淞泽家园九区", community__name="淞渔").exists()
    counts = Compound.objects.filter(community__street=street).values("community").annotate(n=Count("pk"))
    assert {row["n"] for row in counts} <= {1, 2, 3, 4}


def test_every_building_lies_in_a_grid_of_its_own_community(street):
    buildings = Building.objects.filter(compound__community__street=street)
    assert buildings.exclude(grid__community=F("compound__community")).count() == 0
    assert not Grid.objects.filter(community__street=street, buildings__isnull=True).exists()
    for building in buildings.select_related("compound", "grid").order_by("pk")[::50]:
        building.full_clean()


def test_party_coverage_matches_what_the_street_reports(street):
    admin = User.objects.get(username="jiedao_admin")
    coverage = party_coverage(user=admin)
    assert coverage.compounds == Compound.objects.count() > 0
    assert coverage.branch_rate == 1.0
    assert coverage.stairwell_groups == demo.STAIRWELL_GROUP_COUNT == 105


def test_party_tree_has_five_tiers_and_consistent_communities(street):
    organisations = PartyOrganisation.objects.select_related("tier", "parent__tier", "compound", "building__compound")
    by_level = {level: [o for o in organisations if o.tier.level == level] for level in range(1, 6)}
    assert len(by_level[PartyTier.STREET]) == 1 and by_level[PartyTier.STREET][0].street == street
    assert 4 <= len(by_level[PartyTier.NEIGHBOURHOOD]) <= 5
    assert len(by_level[PartyTier.COMMUNITY]) == 38
    for organisation in organisations:
        if organisation.parent:
            assert organisation.parent.tier.level == organisation.tier.level - 1
        if organisation.tier.level <= PartyTier.NEIGHBOURHOOD:
            assert organisation.community_id is None
        elif organisation.tier.level == PartyTier.COMMUNITY:
            assert list(organisation.covered_communities.values_list("pk", flat=True)) == [organisation.community_id]
        elif organisation.tier.level == PartyTier.COMPOUND:
            assert organisation.community_id == organisation.compound.community_id
        else:
            assert organisation.community_id == organisation.building.compound.community_id
    covered = Community.objects.filter(covering_organisations__tier__level=PartyTier.NEIGHBOURHOOD).distinct()
    assert covered.count() == 38


def test_every_branch_has_a_secretary_and_every_group_a_leader(street):
    def without(level, title):
        return PartyOrganisation.objects.filter(tier__level=level).exclude(positions__title=title).count()

    assert without(PartyTier.COMMUNITY, PositionTitle.SECRETARY) == 0
    assert without(PartyTier.COMPOUND, PositionTitle.SECRETARY) == 0
    assert without(PartyTier.STAIRWELL, PositionTitle.GROUP_LEADER) == 0
    # Group leaders live in the compound their group is in.
    for position in PartyPosition.objects.filter(title=PositionTitle.GROUP_LEADER).select_related(
        "organisation__building", "member__resident__household__stairwell__building"
    ):
        home = position.member.resident.household.stairwell.building
        assert home.compound_id == position.organisation.building.compound_id


def test_152_co_building_units_with_the_bench_sponsors_in_songyu(street):
    units = CoBuildingUnit.objects.filter(street=street).annotate(n=Count("communities"))
    assert units.count() == 152
    assert {unit.n for unit in units} <= {1, 2, 3}
    songyu_units = set(CoBuildingUnit.objects.filter(communities__name="淞渔").values_list("name", flat=True))
    assert {"苏州银行", "同程网络", "中衡设计"} <= songyu_units
    assert CoBuildingUnit.objects.get(name="苏州银行").party_organisation_name == "苏州银行零售银行总部党委"


def test_service_positions_at_three_levels(street):
    positions = ServicePosition.objects.all()
    assert positions.filter(level=PositionLevel.COMMUNITY).count() == 53
    assert positions.filter(level=PositionLevel.COMMUNITY, position_type=PositionType.LIVING_ROOM).count() == 3
    assert positions.filter(level=PositionLevel.STREET, position_type=PositionType.NEW_ECONOMY_CENTRE).count() == 5
    assert positions.filter(level=PositionLevel.STREET, position_type=PositionType.SERVICE_CENTRE).count() == 1
    grid_level = positions.filter(level=PositionLevel.GRID)
    assert grid_level.exists()
    assert grid_level.exclude(grid__community=F("community")).count() == 0
    assert Community.objects.filter(service_positions__position_type=PositionType.SERVICE_CENTRE).count() == 38


def test_residents_have_valid_unique_ids_matching_birth_date_and_gender(street):
    rows = list(Resident.objects.values_list("id_number", "birth_date", "gender", "mobile"))
    assert 3000 <= len(rows) <= 4500
    ids = [row[0] for row in rows]
    assert len(set(ids)) == len(ids)
    for id_number, birth_date, gender, mobile in rows:
        validate_id_number(id_number)
        assert id_birth_date(id_number) == birth_date
        assert id_gender(id_number) == gender
        assert mobile == "" or MOBILE_RE.match(mobile)


def test_resident_sample_passes_full_clean(street):
    for resident in Resident.objects.order_by("pk")[::40]:
        resident.full_clean()


def test_over_sixty_percent_are_floating_or_tenants(street):
    assert demo.floating_share(street) > 0.6


def test_elderly_tag_follows_age(street):
    today = dt.date.today()
    cutoff = today.replace(year=today.year - 60) if (today.month, today.day) != (2, 29) else today.replace(
        year=today.year - 60, day=28
    )
    elderly = Resident.objects.filter(birth_date__lte=cutoff)
    assert elderly.exists()
    assert elderly.exclude(tags__name="老年人").count() == 0
    assert Resident.objects.filter(birth_date__gt=cutoff, tags__name="老年人").count() == 0


def test_second_run_adds_nothing(street):
    before = demo.street_counts(street), User.objects.count()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "已存在,跳过" in out.getvalue().splitlines()[0]
    assert (demo.street_counts(street), User.objects.count()) == before


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_demo_users_log_in_with_the_demo_password(street, client, username):
    # django-axes wants the request the credentials came with.
    assert client.login(request=HttpRequest(), username=username, password=demo.DEMO_PASSWORD)


def test_one_account_per_role_with_the_right_scope(street):
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert {user.role for user in users.values()} == set(Role.values)
    admin = users["jiedao_admin"]
    assert admin.is_staff and admin.is_superuser and admin.community is None
    assert users["lianxiang_shuji"].community.name == "莲香"
    assert users["songyu_gongzuo"].community.name == "淞渔"
    grid = Grid.objects.get(name="莲香第一网格")
    assert grid.leader == users["lianxiang_wangge"]
    assert users["lianxiang_wangge"] in grid.workers.all()
    assert all(u.first_name and u.last_name for u in users.values())


def test_every_other_grid_has_a_grid_worker_leader(street):
    grids = Grid.objects.filter(community__street=street).exclude(name="莲香第一网格")
    assert grids.filter(leader__username__startswith="gw_", workers=F("leader")).count() == grids.count()


@pytest.mark.parametrize(("username", "community"), [("lianxiang_gongzuo", "莲香"), ("songyu_gongzuo", "淞渔")])
def test_community_worker_sees_only_own_residents(street, username, community):
    visible = Resident.objects.visible_to(User.objects.get(username=username))
    assert visible.exists()
    assert set(visible.values_list("community__name", flat=True).distinct()) == {community}


def test_scale_below_one_is_refused():
    with pytest.raises(CommandError):
        call_command("seed_demo", scale=0, stdout=StringIO())


def test_room_numbers_stay_unique_beyond_a_stairwells_flats():
    run = demo._Run(
        rng=demo.random.Random(1), fake=None, today=dt.date(2026, 1, 1), scale=50,
        id_numbers=demo._IdNumbers(demo.random.Random(1), set()),
    )
    rooms = demo._rooms(run, CommunityType.RESETTLEMENT, 50)
    assert len(set(rooms)) == 50
    assert all(re.fullmatch(r"\d{3,4}", room) for room in rooms)


def test_id_numbers_stay_unique_for_people_sharing_a_birthday():
    numbers = demo._IdNumbers(demo.random.Random(1), set())
    birth = dt.date(1960, 5, 1)
    values = [numbers.allocate(birth, gender) for gender in ("male", "female") for _ in range(500)]
    assert len(set(values)) == 1000


def test_projects_in_every_state_with_the_two_showcases_from_the_articles(seed_output):
    from projects.models import Meeting, MeetingType, Project, ProjectStatus
    from projects.selectors.progress import figures

    assert set(Project.objects.values_list("status", flat=True)) == set(ProjectStatus.values)
    benches = Project.objects.get(title="初心为民心,百凳为百姓")
    result = figures(benches)
    assert (benches.communities.get().name, result.delivered, result.planned, result.progress_percent) == ("淞渔", 220, 300, 73)
    sponsors = set(benches.contributions.exclude(unit=None).values_list("unit__name", flat=True))
    assert {"苏州银行", "同程网络", "中衡设计"} <= {name[:4] for name in sponsors}
    assert benches.photo_pairs.exclude(before_image="").exclude(after_image="").count() == 2
    car_park = Project.objects.get(title="莲香新村三区停车场改造")
    assert car_park.beneficiaries == "39幢 80户"
    assert car_park.meetings.filter(meeting_type=MeetingType.JOINT).count() == 7
    assert car_park.ratings.filter(status="published").exists()
    # Every timeline ends in the state the project is in.
    for project in Project.objects.all():
        assert project.events.order_by("created_at", "id").filter(to_status__gt="").last().to_status == project.status
    assert Meeting.objects.values("community").distinct().count() == 38
