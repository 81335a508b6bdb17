"""The log files IT collects (mimdesk.logs): real processes writing real files in a private
MIMDESK_HOME, and the filter that keeps secrets out of them."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from mimdesk import logs, secrets
from tests.support.memory_keyring import MemoryKeyring

REPO = Path(__file__).resolve().parents[1]


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIMDESK_")}
    env.update(MIMDESK_HOME=str(home), MIMDESK_SITE_CONFIG=str(home / "no-site.toml"), **extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_background_threads_traceback_reaches_the_log_of_a_real_process(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    done = _run(
        ["-m", "mimdesk", "--version"],
        _env(home, **{logs.FAIL_IN_THREAD: "the disk caught fire 7f3a"}),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("MIM Desk ")
    text = (home / "data" / "logs" / logs.LOG_FILE).read_text("utf-8")
    assert "started (no command named)" in text
    assert "ERROR test-failure mimdesk: Uncaught error in test-failure" in text
    assert "Traceback (most recent call last):" in text
    assert "RuntimeError: the disk caught fire 7f3a" in text
    # Where there is a stderr it still gets the traceback too.
    assert "RuntimeError: the disk caught fire 7f3a" in done.stderr


def test_without_the_test_variable_no_thread_fails(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = _run(["-m", "mimdesk", "--version"], _env(home))
    assert done.returncode == 0 and done.stderr == "", done.stderr
    text = (home / "data" / "logs" / logs.LOG_FILE).read_text("utf-8")
    assert "started" in text and "Traceback" not in text


def test_an_uncaught_error_of_the_main_thread_is_logged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code = (
        "from mimdesk import logs\n"
        "logs.start_process('list')\n"
        "raise ValueError('no such incident 42')\n"
    )
    done = _run(["-c", code], _env(home))
    assert done.returncode == 1
    text = (home / "data" / "logs" / logs.LOG_FILE).read_text("utf-8")
    assert "started (command list)" in text
    assert "ERROR MainThread mimdesk: Uncaught error" in text
    assert 'File "<string>", line 3, in <module>' in text
    assert "ValueError: no such incident 42" in text
    assert "ValueError: no such incident 42" in done.stderr


def test_a_fatal_error_writes_the_crash_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code = (
        "import faulthandler\n"
        "from mimdesk import logs\n"
        "logs.start_process(None)\n"
        "def deep_inside_qt():\n"
        "    faulthandler._sigsegv()\n"
        "deep_inside_qt()\n"
    )
    done = _run(["-c", code], _env(home))
    assert done.returncode != 0
    crash = (home / "data" / "logs" / logs.CRASH_FILE).read_text("utf-8")
    assert "Fatal Python error: Segmentation fault" in crash
    assert "in deep_inside_qt" in crash


def test_the_log_rotates_at_a_megabyte_and_keeps_five(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    code = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from mimdesk import logs\n"
        "logs.start(Path(sys.argv[1]))\n"
        "for n in range(7000):\n"
        "    logging.getLogger('mimdesk.test').info('line %d %s', n, 'x' * 1000)\n"
    )
    done = _run(["-c", code, str(folder)], _env(tmp_path / "home"))
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [logs.CRASH_FILE, logs.LOG_FILE, *(f"{logs.LOG_FILE}.{n}" for n in range(1, 6))]
    )
    for path in folder.glob(f"{logs.LOG_FILE}*"):
        assert path.stat().st_size <= logs.MAX_BYTES
    assert "line 6999 " in (folder / logs.LOG_FILE).read_text("utf-8")


def test_a_folder_that_cannot_be_made_leaves_the_desk_working(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mimdesk import logs\n"
        "print(logs.start(Path(sys.argv[1]) / 'logs'))\n"
    )
    done = _run(["-c", code, str(blocker)], _env(tmp_path / "home"))
    assert done.returncode == 0
    assert done.stdout.strip() == "None"
    # Nothing said: a command's error is its one line on stderr, and this is none.
    assert done.stderr == ""


# -- the redacting filter ------------------------------------------------------------------


def _logged(*args: object, exc: BaseException | None = None) -> str:
    """What a handler with the Redact filter writes for one record."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.Redact())
    logger = logging.Logger("redact-test")
    logger.addHandler(handler)
    if exc is None:
        logger.warning(*args)  # type: ignore[arg-type]
    else:
        try:
            raise exc
        except BaseException:
            logger.exception(*args)  # type: ignore[arg-type]
    return stream.getvalue()


@pytest.mark.parametrize(
    ("args", "secret", "kept"),
    [
        (
            ("connecting to %s", "postgresql+psycopg://desk:Hunter2-pg@db.example.org/mim"),
            "Hunter2-pg",
            "postgresql+psycopg://desk:[secret]@db.example.org",
        ),
        (
            ("posting to %s", "https://hooks.slack.com/services/T01/B02/XyZsecretTok"),
            "XyZsecretTok",
            "https://hooks.slack.com/[path hidden]",
        ),
        (
            ("webhook %s failed", "https://x.webhook.office.com/hook?sig=Sig-0c9a77"),
            "Sig-0c9a77",
            "https://x.webhook.office.com/[path hidden]",
        ),
        (
            ("headers: Authorization: Bearer eyJhbGciOi.payload.sig",),
            "payload",
            "Authorization: [secret]",
        ),
        (("token type Bearer eyJhbGciOi.payload.sig",), "eyJhbGciOi", "Bearer [secret]"),
        (("sent {'Authorization': 'Basic dXNlcjpwYXNz'}",), "dXNlcjpwYXNz", "Authorization"),
        (("smtp login with password=pw-Zq8!s3cret",), "pw-Zq8!s3cret", "password="),
        (('{"token": "tok-11aa22bb"}',), "tok-11aa22bb", '"token"'),
        (("send: AUTH PLAIN AG1pbWRlc2sAcHctWnE4",), "AG1pbWRlc2sAcHctWnE4", "AUTH PLAIN"),
    ],
)
def test_secrets_are_taken_out_of_a_record(args: tuple[str, ...], secret: str, kept: str) -> None:
    text = _logged(*args)
    assert secret not in text
    assert kept in text


def test_a_secret_in_a_traceback_is_taken_out() -> None:
    url = "https://hooks.example.org/workflows/PathTok-77/invoke?sig=QueryTok-88"
    text = _logged("delivery failed", exc=RuntimeError(f"cannot reach {url}"))
    assert "Traceback (most recent call last):" in text
    assert "RuntimeError: cannot reach https://hooks.example.org/[path hidden]" in text
    assert "PathTok-77" not in text and "QueryTok-88" not in text


def test_whatever_the_keyring_returned_never_reaches_a_log() -> None:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    # A password with nothing around it saying it is one: only knowing it takes it out.
    backend.store[(secrets.SERVICE, "smtp:mail.example.org")] = "Plain-Words-Q7v"
    keyring.set_keyring(backend)
    try:
        value = secrets.get_secret("smtp:mail.example.org")
    finally:
        keyring.set_keyring(previous)
    assert value == "Plain-Words-Q7v"
    text = _logged("the relay said: %s is wrong for mimdesk", value)
    assert "Plain-Words-Q7v" not in text
    assert "the relay said: [secret] is wrong for mimdesk" in text
    # URL-encoded too, as it would be inside an address.
    assert "Plain-Words-Q7v" not in _logged("GET /x?p=Plain-Words-Q7v")
