"""Printable output: role cards, the postmortem PDF, exports."""
