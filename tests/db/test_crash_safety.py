"""Killing caremgr (SIGKILL: a power cut, the task manager) in the middle of a unit of work.

Each test starts the work in a separate process (tests/workers.py), kills it while the work is under
way, then opens the database again and shows it is intact and holds all or none of that work.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caremgr import audit, backup, resident_io, residents
from db.backup import SUFFIX
from db.connection import current_database
from db.models import AuditLog, Contact, Resident

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-1"
ROWS = 1500


def start_worker(work: str, tmp_path: Path, **job) -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / f"{work}-{time.monotonic_ns()}.marker"
    job.update(work=work, user="admin", password=PASSWORD, marker=str(marker))
    process = subprocess.Popen([sys.executable, "-m", "tests.workers", json.dumps(job)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return process, marker


def wait_for(marker: Path, process: subprocess.Popen, predicate, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.exists():
            text = marker.read_text(encoding="utf-8")
            if predicate(text):
                return text
        if process.poll() is not None:
            raise AssertionError(f"worker ended early ({process.returncode}): {process.stderr.read().decode()}")
        time.sleep(0.01)
    process.kill()
    raise AssertionError(f"worker did not get there in {timeout} s")


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def work_entries() -> int:
    """Audit entries of changes (the worker's own login is logged before its work starts)."""
    return AuditLog.select().where(AuditLog.action != "login").count()


def assert_intact(actor) -> None:
    database = current_database()
    if database.__class__.__name__ == "SqliteDatabase":
        assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    report = audit.verify(actor)
    assert report.ok, report.message


def residents_file(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã đối tượng", "Họ và tên", "Năm sinh", "Giới tính", "Nhóm đối tượng", "Ngày tiếp nhận"])
        for i in range(1, n + 1):
            writer.writerow([f"NK{i:04d}", f"Nguyễn Văn Nhập {i}", 1940 + i % 40, "Nam" if i % 2 else "Nữ",
                             "NCT", "15/03/2024"])
    return path


@pytest.mark.parametrize("seed", [1, 2])
def test_a_killed_import_leaves_nothing_and_running_it_again_imports_everything(admin, db_target, tmp_path, seed):
    before = residents.create(admin, {"code": "CU001", "full_name": "Trần Thị Cũ", "birth": "1950",
                                      "sex": "Nữ", "category": "NCT", "admission_date": "01/01/2024"})
    audit_before = work_entries()
    source = residents_file(tmp_path / "danh-sach.csv", ROWS)
    process, marker = start_worker("import", tmp_path, target=db_target, file=str(source))
    wait_for(marker, process, lambda text: text.startswith("rows "))
    time.sleep(random.Random(seed).uniform(0, 0.3))  # somewhere further into the rows
    assert marker.read_text(encoding="utf-8") != "finished"
    kill(process)

    assert_intact(admin)
    assert [r.code for r in Resident.select()] == [before.code]
    assert work_entries() == audit_before

    result = resident_io.import_residents(admin, source)
    assert (result.added, result.rejected) == (ROWS, [])
    assert Resident.select().count() == ROWS + 1
    assert_intact(admin)


def test_a_save_killed_inside_its_transaction_changes_nothing(admin, db_target, tmp_path):
    detail = residents.create(admin, {"code": "DT001", "full_name": "Lê Thị Lưu", "birth": "1950", "sex": "Nữ",
                                      "category": "NCT", "admission_date": "01/01/2024", "notes": "ghi chú cũ"},
                              contacts=[{"full_name": "Lê Văn Con", "phone": "0987654321"}])
    entries = work_entries()
    process, marker = start_worker("save", tmp_path, target=db_target, resident_id=detail.id)
    wait_for(marker, process, lambda text: text == "inside")  # row and contacts written, not committed
    kill(process)

    assert_intact(admin)
    after = residents.get(admin, detail.id)
    assert (after.full_name, after.notes, after.version) == ("Lê Thị Lưu", "ghi chú cũ", detail.version)
    assert [c.full_name for c in Contact.select().where(Contact.resident == detail.id)] == ["Lê Văn Con"]
    assert work_entries() == entries
    # The dead process's lock went with it: the next save goes through at once.
    saved = residents.update(admin, detail.id, {"notes": "lưu lại"}, version=detail.version)
    assert saved.version == detail.version + 1


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_killed_backup_leaves_the_database_and_every_finished_backup_whole(admin, db_target, tmp_path, seed):
    for i in range(60):
        residents.create(admin, {"code": f"BK{i:03d}", "full_name": f"Phạm Văn Sao {i}", "birth": "1950",
                                 "sex": "Nam", "category": "NCT", "admission_date": "01/01/2024",
                                 "notes": "x" * 2000})
    folder = tmp_path / "usb"
    folder.mkdir()
    process, marker = start_worker("backups", tmp_path, target=db_target, folder=str(folder),
                                   passphrase="cum-tu-bi-mat" if seed == 5 else None)
    wait_for(marker, process, lambda text: text.startswith("backup "))
    time.sleep(random.Random(seed).uniform(0.05, 1.5))
    kill(process)

    assert_intact(admin)
    assert Resident.select().count() == 60
    finished = sorted(folder.glob(f"*{SUFFIX}"))
    passphrase = "cum-tu-bi-mat" if seed == 5 else None
    for path in finished:  # a backup file either is complete and checks out, or does not exist
        info = backup.inspect_backup(path, passphrase=passphrase)
        assert info.counts["residents"] == 60
    if db_target.startswith("postgresql"):
        time.sleep(1.5)  # pg_dump, a child of the killed program, finishes its temporary file by itself
    leftovers = [p for p in folder.iterdir() if p.suffix != SUFFIX]
    for path in leftovers:  # the cut-off backup's temporary files, cleaned up by a later backup
        old = time.time() - 7200
        os.utime(path, (old, old))
    made = backup.make_backup(admin, folder=folder)
    assert backup.inspect_backup(made.path).counts["residents"] == 60
    assert [p for p in folder.iterdir() if p.suffix != SUFFIX] == []
