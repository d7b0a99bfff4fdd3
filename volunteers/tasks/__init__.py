"""Celery tasks of the volunteers app, one module per area (activities, certificates, points)."""
