"""Encryption of the SQLite file at rest (SQLCipher): nothing readable in the file, its WAL or its backups
without the key; the key from the caller, CAREMGR_DB_KEY or this PC; conversions both ways and re-keying."""

import json
import sqlite3
import stat
import sys
import unicodedata
from pathlib import Path

import pytest

from caremgr import audit, auth, backup, insurance, residents
from caremgr.backup import BackupError
from caremgr.errors import user_message
from db import backup as raw
from db import cipher, migrations
from db.connection import (
    SqliteDatabase,
    _ImmediateTransaction,
    close_database,
    open_database,
    write_transaction,
)
from db.errors import DatabaseLocked, EncryptionError
from db.models import InsuranceCard, Resident
from tests.db.test_migrations import make_v1_database

pytestmark = pytest.mark.skipif(not cipher.available(), reason="sqlcipher3 is not installed")

KEY = "khóa-trung-tâm-2026"  # not ASCII on purpose: the same text must open the file everywhere
NAMES = ["Nguyễn Thị Hồng", "Lê Văn Nam", "Trần Thị Bích"]


def form(code: str, name: str, **changes) -> dict:
    values = {"code": code, "full_name": name, "sex": "Nữ", "birth": "12/03/1948", "ethnicity": "Kinh",
              "cccd": "", "cccd_note": "", "address": "Thôn Trung, xã Hoằng Hóa", "province": "Thanh Hóa",
              "commune": "xã Hoằng Hóa", "category": "NCT", "merit_type": "", "disability_type": "",
              "disability_severity": "", "admission_date": "01/02/2020", "room": "A101", "notes": ""}
    values.update(changes)
    return values


