"""``caremgr report record CODE --out FILE.pdf`` (shared/design/CLI.md), driven as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-1"


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("cli-record") / "demo.sqlite")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAREMGR_PASSWORD", PASSWORD)
        assert main(["init", "--demo", "--db", db]) == 0
    return db


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("CAREMGR_PASSWORD", PASSWORD)
    monkeypatch.delenv("CAREMGR_DB", raising=False)


def test_writes_the_record_and_says_so(demo_db, env, tmp_path, capsys):
    out = tmp_path / "ho-so.pdf"
    assert main(["report", "record", "DT0001", "--out", str(out), "--db", demo_db, "--user", "admin"]) == 0
    assert capsys.readouterr().out.strip().endswith(f"Đã ghi {out}")
    assert out.read_bytes().startswith(b"%PDF")
    assert not out.with_name(out.name + ".part").exists()
    text = pdf_text(out)
    assert "HỒ SƠ ĐỐI TƯỢNG" in text and "DT0001" in text


def test_as_of_an_earlier_day(demo_db, env, tmp_path):
    out = tmp_path / "cu.pdf"
    assert main(["--user", "admin", "report", "record", "dt0001", "--at", "15/01/2025", "--out", str(out),
                 "--db", demo_db]) == 0
    head = pdf_text(out).split("HỒ SƠ ĐỐI TƯỢNG")[0]
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH" in head and "ngày 15 tháng 01 năm 2025" in head


def test_unknown_code_exits_1_and_writes_nothing(demo_db, env, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert main(["report", "record", "DT9999", "--out", str(out), "--db", demo_db, "--user", "admin"]) == 1
    err = capsys.readouterr().err
    assert "Không tìm thấy đối tượng có mã DT9999" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("argv, expected", [
    (["report", "record", "DT0001"], "--out"),
    (["report", "record", "--out", "x.pdf"], "mã đối tượng"),
    (["report", "record", "DT0001", "--out", "x.pdf"], "--user"),
    (["report", "record", "DT0001", "--out", "x.pdf", "--user", "admin", "--at", "31/02/2025"], "Ngày"),
])
def test_refusals_exit_1_with_a_vietnamese_reason(demo_db, env, tmp_path, capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--db", demo_db]) == 1
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_wrong_password_exits_1(demo_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CAREMGR_PASSWORD", "sai-mat-khau")
    out = tmp_path / "x.pdf"
    assert main(["report", "record", "DT0001", "--out", str(out), "--db", demo_db, "--user", "admin"]) == 1
    assert "mật khẩu không đúng" in capsys.readouterr().err
    assert not out.exists()


def test_unwritable_output_exits_2(demo_db, env, tmp_path, capsys):
    out = tmp_path / "no-such-folder" / "x.pdf"
    assert main(["report", "record", "DT0001", "--out", str(out), "--db", demo_db, "--user", "admin"]) == 2
    assert "Không ghi được tệp" in capsys.readouterr().err


def test_from_a_shell(demo_db, tmp_path):
    out = tmp_path / "shell.pdf"
    result = subprocess.run([sys.executable, "-m", "ui.cli", "report", "record", "DT0002", "--out", str(out),
                             "--db", demo_db, "--user", "admin"], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, CAREMGR_PASSWORD=PASSWORD), timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"Đã ghi {out}" in result.stdout
    assert out.read_bytes().startswith(b"%PDF")
