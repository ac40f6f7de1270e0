"""The audit viewer: filters (user, resident, dates, action, entity), newest first, the .xlsx export
with formula-looking text kept as text, and the throttled "who opened which record" log."""

from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from caremgr import audit, auth
from caremgr.errors import PermissionDenied, ValidationError
from db.models import AuditLog, Resident


def resident(code):
    return Resident.create(code=code, full_name=f"Người {code}", search_name=f"nguoi {code.lower()}",
                           sort_key=code, sex="female", birth_year=1950, category="NCT",
                           admission_date=date(2024, 1, 1))


class Clock:
    """Makes ``audit.record`` stamp entries at chosen times."""

    def __init__(self, monkeypatch):
        self.now = datetime(2026, 3, 1, 9, 0, 0)
        monkeypatch.setattr(audit, "_now", lambda: self.now)


@pytest.fixture
def world(admin, monkeypatch):
    """Entries from two users about two residents over three days, plus other entries."""
    nurse = auth.create_user(admin, "lan", "mat-khau-2", "nurse")
    director = auth.create_user(admin, "hung", "mat-khau-3", "director")
    a, b = resident("DT001"), resident("DT002")
    clock = Clock(monkeypatch)
    plan = [  # (day, hour, actor, action, entity, resident)
        (1, 8, admin, "create", "resident", a), (1, 23, nurse, "update", "health_check", a),
        (2, 0, nurse, "update", "resident", b), (2, 12, admin, "delete", "health_check", b),
        (3, 9, nurse, "create", "consent", a), (3, 10, admin, "update", "setting", None),
    ]
    expected = []
    for day, hour, actor, action, entity, who in plan:
        clock.now = datetime(2026, 3, day, hour, 30, 0)
        entry = audit.record(actor, action, entity, 1, resident_id=who.id if who else None,
                             summary=f"{action} {entity} {day}/{hour}", changes={"x": [None, day]})
        expected.append((entry.id, clock.now, actor.username, action, entity, who.code if who else None))
    return {"admin": admin, "nurse": nurse, "director": director, "a": a, "b": b, "clock": clock,
            "expected": expected}


def ids(rows):
    return [r.id for r in rows]


def wanted(world, test):
    """The expected ids, newest first, computed from the plan (not from the search)."""
    return [e[0] for e in sorted(world["expected"], key=lambda e: -e[0]) if test(e)]


def mine(rows, world):
    planned = {e[0] for e in world["expected"]}
    return [r for r in rows if r.id in planned]


def test_rows_are_newest_first_with_resident_codes(world):
    rows = audit.search(world["director"])
    assert ids(rows) == sorted(ids(rows), reverse=True)
    planned = {e[0]: e for e in world["expected"]}
    for row in mine(rows, world):
        _id, at, username, action, entity, code = planned[row.id]
        assert (row.at, row.username, row.action, row.entity, row.resident_code) == (at, username, action,
                                                                                      entity, code)
        assert row.changes == {"x": [None, at.day]} and row.entity_id == "1"


def test_each_filter(world):
    a = world["a"]
    assert ids(audit.search(world["admin"], username="LAN")) == wanted(world, lambda e: e[2] == "lan")
    assert ids(audit.search(world["admin"], resident_id=a.id)) == wanted(world, lambda e: e[5] == "DT001")
    assert ids(audit.search(world["admin"], resident_code="dt002")) == wanted(world, lambda e: e[5] == "DT002")
    assert ids(mine(audit.search(world["admin"], action="update"), world)) == \
        wanted(world, lambda e: e[3] == "update")
    assert ids(audit.search(world["admin"], entity="health_check")) == \
        wanted(world, lambda e: e[4] == "health_check")
    # Dates include the whole day at both ends: 23:30 on the 1st and 00:30 on the 2nd.
    assert ids(mine(audit.search(world["admin"], date_from="02/03/2026", date_to=date(2026, 3, 2)), world)) == \
        wanted(world, lambda e: e[1].date() == date(2026, 3, 2))
    assert ids(mine(audit.search(world["admin"], date_to="01/03/2026"), world)) == \
        wanted(world, lambda e: e[1].date() <= date(2026, 3, 1))
    both = audit.search(world["admin"], username="lan", resident_id=a.id, date_from="02/03/2026")
    assert ids(both) == wanted(world, lambda e: e[2] == "lan" and e[5] == "DT001" and e[1].day >= 2)
    assert len(audit.search(world["admin"], limit=2)) == 2


