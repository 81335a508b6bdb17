"""Shipped files are found from a checkout, an installed wheel and a frozen build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from mimdesk import resources

ROOT = Path(__file__).resolve().parent.parent


def run_python(python: str | Path, code: str, cwd: Path, env: dict[str, str] | None = None):
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd)}
    proc = subprocess.run(
        [str(python), "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=base | (env or {}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_resources_are_found_in_the_checkout():
    path = resources.resource_path("defaults", "settings.toml")
    assert path == ROOT / "resources" / "defaults" / "settings.toml"
    assert path.is_file()
    assert resources.resource_root("ui") == ROOT / "ui"
    assert resources.ui_path("main_window.ui") == ROOT / "ui" / "main_window.ui"


def test_unknown_resource_folder_is_refused():
    with pytest.raises(ValueError, match="unknown resource folder"):
        resources.resource_root("secrets")


@pytest.mark.slow
def test_a_copy_without_its_resources_says_it_is_incomplete(tmp_path):
    package = tmp_path / "mimdesk"
    package.mkdir()
    (package / "__init__.py").write_text("")
    shutil.copy(ROOT / "mimdesk" / "resources.py", package / "resources.py")
    out = run_python(
        sys.executable,
        """
        from mimdesk import resources
        try:
            resources.resource_path("defaults", "settings.toml")
        except FileNotFoundError as exc:
            print(resources.__file__)
            print(exc)
        """,
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path)},
    )
    assert out[0] == str(package / "resources.py")
    assert "cannot find its resources folder" in out[1]
    assert "reinstall MIM Desk" in out[1]


@pytest.mark.slow
def test_an_installed_wheel_finds_its_resources_in_site_packages(tmp_path):
    uv = shutil.which("uv")
    assert uv, "uv builds the wheel"
    dist = tmp_path / "dist"
    build = subprocess.run(
        [uv, "build", "--wheel", "-o", str(dist)], cwd=ROOT, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("mimdesk-*.whl")

    shipped = {
        f"mimdesk/_data/{p.relative_to(ROOT).as_posix()}"
        for folder in ("resources", "ui")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    with zipfile.ZipFile(wheel) as zf:
        assert shipped <= set(zf.namelist())

    venv = tmp_path / "venv"
    for command in (
        [uv, "venv", "--python", sys.executable, str(venv)],
        [uv, "pip", "install", "--python", str(venv / "bin" / "python"), "--no-deps", str(wheel)],
    ):
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = run_python(
        venv / "bin" / "python",
        """
        import mimdesk.resources as r
        print(r.__file__)
        print(r.resource_path("defaults", "settings.toml"))
        """,
        cwd=elsewhere,
    )
    module, path = Path(out[0]), Path(out[1])
    assert venv in module.parents  # the installed copy, not the checkout
    assert module.parent.parent.name == "site-packages"
    assert path == module.parent / "_data" / "resources" / "defaults" / "settings.toml"
    assert path.is_file()
    assert path.read_bytes() == (ROOT / "resources" / "defaults" / "settings.toml").read_bytes()


def frozen_layout(tmp_path: Path, inside_package: bool) -> Path:
    unpacked = tmp_path / "_MEI123"
    data = unpacked / "mimdesk" / "_data" if inside_package else unpacked
    (data / "resources" / "defaults").mkdir(parents=True)
    (data / "resources" / "defaults" / "settings.toml").write_text("# frozen copy\n")
    (data / "ui").mkdir()
    return unpacked


@pytest.mark.slow
@pytest.mark.parametrize("inside_package", [True, False], ids=["mimdesk/_data", "top"])
def test_a_frozen_build_finds_its_resources_in_the_unpack_folder(tmp_path, inside_package):
    unpacked = frozen_layout(tmp_path, inside_package)
    out = run_python(
        sys.executable,
        f"""
        import sys
        sys._MEIPASS = {str(unpacked)!r}  # what PyInstaller's bootloader sets
        from mimdesk import resources
        path = resources.resource_path("defaults", "settings.toml")
        print(path)
        print(path.read_text().strip())
        print(resources.ui_path("x.ui"))
        """,
        cwd=tmp_path,
    )
    base = unpacked / "mimdesk" / "_data" if inside_package else unpacked
    assert out == [
        str(base / "resources" / "defaults" / "settings.toml"),
        "# frozen copy",
        str(base / "ui" / "x.ui"),
    ]
