"""System tools some tests drive (wixl, Wine, shellcheck, poppler), found or explained.

A plain `uv run pytest` on a machine with only Python and uv skips those tests, naming the tool
and the command that installs it. CI sets MIMDESK_REQUIRE_TOOLS=1 (and installs every tool in
`.ci/run`), and there a missing tool fails the test instead: a green CI never hides a skip.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE_VARIABLE = "MIMDESK_REQUIRE_TOOLS"


def tools_required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE) == "1"


def require_tool(tool: str, package: str) -> str:
    """The tool's path; else skip (or, under MIMDESK_REQUIRE_TOOLS=1, fail) naming the fix."""
    found = shutil.which(tool)
    if found:
        return found
    reason = f"{tool} is not installed: apt-get install {package}"
    if tools_required():
        pytest.fail(f"{reason} ({REQUIRE_VARIABLE}=1; .ci/run installs it)")
    pytest.skip(reason)


# What a plain run needs to test against each database server, as the skip reason says it.
SERVER_SETUP = {
    "pg": (
        "MIMDESK_TEST_PG_URL",
        "PostgreSQL",
        "apt-get install postgresql, then set MIMDESK_TEST_PG_URL="
        "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    ),
    "mysql": (
        "MIMDESK_TEST_MYSQL_URL",
        "MariaDB",
        "apt-get install mariadb-server, then set MIMDESK_TEST_MYSQL_URL="
        "mysql+pymysql://root@127.0.0.1:3306/test",
    ),
}


def server_missing(kind: str) -> str:
    """Why a test of the ``kind`` server ("pg" or "mysql") cannot run, and how to make it."""
    variable, name, setup = SERVER_SETUP[kind]
    return f"{variable} is not set: no {name} server to test against ({setup})"


def unprivileged_prefix() -> tuple[str, ...]:
    """A command prefix that runs as an ordinary user: root may write anywhere, so a test of
    permissions run as root proves nothing."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv:
        return (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
    return (require_tool("runuser", "util-linux"), "-u", "nobody", "--")
