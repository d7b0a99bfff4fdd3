"""Reminders for milestones, batches and the public notice period."""

__all__: list[str] = []
