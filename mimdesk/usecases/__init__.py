"""What the GUI and the CLI call: one module per feature.

Use cases validate with the domain, append through the store, and return plain data plus a
:class:`~mimdesk.usecases.context.Changes` value saying what changed, which the GUI broadcasts
so that views refresh themselves.
"""