def test_bad_filters_are_refused_in_vietnamese(world):
    with pytest.raises(ValidationError, match="Từ ngày"):
        audit.search(world["admin"], date_from="32/13/2026")
    with pytest.raises(ValidationError, match="Đến ngày: không được trước từ ngày"):
        audit.search(world["admin"], date_from="03/03/2026", date_to="01/03/2026")
    with pytest.raises(ValidationError, match="DT999"):
        audit.search(world["admin"], resident_code="DT999")


def test_viewer_needs_audit_permission(world):
    with pytest.raises(PermissionDenied):
        audit.search(world["nurse"])
    with pytest.raises(PermissionDenied):
        audit.export_xlsx(world["nurse"], "x.xlsx")


def test_export_xlsx_with_filters_and_formula_text(world, tmp_path):
    a = world["a"]
    world["clock"].now = datetime(2026, 3, 4, 7, 0, 0)
    audit.record(world["admin"], "update", "resident", a.id, resident_id=a.id, summary="=HYPERLINK(\"x\")")
    path = tmp_path / "nhat-ky.xlsx"
    count = audit.export_xlsx(world["director"], path, resident_id=a.id)
    expected = [world["expected"][i] for i in (4, 1, 0)]  # DT001 entries, newest first
    assert count == 4
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Số", "Thời điểm", "Người dùng"]
    assert values[1][7] == "=HYPERLINK(\"x\")" and sheet.cell(row=2, column=8).data_type == "s"
    assert sheet.cell(row=2, column=8).quotePrefix
    for row, (entry_id, at, username, action, entity, code) in zip(values[2:], expected, strict=True):
        assert row[:7] == [entry_id, at.strftime("%d/%m/%Y %H:%M:%S"), username, action, entity, "1", code]
        assert '"x": [null, ' in row[8]


def test_record_view_at_most_once_per_user_per_resident_in_ten_minutes(world):
    nurse, director, a, b, clock = world["nurse"], world["director"], world["a"], world["b"], world["clock"]
    clock.now = datetime(2026, 3, 5, 8, 0, 0)

    def views():
        return [(e.username, e.resident_id, e.at) for e in
                AuditLog.select().where(AuditLog.action == "view").order_by(AuditLog.id)]

    assert audit.record_view(nurse, a.id) is True
    clock.now += timedelta(minutes=9, seconds=59)
    assert audit.record_view(nurse, a.id) is False  # same user, same resident, within 10 minutes
    assert audit.record_view(director, a.id) is True  # another user
    assert audit.record_view(nurse, b.id) is True  # another resident
    clock.now += timedelta(seconds=2)
    assert audit.record_view(nurse, a.id) is True  # 10 minutes and 1 second after the first
    start = datetime(2026, 3, 5, 8, 0, 0)
    later = start + timedelta(minutes=9, seconds=59)
    assert views() == [("lan", a.id, start), ("hung", a.id, later), ("lan", b.id, later),
                       ("lan", a.id, later + timedelta(seconds=2))]
    entry = AuditLog.select().where(AuditLog.action == "view").first()
    assert (entry.entity, entry.entity_id, entry.summary) == ("resident", str(a.id), "opened record DT001")
    assert [r.action for r in audit.search(world["admin"], action="view", resident_code="DT001")] == ["view"] * 3
    assert audit.verify_chain().ok


def test_cli_audit_export(tmp_path, monkeypatch, capsys):
    from ui.cli import main

    db = str(tmp_path / "e.sqlite")
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-1")
    assert main(["init", "--db", db]) == 0
    monkeypatch.setenv("CAREMGR_NEW_PASSWORD", "mat-khau-2")
    assert main(["user", "add", "lan", "--role", "nurse", "--db", db, "--user", "admin"]) == 0
    out = tmp_path / "nk.xlsx"
    today = date.today().strftime("%d/%m/%Y")
    assert main(["audit", "export", str(out), "--user-filter", "admin", "--from", today, "--to", today,
                 "--action", "create", "--db", db, "--user", "admin"]) == 0
    rows = list(load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    # the first administrator is created by "system"; admin created only lan
    assert [(r[2], r[3], r[4]) for r in rows] == [("admin", "create", "user")]
    assert "1" in capsys.readouterr().out
    assert main(["audit", "export", str(out), "--from", "99/99/2026", "--db", db, "--user", "admin"]) == 1
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-2")
    assert main(["audit", "export", str(out), "--db", db, "--user", "lan"]) == 1  # nurses may not read it
