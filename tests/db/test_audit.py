from caremgr import audit
from db.models import AuditLog


def test_diff_lists_only_changed_fields_and_never_secrets():
    old = {"full_name": "Nguyễn Văn A", "room": "A1", "password_hash": "x"}
    new = {"full_name": "Nguyễn Văn A", "room": "B2", "password_hash": "y"}
    assert audit.diff(old, new) == {"room": ["A1", "B2"]}


def test_chain_detects_altered_and_deleted_entries(admin, database):
    for i in range(5):
        audit.record(admin, "update", "resident", i, resident_id=i, summary=f"change {i}")
    assert audit.verify_chain().ok
    victim = AuditLog.select().order_by(AuditLog.id).offset(3).first()
    # Someone edits the file directly: the altered row is found.
    database.execute_sql(
        "UPDATE audit_log SET summary = 'nothing happened' WHERE id = " + str(victim.id))
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == victim.id
    # Put it back, then delete one: the gap is found at the next entry.
    database.execute_sql(f"UPDATE audit_log SET summary = '{victim.summary}' WHERE id = {victim.id}")
    assert audit.verify_chain().ok
    database.execute_sql(f"DELETE FROM audit_log WHERE id = {victim.id}")
    report = audit.verify_chain()
    assert not report.ok and report.broken_at > victim.id


def test_entries_filter_by_entity_and_user(admin):
    audit.record(admin, "update", "resident", 7, resident_id=7, summary="a")
    audit.record(admin, "update", "staff", 7, summary="b")
    assert [e.summary for e in audit.entries(entity="resident", entity_id=7)] == ["a"]
    assert len(audit.entries(username="admin")) >= 2
