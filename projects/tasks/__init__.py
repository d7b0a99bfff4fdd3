"""Celery tasks of the projects app (autodiscovered as `projects.tasks`), one module per area."""

from projects.tasks.meetings import *  # noqa: F403
from projects.tasks.work import *  # noqa: F403
