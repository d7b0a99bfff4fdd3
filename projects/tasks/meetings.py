"""Reminders for meeting follow-up actions."""

__all__: list[str] = []
