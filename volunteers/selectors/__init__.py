"""Reads of the volunteers app for pages, API, reports and dashboards, one module per area."""
