"""The log and crash files IT collects: ``mimdesk.log`` (rotated) and ``crash.log`` in the log
folder (:attr:`mimdesk.paths.Paths.logs`; ``mimdesk doctor --paths`` names it).

- Python's ``logging`` goes to ``mimdesk.log``, 1 MB a file, the newest 5 kept.
- ``faulthandler`` writes the stacks of a fatal error (a crash inside Qt or SQLite, which no
  Python handler sees) to ``crash.log``, kept open for the life of the process.
- An uncaught exception, in the main thread or any other, is logged with its traceback: the
  windowed .exe has no stderr, so without the file it would be lost. Qt slots reach
  ``sys.excepthook`` (:mod:`mimdesk.gui.crash` logs them too, then shows its dialog).
- No secret reaches a file: :class:`Redact` takes out passwords in URLs, the paths and
  tokens of web addresses (a webhook's address is its secret), Authorization headers,
  ``password=`` and the like, and every value the keyring handed out in this process
  (:func:`hide`, called by :mod:`mimdesk.secrets`).

Only ``logging``, ``faulthandler`` and the standard library are imported: every command line,
``mimdesk --version`` too, starts logging.

For tests only: ``MIMDESK_TEST_FAIL_IN_THREAD=TEXT`` makes :func:`start_process` run a thread that
raises ``RuntimeError(TEXT)`` and wait for it, so that a test can see a background thread's
traceback reach the log of a real process. Unset (always, outside tests), it does nothing.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import re
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

LOG_FILE = "mimdesk.log"
CRASH_FILE = "crash.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
FAIL_IN_THREAD = "MIMDESK_TEST_FAIL_IN_THREAD"

log = logging.getLogger("mimdesk")

HIDDEN = "[secret]"

# Values the keyring handed out in this process: each is taken out of every record.
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def hide(value: str | None) -> None:
    """Never write ``value`` (a password, a webhook address) to a log file."""
    if not value or len(value) < 4:
        return  # too short to hide without hiding ordinary words
    from urllib.parse import quote

    with _secrets_lock:
        _secrets.update({value, quote(value, safe=""), quote(value)})


_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # scheme://user:password@host -> scheme://user:[secret]@host
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s/:@]*):[^\s/@]*@", re.IGNORECASE), rf"\1:{HIDDEN}@"),
    # A web address's path and query: a webhook's path is its secret, a query may hold a token.
    (re.compile(r"(\bhttps?://[^\s/?#]+)[/?#][^\s'\"<>]*", re.IGNORECASE), r"\1/[path hidden]"),
    # Authorization: Bearer xyz / Basic xyz, Proxy-Authorization, X-Api-Key and the like
    (
        re.compile(
            r"\b((?:proxy-)?authorization|x-api-key|api-key|cookie)(['\"]?\s*[:=]\s*['\"]?)"
            r"(?:(?:bearer|basic|digest|token)\s+)?[^\s'\",;}]+",
            re.IGNORECASE,
        ),
        rf"\1\2{HIDDEN}",
    ),
    (re.compile(r"\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE), rf"\1 {HIDDEN}"),
    # password=..., "passwd": "...", token: ..., secret=...
    (
        re.compile(
            r"\b(\w*(?:password|passwd|pwd|secret|token|api_?key)\w*)(['\"]?\s*[:=]\s*['\"]?)"
            r"[^\s'\",;&}]+",
            re.IGNORECASE,
        ),
        rf"\1\2{HIDDEN}",
    ),
    # SMTP's AUTH line carries the password (base64 is no disguise).
    (
        re.compile(r"\b(AUTH\s+(?:PLAIN|LOGIN|XOAUTH2|CRAM-MD5))\s+\S+", re.IGNORECASE),
        rf"\1 {HIDDEN}",
    ),
)


def redact(text: str) -> str:
    """``text`` with every secret taken out (see the module's docstring)."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, HIDDEN)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Redact(logging.Filter):
    """Takes secrets out of a record before any handler writes it: its message, arguments,
    traceback and stack all become redacted text."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what was given, still redacted
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_crash_file: IO[str] | None = None
_handler: logging.Handler | None = None


def start(folder: Path, env: Mapping[str, str] = os.environ) -> Path | None:
    """Log to ``folder``; the folder, or None when it cannot be written (the desk works on,
    unlogged and silent: a log must never stop it). Starting again moves the log."""
    global _crash_file, _handler
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        crash = (folder / CRASH_FILE).open("a", encoding="utf-8")
    except OSError:
        # Silent: a command's error is one line on stderr, and this is no error of the
        # command. ``doctor --paths`` shows the folder that could not be made.
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redact())
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    _handler = handler
    # faulthandler writes to the file descriptor itself, at the moment of the crash: the
    # file must stay open (and referenced) for as long as the process runs.
    faulthandler.enable(crash, all_threads=True)
    if _crash_file is not None:
        _crash_file.close()
    _crash_file = crash
    install_hooks()
    return folder


def log_exception(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    where: str = "",
) -> None:
    """Log an uncaught exception with its traceback (an interruption in a line)."""
    if issubclass(exc_type, KeyboardInterrupt):
        log.info("Interrupted%s", f" in {where}" if where else "")
        return
    log.error("Uncaught error%s", f" in {where}" if where else "", exc_info=(exc_type, exc, tb))


def install_hooks() -> None:
    """Log uncaught exceptions of every thread, then let the hooks before ours run (the
    traceback still goes to stderr where there is one)."""
    previous = sys.excepthook
    if not getattr(previous, "mimdesk_logs", False):

        def excepthook(
            exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
        ) -> None:
            log_exception(exc_type, exc, tb)
            previous(exc_type, exc, tb)

        excepthook.mimdesk_logs = True  # type: ignore[attr-defined]
        sys.excepthook = excepthook
    previous_thread = threading.excepthook
    if not getattr(previous_thread, "mimdesk_logs", False):

        def thread_hook(args: Any) -> None:
            if args.exc_type is not SystemExit:
                name = args.thread.name if args.thread is not None else "a thread"
                log_exception(args.exc_type, args.exc_value, args.exc_traceback, name)
            previous_thread(args)

        thread_hook.mimdesk_logs = True  # type: ignore[attr-defined]
        threading.excepthook = thread_hook


def _fail_in_thread(text: str) -> None:
    def fail() -> None:
        raise RuntimeError(text)

    thread = threading.Thread(target=fail, name="test-failure")
    thread.start()
    thread.join()


def start_process(command: str | None, env: Mapping[str, str] = os.environ) -> Path | None:
    """Start logging for this run of ``mimdesk`` (``command``: the command named, None for the
    app), in the log folder of :func:`mimdesk.paths.default_paths`. Only the command's name
    is logged, never its arguments: a URL given on the command line may hold a password."""
    from mimdesk import __version__
    from mimdesk.paths import default_paths

    folder = start(default_paths(env).logs, env)
    if folder is not None:
        log.info(
            "MIM Desk %s started (%s), Python %s on %s, process %d",
            __version__,
            f"command {command}" if command else "no command named",
            sys.version.split()[0],
            sys.platform,
            os.getpid(),
        )
        if env.get(FAIL_IN_THREAD):
            _fail_in_thread(env[FAIL_IN_THREAD])
    return folder
