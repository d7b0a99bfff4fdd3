from django.contrib import admin

from projects.models import Need
from xietang.admin_mixins import ScopedAdmin


@admin.register(Need)
class NeedAdmin(ScopedAdmin):
    list_display = ("title", "community", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("title",)
    raw_id_fields = ("evidence_requests",)
