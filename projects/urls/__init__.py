"""Routes of the projects app, one module per area, all in the `projects` namespace.

Staff pages: /needs/, /resources/, /menu/, /manage/projects/ (work: funding, batches,
milestones, photos under /manage/projects/<pk>/…), /meetings/, /manage/ratings/.
Public pages (no account): /projects/, /polls/.
"""

from django.urls import path

from projects.urls import lists, meetings, projects, public, work
from projects.views.lists import need_evidence

app_name = "projects"

urlpatterns = [
    path("needs/evidence/", need_evidence, name="need_evidence"),
    *lists.urlpatterns,
    *projects.urlpatterns,
    *work.urlpatterns,
    *meetings.urlpatterns,
    *public.urlpatterns,
]
