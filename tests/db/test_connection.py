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


def test_one_savepoint_undoes_its_whole_unit_and_joins_nested_transactions(database, admin, monkeypatch):
    from caremgr import residents
    from db.connection import one_savepoint, write_transaction
    from db.models import Resident

    def person(code):
        return {"code": code, "full_name": f"Người {code}", "birth": "1950", "sex": "Nam", "category": "NCT",
                "admission_date": "01/01/2024"}

    opened = []
    real_savepoint = database.savepoint
    monkeypatch.setattr(database, "savepoint", lambda *a: opened.append(1) or real_savepoint(*a))
    with write_transaction():
        with one_savepoint():
            residents.create(admin, person("SP001"))  # its own write_transaction joins this savepoint
        assert len(opened) == 1  # only the unit's own savepoint
        try:
            with one_savepoint():
                residents.create(admin, person("SP002"))
                raise RuntimeError("the row fails after the resident was written")
        except RuntimeError:
            pass
        residents.create(admin, person("SP003"))
    assert sorted(r.code for r in Resident.select()) == ["SP001", "SP003"]
