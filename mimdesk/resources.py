"""One resolver for the top-level ``resources/`` and ``ui/`` folders.

They live at the top of a source checkout, inside the package (``mimdesk/_data/``) in an
installed wheel, and under PyInstaller's unpack folder in a frozen build. Everything that reads
a shipped file asks :func:`resource_path`, so the three cases are decided in one place.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _roots() -> tuple[Path, ...]:
    roots = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.append(Path(frozen) / "mimdesk" / "_data")
        roots.append(Path(frozen))
    roots.append(_PACKAGE / "_data")  # installed wheel
    roots.append(_PACKAGE.parent)  # source checkout
    return tuple(roots)


def resource_root(kind: str) -> Path:
    """The folder ``resources`` or ``ui``, wherever this copy of MIM Desk keeps it."""
    if kind not in ("resources", "ui"):
        raise ValueError(f"unknown resource folder {kind!r}")
    for root in _roots():
        candidate = root / kind
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"MIM Desk cannot find its {kind} folder (looked in {', '.join(map(str, _roots()))}); "
        "the installation is incomplete: reinstall MIM Desk."
    )


def resource_path(*parts: str) -> Path:
    """A file under ``resources/``, e.g. ``resource_path("demo", "incidents.toml")``."""
    return resource_root("resources").joinpath(*parts)


def ui_path(name: str) -> Path:
    """A Designer source under ``ui/``."""
    return resource_root("ui") / name
