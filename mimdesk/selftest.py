"""``mimdesk --self-test``: does this copy of MIM Desk work on this machine?

Run after a build (CI runs it on the frozen app) and by IT after deploying: it opens the main
window, writes and reads a database, renders the PDFs, drafts a message and finds every shipped
file, all in a temporary folder so the user's own data and settings are never touched. It
prints one line per check and exits 0 when all pass, 1 naming what failed::

    ok   resources: 3 defaults, 3 fonts, 13 templates, 7 forms in 0.01 s
    FAIL pdf: TTFError: Can't open file ".../DejaVuSans.ttf"

A check is a small function that takes the :class:`Run` and returns what it did, or raises:
:class:`Skip` when the feature it tests is not part of this build, anything else for a failure.
A feature adds its own with the :func:`check` decorator, in this module.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from mimdesk import exitcodes

if TYPE_CHECKING:
    from mimdesk.app import App


class Skip(Exception):
    """The feature this check tests is not part of this build."""


class Warn(Exception):
    """The build is fine, but this machine lacks something the feature needs (a keyring to
    keep secrets in): reported, so that IT sees it, without failing the self-test."""


@dataclass
class Run:
    """What the checks share: a private folder, and the incident the database check made."""

    folder: Path
    env: dict[str, str]
    reference: str | None = None
    _apps: list[App] = field(default_factory=list)

    def open_app(self) -> App:
        """The app over the temporary database, with a temporary home for its settings."""
        from mimdesk.app import open_app

        app = open_app(db=self.folder / "selftest.sqlite3", env=self.env)
        self._apps.append(app)
        return app

    def incident(self) -> tuple[App, str]:
        """An open app and the reference of an incident in it (made if the database check
        did not run or failed)."""
        app = self.open_app()
        if self.reference is None:
            from mimdesk.usecases import incidents

            summary, _ = incidents.report(app.ctx, title="Self-test incident")
            self.reference = summary.reference
        return app, self.reference

    def close(self) -> None:
        for app in self._apps:
            with suppress(Exception):  # closing must not hide the results
                app.close()
        self._apps.clear()


CheckFunction = Callable[[Run], str]
CHECKS: list[tuple[str, CheckFunction]] = []


def check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check; checks run in the order they are defined."""

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS.append((name, function))
        return function

    return register


def _optional(module: str) -> Any:
    """Import a feature's module, or :class:`Skip` when the feature is not in this build."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise Skip(f"{module} is not part of this build") from None
        raise


def _count(folder: Path, pattern: str) -> int:
    return sum(1 for _ in folder.glob(pattern))


# --- the checks ------------------------------------------------------------------------------


@check("resources")
def check_resources(run: Run) -> str:
    from mimdesk.config import BUILTIN_FILES
    from mimdesk.reports import fonts
    from mimdesk.resources import resource_path, resource_root

    resources = resource_root("resources")
    missing = [f"defaults/{n}" for n in BUILTIN_FILES if not resource_path("defaults", n).is_file()]
    font_files = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")
    missing += [f"fonts/{n}" for n in font_files if not resource_path("fonts", n).is_file()]
    if missing:
        raise FileNotFoundError(f"missing from {resources}: {', '.join(missing)}")
    fonts.register()
    parts = [f"{len(BUILTIN_FILES)} defaults", f"{len(font_files)} fonts"]
    templates = resources / "templates"
    if templates.is_dir():
        count = _count(templates, "*.j2")
        if not count:
            raise FileNotFoundError(f"no message templates in {templates}")
        parts.append(f"{count} templates")
    parts.append(f"{_count(resource_root('ui'), '*.ui')} forms")
    store = Path(importlib.import_module("mimdesk.store").__file__ or "").parent
    scripts = _count(store, "*migrations/versions/*.py")
    if not _count(store / "migrations" / "versions", "*.py"):
        raise FileNotFoundError(f"no database migration scripts in {store / 'migrations'}")
    parts.append(f"{scripts} migrations")
    return ", ".join(parts)


@check("config")
def check_config(run: Run) -> str:
    """The settings in force on this machine load, and IT's files are not ignored."""
    from mimdesk.config import load_settings
    from mimdesk.paths import default_paths

    settings = load_settings(default_paths(run.env), run.env)
    if settings.warnings:
        raise ValueError(" / ".join(settings.warnings))
    layers = sorted({s.split(" (")[0] for s in settings.sources.values()})
    return f"{len(settings.sources)} settings from {', '.join(layers)}"


