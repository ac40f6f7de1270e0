"""`audit verify`: a row altered or deleted directly in the database file is detected and named,
an untouched trail passes (SQLite and PostgreSQL); the command line exits 0 / 1 accordingly."""

from datetime import date

import pytest

from caremgr import audit, auth, consent
from caremgr.errors import PermissionDenied
from db.connection import close_database, open_database
from db.models import AuditLog, Resident
from ui.cli import main


def resident(code="DT001"):
    return Resident.create(code=code, full_name=f"Người {code}", search_name=f"nguoi {code.lower()}",
                           sort_key=code, sex="female", birth_year=1950, category="NCT",
                           admission_date=date(2024, 1, 1))


@pytest.fixture
def trail(admin):
    """A real trail: logins, consents and record views, about a dozen entries."""
    r = resident()
    for i in range(3):
        consent.add_consent(admin, r.id, {"given_on": f"0{i + 1}/02/2026", "given_by": "Nguyễn Thị Hoa",
                                          "relation": "guardian", "scope": f"phạm vi {i}"})
    audit.record_view(admin, r.id)
    auth.authenticate("admin", "mat-khau-1")
    ids = [e.id for e in AuditLog.select(AuditLog.id).order_by(AuditLog.id)]
    assert len(ids) >= 6
    return ids


def test_untouched_trail_is_intact(admin, trail):
    report = audit.verify(admin)
    assert report.ok and report.broken_at is None
    assert report.checked == AuditLog.select().count() == len(trail)
    assert str(len(trail)) in report.message


def test_altered_summary_is_detected_and_named(admin, trail, database):
    victim = AuditLog.get_by_id(trail[3])
    database.execute_sql(f"UPDATE audit_log SET summary = 'nothing happened' WHERE id = {victim.id}")
    report = audit.verify(admin)
    assert not report.ok
    assert report.broken_at == victim.id and report.reason == "altered"
    assert report.checked == 4  # the three entries before it were fine
    assert f"số {victim.id}" in report.message and victim.at.strftime("%d/%m/%Y %H:%M:%S") in report.message
    assert "sửa" in report.message


@pytest.mark.parametrize("column, value", [("username", "'someone-else'"), ("changes", "NULL"),
                                           ("at", "'2020-01-01 00:00:00'"), ("resident_id", "NULL")])
def test_any_altered_field_is_detected(admin, trail, database, column, value):
    victim = trail[2]  # a consent creation: it has changes and a resident
    database.execute_sql(f"UPDATE audit_log SET {column} = {value} WHERE id = {victim}")
    report = audit.verify(admin)
    assert (report.ok, report.broken_at, report.reason) == (False, victim, "altered")


def test_deleted_middle_entry_is_detected_at_the_next_one(admin, trail, database):
    victim = trail[2]
    following = AuditLog.get_by_id(trail[3])
    database.execute_sql(f"DELETE FROM audit_log WHERE id = {victim}")
    report = audit.verify(admin)
    assert not report.ok
    assert report.broken_at == following.id and report.reason == "missing"
    assert f"số {following.id}" in report.message and "xóa" in report.message
    assert following.at.strftime("%d/%m/%Y") in report.message


def test_a_forged_replacement_hash_does_not_hide_the_change(admin, trail, database):
    """Recomputing only the altered row's own hash still breaks the link to the next row."""
    from db.audit_chain import entry_hash

    victim = AuditLog.get_by_id(trail[2])
    forged = entry_hash(victim.prev_hash, victim.at, victim.username, victim.action, victim.entity,
                        victim.entity_id, victim.resident_id, "forged", victim.changes)
    AuditLog.update(summary="forged", entry_hash=forged).where(AuditLog.id == victim.id).execute()
    report = audit.verify(admin)
    assert (report.ok, report.broken_at, report.reason) == (False, trail[3], "missing")


def test_verify_needs_audit_permission(admin, trail):
    nurse = auth.create_user(admin, "lan", "mat-khau-2", "nurse")
    director = auth.create_user(admin, "hung", "mat-khau-3", "director")
    with pytest.raises(PermissionDenied):
        audit.verify(nurse)
    assert audit.verify(director).ok


def test_cli_audit_verify_exit_codes(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "v.sqlite")
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-1")
    assert main(["init", "--db", db]) == 0
    assert main(["audit", "verify", "--db", db, "--user", "admin"]) == 0
    assert "nguyên vẹn" in capsys.readouterr().out
    database = open_database(db)
    victim = AuditLog.select().order_by(AuditLog.id).first()
    database.execute_sql(f"UPDATE audit_log SET summary = 'x' WHERE id = {victim.id}")
    close_database()
    capsys.readouterr()
    assert main(["audit", "verify", "--db", db, "--user", "admin"]) == 1
    err = capsys.readouterr().err
    assert f"số {victim.id}" in err and "sửa" in err
    assert main(["audit", "verify", "--db", db]) == 1  # who checks must log in
    assert "--user" in capsys.readouterr().err
