"""Backups and restore: online copies, the container checks, rotation, daily and before-migration backups."""

import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from caremgr import audit, backup, residents, settings
from caremgr.backup import BackupError
from db import backup as raw
from db import migrations
from db.connection import close_database, current_database, open_database
from db.models import AuditLog, Resident
from tests.db.test_migrations import make_v1_database


def form(code: str, name: str) -> dict:
    return {"code": code, "full_name": name, "sex": "Nữ", "birth": "12/03/1948", "ethnicity": "Kinh",
            "cccd": "", "cccd_note": "", "address": "Thôn Trung, xã Hoằng Hóa", "province": "Thanh Hóa",
            "commune": "xã Hoằng Hóa", "category": "NCT", "merit_type": "", "disability_type": "",
            "disability_severity": "", "admission_date": "01/02/2020", "admission_decision": "",
            "room": "A101", "notes": ""}


def resident_rows():
    return [(r.code, r.full_name, r.room) for r in Resident.select().order_by(Resident.code)]


@pytest.fixture
def needs_pg_tools(backend):
    """On PostgreSQL the round trip needs pg_dump/pg_restore; without them, the clear message is the test."""
    if backend == "postgresql" and raw.find_pg_tool("pg_dump") is None:
        with pytest.raises(BackupError, match="Không tìm thấy chương trình pg_dump"):
            backup.make_backup(auth_admin(), folder=Path("/tmp"))
        pytest.skip("pg_dump not installed: checked the message instead")


def auth_admin():
    from caremgr.auth import SYSTEM

    return SYSTEM


def test_backup_and_restore_round_trip(database, admin, tmp_path, needs_pg_tools):
    residents.create(admin, form("DT0001", "Nguyễn Thị Hồng"))
    residents.create(admin, form("DT0002", "Lê Văn Nam"))
    before = resident_rows()
    info = backup.make_backup(admin, folder=tmp_path / "usb")
    assert info.path.parent == tmp_path / "usb" and info.path.name.endswith("-manual.cmbak")
    assert info.counts["residents"] == 2 and info.counts["users"] == 1
    assert info.schema_version == migrations.CURRENT_VERSION and not info.encrypted
    assert info.size == info.path.stat().st_size

    residents.create(admin, form("DT0003", "Trần Văn Ba"))  # made after the backup: gone after restore
    result = backup.restore_backup(admin, info.path)
    assert resident_rows() == before
    assert result.restored_from.counts["residents"] == 2
    assert result.restored_from.created_at == info.created_at
    # the safety copy holds the data as it was just before the restore
    safety = backup.inspect_backup(result.safety_copy)
    assert safety.reason == "before-restore" and safety.counts["residents"] == 3
    assert audit.verify_chain().ok
    entry = AuditLog.select().where(AuditLog.action == "restore").get()
    assert entry.username == "admin" and info.path.name in entry.summary


def test_restore_into_another_database_shows_the_same_data(database, admin, db_target, tmp_path, backend,
                                                           request, needs_pg_tools):
    residents.create(admin, form("DT0001", "Nguyễn Thị Hồng"))
    expected = resident_rows()
    info = backup.make_backup(admin, folder=tmp_path / "bk", passphrase="bí mật")
    assert info.encrypted
    close_database()
    # "another machine": a different, fresh database of the same kind
    if backend == "sqlite":
        other = str(tmp_path / "elsewhere" / "new.sqlite")
    else:
        other = request.getfixturevalue("pg_server").create_database(f"other_{tmp_path.name[-20:]}".lower())
    open_database(other)
    try:
        from caremgr.auth import SYSTEM

        assert Resident.select().count() == 0
        result = backup.restore_backup(SYSTEM, info.path, passphrase="bí mật")
        assert resident_rows() == expected
        assert result.restored_from.counts == info.counts
    finally:
        close_database()
        open_database(db_target)


