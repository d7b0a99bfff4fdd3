from django.contrib import admin


class ScopedAdmin(admin.ModelAdmin):
    """Admin lists start from visible_to(user), like pages and the API."""

    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in the admin, never written there (audit rows; residents, whose writes are audited pages)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