def plain_forms(name: str) -> list[bytes]:
    """Byte strings a name leaves in a plain file: as typed, its search form, decomposed (NFD)."""
    folded = "".join(c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn")
    folded = folded.replace("Đ", "D").replace("đ", "d")
    return [name.encode(), unicodedata.normalize("NFD", name).encode(), folded.lower().encode(),
            folded.encode()]


def leaks(path: Path, names=NAMES) -> list[str]:
    data = Path(path).read_bytes()
    return [n for n in names if any(form_ in data for form_ in plain_forms(n))]


def resident_rows():
    return [(r.code, r.full_name, r.room) for r in Resident.select().order_by(Resident.code)]


def card_rows():
    return [(c.resident.code, c.number, c.valid_to) for c in InsuranceCard.select().order_by(InsuranceCard.id)]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """The user's data folder (where a remembered key lives) inside the test; no key in the environment."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "userdata"))
    monkeypatch.delenv(cipher.KEY_ENV, raising=False)
    return tmp_path / "userdata" / "caremgr"


@pytest.fixture
def centre(tmp_path, data_dir):
    """A small plain centre: three residents, two BHYT cards, their audit entries; closed."""
    path = tmp_path / "centre" / "caremgr.sqlite"
    open_database(str(path))
    admin = auth.create_user(None, "admin", "mat-khau-1", "administrator", "Quản trị viên")
    ids = [residents.create(admin, form(f"DT000{i + 1}", name, room=f"A10{i + 1}")).id
           for i, name in enumerate(NAMES)]
    insurance.add_card(admin, ids[0], {"number": "BT2380123456789", "valid_from": "01/01/2026",
                                       "valid_to": "31/12/2026", "facility": "38142 - Trạm Y tế phường Hạc Thành"})
    insurance.add_card(admin, ids[1], {"number": "HT3380123456780", "valid_from": "01/01/2026",
                                       "valid_to": "30/06/2026", "facility": ""})
    expected = {"residents": resident_rows(), "cards": card_rows(), "audit": audit.verify_chain().checked}
    close_database()
    assert leaks(path) == NAMES, "the test's premise: a plain file shows the names"
    return path, expected


def test_encrypted_file_shows_nothing_and_opens_with_its_key(centre, tmp_path):
    path, expected = centre
    copy = cipher.encrypt_file(path, KEY)
    assert cipher.is_encrypted(path)
    assert path.read_bytes()[:16] != cipher.SQLITE_HEADER
    assert leaks(path) == []
    assert not Path(f"{path}-wal").exists() or leaks(Path(f"{path}-wal")) == []
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT full_name FROM resident").fetchall()

    # the plain file was kept, but inside a backup encrypted with the key as passphrase
    assert copy.parent == path.parent / "backups" and copy.name.endswith("-before-encrypt.cmbak")
    assert leaks(copy) == []
    kept = backup.inspect_backup(copy, passphrase=KEY)
    assert kept.encrypted and not kept.db_encrypted and kept.counts["residents"] == len(NAMES)

    database = open_database(str(path), key=KEY)
    try:
        assert resident_rows() == expected["residents"] and card_rows() == expected["cards"]
        report = audit.verify_chain()
        assert report.ok and report.checked == expected["audit"]
        # the connection is configured like a plain one: WAL, foreign keys, busy timeout, BEGIN IMMEDIATE
        assert isinstance(database, SqliteDatabase)
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] > 0
        assert isinstance(write_transaction(), _ImmediateTransaction)

        # a write through the services: in the (encrypted) WAL, never in plain text
        admin = auth.authenticate("admin", "mat-khau-1")
        residents.create(admin, form("DT0009", "Phạm Văn Đức"))
        wal = Path(f"{path}-wal")
        assert wal.stat().st_size > 0
        assert leaks(wal, [*NAMES, "Phạm Văn Đức"]) == [] and leaks(path, [*NAMES, "Phạm Văn Đức"]) == []
        assert audit.verify_chain().ok
    finally:
        close_database()
    open_database(str(path), key=KEY)
    try:
        assert [r[1] for r in resident_rows()] == [*NAMES, "Phạm Văn Đức"]
    finally:
        close_database()


def test_wrong_or_missing_key_is_database_locked(centre):
    path, _expected = centre
    cipher.encrypt_file(path, KEY)
    with pytest.raises(DatabaseLocked) as missing:
        open_database(str(path))
    assert missing.value.reason == "no_key"
    assert "CAREMGR_DB_KEY" in user_message(missing.value)
    with pytest.raises(DatabaseLocked) as wrong:
        open_database(str(path), key="khoa-sai-hoan-toan")
    assert wrong.value.reason == "wrong_key"
    assert user_message(wrong.value).startswith("Khóa cơ sở dữ liệu không đúng")
    assert not cipher.key_works(path, "khoa-sai-hoan-toan") and cipher.key_works(path, KEY)


def test_key_from_the_environment(centre, monkeypatch):
    path, expected = centre
    cipher.encrypt_file(path, KEY)
    monkeypatch.setenv(cipher.KEY_ENV, KEY)
    open_database(str(path))
    try:
        assert resident_rows() == expected["residents"]
    finally:
        close_database()
    # a key given by the caller comes before the environment
    monkeypatch.setenv(cipher.KEY_ENV, "khoa-sai-hoan-toan")
    with pytest.raises(DatabaseLocked):
        open_database(str(path))
    open_database(str(path), key=KEY)
    close_database()


def test_key_remembered_on_this_pc(centre, data_dir, tmp_path):
    path, expected = centre
    cipher.encrypt_file(path, KEY)
    stored = cipher.remember_key(path, KEY)
    assert stored == data_dir / "db-key"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert json.loads(stored.read_text(encoding="utf-8")) == {str(path.resolve()): KEY}
    open_database(str(path))
    try:
        assert resident_rows() == expected["residents"]
    finally:
        close_database()
    # remembered per file: the same key is not offered for another database
    assert cipher.remembered_key(tmp_path / "other.sqlite") is None
    assert cipher.forget_key(path) and cipher.remembered_key(path) is None
    with pytest.raises(DatabaseLocked):
        open_database(str(path))


def test_decrypt_gives_back_a_plain_file_with_the_same_data(centre, data_dir):
    path, expected = centre
    cipher.encrypt_file(path, KEY)
    cipher.remember_key(path, KEY)
    with pytest.raises(DatabaseLocked):
        cipher.decrypt_file(path, "khoa-sai-hoan-toan")
    assert cipher.is_encrypted(path)
    copy = cipher.decrypt_file(path, KEY)
    assert not cipher.is_encrypted(path) and path.read_bytes()[:16] == cipher.SQLITE_HEADER
    assert cipher.remembered_key(path) is None
    assert leaks(copy) == []  # the copy of the encrypted file is still encrypted
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT code, full_name, room FROM resident ORDER BY code").fetchall() == \
            expected["residents"]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    open_database(str(path))
    try:
        assert card_rows() == expected["cards"] and audit.verify_chain().ok
    finally:
        close_database()


def test_change_key(centre):
    path, expected = centre
    cipher.encrypt_file(path, KEY)
    with pytest.raises(EncryptionError) as short:
        cipher.change_key(path, KEY, "ngan")
    assert short.value.code == "key_too_short" and "Khóa cơ sở dữ liệu" in user_message(short.value)
    cipher.change_key(path, KEY, "một khóa mới rất dài")
    assert not cipher.key_works(path, KEY)
    with pytest.raises(DatabaseLocked):
        open_database(str(path), key=KEY)
    open_database(str(path), key="một khóa mới rất dài")
    try:
        assert resident_rows() == expected["residents"] and audit.verify_chain().ok
    finally:
        close_database()


def test_encrypting_refuses_a_short_key_and_changes_nothing(centre):
    path, _expected = centre
    before = path.read_bytes()
    with pytest.raises(EncryptionError) as refused:
        cipher.encrypt_file(path, "ngắn quá")
    assert refused.value.code == "key_too_short"
    assert user_message(refused.value) == f"Khóa cơ sở dữ liệu: cần ít nhất {cipher.MIN_KEY_LENGTH} ký tự."
    assert path.read_bytes() == before and not (path.parent / "backups").exists()
    cipher.encrypt_file(path, KEY)
    with pytest.raises(EncryptionError) as again:
        cipher.encrypt_file(path, KEY)
    assert again.value.code == "already_encrypted"


def test_backup_and_restore_of_an_encrypted_database(centre, tmp_path):
    path, expected = centre
    cipher.encrypt_file(path, KEY)
    open_database(str(path), key=KEY)
    try:
        admin = auth.authenticate("admin", "mat-khau-1")
        info = backup.make_backup(admin, folder=tmp_path / "usb")  # no backup passphrase
        assert info.db_encrypted and not info.encrypted
        assert leaks(info.path) == []
        header, _offset = raw.read_header(info.path)
        assert header["db_encrypted"] is True
        assert info.counts["residents"] == len(NAMES) and info.counts["insurance_cards"] == 2
        assert info.schema_version == migrations.CURRENT_VERSION

        residents.create(admin, form("DT0009", "Phạm Văn Đức"))  # after the backup: gone after restore
        result = backup.restore_backup(admin, info.path)
        assert resident_rows() == expected["residents"] and card_rows() == expected["cards"]
        assert cipher.is_encrypted(path) and leaks(path) == []
        assert result.restored_from.counts == info.counts
        assert audit.verify_chain().ok
        safety = backup.inspect_backup(result.safety_copy)  # with the open database's key
        assert safety.db_encrypted and safety.counts["residents"] == len(NAMES) + 1
        assert leaks(result.safety_copy, ["Phạm Văn Đức"]) == []
    finally:
        close_database()

    # elsewhere (a new PC, a plain empty database): the key is needed, and the file stays encrypted
    other = tmp_path / "another-pc" / "caremgr.sqlite"
    open_database(str(other))
    try:
        with pytest.raises(BackupError, match="cần đúng khóa cơ sở dữ liệu"):
            backup.inspect_backup(info.path, key="khoa-sai-hoan-toan")
        with pytest.raises(BackupError, match="cần đúng khóa"):
            backup.restore_backup(auth.SYSTEM, info.path)
        backup.restore_backup(auth.SYSTEM, info.path, key=KEY)
        assert resident_rows() == expected["residents"]
        assert cipher.is_encrypted(other) and cipher.key_works(other, KEY)
    finally:
        close_database()


def test_a_plain_backup_restored_over_an_encrypted_database_stays_encrypted(centre, tmp_path):
    path, expected = centre
    open_database(str(path))
    try:
        plain = backup.make_backup(auth.authenticate("admin", "mat-khau-1"), folder=tmp_path / "old")
    finally:
        close_database()
    assert not plain.db_encrypted and leaks(plain.path) == NAMES
    cipher.encrypt_file(path, KEY)
    open_database(str(path), key=KEY)
    try:
        backup.restore_backup(auth.authenticate("admin", "mat-khau-1"), plain.path)
        assert resident_rows() == expected["residents"]
    finally:
        close_database()
    assert cipher.is_encrypted(path) and cipher.key_works(path, KEY) and leaks(path) == []


def test_before_migration_copy_of_an_encrypted_database(tmp_path, data_dir):
    path = tmp_path / "old" / "caremgr.sqlite"
    make_v1_database(str(path))  # schema version 1, as the first release wrote it
    cipher.encrypt_file(path, KEY)
    open_database(str(path), key=KEY)  # upgrades to the current version, after a copy
    try:
        assert [r[1] for r in resident_rows()] == ["Nguyễn Thị Hồng", "Lê Văn Nam"]
        assert audit.verify_chain().ok
    finally:
        close_database()
    copies = list((path.parent / "backups").glob("*-before-migration.cmbak"))
    assert len(copies) == 1
    header, _offset = raw.read_header(copies[0])
    assert header["db_encrypted"] is True and header["schema_version"] == 1 and not header["encrypted"]
    assert leaks(copies[0], ["Nguyễn Thị Hồng", "Lê Văn Nam"]) == []
    info = backup.inspect_backup(copies[0], key=KEY)
    assert info.schema_version == 1 and info.counts["residents"] == 2
    open_database(str(tmp_path / "plain.sqlite"))  # a plain database open, no key in the environment
    try:
        with pytest.raises(BackupError, match="cần đúng khóa cơ sở dữ liệu"):
            backup.inspect_backup(copies[0])
    finally:
        close_database()


def test_status_helpers(tmp_path):
    assert not cipher.is_encrypted(tmp_path / "missing.sqlite")
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert not cipher.is_encrypted(empty)
    assert cipher.available()


def test_without_sqlcipher_an_encrypted_file_is_explained(centre, monkeypatch):
    path, _expected = centre
    cipher.encrypt_file(path, KEY)
    monkeypatch.setattr(cipher, "_driver", None)
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)  # as on a PC where it is not installed
    assert not cipher.available()
    with pytest.raises(DatabaseLocked) as missing:
        open_database(str(path), key=KEY)
    assert missing.value.reason == "no_sqlcipher"
    assert user_message(missing.value).startswith("Máy này chưa cài thành phần mã hóa (sqlcipher3)")
    # a plain database is not concerned
    open_database(str(path.with_name("plain.sqlite")))
    close_database()


def test_a_backup_from_before_a_key_change_restores_under_the_current_key(centre, tmp_path):
    path, expected = centre
    cipher.encrypt_file(path, KEY)
    open_database(str(path), key=KEY)
    try:
        old = backup.make_backup(auth.authenticate("admin", "mat-khau-1"), folder=tmp_path / "usb")
    finally:
        close_database()
    new_key = "khóa sau khi đổi người giữ"
    cipher.change_key(path, KEY, new_key)
    open_database(str(path), key=new_key)
    try:
        admin = auth.authenticate("admin", "mat-khau-1")
        residents.create(admin, form("DT0009", "Phạm Văn Đức"))
        with pytest.raises(BackupError):
            backup.restore_backup(admin, old.path)  # the current key does not open the old backup
        backup.restore_backup(admin, old.path, key=KEY)
        assert resident_rows() == expected["residents"]
    finally:
        close_database()
    assert cipher.key_works(path, new_key) and not cipher.key_works(path, KEY)
