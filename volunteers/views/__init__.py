"""Views of the volunteers app, one module per area."""
