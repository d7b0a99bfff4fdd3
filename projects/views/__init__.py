"""Pages for the three lists, projects and meetings, one module per area."""
