"""Celery tasks of the volunteers app, one module per area (activities, certificates, points)."""

from volunteers.tasks.activities import *  # noqa: F403
from volunteers.tasks.certificates import *  # noqa: F403
from volunteers.tasks.points import *  # noqa: F403
