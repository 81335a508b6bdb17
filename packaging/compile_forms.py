"""Compile the Qt Designer sources in ``ui/`` into ``mimdesk/gui/forms/ui_<name>.py``.

The generated modules are committed (STYLE.md, "Designer forms"), so that the tests, type
checkers and the frozen build never need Qt's tools. Run after changing a ``.ui`` file::

    uv run python packaging/compile_forms.py          # regenerate
    uv run python packaging/compile_forms.py --check  # exit 1 if the committed files are stale

The output depends only on the ``.ui`` files and the pyside6-uic version, so regenerating
unchanged sources gives byte-identical files (tests/gui/test_forms_fresh.py holds us to it).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_DIR = ROOT / "ui"
FORMS_DIR = ROOT / "mimdesk" / "gui" / "forms"

HEADER = (
    "# Generated from ui/{source} by packaging/compile_forms.py (pyside6-uic). Do not edit:\n"
    "# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.\n"
)
INIT = '"""Python modules generated from the Designer forms in ui/; never edited by hand."""\n'


def uic_command() -> list[str]:
    # Prefer the uic of the interpreter running us, so that a stray PySide6 on PATH with
    # another version cannot produce different output.
    name = "pyside6-uic.exe" if sys.platform == "win32" else "pyside6-uic"
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return [str(beside)]
    found = shutil.which("pyside6-uic")
    if found:
        return [found]
    raise SystemExit("pyside6-uic not found: install PySide6 (uv sync) and run this with uv run.")


def generate(source: Path) -> bytes:
    """The module for one form, as bytes with Unix line endings."""
    result = subprocess.run(
        [*uic_command(), "--generator", "python", source.name],
        cwd=source.parent,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise SystemExit(f"pyside6-uic failed on {source}: {message}")
    body = result.stdout.decode("utf-8").replace("\r\n", "\n")
    return (HEADER.format(source=source.name) + body).encode("utf-8")


def target_name(source: Path) -> str:
    return f"ui_{source.stem}.py"


def compile_all(ui_dir: Path = UI_DIR, out_dir: Path = FORMS_DIR) -> dict[str, bytes]:
    """Write every form into ``out_dir``; returns {file name: content} of what it holds."""
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = {"__init__.py": INIT.encode("utf-8")}
    for source in sorted(ui_dir.glob("*.ui")):
        wanted[target_name(source)] = generate(source)
    for name, content in wanted.items():
        path = out_dir / name
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)
    # A form deleted from ui/ must not live on as a stale module.
    for stale in out_dir.glob("ui_*.py"):
        if stale.name not in wanted:
            stale.unlink()
    return wanted


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale forms")
    args = parser.parse_args(argv)
    if not args.check:
        written = compile_all()
        print(f"{len(written) - 1} forms in {FORMS_DIR.relative_to(ROOT)}")
        return 0
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fresh = compile_all(out_dir=Path(tmp))
    committed = {p.name for p in FORMS_DIR.glob("*.py")}
    stale = sorted(
        name
        for name, content in fresh.items()
        if not (FORMS_DIR / name).exists() or (FORMS_DIR / name).read_bytes() != content
    )
    stale += sorted(committed - fresh.keys())
    if stale:
        print("Stale forms (run packaging/compile_forms.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
