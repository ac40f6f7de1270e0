"""Shared fixtures: a fresh database per test, on SQLite and (where available) PostgreSQL.

The ``database`` fixture runs a test once per backend. PostgreSQL runs come from one throw-away
server per test session (tests/pgserver.py); when no server can be started, those runs are skipped
with the reason printed, and ``CAREMGR_REQUIRE_POSTGRES=1`` (set by the test command in CI) turns
that skip into a failure so a missing server never hides.
"""

from __future__ import annotations

import itertools
import os

import pytest

from db.connection import close_database, open_database
from db.models import ALL_MODELS
from tests.pgserver import PostgresServer

_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    server = PostgresServer()
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - any failure to start means "no server here"
        server.stop()
        reason = f"PostgreSQL server not available: {exc}"
        if os.environ.get("CAREMGR_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    yield server
    server.stop()


@pytest.fixture
def sqlite_target(tmp_path):
    return str(tmp_path / "caremgr-test.sqlite")


@pytest.fixture
def pg_target(pg_server):
    return pg_server.create_database(f"t{os.getpid()}_{next(_counter)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def db_target(request, backend, tmp_path):
    """A target for a brand-new, empty database of the parametrised backend."""
    if backend == "sqlite":
        return str(tmp_path / "caremgr-test.sqlite")
    server = request.getfixturevalue("pg_server")
    return server.create_database(f"t{os.getpid()}_{next(_counter)}")


@pytest.fixture
def database(db_target):
    """An open, fully migrated, empty database (once on SQLite, once on PostgreSQL)."""
    db = open_database(db_target)
    yield db
    close_database()


@pytest.fixture
def sqlite_database(sqlite_target):
    db = open_database(sqlite_target)
    yield db
    close_database()


@pytest.fixture
def admin(database):
    from caremgr import auth

    return auth.create_user(None, "admin", "mat-khau-1", "administrator", "Quản trị viên")


@pytest.fixture
def sqlite_admin(sqlite_database):
    from caremgr import auth

    return auth.create_user(None, "admin", "mat-khau-1", "administrator", "Quản trị viên")


def table_names():
    return [m._meta.table_name for m in ALL_MODELS]
