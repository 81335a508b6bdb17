"""The committed forms are what pyside6-uic makes of ui/*.ui today, byte for byte."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_compiler():
    spec = importlib.util.spec_from_file_location(
        "compile_forms", ROOT / "packaging" / "compile_forms.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["compile_forms"] = module
    spec.loader.exec_module(module)
    return module


def test_regenerated_forms_are_identical_to_the_committed_ones(tmp_path):
    compiler = load_compiler()
    fresh = compiler.compile_all(out_dir=tmp_path)
    committed_dir = ROOT / "mimdesk" / "gui" / "forms"
    committed = {p.name for p in committed_dir.glob("*.py")}
    assert set(fresh) == committed, "run: uv run python packaging/compile_forms.py"
    for name, content in fresh.items():
        assert (tmp_path / name).read_bytes() == content
        assert (committed_dir / name).read_bytes() == content, (
            f"{name} is stale: run `uv run python packaging/compile_forms.py`"
        )
    assert len(fresh) >= 4  # __init__ plus the new incident, first run and about dialogs


def test_every_form_says_it_is_generated(tmp_path):
    compiler = load_compiler()
    for name, content in compiler.compile_all(out_dir=tmp_path).items():
        if name.startswith("ui_"):
            assert content.startswith(b"# Generated from ui/"), name
            assert b"Do not edit" in content.splitlines()[0], name


def test_generation_is_deterministic(tmp_path):
    compiler = load_compiler()
    first = compiler.compile_all(out_dir=tmp_path / "a")
    second = compiler.compile_all(out_dir=tmp_path / "b")
    assert first == second
