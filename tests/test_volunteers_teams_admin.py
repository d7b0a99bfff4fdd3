"""The volunteers admin: every changelist opens, rows are scoped like the pages, the ledger is read-only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory
from tests.volunteer_factories import (
    CertificateFactory,
    MembershipFactory,
    PointsEntryFactory,
    ServiceHoursFactory,
    StationAmenityFactory,
    TrainingFactory,
)

MODELS = [
    "team", "volunteer", "membership", "training", "award", "evaluation", "teamservice", "servicedelivery",
    "activity", "shift", "signup", "activityphoto", "marketstall", "servicehours", "servicehourschange",
    "pointsentry", "certificate", "redemption", "rewarditem", "newemploymentworker", "stationamenity",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_opens(cast, login, model):
    superuser = UserFactory(username="root", role="", is_staff=True, is_superuser=True)
    ServiceHoursFactory()
    CertificateFactory()
    StationAmenityFactory()
    assert login(superuser).get(reverse(f"admin:volunteers_{model}_changelist")).status_code == 200


def test_rows_are_scoped_and_the_ledger_is_read_only(cast, login):
    mine = MembershipFactory(team__community=cast.community, volunteer__name="本社区队员")
    MembershipFactory(team__community=cast.other_community, volunteer__name="外社区队员")
    TrainingFactory(volunteer=mine.volunteer)
    entry = PointsEntryFactory(volunteer=mine.volunteer)
    staff = UserFactory(username="staffer", role=Role.COMMUNITY_WORKER, community=cast.community, is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="volunteers"))
    client = login(staff)
    body = client.get(reverse("admin:volunteers_membership_changelist")).content.decode()
    assert "本社区队员" in body and "外社区队员" not in body
    assert client.get(reverse("admin:volunteers_pointsentry_add")).status_code == 403
    assert client.post(reverse("admin:volunteers_pointsentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