def test_backup_while_another_connection_writes(sqlite_database, sqlite_admin, sqlite_target, tmp_path):
    residents.create(sqlite_admin, form("DT0001", "Nguyễn Thị Hồng"))
    import threading

    writer = sqlite3.connect(sqlite_target, timeout=15, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE resident SET room = 'B202'")  # still uncommitted when the copy is taken

    def finish():
        writer.commit()
        writer.close()

    timer = threading.Timer(1.0, finish)  # the writer commits while the backup's audit entry waits for it
    timer.start()
    try:
        info = backup.make_backup(sqlite_admin, folder=tmp_path / "bk")
    finally:
        timer.join()
    # the app's own connection was never blocked and sees the committed change
    assert Resident.get().room == "B202"
    payload = tmp_path / "payload.sqlite"
    raw.extract_payload(info.path, payload)
    assert raw.integrity_ok(payload)
    conn = sqlite3.connect(payload)
    assert conn.execute("SELECT room FROM resident").fetchall() == [("A101",)]
    conn.close()


def test_encrypted_backup_needs_the_right_passphrase(sqlite_database, sqlite_admin, tmp_path):
    info = backup.make_backup(sqlite_admin, folder=tmp_path, passphrase="đúng-rồi")
    data = info.path.read_bytes()
    assert b"SQLite format 3" not in data  # the payload is not readable without the passphrase
    with pytest.raises(BackupError, match="Mật khẩu sao lưu không đúng"):
        backup.inspect_backup(info.path, "sai")
    with pytest.raises(BackupError, match="cần nhập mật khẩu"):
        backup.inspect_backup(info.path)
    assert backup.inspect_backup(info.path, "đúng-rồi").counts == info.counts


@pytest.mark.parametrize("where", ["payload", "header"])
def test_a_damaged_file_is_refused(sqlite_database, sqlite_admin, tmp_path, where):
    info = backup.make_backup(sqlite_admin, folder=tmp_path)
    data = bytearray(info.path.read_bytes())
    header_end = data.index(b"\n")
    if where == "payload":
        data[header_end + 5000] ^= 0x01
        expected = "bị hỏng"
    else:
        data[data.index(b"caremgr-backup")] ^= 0x01  # the magic no longer says what the file is
        expected = "không phải bản sao lưu"
    info.path.write_bytes(bytes(data))
    with pytest.raises(BackupError, match=expected):
        backup.inspect_backup(info.path)
    residents_before = Resident.select().count()
    with pytest.raises(BackupError):
        backup.restore_backup(sqlite_admin, info.path)
    assert Resident.select().count() == residents_before
    assert not list(tmp_path.glob("*before-restore*"))  # refused before anything was touched


def test_a_backup_from_a_newer_schema_is_refused(sqlite_database, sqlite_admin, tmp_path):
    info = backup.make_backup(sqlite_admin, folder=tmp_path)
    data = info.path.read_bytes()
    end = data.index(b"\n")
    header = json.loads(data[:end])
    header["schema_version"] = migrations.CURRENT_VERSION + 1
    info.path.write_bytes(json.dumps(header).encode() + data[end:])
    with pytest.raises(BackupError, match=f"mới hơn \\({migrations.CURRENT_VERSION + 1}\\)"):
        backup.restore_backup(sqlite_admin, info.path)

    # the header told the truth this time: the database inside is newer
    newer = tmp_path / "newer.sqlite"
    raw.backup_sqlite(sqlite_database.database, newer)
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_version (version, applied_at, description) VALUES (?, ?, 'x')",
                 (migrations.CURRENT_VERSION + 1, "2030-01-01 00:00:00"))
    conn.commit()
    conn.close()
    made = raw.write_container(newer, tmp_path / "n.cmbak", kind="sqlite", schema_version=1, counts={},
                               reason="manual")
    assert made["schema_version"] == 1
    with pytest.raises(BackupError, match="mới hơn"):
        backup.inspect_backup(tmp_path / "n.cmbak")


def test_nurse_may_not_back_up_or_restore(sqlite_database, sqlite_admin, tmp_path):
    from caremgr import auth
    from caremgr.errors import PermissionDenied

    nurse = auth.create_user(sqlite_admin, "lan", "mat-khau-2", "nurse")
    with pytest.raises(PermissionDenied):
        backup.make_backup(nurse, folder=tmp_path)
    info = backup.make_backup(sqlite_admin, folder=tmp_path)
    with pytest.raises(PermissionDenied):
        backup.restore_backup(nurse, info.path)


# --- rotation ----------------------------------------------------------------------------------------

def expected_kept(days: list[date]) -> set[date]:
    """Independent reference: walk back from the newest day, keep a day if it opens a new day (first 7),
    a new ISO week (first 4) or a new month (first 12)."""
    kept = set()
    days = sorted(days, reverse=True)
    kept.update(days[:7])
    weeks, months = [], []
    for d in days:
        w = (d.isocalendar().year, d.isocalendar().week)
        if w not in weeks and len(weeks) < 4:
            weeks.append(w)
            kept.add(d)
        m = (d.year, d.month)
        if m not in months and len(months) < 12:
            months.append(m)
            kept.add(d)
    return kept


