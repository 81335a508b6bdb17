"""Database logins for desks, as IT would set them up: a login that is a member of the desk
role ``mimdesk db init --create-role`` made, on PostgreSQL or MariaDB."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from tests.sync.conftest import Server, _admin_engine


@dataclass
class DeskLogin:
    name: str
    db: Server

    def url_text(self, port: int | None = None) -> str:
        scheme = "postgresql" if self.db.kind == "pg" else "mariadb"
        return f"{scheme}://{self.name}@127.0.0.1:{port or self.db.port}/{self.db.name}"

    def engine(self) -> Engine:
        driver = "postgresql+psycopg" if self.db.kind == "pg" else "mysql+pymysql"
        url = f"{driver}://{self.name}@127.0.0.1:{self.db.port}/{self.db.name}"
        return create_engine(url, poolclass=NullPool)


def _run(db: Server, statements: list[str], *, in_db: bool = False) -> None:
    admin = _admin_engine(db.url if in_db else db.admin_url)
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
            conn.commit()
    finally:
        admin.dispose()


@contextmanager
def desk_login(db: Server, role: str) -> Iterator[DeskLogin]:
    """A login (no password: the test servers trust 127.0.0.1) granted ``role``."""
    name = f"zz_desk_{uuid.uuid4().hex[:8]}"
    if db.kind == "pg":
        _run(db, [f'CREATE ROLE "{name}" LOGIN', f'GRANT "{role}" TO "{name}"'])
    else:
        _run(
            db,
            [
                f"CREATE USER '{name}'@'%'",
                f"GRANT `{role}` TO '{name}'@'%'",
                f"SET DEFAULT ROLE `{role}` FOR '{name}'@'%'",
            ],
        )
    try:
        yield DeskLogin(name, db)
    finally:
        if db.kind == "pg":
            _run(
                db,
                [
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE usename = '{name}'",
                    f'DROP ROLE "{name}"',
                ],
            )
        else:
            _run(db, [f"DROP USER '{name}'@'%'"])


def drop_role(db: Server, role: str) -> None:
    """Remove a desk role made in ``db`` (before ``db`` itself is dropped)."""
    if db.kind == "pg":
        _run(db, [f'DROP OWNED BY "{role}"'], in_db=True)
        _run(db, [f'REVOKE ALL ON DATABASE "{db.name}" FROM "{role}"', f'DROP ROLE "{role}"'])
    else:
        _run(db, [f"DROP ROLE IF EXISTS `{role}`"])


def new_role_name() -> str:
    return f"zz_desks_{uuid.uuid4().hex[:8]}"
