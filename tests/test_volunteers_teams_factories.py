"""The shared volunteers factories build valid, related rows (B and C import them)."""

from tests.volunteer_factories import (
    AwardFactory,
    CertificateFactory,
    EvaluationFactory,
    MembershipFactory,
    NewEmploymentWorkerFactory,
    RedemptionFactory,
    ServiceDeliveryFactory,
    ServiceHoursFactory,
    StationAmenityFactory,
    TrainingFactory,
)


def test_every_factory_builds_a_valid_row(db):
    membership = MembershipFactory()
    assert membership.volunteer.community == membership.team.community
    assert membership.volunteer.number == f"XT{membership.volunteer.registered_on.year}{membership.volunteer.pk:06d}"
    hours = ServiceHoursFactory()
    assert hours.volunteer == hours.signup.volunteer
    assert hours.activity == hours.signup.shift.activity
    for row in (
        TrainingFactory(),
        AwardFactory(),
        EvaluationFactory(),
        ServiceDeliveryFactory(),
        RedemptionFactory(),
        CertificateFactory(),
        NewEmploymentWorkerFactory(),
        StationAmenityFactory(),
    ):
        # Actor columns are nullable (SET_NULL) but not blank: the services fill them.
        row.full_clean(exclude=["recorded_by", "handled_by", "requested_by", "registered_by"])
