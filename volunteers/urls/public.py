"""public routes; see volunteers/urls/__init__.py."""

urlpatterns: list = []
