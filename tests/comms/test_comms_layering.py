"""mimdesk.comms sits below the use cases: it turns incidents into text and delivers it, and
never reaches up into the use cases, the store, the sync or Qt (DESIGN.md, "The house")."""

from __future__ import annotations

import ast
from pathlib import Path

import mimdesk.comms

FORBIDDEN = ("mimdesk.usecases", "mimdesk.store", "mimdesk.sync", "mimdesk.gui", "mimdesk.app")


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Imports outside ``if TYPE_CHECKING:`` blocks."""
    names: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


def test_comms_imports_nothing_above_it():
    folder = Path(mimdesk.comms.__file__).parent
    offenders = []
    for path in sorted(folder.rglob("*.py")):
        for name in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name.startswith(FORBIDDEN) or name.split(".")[0] == "PySide6":
                offenders.append(f"{path.relative_to(folder)}: {name}")
    assert offenders == []
    assert len(list(folder.rglob("*.py"))) >= 10  # the walk really saw the package
