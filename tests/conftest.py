"""A fixed cast, after healthchecks: a small street with two communities and one user per role.

`cast.community` (莲香) is home; `cast.other_community` (淞渔) is where the outsiders'
residents live. Every scoping test checks both directions.
"""

from dataclasses import dataclass

import pytest

from accounts.models import Role, User
from communities.models import Building, Community, Grid, Household, Resident
from tests.celery_helpers import redis_celery_app  # noqa: F401 (a fixture for every test module)
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    GridFactory,
    HouseholdFactory,
    ResidentFactory,
    StairwellFactory,
    UserFactory,
)


@dataclass
class Cast:
    community: Community
    other_community: Community
    grid: Grid
    other_grid: Grid  # same community as `grid`, not the grid worker's
    building: Building
    household: Household
    resident: Resident  # in `grid`
    resident_other_grid: Resident  # same community, other grid
    outsider_resident: Resident  # other community
    street_admin: User
    street_reviewer: User
    secretary: User
    worker: User
    grid_worker: User
    other_worker: User  # a community worker of the other community
    no_role: User  # logged in, no staff role


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


def build_cast() -> Cast:
    """The cast without a fixture, for transaction=True tests that build it in their own database state."""
    community = CommunityFactory(name="莲香", code="320571006001")
    other = CommunityFactory(name="淞渔", code="320571006002")
    grid = GridFactory(community=community, serial=1, name="莲香第一网格")
    other_grid = GridFactory(community=community, serial=2, name="莲香第二网格")
    compound = CompoundFactory(community=community, name="莲香新村三区")
    building = BuildingFactory(compound=compound, grid=grid, number="39幢", code="LX-39")
    household = HouseholdFactory(stairwell=StairwellFactory(building=building, number="1单元"), room="301")
    building2 = BuildingFactory(compound=compound, grid=other_grid, number="40幢", code="LX-40")
    other_compound = CompoundFactory(community=other, name="淞泽家园九区")
    other_building = BuildingFactory(compound=other_compound, grid=GridFactory(community=other, serial=1))

    grid_worker = UserFactory(username="gridworker", role=Role.GRID_WORKER, community=community)
    grid.workers.add(grid_worker)
    return Cast(
        community=community,
        other_community=other,
        grid=grid,
        other_grid=other_grid,
        building=building,
        household=household,
        resident=ResidentFactory(household=household, name="王秀英"),
        resident_other_grid=ResidentFactory(
            household=HouseholdFactory(stairwell=StairwellFactory(building=building2)), name="李建英"
        ),
        outsider_resident=ResidentFactory(
            household=HouseholdFactory(stairwell=StairwellFactory(building=other_building)), name="张外区"
        ),
        street_admin=UserFactory(username="streetadmin", role=Role.STREET_ADMIN),
        street_reviewer=UserFactory(username="reviewer", role=Role.STREET_REVIEWER),
        secretary=UserFactory(username="secretary", role=Role.COMMUNITY_SECRETARY, community=community),
        worker=UserFactory(username="worker", role=Role.COMMUNITY_WORKER, community=community),
        grid_worker=grid_worker,
        other_worker=UserFactory(username="otherworker", role=Role.COMMUNITY_WORKER, community=other),
        no_role=UserFactory(username="norole", role=""),
    )


@pytest.fixture
def login(client):
    """login(user) → the test client, logged in as that user."""

    def _login(user: User):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


__all__ = ["PASSWORD", "Cast"]


@pytest.fixture
def api():
    """api(user) → a DRF APIClient authenticated as that user; api(None) → anonymous."""
    from rest_framework.test import APIClient

    def _api(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _api


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # PBKDF2 at production strength makes every cast fixture take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def celery_tasks_run_in_process():
    """Tasks enqueued by the code under test run at once, even when REDIS_URL is set (CI).

    Only tests/test_celery_worker.py switches this off, to go through a real worker on Redis.
    """
    from xietang.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def empty_cache_and_own_media(settings, tmp_path):
    """Every test starts with an empty cache (rate-limit counters live there, and on
    Redis they would carry over from earlier tests and runs) and writes uploads
    into its own temporary MEDIA_ROOT, never into the checkout."""
    from django.core.cache import cache

    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
