"""The PySide6 desktop window of MIM Desk. The only package that imports Qt.

It calls the use cases (:mod:`mimdesk.usecases`) and nothing below them: every mutation runs
on the write lane of the task runner and its :class:`~mimdesk.usecases.context.Changes` is
broadcast by the :class:`~mimdesk.gui.changes.ChangeHub`, from which views refresh themselves.
"""
