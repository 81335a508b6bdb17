"""Build the frozen app with PyInstaller, then run its self-test.

    uv run --group packaging python packaging/build.py

Output: ``dist/mimdesk/`` (plus ``dist/MIM Desk.app`` on macOS). Exits non-zero when the build
or the frozen app's ``--self-test`` fails, so CI never uploads an app that does not start.
The installers are made from this folder: ``packaging/windows/build_msi.sh`` (or WiX on
Windows) and ``packaging/macos/build_pkg.sh``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "mimdesk.spec"


def frozen_executable(dist: Path) -> Path:
    """The console executable of a build in ``dist`` (inside the .app bundle on macOS)."""
    if sys.platform == "darwin":
        bundled = dist / "MIM Desk.app" / "Contents" / "MacOS" / "mimdesk"
        if bundled.exists():
            return bundled
    return dist / "mimdesk" / ("mimdesk.exe" if sys.platform == "win32" else "mimdesk")


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def self_test(executable: Path, timeout: float = 300) -> int:
    env = dict(os.environ)
    # Never the developer's profile or site file: the self-test uses a temporary home anyway.
    env.pop("MIMDESK_HOME", None)
    start = time.perf_counter()
    result = subprocess.run([str(executable), "--self-test"], env=env, timeout=timeout)
    print(
        f"self-test of the frozen app: exit {result.returncode} "
        f"in {time.perf_counter() - start:.1f} s"
    )
    return result.returncode


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument(
        "--work",
        type=Path,
        default=ROOT / "build" / "pyinstaller",
        help="PyInstaller's work folder",
    )
    parser.add_argument("--no-self-test", action="store_true", help="only build")
    args = parser.parse_args(argv)

    try:
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        print(
            "PyInstaller is missing: run `uv run --group packaging python packaging/build.py`",
            file=sys.stderr,
        )
        return 2

    start = time.perf_counter()
    pyinstaller.run(
        [
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(args.dist),
            "--workpath",
            str(args.work),
            str(SPEC),
        ]
    )
    built = args.dist / "mimdesk"
    print(
        f"built {built} in {time.perf_counter() - start:.0f} s: "
        f"{folder_size(built) / 1e6:.0f} MB, "
        f"{sum(1 for f in built.rglob('*') if f.is_file())} files"
    )
    if args.no_self_test:
        return 0
    return self_test(frozen_executable(args.dist))


if __name__ == "__main__":
    sys.exit(main())
