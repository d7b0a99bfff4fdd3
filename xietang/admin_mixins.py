from django.contrib import admin


class ScopedAdmin(admin.ModelAdmin):
    """Admin lists start from visible_to(user), like pages and the API."""

    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user)