@check("database")
def check_database(run: Run) -> str:
    from mimdesk.usecases import incidents, timeline

    app = run.open_app()
    summary, _ = incidents.report(app.ctx, title="Self-test incident", impact="None: a test")
    timeline.add_note(app.ctx, reference=summary.reference, text="Self-test note")
    timeline.add_note(app.ctx, reference=summary.reference, text="Second note", kind="action")
    run.reference = summary.reference
    app.close()
    run._apps.remove(app)
    # A second connection reads back what the first wrote.
    again = run.open_app()
    found = incidents.list_incidents(again.ctx)
    events = again.log.count_events()
    if [s.reference for s in found] != [summary.reference] or events != 3:
        raise AssertionError(
            f"wrote 1 incident and 3 events, read {len(found)} incidents and {events} events"
        )
    return f"wrote and read {events} events"


def _pdf(path: Path) -> int:
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise ValueError(f"{path.name} is not a complete PDF ({len(data)} bytes)")
    return len(data)


@check("pdf")
def check_pdf(run: Run) -> str:
    from mimdesk.usecases import roles

    app, reference = run.incident()
    out = roles.role_cards(
        app.ctx, reference=reference, settings=app.settings, out=run.folder / "cards.pdf"
    )
    return f"role cards, {len(app.settings.roles)} pages, {_pdf(out) // 1024} KB"


@check("postmortem")
def check_postmortem(run: Run) -> str:
    postmortem = _optional("mimdesk.usecases.postmortem")
    app, reference = run.incident()
    result = postmortem.export_pdf(
        app.ctx, reference=reference, settings=app.settings, out=run.folder / "postmortem.pdf"
    )
    return f"postmortem PDF, {result.pages} pages, {_pdf(result.path) // 1024} KB"


@check("comms")
def check_comms(run: Run) -> str:
    comms = _optional("mimdesk.usecases.comms")
    app, reference = run.incident()
    audience = app.settings.timers.audiences[0].id
    message = comms.draft(
        app.ctx, reference=reference, settings=app.settings, kind="initial", audience=audience
    )
    if not message.subject.strip() or not message.body.strip():
        raise ValueError(f"the template {message.template} made an empty message")
    return f"drafted the initial message to {audience}: {len(message.body)} characters"


# The shared-database drivers: (SQLAlchemy URL scheme, the module that must import).
SHARED_DRIVERS = (("postgresql+psycopg", "psycopg"), ("mysql+pymysql", "pymysql"))


@check("drivers")
def check_drivers(run: Run) -> str:
    """SQLAlchemy loads each dialect and its driver (no connection is made). A frozen build
    must carry the shared-database drivers; a plain install may lack the "shared" extra."""
    from mimdesk.store.drivers import load_dialect

    loaded, missing = ["sqlite"], []
    load_dialect("sqlite")
    for scheme, module in SHARED_DRIVERS:
        try:
            load_dialect(scheme)
            loaded.append(scheme)
        except ImportError as exc:
            missing.append(f"{scheme} ({exc.name or module} not installed)")
    if missing and getattr(sys, "frozen", False):
        raise ImportError(f"the build lacks {', '.join(missing)}")
    extra = f"; without {', '.join(missing)}: install mimdesk[shared]" if missing else ""
    return f"{', '.join(loaded)}{extra}"


@check("keyring")
def check_keyring(run: Run) -> str:
    """Reports the backend that holds secrets; a machine without one cannot store them."""
    import keyring
    from keyring.backends import chainer, fail, null

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    # The fail backend refuses every secret and the null one forgets it; a chain of no
    # backends is the fail backend by another name.
    empty_chain = isinstance(backend, chainer.ChainerBackend) and not backend.backends
    if isinstance(backend, fail.Keyring | null.Keyring) or empty_chain:
        raise Warn(
            f"no backend ({name}): passwords and webhook addresses cannot be saved on this "
            "machine; start or install the OS keyring"
        )
    return f"backend {name}"


