"""Admin for every volunteers model, scoped like the pages (`visible_to`).

Rows whose writes carry rules (the points ledger, service hours and their history,
redemptions, certificates) are read-only here: their only write path is the service.
A volunteer's number and points balance are likewise shown, never edited.
"""

from django.contrib import admin

from volunteers.models import (
    Activity,
    ActivityPhoto,
    Award,
    Certificate,
    Evaluation,
    MarketStall,
    Membership,
    NewEmploymentWorker,
    PointsEntry,
    Redemption,
    RewardItem,
    ServiceDelivery,
    ServiceHours,
    ServiceHoursChange,
    Shift,
    Signup,
    StationAmenity,
    Team,
    TeamService,
    Training,
    Volunteer,
)
from xietang.admin_mixins import ReadOnlyAdmin, ScopedAdmin


class ScopedThroughAdmin(admin.ModelAdmin):
    """For rows without their own `visible_to`: scoped through a parent that has one."""

    scope_parent: str
    scope_model: type

    def get_queryset(self, request):
        visible = self.scope_model.objects.visible_to(request.user)
        return super().get_queryset(request).filter(**{f"{self.scope_parent}__in": visible})


class ReadOnlyScopedAdmin(ReadOnlyAdmin, ScopedAdmin):
    pass


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    list_display = ("name", "team_type", "community", "leader", "is_public", "is_active")
    list_filter = ("team_type", "is_active", "is_public")
    search_fields = ("name",)
    raw_id_fields = ("leader", "co_building_unit", "party_organisation")


@admin.register(Volunteer)
class VolunteerAdmin(ScopedAdmin):
    list_display = ("number", "name", "community", "kind", "points_balance", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "number")
    raw_id_fields = ("resident", "co_building_unit")
    readonly_fields = ("number", "points_balance")


@admin.register(Membership)
class MembershipAdmin(ScopedThroughAdmin):
    scope_parent, scope_model = "team", Team
    list_display = ("team", "volunteer", "role", "joined_on", "left_on")
    raw_id_fields = ("team", "volunteer")


@admin.register(Training, Award)
class RecordAdmin(ScopedThroughAdmin):
    scope_parent, scope_model = "volunteer", Volunteer
    list_display = ("__str__", "volunteer")
    raw_id_fields = ("volunteer",)


@admin.register(Evaluation)
class EvaluationAdmin(ScopedThroughAdmin):
    scope_parent, scope_model = "volunteer", Volunteer
    list_display = ("volunteer", "period", "grade", "evaluated_on")
    raw_id_fields = ("volunteer", "evaluated_by")


@admin.register(TeamService)
class TeamServiceAdmin(ScopedAdmin):
    list_display = ("title", "team", "price_type", "price", "is_active")
    raw_id_fields = ("team",)


@admin.register(ServiceDelivery)
class ServiceDeliveryAdmin(ScopedAdmin):
    list_display = ("service", "delivered_on", "quantity", "people_served")
    raw_id_fields = ("service", "recorded_by")


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ("title", "activity_type", "community", "status", "created_at")
    list_filter = ("activity_type", "status", "audience")
    search_fields = ("title",)
    raw_id_fields = ("team", "position", "organiser")


@admin.register(Shift)
class ShiftAdmin(ScopedAdmin):
    list_display = ("activity", "label", "starts_at", "ends_at", "capacity")
    raw_id_fields = ("activity",)


@admin.register(Signup)
class SignupAdmin(ScopedAdmin):
    list_display = ("volunteer", "shift", "status", "source", "code")
    list_filter = ("status",)
    raw_id_fields = ("shift", "volunteer")


@admin.register(ActivityPhoto, MarketStall)
class ActivityPartAdmin(ScopedThroughAdmin):
    scope_parent, scope_model = "activity", Activity
    raw_id_fields = ("activity",)


@admin.register(ServiceHours, PointsEntry, Certificate)
class LedgerAdmin(ReadOnlyScopedAdmin):
    pass


@admin.register(ServiceHoursChange)
class ServiceHoursChangeAdmin(ReadOnlyAdmin, ScopedThroughAdmin):
    scope_parent, scope_model = "record", ServiceHours


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin, ScopedThroughAdmin):
    scope_parent, scope_model = "item", RewardItem
    list_display = ("volunteer", "item", "quantity", "points", "created_at")


@admin.register(RewardItem)
class RewardItemAdmin(ScopedAdmin):
    list_display = ("name", "community", "points_cost", "stock", "is_active")


@admin.register(NewEmploymentWorker)
class NewEmploymentWorkerAdmin(ScopedAdmin):
    list_display = ("name", "kind", "company", "station", "community", "is_party_member")
    list_filter = ("kind",)
    search_fields = ("name", "company")
    raw_id_fields = ("reporter", "volunteer", "registered_by")


@admin.register(StationAmenity)
class StationAmenityAdmin(ScopedAdmin):
    list_display = ("position", "amenity", "hours")
    raw_id_fields = ("position",)
