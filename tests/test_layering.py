"""The arrows between the layers point one way (DESIGN.md, "The house")."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mimdesk"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# Every module of the command line: mimdesk/cli.py and each mimdesk/cli_*.py beside it.
CLI_MODULES = sorted(f"mimdesk.{p.stem}" for p in PACKAGE.glob("cli*.py"))


def contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def layers() -> list[set[str]]:
    """The layers contract's layers, top first, each as the set of its modules."""
    (contract,) = [c for c in contracts() if c["type"] == "layers"]
    return [
        {m.strip().strip("()") for m in re.split(r"[|:]", layer)} for layer in contract["layers"]
    ]


def lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        timeout=120,
    )


@pytest.mark.slow
def test_import_contracts_are_kept():
    result = lint_imports(ROOT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert " broken" in output and "0 broken" in output
    assert "BROKEN" not in output


@pytest.mark.slow
def test_import_contracts_catch_a_broken_arrow(tmp_path):
    """The same contracts, run on a copy of the package with forbidden imports added."""
    shutil.copytree(PACKAGE, tmp_path / "mimdesk", ignore=shutil.ignore_patterns("__pycache__"))
    injected = {
        "domain/clock.py": "from mimdesk import config  # noqa\nimport sqlalchemy  # noqa\n",
        "store/models.py": "import PySide6  # noqa\n",
        "usecases/validate.py": "from mimdesk import app as _app  # noqa\n",
        "paths.py": "import mimdesk.gui  # noqa\n",
        "exchange/validation.py": "from mimdesk.usecases import context  # noqa\n",
        "comms/addresses.py": "from mimdesk.usecases import context  # noqa\n",
        "reports/fonts.py": "from mimdesk.store import models  # noqa\n",
        "sync/ledger.py": "from mimdesk.usecases import validate  # noqa\n",
        "gui/theme.py": "from mimdesk.exchange import validation  # noqa\n",
        "config.py": "import sqlalchemy  # noqa\n",
        # Every module of the command line is above everything else.
        "usecases/maintenance.py": "".join(f"import {m}  # noqa\n" for m in CLI_MODULES),
    }
    for name, line in injected.items():
        with (tmp_path / "mimdesk" / name).open("a", encoding="utf-8") as f:
            f.write("\n" + line)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    written = tmp_path / "contracts.toml"
    written.write_text(
        tomli_w.dumps({"tool": {"importlinter": config["tool"]["importlinter"]}}),
        encoding="utf-8",
    )
    result = lint_imports(tmp_path, str(written))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "BROKEN" in output
    for expected in (
        "mimdesk.domain.clock -> mimdesk.config",
        "mimdesk.domain.clock -> sqlalchemy",
        "mimdesk.store.models -> PySide6",
        "mimdesk.usecases.validate -> mimdesk.app",
        "mimdesk.paths -> mimdesk.gui",
        "mimdesk.exchange.validation -> mimdesk.usecases.context",
        "mimdesk.comms.addresses -> mimdesk.usecases.context",
        "mimdesk.reports.fonts -> mimdesk.store.models",
        "mimdesk.sync.ledger -> mimdesk.usecases.validate",
        "mimdesk.gui.theme -> mimdesk.exchange.validation",
        "mimdesk.config -> sqlalchemy",
        *(f"mimdesk.usecases.maintenance -> {m}" for m in CLI_MODULES),
    ):
        assert expected in output, expected
    assert "0 kept" in output


# ---- the same rules, read straight from the source ----------------------------------------


def imported_modules(source: str, module: str) -> set[str]:
    """Every module a source file imports, at any depth (functions and TYPE_CHECKING too)."""
    package = module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def sources() -> list[tuple[str, Path]]:
    result = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        result.append((name, path))
    return result


def imports_of(name: str, path: Path) -> set[str]:
    module = name if path.name != "__init__.py" else f"{name}.__init__"
    return imported_modules(path.read_text(encoding="utf-8"), module)


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_import_reader_sees_every_form():
    source = (
        "import os\n"
        "def f():\n"
        "    import PySide6.QtCore\n"
        "if False:\n"
        "    from mimdesk import store\n"
        "from ..store.eventlog import EventLog\n"
        "from . import hlc\n"
    )
    found = imported_modules(source, "mimdesk.domain.clock")
    assert "PySide6.QtCore" in found
    assert "mimdesk.store" in found
    assert "mimdesk.store.eventlog" in found
    assert "mimdesk.domain.hlc" in found


def test_sources_were_found():
    names = [name for name, _ in sources()]
    assert "mimdesk.domain.incident" in names
    assert "mimdesk.cli" in names


def test_no_module_outside_the_gui_imports_qt():
    offenders = {
        name: sorted(m for m in imports_of(name, path) if within(m, "PySide6"))
        for name, path in sources()
        if not within(name, "mimdesk.gui")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_every_cli_module_is_the_top_layer_and_every_package_has_its_layer():
    assert "mimdesk.cli" in CLI_MODULES and len(CLI_MODULES) >= 5  # the glob saw them
    top, *below = layers()
    assert top == set(CLI_MODULES)
    placed = set().union(*below)
    packages = {f"mimdesk.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    assert packages <= placed, f"packages in no layer: {sorted(packages - placed)}"


def test_gui_and_cli_never_touch_the_database_layer():
    offenders = {}
    for name, path in sources():
        if within(name, "mimdesk.gui") or name in CLI_MODULES:
            bad = [
                m
                for m in imports_of(name, path)
                if within(m, "sqlalchemy") or within(m, "mimdesk.store") or within(m, "alembic")
            ]
            if bad:
                offenders[name] = sorted(bad)
    assert offenders == {}


def test_the_domain_imports_only_the_standard_library_and_itself():
    stdlib = set(sys.stdlib_module_names)
    offenders = {}
    for name, path in sources():
        if not within(name, "mimdesk.domain"):
            continue
        bad = [
            m
            for m in imports_of(name, path)
            if not within(m, "mimdesk.domain")
            and m.split(".")[0] not in stdlib
            and m != "__future__"
        ]
        if bad:
            offenders[name] = sorted(bad)
    assert offenders == {}
