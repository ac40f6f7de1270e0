"""``caremgr report roster --out FILE.pdf [--at DATE]``, driven as a user would on the demo centre."""

from __future__ import annotations

import subprocess

import pytest

from ui.cli import main

PASSWORD = "mat-khau-1"


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("cli-roster") / "demo.sqlite")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAREMGR_PASSWORD", PASSWORD)
        assert main(["init", "--demo", "--db", db]) == 0
    return db


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("CAREMGR_PASSWORD", PASSWORD)
    monkeypatch.delenv("CAREMGR_DB", raising=False)


def in_care_on(db: str, day: str) -> list[tuple[str, str]]:
    """(code, full name) of the residents in care on ``day``, read straight from the SQLite file."""
    import sqlite3

    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT code, full_name FROM resident WHERE deleted = 0 AND admission_date <= ? "
            "AND (discharge_date IS NULL OR discharge_date > ?)", (day, day)).fetchall()


def test_writes_the_roster_of_the_day_and_says_how_many(demo_db, env, tmp_path, capsys):
    out = tmp_path / "danh-sach.pdf"
    assert main(["report", "roster", "--out", str(out), "--at", "15/01/2025", "--db", demo_db,
                 "--user", "admin"]) == 0
    expected = in_care_on(demo_db, "2025-01-15")
    said = capsys.readouterr().out.strip().splitlines()
    assert said == [f"{len(expected)} đối tượng đang được chăm sóc, nuôi dưỡng ngày 15/01/2025.", f"Đã ghi {out}"]
    assert out.read_bytes().startswith(b"%PDF") and not out.with_name(out.name + ".part").exists()
    text = pdf_text(out)
    words = " ".join(text.split())
    assert "DANH SÁCH" in text and "đến ngày 15/01/2025" in words
    assert expected and all(f" {code} " in text for code, _name in expected)
    assert f"Danh sách gồm {len(expected)} đối tượng./." in words
    # The header in force on that day (before the 2025 reorganisation).
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH" in text.split("DANH SÁCH")[0]


@pytest.mark.parametrize("argv, expected", [
    (["report", "roster"], "--out"),
    (["report", "roster", "--out", "x.pdf"], "--user"),
    (["report", "roster", "--out", "x.pdf", "--user", "admin", "--at", "31/02/2025"], "Ngày"),
])
def test_refusals_exit_1_with_a_vietnamese_reason(demo_db, env, tmp_path, capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--db", demo_db]) == 1
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_wrong_password_exits_1(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("CAREMGR_PASSWORD", "sai-mat-khau")
    out = tmp_path / "x.pdf"
    assert main(["report", "roster", "--out", str(out), "--db", demo_db, "--user", "admin"]) == 1
    assert not out.exists()


def test_unwritable_target_exits_2(demo_db, env, tmp_path, capsys):
    out = tmp_path / "khong-co" / "ds.pdf"
    assert main(["report", "roster", "--out", str(out), "--db", demo_db, "--user", "admin"]) == 2
    assert "Không ghi được" in capsys.readouterr().err and not out.exists()
