"""`db init` run by a database owner who may not create roles (a common managed setup): the
schema is made, and the one line says what is missing and how to finish."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from tests.sync.conftest import _skip_or_fail
from tests.sync.desk_procs import mimdesk
from tests.system_tools import server_missing


@pytest.fixture
def owner_db() -> Iterator[tuple[str, str]]:
    """A database owned by a login without CREATEROLE; its URL, and a role name to use."""
    raw = os.environ.get("MIMDESK_TEST_PG_URL")
    if not raw:
        _skip_or_fail(server_missing("pg"))
    admin_url = make_url(raw)
    tag = uuid.uuid4().hex[:8]
    owner, name, role = f"zz_owner_{tag}", f"mimdesk_o_{tag}", f"zz_desks_{tag}"
    admin = create_engine(admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{owner}" LOGIN'))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{owner}"'))
    host, port = admin_url.host or "127.0.0.1", admin_url.port or 5432
    try:
        yield f"postgresql://{owner}@{host}:{port}/{name}", role
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
        admin.dispose()


def test_an_owner_who_may_not_create_roles_is_told_how_to_finish(owner_db, home):
    url, role = owner_db
    refused = mimdesk("db", "init", "--shared", url, "--create-role", role)
    assert refused.code == 2, refused.err
    (line,) = refused.err.strip().splitlines()
    assert "the shared schema is ready, but this login could not set up the desk role" in line
    assert f"CREATE ROLE {role} NOLOGIN" in line and "--no-role" in line
    assert "created the shared schema" in refused.out  # the schema is made all the same

    # The administrator makes the role; db init then finishes the job.
    admin = create_engine(make_url(os.environ["MIMDESK_TEST_PG_URL"]), poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
        conn.commit()
    admin.dispose()
    done = mimdesk("db", "init", "--shared", url, "--create-role", role)
    assert done.code == 0, done.err
    assert f"Role {role}: may read events and append them" in done.out
