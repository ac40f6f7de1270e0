"""The command line of shared/design/CLI.md, driven as a user would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from caremgr import auth
from db.connection import close_database, open_database
from db.models import AuditLog, Resident, User
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args, password="mat-khau-1", **env):
    environment = dict(os.environ, CAREMGR_PASSWORD=password, **env)
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env=environment, timeout=120)


def test_init_demo_then_help_from_a_shell(tmp_path):
    db = tmp_path / "x.sqlite"
    result = run("init", "--demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "Đã tạo quản trị viên admin" in result.stdout and "dữ liệu mẫu" in result.stdout
    help_ = run("--help")
    assert help_.returncode == 0
    for command in ("init", "import", "export", "report", "backup", "restore", "user", "consolidate"):
        assert command in help_.stdout
    open_database(str(db))
    try:
        assert Resident.select().count() >= 100
        assert auth.authenticate("admin", "mat-khau-1").role == "administrator"
    finally:
        close_database()


def test_global_options_anywhere_on_the_line(tmp_path, monkeypatch):
    db = tmp_path / "y.sqlite"
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-1")
    assert main(["--db", str(db), "init", "--admin", "quantri"]) == 0
    monkeypatch.setenv("CAREMGR_NEW_PASSWORD", "mat-khau-y-ta-1")
    assert main(["user", "add", "lan", "--role", "nurse", "--user", "quantri", "--db", str(db)]) == 0
    assert main(["user", "add", "hung", "--db=" + str(db), "--role", "director", "--user=quantri"]) == 0
    open_database(str(db))
    try:
        assert sorted(u.username for u in User.select()) == ["hung", "lan", "quantri"]
        assert AuditLog.select().where(AuditLog.entity == "user", AuditLog.action == "create").count() == 3
    finally:
        close_database()


def test_database_from_environment_variable(tmp_path, monkeypatch):
    db = tmp_path / "env.sqlite"
    monkeypatch.setenv("CAREMGR_DB", str(db))
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-1")
    assert main(["init"]) == 0
    assert db.exists()


def test_refusals_exit_1_with_a_vietnamese_reason(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "z.sqlite")
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-1")
    assert main(["init", "--db", db]) == 0
    capsys.readouterr()
    monkeypatch.setenv("CAREMGR_NEW_PASSWORD", "mat-khau-2")
    assert main(["user", "add", "lan", "--role", "nurse", "--db", db]) == 1
    assert "--user" in capsys.readouterr().err
    monkeypatch.setenv("CAREMGR_PASSWORD", "sai")
    assert main(["user", "add", "lan", "--role", "nurse", "--db", db, "--user", "admin"]) == 1
    assert "mật khẩu không đúng" in capsys.readouterr().err
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-1")
    monkeypatch.setenv("CAREMGR_NEW_PASSWORD", "ngan")
    assert main(["user", "add", "lan", "--role", "nurse", "--db", db, "--user", "admin"]) == 1
    assert "ít nhất 8" in capsys.readouterr().err
    assert main(["user", "add", "lan", "--role", "bogus", "--db", db]) == 1


def test_english_messages_with_lang_en(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "en.sqlite")
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-1")
    assert main(["init", "--db", db, "--lang", "en"]) == 0
    assert "Created administrator admin" in capsys.readouterr().out
    assert main(["user", "add", "x", "--role", "nurse", "--db", db, "--lang", "en"]) == 1
    assert "--user" in capsys.readouterr().err


def test_unreachable_database_exits_2(capsys):
    assert main(["init", "--db", "postgresql://nobody@127.0.0.1:1/none"]) == 2
    assert "Không mở được cơ sở dữ liệu" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--version"], ["init", "--help"]])
def test_informational_calls_exit_0(argv):
    assert main(argv) == 0
