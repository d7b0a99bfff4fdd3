"""work routes; see projects/urls/__init__.py."""

urlpatterns: list = []
