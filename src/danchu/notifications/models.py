"""Notification outbox (helper fills in)."""
