"""What the project page shows of the work on the ground: funding, batches, milestones, photos.

`work_context(project, user)` is the one entry point the project page calls; it is
filled in by the funding-and-progress work (issue 4)."""

from accounts.models import User
from projects.models import Project


def work_context(project: Project, user: User) -> dict:
    return {}
