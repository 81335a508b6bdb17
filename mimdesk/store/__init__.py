"""Persistence: the event log and its projections on SQLAlchemy 2.x."""
