"""An old database (schema version 1, as the first release created it) opens and upgrades."""

from pathlib import Path

import pytest
from peewee import PostgresqlDatabase

from caremgr import audit
from caremgr.errors import schema_too_new_message
from db import migrations
from db.connection import close_database, make_database, open_database
from db.errors import SchemaTooNew
from db.models import AuditLog, Consent, Resident, SchemaVersion, User

DATA = Path(__file__).resolve().parent.parent / "data"

V1_ROWS = [
    "INSERT INTO schema_version (version, applied_at, description) VALUES (1, '2026-01-05 08:00:00', 'initial schema')",
    "INSERT INTO app_user (created_at, updated_at, version, username, full_name, role, password_hash, active, "
    "failed_attempts) VALUES ('2026-01-05 08:00:00', '2026-01-05 08:00:00', 1, 'admin', 'Lê Văn Quản', "
    "'administrator', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', {true}, 0)",
    "INSERT INTO resident (created_at, updated_at, version, code, full_name, search_name, sort_key, sex, "
    "birth_year, category, admission_date, status, deleted) VALUES ('2026-01-05 08:00:00', "
    "'2026-01-05 08:00:00', 1, 'DT0001', 'Nguyễn Thị Hồng', 'nguyen thi hong', 'x', 'female', 1948, 'NCT', "
    "'2025-02-01', 'in_care', {false})",
    "INSERT INTO resident (created_at, updated_at, version, code, full_name, search_name, sort_key, sex, "
    "birth_year, category, admission_date, status, deleted) VALUES ('2026-01-05 08:00:00', "
    "'2026-01-05 08:00:00', 1, 'dt0002', 'Lê Văn Nam', 'le van nam', 'y', 'male', 1950, 'NCC', "
    "'2025-02-01', 'in_care', {false})",
    "INSERT INTO audit_log (at, username, action, entity, entity_id, summary, changes) VALUES "
    "('2026-01-05 08:00:00', 'system', 'create', 'user', '1', 'user admin', NULL)",
    "INSERT INTO audit_log (at, username, action, entity, entity_id, resident_id, summary, changes) VALUES "
    "('2026-01-05 08:01:00', 'admin', 'create', 'resident', '1', 1, 'resident DT0001', "
    "'{{\"code\": [null, \"DT0001\"]}}')",
]


def make_v1_database(target: str) -> None:
    db = make_database(target)
    db.connect()
    kind = "postgresql" if isinstance(db, PostgresqlDatabase) else "sqlite"
    truth = {"true": "TRUE", "false": "FALSE"} if kind == "postgresql" else {"true": "1", "false": "0"}
    script = (DATA / f"schema_v1.{kind}.sql").read_text(encoding="utf-8")
    with db.atomic():
        for statement in script.split(";\n"):
            lines = [ln for ln in statement.splitlines() if not ln.startswith("--")]
            if "".join(lines).strip():
                db.execute_sql("\n".join(lines))
        for row in V1_ROWS:
            db.execute_sql(row.format(**truth))
    db.close()


def test_version_1_database_upgrades_keeping_its_data(db_target):
    make_v1_database(db_target)
    open_database(db_target)
    try:
        assert migrations.schema_version(SchemaVersion._meta.database) == migrations.CURRENT_VERSION
        assert [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)] == list(
            range(1, migrations.CURRENT_VERSION + 1))
        assert User.get().username == "admin"
        assert [(r.code, r.full_name) for r in Resident.select().order_by(Resident.id)] == [
            ("DT0001", "Nguyễn Thị Hồng"), ("DT0002", "Lê Văn Nam")]  # v3: codes in capitals
        assert any(set(i.columns) == {"deleted", "sort_key", "code", "search_name"}
                   for i in SchemaVersion._meta.database.get_indexes("resident"))
        # v2 chained the existing audit entries; the chain verifies and new entries extend it.
        assert all(e.entry_hash for e in AuditLog.select())
        assert audit.verify_chain().ok
        audit.record(None, "update", "resident", 1, resident_id=1, summary="after upgrade")
        report = audit.verify_chain()
        assert report.ok and report.checked == 3
        # v4: the consent table exists with the model's columns and takes rows for an old resident.
        database = SchemaVersion._meta.database
        assert "consent" in database.get_tables()
        assert {c.name for c in database.get_columns("consent")} == set(Consent._meta.columns)
        first = Resident.get(Resident.code == "DT0001")
        Consent.create(resident=first.id, given_on="2026-01-06", given_by="Nguyễn Thị Hồng", relation="self",
                       scope="hồ sơ, sức khỏe")
        assert [(c.resident_id, c.given_by) for c in Consent.select()] == [(first.id, "Nguyễn Thị Hồng")]
        Resident.delete().where(Resident.id == first.id).execute()  # the consent goes with its resident
        assert Consent.select().count() == 0
    finally:
        close_database()


def test_upgrade_is_all_or_nothing(db_target, monkeypatch):
    make_v1_database(db_target)

    def broken_step(database, migrator):
        database.execute_sql("ALTER TABLE resident ADD COLUMN half_done INTEGER")
        raise RuntimeError("power cut")

    monkeypatch.setitem(migrations.MIGRATIONS, migrations.CURRENT_VERSION + 1, ("broken", broken_step))
    monkeypatch.setattr(migrations, "CURRENT_VERSION", migrations.CURRENT_VERSION + 1)
    with pytest.raises(RuntimeError, match="power cut"):
        open_database(db_target)
    close_database()
    monkeypatch.undo()
    db = make_database(db_target)
    db.connect()
    assert migrations.schema_version(db) == 1
    columns = [c.name for c in db.get_columns("resident")]
    assert "half_done" not in columns
    assert "entry_hash" not in [c.name for c in db.get_columns("audit_log")]
    db.close()


def test_newer_schema_is_refused_with_a_clear_message(db_target):
    open_database(db_target)
    SchemaVersion.insert(version=migrations.CURRENT_VERSION + 5, description="future").execute()
    close_database()
    with pytest.raises(SchemaTooNew) as err:
        open_database(db_target)
    close_database()
    message = schema_too_new_message(err.value)
    assert "phiên bản mới hơn" in message and str(migrations.CURRENT_VERSION + 5) in message


def test_new_database_is_created_at_current_version(database):
    assert migrations.schema_version(database) == migrations.CURRENT_VERSION
    assert "audit_log" in database.get_tables()


def test_before_upgrade_hook_runs_only_when_an_existing_database_changes(db_target):
    calls = []
    make_v1_database(db_target)
    db = make_database(db_target)
    db.connect()
    from db.models import database_proxy

    database_proxy.initialize(db)
    migrations.upgrade(db, before_upgrade=lambda old, new: calls.append((old, new)))
    migrations.upgrade(db, before_upgrade=lambda old, new: calls.append((old, new)))
    assert calls == [(1, migrations.CURRENT_VERSION)]
    db.close()
