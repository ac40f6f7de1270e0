"""``caremgr db encrypt|status|decrypt|rekey``: the demo centre encrypted from the command line, used by
another process with the key from the environment, and turned back into a plain file."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db import cipher
from ui.cli import main

pytestmark = pytest.mark.skipif(not cipher.available(), reason="sqlcipher3 is not installed")

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-demo-1"
KEY = "khoa-co-so-du-lieu-2026"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("cli-cipher") / "centre.sqlite")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAREMGR_PASSWORD", PASSWORD)
        assert main(["init", "--demo", "--db", db]) == 0
    return Path(db)


@pytest.fixture
def demo_db(demo_template, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "userdata"))
    for name in ("CAREMGR_DB", "CAREMGR_DB_KEY", "CAREMGR_PASSWORD", "MY_KEY", "NEW_KEY"):
        monkeypatch.delenv(name, raising=False)
    target = tmp_path / "centre" / "caremgr.sqlite"
    target.parent.mkdir()
    shutil.copy(demo_template, target)
    return target


def rows(db, sql: str):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def run_cli(*args, **env):
    """The CLI in a new process (no key remembered there: its own data folder)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CAREMGR_")}
    full_env.update(env)
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env=full_env, timeout=300)


RESIDENTS = "SELECT code, full_name, birth_year, category, status FROM resident ORDER BY code"


def test_encrypt_status_use_and_decrypt(demo_db, tmp_path, capsys, monkeypatch):
    before = rows(demo_db, RESIDENTS)
    names = [r[1] for r in before]
    assert len(names) > 50 and names[0].encode() in demo_db.read_bytes()

    assert main(["db", "status", "--db", str(demo_db)]) == 0
    assert "chưa mã hóa" in capsys.readouterr().out

    monkeypatch.setenv("MY_KEY", KEY)
    assert main(["db", "encrypt", "--key-env", "MY_KEY", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert f"Đã mã hóa {demo_db}" in out and "-before-encrypt.cmbak" in out
    data = demo_db.read_bytes()
    assert not [n for n in names if n.encode() in data]
    with pytest.raises(sqlite3.DatabaseError):
        rows(demo_db, RESIDENTS)

    assert main(["db", "status", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "được mã hóa (SQLCipher)" in out and "Khóa đã nhớ trên máy này: không" in out

    # another process: without the key it cannot run (exit 2, says what is needed); with it, it works
    env = {"XDG_DATA_HOME": str(tmp_path / "elsewhere"), "CAREMGR_PASSWORD": PASSWORD}
    locked = run_cli("user", "list", "--db", str(demo_db), "--user", "admin", **env)
    assert locked.returncode == 2 and "CAREMGR_DB_KEY" in locked.stderr
    wrong = run_cli("user", "list", "--db", str(demo_db), "--user", "admin", CAREMGR_DB_KEY="khoa-sai-hoan-toan",
                    **env)
    assert wrong.returncode == 2 and "Khóa cơ sở dữ liệu không đúng" in wrong.stderr
    listed = run_cli("user", "list", "--db", str(demo_db), "--user", "admin", CAREMGR_DB_KEY=KEY, **env)
    assert listed.returncode == 0, listed.stderr
    assert "admin" in listed.stdout
    audit = run_cli("audit", "verify", "--db", str(demo_db), "--user", "admin", CAREMGR_DB_KEY=KEY, **env)
    assert audit.returncode == 0, audit.stdout + audit.stderr

    monkeypatch.setenv("MY_KEY", "khoa-sai-hoan-toan")
    assert main(["db", "decrypt", "--key-env", "MY_KEY", "--db", str(demo_db)]) == 1
    assert "Khóa cơ sở dữ liệu không đúng" in capsys.readouterr().err
    assert cipher.is_encrypted(demo_db)

    monkeypatch.setenv("MY_KEY", KEY)
    assert main(["db", "decrypt", "--key-env", "MY_KEY", "--db", str(demo_db)]) == 0
    assert "Đã bỏ mã hóa" in capsys.readouterr().out
    assert rows(demo_db, RESIDENTS) == before
    actions = [r[0] for r in rows(demo_db, "SELECT action FROM audit_log WHERE entity = 'database' ORDER BY id")]
    assert actions == ["encrypt", "decrypt"]
    assert main(["db", "status", "--db", str(demo_db)]) == 0
    assert "chưa mã hóa" in capsys.readouterr().out


def test_key_rules_and_a_missing_key(demo_db, capsys, monkeypatch):
    original = demo_db.read_bytes()
    monkeypatch.setenv("MY_KEY", "ngan-qua")
    assert main(["db", "encrypt", "--key-env", "MY_KEY", "--db", str(demo_db)]) == 1
    assert f"Khóa cơ sở dữ liệu: cần ít nhất {cipher.MIN_KEY_LENGTH} ký tự." in capsys.readouterr().err
    assert main(["db", "encrypt", "--key-env", "UNSET_VARIABLE", "--db", str(demo_db)]) == 1
    assert "UNSET_VARIABLE" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", None)  # no terminal to ask on
    assert main(["db", "encrypt", "--db", str(demo_db)]) == 1
    assert "Cần khóa cơ sở dữ liệu" in capsys.readouterr().err
    assert demo_db.read_bytes() == original
    assert main(["db", "decrypt", "--db", str(demo_db)]) == 1
    assert "chưa được mã hóa" in capsys.readouterr().err


def test_rekey_and_remember(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CAREMGR_DB_KEY", KEY)  # the default source of the key
    assert main(["db", "encrypt", "--db", str(demo_db)]) == 0
    capsys.readouterr()
    monkeypatch.delenv("CAREMGR_DB_KEY")
    monkeypatch.setenv("MY_KEY", KEY)
    monkeypatch.setenv("NEW_KEY", "một khóa mới dài hơn")
    assert main(["db", "rekey", "--key-env", "MY_KEY", "--new-key-env", "NEW_KEY", "--remember",
                 "--db", str(demo_db)]) == 0
    assert "Đã đổi khóa" in capsys.readouterr().out
    assert not cipher.key_works(demo_db, KEY) and cipher.key_works(demo_db, "một khóa mới dài hơn")
    assert cipher.remembered_key(demo_db) == "một khóa mới dài hơn"
    # remembered on this PC: commands here need no key any more
    monkeypatch.setenv("CAREMGR_PASSWORD", PASSWORD)
    assert main(["user", "list", "--db", str(demo_db), "--user", "admin"]) == 0
    assert "admin" in capsys.readouterr().out
    assert main(["db", "status", "--db", str(demo_db)]) == 0
    assert "Khóa đã nhớ trên máy này: có" in capsys.readouterr().out
