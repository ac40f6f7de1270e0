from pathlib import Path

import pytest

from db import connection
from db.connection import close_database, open_database, resolve_target


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(sqlite_target):
    db = open_database(sqlite_target)
    try:
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    finally:
        close_database()


def test_foreign_keys_are_enforced(database):
    from peewee import IntegrityError

    from db.models import Contact

    with pytest.raises(IntegrityError), database.atomic():
        Contact.create(resident=999, full_name="Không có đối tượng")


def test_target_order_is_flag_then_environment_then_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CAREMGR_DB", str(tmp_path / "env.sqlite"))
    assert resolve_target(str(tmp_path / "flag.sqlite")) == str(tmp_path / "flag.sqlite")
    assert resolve_target(None) == str(tmp_path / "env.sqlite")
    monkeypatch.delenv("CAREMGR_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    default = Path(resolve_target(None))
    assert default.name == "caremgr.sqlite" and "caremgr" in default.parent.name


def test_postgres_url_is_described_without_password():
    target = connection.describe("postgresql://caremgr:bí-mật@192.0.2.10:5432/trungtam")
    assert target.kind == "postgresql"
    assert "bí-mật" not in target.location and target.location.endswith("/trungtam")


def test_creates_missing_folder_for_sqlite(tmp_path):
    target = tmp_path / "new" / "folder" / "centre.sqlite"
    open_database(str(target))
    close_database()
    assert target.exists()
