"""Every write of the volunteers app, one module per area (teams, activities, attendance, points, certificates, new_employment)."""
