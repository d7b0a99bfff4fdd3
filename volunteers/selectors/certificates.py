"""Reads of service certificates: the staff list (one FilterSet), the issue form's
volunteer search, and the public verification.

The public answer is only ever a READY certificate whose number and code both
match; anything else is the same "未找到", so the page tells nobody whether a
number exists. It shows the holder's name partly masked (张*华) and nothing
else personal: no ID number, no mobile.
"""

import secrets

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.filters import _visible
from communities.models import Community
from volunteers.models import Certificate, CertificateStatus, Volunteer

VOLUNTEER_SEARCH_LIMIT = 20


class CertificateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("证明编号/姓名/志愿者编号"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CertificateStatus.choices)
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), field_name="volunteer__community", queryset=_visible(Community)
    )
    year = django_filters.NumberFilter(label=_("出具年度"), field_name="issued_on", lookup_expr="year")

    class Meta:
        model = Certificate
        fields = ["q", "status", "community", "year"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(holder_name__icontains=value) | Q(volunteer_number__icontains=value)
        )


def certificates_for_list(queryset: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return queryset.select_related("volunteer__community", "requested_by").order_by("-created_at", "-id")


def certificate_filter(data, *, user: User, request=None) -> CertificateFilter:
    """The list filter over the certificates the user may see (community staff: no choice of community)."""
    queryset = certificates_for_list(Certificate.objects.visible_to(user))
    certificate_filter = CertificateFilter(data, queryset=queryset, request=request)
    if not user.is_street_level:
        certificate_filter.filters.pop("community", None)
    return certificate_filter


def certificate_for_detail(user: User, pk: int) -> QuerySet[Certificate]:
    return certificates_for_list(Certificate.objects.visible_to(user)).filter(pk=pk)


def volunteers_to_certify(user: User, query: str) -> list[Volunteer]:
    """Volunteers the user may see matching a name, volunteer number or mobile (at most 20)."""
    query = query.strip()
    if not query:
        return []
    return list(
        Volunteer.objects.visible_to(user)
        .filter(Q(name__icontains=query) | Q(number__iexact=query) | Q(mobile=query))
        .select_related("community")
        .order_by("name", "pk")[:VOLUNTEER_SEARCH_LIMIT]
    )


def certificates_of(volunteer: Volunteer) -> list[Certificate]:
    return list(volunteer.certificates.select_related("requested_by").order_by("-created_at", "-id"))


# Public verification


def mask_name(name: str) -> str:
    """张三 → 张*, 张小华 → 张*华, 欧阳晓明 → 欧**明: enough to match a face, not to find a person."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def normalise_number(value: str) -> str:
    return "".join(value.split()).upper()


def verified_certificate(number: str, code: str) -> Certificate | None:
    """The READY certificate with this number and verification code, or None (wrong number, wrong code, not issued)."""
    number, code = normalise_number(number), normalise_number(code)
    if not number or not code:
        return None
    certificate = (
        Certificate.objects.filter(number=number, status=CertificateStatus.READY)
        .only(
            "number",
            "verification_code",
            "holder_name",
            "volunteer_number",
            "period_start",
            "period_end",
            "total_minutes",
            "issuer",
            "issued_on",
            "status",
        )
        .first()
    )
    # Compared in constant time: the answer's timing must not leak how much of a code was right.
    if certificate is None or not secrets.compare_digest(certificate.verification_code.encode(), code.encode()):
        return None
    return certificate