def test_rotation_keeps_7_daily_4_weekly_12_monthly():
    today = date(2026, 11, 23)
    days = [today - timedelta(days=i) for i in range(730)]
    names = [f"caremgr-{d:%Y%m%d}-080000-daily.cmbak" for d in days]
    names += ["caremgr-20250101-090000-manual.cmbak", "caremgr-20250101-090000-before-migration.cmbak",
              "notes.txt"]
    kept, removed = backup.plan_rotation(names, today)
    kept_days = {datetime.strptime(n[8:16], "%Y%m%d").date() for n in kept}
    assert kept_days == expected_kept(days)
    assert len(kept) + len(removed) == 730  # only daily backups are considered
    # exactly 7 consecutive newest days, the newest of each of 4 weeks and 12 months
    assert sorted(kept_days, reverse=True)[:7] == days[:7]
    assert len({(d.year, d.month) for d in kept_days}) == 12
    assert len({d.isocalendar()[:2] for d in kept_days}) >= 4
    assert min(kept_days) == date(2025, 12, 31)  # newest backup of the 12th month back (December 2025)
    assert len(kept_days) == len(expected_kept(days)) < 7 + 4 + 12


def test_rotation_on_disk_and_keeps_newest_of_a_day(tmp_path):
    for stamp in ("20261120-080000", "20261120-170000", "20261121-080000"):
        (tmp_path / f"caremgr-{stamp}-daily.cmbak").write_bytes(b"x")
    (tmp_path / "caremgr-20261101-080000-manual.cmbak").write_bytes(b"x")
    removed = backup.rotate(tmp_path, date(2026, 11, 21))
    assert [p.name for p in removed] == ["caremgr-20261120-080000-daily.cmbak"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "caremgr-20261101-080000-manual.cmbak", "caremgr-20261120-170000-daily.cmbak",
        "caremgr-20261121-080000-daily.cmbak"]


# --- automatic backups -------------------------------------------------------------------------------

def test_daily_backup_is_made_once_a_day(database, admin, tmp_path, db_target, backend, needs_pg_tools):
    settings.put(admin, {"backup.folder": str(tmp_path / "daily")})
    first = backup.daily_backup_if_due(admin)
    assert first is not None and first.reason == "daily" and first.kind == backend
    assert first.path.parent == tmp_path / "daily"
    assert backup.daily_backup_if_due(admin) is None
    assert len(list((tmp_path / "daily").glob("*-daily.cmbak"))) == 1
    settings.put(admin, {"backup.daily": "false"})
    assert backup.daily_backup_if_due(admin, today=date.today() + timedelta(days=1)) is None


def test_default_folder_is_next_to_the_sqlite_file(sqlite_database, sqlite_admin, sqlite_target):
    info = backup.daily_backup_if_due(sqlite_admin)
    assert info.path.parent == Path(sqlite_target).resolve().parent / "backups"


def test_opening_an_old_database_backs_it_up_first(tmp_path):
    target = str(tmp_path / "old.sqlite")
    make_v1_database(target)
    open_database(target)
    try:
        made = list((tmp_path / "backups").glob("caremgr-*-before-migration.cmbak"))
        assert len(made) == 1
        info = backup.inspect_backup(made[0])
        assert info.schema_version == 1 and info.counts["residents"] == 2
        assert migrations.schema_version(current_database()) == migrations.CURRENT_VERSION
        # restoring the old copy brings it back and upgrades it again
        from caremgr.auth import SYSTEM

        result = backup.restore_backup(SYSTEM, made[0])
        assert result.restored_from.schema_version == 1
        assert migrations.schema_version(current_database()) == migrations.CURRENT_VERSION
        assert sorted(r.code for r in Resident.select()) == ["DT0001", "DT0002"]
    finally:
        close_database()


def test_before_migration_backup_hook(tmp_path):
    target = tmp_path / "old.sqlite"
    make_v1_database(str(target))
    info = backup.before_migration_backup(target, 1, migrations.CURRENT_VERSION)
    assert info.reason == "before-migration" and info.schema_version == 1
    assert info.path.parent == tmp_path / "backups"


def test_postgres_without_pg_dump_says_so(pg_target, tmp_path, monkeypatch):
    from caremgr import auth

    open_database(pg_target)
    try:
        admin = auth.create_user(None, "admin", "mat-khau-1", "administrator")
        monkeypatch.setattr(raw, "find_pg_tool", lambda name: None)
        with pytest.raises(BackupError, match="Không tìm thấy chương trình pg_dump"):
            backup.make_backup(admin, folder=tmp_path)
        assert not list(tmp_path.glob("*.cmbak"))
    finally:
        close_database()
