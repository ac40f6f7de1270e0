"""Programs the crash and concurrency tests start as separate processes (``python -m tests.workers``).

Each one opens the database like the app does, logs in through the services and does one kind of
work; the test kills it (SIGKILL) or lets it run for a bounded time. Progress goes to a marker file so
the test knows when the work is under way.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path


def _open(args: dict):
    from caremgr import auth
    from db.connection import open_database

    open_database(args["target"], before_upgrade=None)
    return auth.authenticate(args["user"], args["password"])


def _mark(args: dict, text: str) -> None:
    path = Path(args["marker"])
    path.write_text(text, encoding="utf-8")


def run_import(args: dict) -> None:
    from caremgr import resident_io

    actor = _open(args)
    _mark(args, "started")
    resident_io.import_residents(actor, args["file"], progress=lambda done, total: _mark(args, f"rows {done}"))
    _mark(args, "finished")


def run_save(args: dict) -> None:
    """A profile save that stops inside its transaction, after the row is written, until killed."""
    from caremgr import audit, residents

    actor = _open(args)
    detail = residents.get(actor, args["resident_id"])

    def stuck(*_args, **_kwargs):
        _mark(args, "inside")
        time.sleep(600)

    audit.record = stuck
    residents.update(actor, detail.id, {"full_name": "Tên Sửa Dở", "notes": "lưu dở"}, version=detail.version,
                     contacts=[{"full_name": "Người Mới", "phone": "0912345678"}])


def run_backups(args: dict) -> None:
    from caremgr import backup

    actor = _open(args)
    for n in range(1, 10_000):
        _mark(args, f"backup {n}")
        backup.make_backup(actor, folder=args["folder"], passphrase=args.get("passphrase"))


def run_hold(args: dict) -> None:
    """Holds the write lock like a long import on another PC, then commits one change."""
    from caremgr import residents
    from db.connection import write_transaction

    actor = _open(args)
    with write_transaction():
        detail = residents.get(actor, args["resident_id"])
        _mark(args, "holding")
        time.sleep(args["seconds"])
        residents.update(actor, detail.id, {"room": "P-giữ"}, version=detail.version)
    _mark(args, "released")


def run_writer(args: dict) -> None:
    """Read-modify-write of residents' notes for ``seconds``; every save that succeeds adds a token.

    A save refused with a conflict reopens the record and tries again, as a nurse would."""
    from caremgr import residents
    from caremgr.errors import Conflict

    actor = _open(args)
    rng = random.Random(args["worker"])
    saved, conflicts, errors = [], 0, []
    deadline = time.monotonic() + args["seconds"]
    n = 0
    _mark(args, "started")
    if args.get("after"):  # logged in; now wait until another process holds the lock
        while not Path(args["after"]).exists() or Path(args["after"]).read_text(encoding="utf-8") != "holding":
            time.sleep(0.01)
        deadline = time.monotonic() + args["seconds"]
    while time.monotonic() < deadline:
        rid = rng.choice(args["resident_ids"])
        n += 1
        token = f"[w{args['worker']}.{n}]"
        try:
            detail = residents.get(actor, rid)
            residents.update(actor, rid, {"notes": f"{detail.notes or ''}{token}"}, version=detail.version)
        except Conflict:
            conflicts += 1
            continue
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on any
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        saved.append([rid, token])
    Path(args["out"]).write_text(json.dumps({"saved": saved, "conflicts": conflicts, "errors": errors}),
                                 encoding="utf-8")


WORK = {"import": run_import, "save": run_save, "backups": run_backups, "hold": run_hold, "writer": run_writer}

if __name__ == "__main__":
    job = json.loads(sys.argv[1])
    WORK[job["work"]](job)
