"""``caremgr backup`` / ``caremgr restore``: a backup made here restores elsewhere, in another process."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-demo-1"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("cli-backup") / "centre.sqlite")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAREMGR_PASSWORD", PASSWORD)
        assert main(["init", "--demo", "--db", db]) == 0
    return db


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("CAREMGR_PASSWORD", PASSWORD)
    monkeypatch.delenv("CAREMGR_DB", raising=False)
    monkeypatch.delenv("CAREMGR_BACKUP_PASSPHRASE", raising=False)


def rows(db: str, sql: str):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def run_cli(*args, **env):
    """The CLI in a new process, as on another machine."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CAREMGR_")}
    full_env.update(env)
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env=full_env, timeout=300)


def made_backup(capsys, folder: Path, encrypted: bool = False) -> Path:
    out = capsys.readouterr().out
    files = list(folder.glob("caremgr-*-manual.cmbak"))
    assert len(files) == 1 and str(files[0]) in out
    assert ("mã hóa" in out) == encrypted
    return files[0]


def test_backup_restores_in_another_process_with_the_same_data(demo_db, env, tmp_path, capsys):
    residents = rows(demo_db, "SELECT COUNT(*) FROM resident")[0][0]
    staff = rows(demo_db, "SELECT COUNT(*) FROM staff")[0][0]
    assert residents > 0
    assert main(["backup", "--to", str(tmp_path / "usb"), "--db", demo_db, "--user", "admin"]) == 0
    file = made_backup(capsys, tmp_path / "usb")

    other = tmp_path / "another-pc" / "caremgr.sqlite"
    done = run_cli("restore", str(file), "--db", str(other), "--yes")
    assert done.returncode == 0, done.stderr
    assert f"{residents} đối tượng" in done.stdout and f"{staff} nhân viên" in done.stdout
    assert "Đã khôi phục bản sao lưu ngày" in done.stdout
    query = "SELECT code, full_name, birth_year, category, admission_date, status FROM resident ORDER BY code"
    assert rows(str(other), query) == rows(demo_db, query)
    assert rows(str(other), "SELECT COUNT(*) FROM health_check") == rows(demo_db, "SELECT COUNT(*) FROM health_check")

    # the restored database is a working one: the centre's administrator logs in there
    listed = run_cli("user", "list", "--db", str(other), "--user", "admin", CAREMGR_PASSWORD=PASSWORD)
    assert listed.returncode == 0 and "admin" in listed.stdout


def test_encrypted_backup_and_wrong_passphrase(demo_db, env, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MY_SECRET", "khoa-bi-mat")
    assert main(["backup", "--to", str(tmp_path), "--passphrase-env", "MY_SECRET", "--db", demo_db,
                 "--user", "admin"]) == 0
    file = made_backup(capsys, tmp_path, encrypted=True)
    other = tmp_path / "b.sqlite"
    wrong = run_cli("restore", str(file), "--db", str(other), "--yes", CAREMGR_BACKUP_PASSPHRASE="sai")
    assert wrong.returncode == 1 and "Mật khẩu sao lưu không đúng" in wrong.stderr
    missing = run_cli("restore", str(file), "--db", str(other), "--yes")
    assert missing.returncode == 1 and "cần nhập mật khẩu sao lưu" in missing.stderr
    right = run_cli("restore", str(file), "--db", str(other), "--yes", CAREMGR_BACKUP_PASSPHRASE="khoa-bi-mat")
    assert right.returncode == 0, right.stderr


def test_restore_over_existing_data_needs_confirmation_and_keeps_a_safety_copy(demo_db, env, tmp_path, capsys):
    assert main(["backup", "--to", str(tmp_path / "bk"), "--db", demo_db, "--user", "admin"]) == 0
    file = made_backup(capsys, tmp_path / "bk")
    target = tmp_path / "work.sqlite"
    assert main(["init", "--db", str(target)]) == 0  # a database with its own admin and no residents
    capsys.readouterr()
    assert main(["restore", str(file), "--db", str(target), "--user", "admin"]) == 1  # no terminal, no --yes
    assert "--yes" in capsys.readouterr().err
    assert rows(str(target), "SELECT COUNT(*) FROM resident") == [(0,)]

    assert main(["restore", str(file), "--db", str(target), "--user", "admin", "--yes"]) == 0
    out = capsys.readouterr().out
    assert rows(str(target), "SELECT COUNT(*) FROM resident") == rows(demo_db, "SELECT COUNT(*) FROM resident")
    safety = list((tmp_path / "backups").glob("caremgr-*-before-restore.cmbak"))
    assert len(safety) == 1 and str(safety[0]) in out


@pytest.mark.parametrize("argv, code, expected", [
    (["backup"], 1, "cần --user"),
    (["restore", "/khong/co/tep.cmbak", "--yes"], 2, "Không đọc được tệp"),
])
def test_refusals(demo_db, env, tmp_path, capsys, argv, code, expected):
    assert main([*argv, "--db", demo_db]) == code
    assert expected in capsys.readouterr().err


def test_a_nurse_may_not_back_up(demo_db, env, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CAREMGR_NEW_PASSWORD", "mat-khau-lan-1")
    if main(["user", "add", "lan_bk", "--role", "nurse", "--db", demo_db, "--user", "admin"]) != 0:
        pytest.fail(capsys.readouterr().err)
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-lan-1")
    assert main(["backup", "--to", str(tmp_path), "--db", demo_db, "--user", "lan_bk"]) == 1
    assert not list(tmp_path.glob("*.cmbak"))


def test_not_a_backup_file_is_refused(demo_db, env, tmp_path, capsys):
    bogus = tmp_path / "x.cmbak"
    bogus.write_bytes(Path(demo_db).read_bytes()[:4096])
    assert main(["restore", str(bogus), "--db", demo_db, "--user", "admin", "--yes"]) == 1
    assert "không phải bản sao lưu" in capsys.readouterr().err