def _choose_qt_platform() -> str:
    """The real platform plugin where there is a display (it proves the build carries it),
    else Qt's offscreen one."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return os.environ["QT_QPA_PLATFORM"]
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return "offscreen"
    return "native"


@check("window")
def check_window(run: Run) -> str:
    platform = _choose_qt_platform()
    try:
        from mimdesk.gui import main as gui
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("mimdesk.gui"):
            raise RuntimeError(f"the GUI is missing from this build ({exc.name})") from None
        raise
    qapp = gui.application()
    app, _ = run.incident()
    app.set_display_name("Self-test")
    workspace = gui.Workspace(app)
    run._apps.remove(app)  # the workspace closes it
    window = workspace.window
    try:
        window.show()
        qapp.processEvents()
        if not window.isVisible():
            raise RuntimeError("the main window did not show")
        title = window.windowTitle()
        qt = getattr(qapp, "platformName", lambda: platform)()
        # Every tab painted once over the test incident: a tab that fails to build or show
        # fails here, not in front of the desk.
        tabs = []
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            qapp.processEvents()
            page = window.tabs.widget(index)
            if page is None or page.grab().isNull():
                raise RuntimeError(f"the {window.tabs.tabText(index)!r} tab did not paint")
            tabs.append(window.tabs.tabText(index).replace("&", ""))
    finally:
        window.hide()
        qapp.processEvents()
        workspace.close()
        window.deleteLater()
        qapp.processEvents()
    return f"opened the main window {title!r} with tabs {', '.join(tabs)} on Qt platform {qt}"


# --- running them ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    name: str
    status: str  # "ok", "skip", "WARN" or "FAIL"
    detail: str
    seconds: float

    def line(self) -> str:
        if self.status == "FAIL":
            return f"FAIL {self.name}: {self.detail}"
        return f"{self.status:<4} {self.name}: {self.detail} in {self.seconds:.2f} s"


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "(no message)"
    return f"{type(exc).__name__}: {text}"


@contextmanager
def _private_run() -> Iterator[Run]:
    with tempfile.TemporaryDirectory(prefix="mimdesk-selftest-") as name:
        folder = Path(name)
        env = dict(os.environ, MIMDESK_HOME=str(folder / "home"))
        run = Run(folder, env)
        try:
            yield run
        finally:
            run.close()


def results(checks: Sequence[tuple[str, CheckFunction]] | None = None) -> Iterator[Result]:
    """Each check's result as it finishes (so a hang shows which check it is in)."""
    with _private_run() as run:
        for name, function in CHECKS if checks is None else checks:
            start = time.perf_counter()
            try:
                detail, status = function(run), "ok"
            except Skip as skip:
                detail, status = str(skip), "skip"
            except Warn as warn:
                detail, status = str(warn), "WARN"
            except Exception as exc:  # every failure is a result to print
                detail, status = _reason(exc), "FAIL"
            yield Result(name, status, detail, time.perf_counter() - start)


def main(out: TextIO | None = None) -> int:
    """Run every check, print a line each; 0 if none failed, else 1."""
    from mimdesk import __version__

    out = out or sys.stdout
    frozen = " (frozen)" if getattr(sys, "frozen", False) else ""
    print(f"MIM Desk {__version__}{frozen} self-test, Python {sys.version.split()[0]}", file=out)
    done = []
    for result in results():
        print(result.line(), file=out, flush=True)
        done.append(result)
    failed = [r.name for r in done if r.status == "FAIL"]
    if failed:
        print(f"self-test FAILED: {', '.join(failed)}", file=out)
        return exitcodes.FAILED
    from mimdesk.domain.wording import counted

    warned = [r.name for r in done if r.status == "WARN"]
    said = f"self-test passed: {counted(len(done), 'check')}"
    if warned:
        said += f", with a warning from {', '.join(warned)}"
    print(said, file=out)
    return 0
