"""Forms for the three lists, projects and meetings, one module per area. Forms only clean input."""
