"""``mimdesk --self-test``: one line per check, exit 0 only when every check passed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mimdesk import selftest

ROOT = Path(__file__).resolve().parents[2]


def run_selftest(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(
        MIMDESK_HOME=str(tmp_path / "home"),
        MIMDESK_SITE_CONFIG=str(tmp_path / "no-site.toml"),
        QT_QPA_PLATFORM="offscreen",
    )
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "mimdesk", "--self-test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
def test_self_test_passes_in_a_checkout(tmp_path):
    result = run_selftest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    checks = {line.split(":")[0].split()[-1]: line for line in lines[1:-1]}
    assert set(checks) == {name for name, _ in selftest.CHECKS}
    # This machine has no keyring daemon: the keyring check warns, and nothing else may.
    assert all(
        line.startswith(("ok   ", "skip ")) for name, line in checks.items() if name != "keyring"
    ), lines
    assert checks["keyring"].startswith("WARN keyring: no backend ("), lines
    assert "wrote and read 3 events" in checks["database"]
    assert "role cards" in checks["pdf"]
    assert checks["window"].startswith("ok   window: opened the main window")
    assert lines[-1] == (f"self-test passed: {len(checks)} checks, with a warning from keyring")
    # Nothing was written to the home the self-test was given: it uses its own folder.
    assert not (tmp_path / "home").exists()


@pytest.mark.slow
def test_a_broken_site_file_fails_the_config_check_and_the_exit_status(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text('[app]\ntheme = "purple"\n', encoding="utf-8")
    result = run_selftest(tmp_path, MIMDESK_SITE_CONFIG=str(site))
    assert result.returncode == 1
    assert "FAIL config: ValueError: Ignored the site settings" in result.stdout
    assert "app.theme: must be one of" in result.stdout
    assert result.stdout.splitlines()[-1] == "self-test FAILED: config"


def test_a_failing_check_prints_its_reason_and_the_others_still_run(monkeypatch):
    def broken(run: selftest.Run) -> str:
        raise FileNotFoundError("no fonts in /nowhere")

    def fine(run: selftest.Run) -> str:
        return "all good"

    monkeypatch.setattr(selftest, "CHECKS", [("fonts", broken), ("other", fine)])
    out = io.StringIO()
    assert selftest.main(out) == 1
    lines = out.getvalue().splitlines()
    assert lines[1] == "FAIL fonts: FileNotFoundError: no fonts in /nowhere"
    assert lines[2].startswith("ok   other: all good in ")
    assert lines[3] == "self-test FAILED: fonts"


def test_a_feature_missing_from_the_build_is_skipped_not_failed(monkeypatch):
    monkeypatch.setitem(sys.modules, "mimdesk.usecases.nothing_here", None)

    def feature(run: selftest.Run) -> str:
        selftest._optional("mimdesk.usecases.nothing_here")
        return "unreachable"

    [result] = selftest.results([("feature", feature)])
    assert result.status == "skip"
    assert "mimdesk.usecases.nothing_here is not part of this build" in result.detail


def test_a_missing_gui_fails_the_window_check_with_a_clear_reason(monkeypatch):
    monkeypatch.setitem(sys.modules, "mimdesk.gui.main", None)
    # Once another test imported it, the package holds the submodule as an attribute, which
    # `from mimdesk.gui import main` would find without looking at sys.modules.
    import mimdesk.gui

    monkeypatch.delattr(mimdesk.gui, "main", raising=False)
    [result] = selftest.results([("window", selftest.check_window)])
    assert result.status == "FAIL"
    assert "the GUI is missing from this build (mimdesk.gui.main)" in result.detail


def test_checks_register_in_order_with_the_decorator(monkeypatch):
    monkeypatch.setattr(selftest, "CHECKS", [])

    @selftest.check("first")
    def first(run: selftest.Run) -> str:
        return "1"

    @selftest.check("second")
    def second(run: selftest.Run) -> str:
        return str(run.folder.is_dir())

    assert [r.detail for r in selftest.results()] == ["1", "True"]


@pytest.mark.parametrize(
    ("backend", "said"),
    [
        ("keyring.backends.fail.Keyring", "WARN keyring: no backend (keyring.backends.fail."),
        ("keyring.backends.null.Keyring", "WARN keyring: no backend (keyring.backends.null."),
        ("tests.support.file_keyring.FileKeyring", "ok   keyring: backend tests.support."),
    ],
)
def test_the_keyring_check_says_when_there_is_no_backend(backend, said, monkeypatch, tmp_path):
    """Issue 17, point 9: no backend is reported as such, never as "ok"."""
    import keyring
    import keyring.core

    from tests.support import file_keyring

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)
    monkeypatch.setenv(file_keyring.VARIABLE, str(tmp_path / "keys.json"))
    previous = keyring.get_keyring()
    keyring.core.init_backend()
    try:
        out = io.StringIO()
        check = dict(selftest.CHECKS)["keyring"]
        monkeypatch.setattr(selftest, "CHECKS", [("keyring", check)])
        assert selftest.main(out) == 0
        lines = out.getvalue().splitlines()
        assert lines[1].startswith(said), lines
        warned = said.startswith("WARN")
        assert lines[2] == (
            "self-test passed: 1 check, with a warning from keyring"
            if warned
            else "self-test passed: 1 check"
        )
        if warned:
            assert "passwords and webhook addresses cannot be saved" in lines[1]
    finally:
        keyring.set_keyring(previous)
