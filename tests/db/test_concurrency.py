"""Several caremgr processes writing to one database at once (several PCs, or two windows).

SQLite: a writer that finds the database busy waits and retries (db.connection.write_transaction), so
no user ever sees "database is locked", even when another process holds the write lock longer than
SQLite's own busy timeout. Both backends: saves are read-modify-write with a version check, so no
save is silently lost: each either lands or is refused as a conflict.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from caremgr import audit, residents
from caremgr.errors import user_message
from db.errors import DatabaseBusy
from db.models import AuditLog

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-1"
WRITERS = 8
SECONDS = 6
TOKEN = re.compile(r"\[w\d+\.\d+\]")


def start(work: str, tmp_path: Path, name: str, env: dict | None = None, **job) -> tuple[subprocess.Popen, Path]:
    marker, out = tmp_path / f"{name}.marker", tmp_path / f"{name}.json"
    job.update(work=work, user="admin", password=PASSWORD, marker=str(marker), out=str(out))
    process = subprocess.Popen([sys.executable, "-m", "tests.workers", json.dumps(job)], cwd=ROOT,
                               env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return process, out


def wait_for_marker(path: Path, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return
        time.sleep(0.01)
    raise AssertionError(f"{path.name} never said {text!r}")


def finish(process: subprocess.Popen, timeout: float = 240) -> None:
    _out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err.decode()


def make_residents(admin, n: int) -> list[int]:
    return [residents.create(admin, {"code": f"CC{i:02d}", "full_name": f"Đỗ Thị Chung {i}", "birth": "1950",
                                     "sex": "Nữ", "category": "NCT", "admission_date": "01/01/2024"}).id
            for i in range(n)]


def assert_no_lost_update(admin, ids: list[int], results: list[dict]) -> int:
    saved: dict[int, list[str]] = {rid: [] for rid in ids}
    for result in results:
        assert result["errors"] == []
        for rid, token in result["saved"]:
            saved[rid].append(token)
    for rid in ids:
        detail = residents.get(admin, rid)
        assert sorted(TOKEN.findall(detail.notes or "")) == sorted(saved[rid])  # every save is there, once
        assert detail.version == 1 + len(saved[rid])
        updates = AuditLog.select().where((AuditLog.entity_id == rid) & (AuditLog.action == "update")).count()
        assert updates == len(saved[rid])
    report = audit.verify(admin)
    assert report.ok, report.message  # concurrent appends kept one unbroken chain
    return sum(len(v) for v in saved.values())


def test_concurrent_writers_never_fail_and_lose_no_update(admin, db_target, tmp_path):
    ids = make_residents(admin, 3)  # few records, so writers really collide
    workers = [start("writer", tmp_path, f"w{n}", target=db_target, worker=n, resident_ids=ids, seconds=SECONDS)
               for n in range(WRITERS)]
    for process, _out in workers:
        finish(process)
    results = [json.loads(out.read_text(encoding="utf-8")) for _process, out in workers]
    total = assert_no_lost_update(admin, ids, results)
    assert total >= WRITERS  # everyone got saves through
    assert sum(r["conflicts"] for r in results) > 0  # they did collide; the version check refused those


def test_a_writer_waits_out_a_lock_longer_than_the_busy_timeout(sqlite_admin, sqlite_target, tmp_path):
    """Another PC imports a long list (holds the write lock 4 s); SQLite's own wait is cut to 0.3 s here,
    so only the retry in write_transaction can get the nurse's saves through."""
    ids = make_residents(sqlite_admin, 2)
    short_wait = {"CAREMGR_SQLITE_BUSY_MS": "300"}
    holder, _ = start("hold", tmp_path, "hold", env=short_wait, target=sqlite_target, resident_id=ids[0], seconds=4)
    wait_for_marker(tmp_path / "hold.marker", "holding")
    writer, out = start("writer", tmp_path, "nurse", env=short_wait, target=sqlite_target, worker=1,
                        resident_ids=ids, seconds=6)
    finish(holder)
    finish(writer)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["errors"] == []
    assert len(result["saved"]) > 0
    assert residents.get(sqlite_admin, ids[0]).room == "P-giữ"  # the long unit of work landed too


def test_a_writer_that_waits_too_long_is_told_in_vietnamese(sqlite_admin, sqlite_target, tmp_path):
    ids = make_residents(sqlite_admin, 1)
    env = {"CAREMGR_SQLITE_BUSY_MS": "100", "CAREMGR_WRITE_WAIT_SECONDS": "0.5"}
    writer, out = start("writer", tmp_path, "nurse", env=env, target=sqlite_target, worker=1, resident_ids=ids,
                        seconds=1.5, after=str(tmp_path / "hold.marker"))
    wait_for_marker(tmp_path / "nurse.marker", "started")  # logged in before the lock is taken
    holder, _ = start("hold", tmp_path, "hold", env=env, target=sqlite_target, resident_id=ids[0], seconds=4)
    finish(writer)
    finish(holder)
    errors = json.loads(out.read_text(encoding="utf-8"))["errors"]
    assert errors and all(e.startswith("DatabaseBusy") for e in errors)
    message = user_message(DatabaseBusy(0.5))
    assert "Máy khác đang ghi dữ liệu" in message and "Không có gì bị mất" in message
