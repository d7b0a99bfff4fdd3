from django.contrib import admin

from communities import services
from communities.models import (
    Building,
    CoBuildingUnit,
    Community,
    Compound,
    Grid,
    Household,
    PartyMember,
    PartyOrganisation,
    PartyPosition,
    PartyTier,
    Resident,
    ResidentTag,
    ServicePosition,
    Stairwell,
    Street,
)
from xietang.admin_mixins import ReadOnlyAdmin, ScopedAdmin

admin.site.register(Street)
admin.site.register(ResidentTag)


@admin.register(PartyTier)
class PartyTierAdmin(admin.ModelAdmin):
    # Tier names are configurable (some streets say 区域大党委 for tier 2).
    list_display = ("level", "name")
    list_editable = ("name",)


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ("name", "code", "community_type", "street")
    list_filter = ("community_type",)
    search_fields = ("name", "code")


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    list_display = ("name", "community", "serial", "leader")
    list_filter = ("community",)
    filter_horizontal = ("workers",)
    list_select_related = ("community", "leader")


@admin.register(Compound)
class CompoundAdmin(ScopedAdmin):
    list_display = ("name", "community")
    list_filter = ("community",)
    search_fields = ("name",)


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ("__str__", "code", "grid")
    search_fields = ("code", "number", "compound__name")
    raw_id_fields = ("leader",)
    list_select_related = ("compound", "grid")


@admin.register(Stairwell)
class StairwellAdmin(ScopedAdmin):
    list_display = ("__str__",)
    raw_id_fields = ("building",)
    list_select_related = ("building__compound",)


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ("__str__",)
    raw_id_fields = ("stairwell",)
    list_select_related = ("stairwell__building__compound",)


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Read-only here: resident writes go through the audited staff pages."""

    list_display = ("name", "community", "gender", "masked_id_number", "residence_type")
    list_filter = ("community", "residence_type")
    search_fields = ("name",)
    exclude = ("id_number",)
    readonly_fields = ("masked_id_number",)
    list_select_related = ("community",)


class PartyPositionInline(admin.TabularInline):
    model = PartyPosition
    raw_id_fields = ("member",)
    extra = 0


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(ScopedAdmin):
    list_display = ("name", "tier", "parent", "community")
    list_filter = ("tier",)
    search_fields = ("name",)
    raw_id_fields = ("parent", "compound", "building", "stairwell")
    filter_horizontal = ("covered_communities",)
    exclude = ("community",)
    inlines = [PartyPositionInline]
    list_select_related = ("tier", "parent", "community")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The denormalised community follows the coverage (set after the M2M is saved).
        services.party_organisation_save(organisation=form.instance)


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdmin):
    list_display = ("resident", "status", "dual_report", "haitang_vanguard", "organisation")
    list_filter = ("status", "dual_report", "haitang_vanguard")
    raw_id_fields = ("resident", "organisation")
    list_select_related = ("resident", "organisation")


@admin.register(CoBuildingUnit)
class CoBuildingUnitAdmin(ScopedAdmin):
    list_display = ("name", "unit_type", "contact_name", "contact_phone")
    list_filter = ("unit_type",)
    search_fields = ("name",)
    filter_horizontal = ("communities",)


@admin.register(ServicePosition)
class ServicePositionAdmin(ScopedAdmin):
    list_display = ("name", "position_type", "level", "community", "opening_hours")
    list_filter = ("level", "position_type")
    search_fields = ("name", "address")
    list_select_related = ("community",)
