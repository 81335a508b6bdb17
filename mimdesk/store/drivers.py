"""Whether SQLAlchemy can load a database dialect and its driver, without connecting."""

from __future__ import annotations


def load_dialect(scheme: str) -> None:
    """Load the dialect and driver of a URL scheme (``sqlite``, ``postgresql+psycopg``...);
    ImportError names the module that is not installed. No connection is made."""
    import sqlalchemy

    url = "sqlite://" if scheme == "sqlite" else f"{scheme}://check@localhost/check"
    sqlalchemy.create_engine(url).dispose()
