"""Routes of the volunteers app, one module per area, all in the `volunteers` namespace.

Staff pages under /volunteers/ (teams, volunteers, points), /activities/ (activities,
shifts, attendance, hours), /certificates/, /new-employment/. Public pages (no
account) under /serve/ (activities, sign-up, teams, check-in, calendars) and
/certificates/verify/.
"""

from volunteers.urls import activities, certificates, new_employment, public, teams

app_name = "volunteers"

urlpatterns = [
    *teams.urlpatterns,
    *activities.urlpatterns,
    *certificates.urlpatterns,
    *new_employment.urlpatterns,
    *public.urlpatterns,
]
