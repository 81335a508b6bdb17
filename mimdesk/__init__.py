"""MIM Desk: run a major incident from first report to the postmortem."""

__version__ = "0.1.0"
