"""The vocabulary of MIM Desk: pure Python, no I/O, no Qt, no database."""
