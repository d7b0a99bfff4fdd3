"""Writes for the three lists, projects and meetings, one module per area.

Every write takes `acting_user`, runs in a transaction, records the timeline row
and enqueues side effects on commit (STYLE.md, "One write path")."""
