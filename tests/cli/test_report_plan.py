"""``caremgr report plan CODE --out FILE.pdf`` (shared/design/CLI.md), driven as a user would."""

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
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-raw", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("cli-plan") / "demo.sqlite")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAREMGR_PASSWORD", PASSWORD)
        assert main(["init", "--demo", "--db", db]) == 0
    return db


@pytest.fixture(scope="module")
def codes(demo_db):
    """(a resident with an active plan and its goals, a resident in care without any plan)."""
    from db.connection import close_database, open_database
    from db.models import RehabGoal, RehabPlan, Resident

    open_database(demo_db)
    try:
        plan = RehabPlan.select().where(RehabPlan.status == "active").order_by(RehabPlan.id).first()
        with_plan = Resident.get_by_id(plan.resident_id).code
        goals = [g.statement for g in RehabGoal.select().where(RehabGoal.plan == plan.id)]
        without = Resident.select().where((Resident.status == "in_care")
                                          & ~Resident.id.in_(RehabPlan.select(RehabPlan.resident))).first().code
    finally:
        close_database()
    return with_plan, goals, without


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("CAREMGR_PASSWORD", PASSWORD)
    monkeypatch.delenv("CAREMGR_DB", raising=False)


def test_writes_the_plan_and_says_so(demo_db, codes, env, tmp_path, capsys):
    code, goals, _without = codes
    out = tmp_path / "ke-hoach.pdf"
    assert main(["report", "plan", code, "--out", str(out), "--db", demo_db, "--user", "admin"]) == 0
    assert capsys.readouterr().out.strip().endswith(f"Đã ghi {out}")
    assert out.read_bytes().startswith(b"%PDF")
    assert not out.with_name(out.name + ".part").exists()
    words = flat(pdf_text(out))
    assert "KẾ HOẠCH" in words and code in words and "NGƯỜI LẬP KẾ HOẠCH" in words
    assert goals and all(flat(g) in words for g in goals)


def test_as_of_an_earlier_day(demo_db, codes, env, tmp_path):
    code, _goals, _without = codes
    out = tmp_path / "cu.pdf"
    assert main(["--user", "admin", "report", "plan", code.lower(), "--at", "15/01/2026", "--out", str(out),
                 "--db", demo_db]) == 0
    head = pdf_text(out).split("KẾ HOẠCH")[0]
    assert "ngày 15 tháng 01 năm 2026" in head


@pytest.mark.parametrize("which, expected", [
    ("unknown", "Không tìm thấy đối tượng có mã DT9999"),
    ("without", "chưa có kế hoạch phục hồi chức năng"),
])
def test_no_resident_or_no_plan_exits_1_and_writes_nothing(demo_db, codes, env, tmp_path, capsys, which, expected):
    code = "DT9999" if which == "unknown" else codes[2]
    out = tmp_path / "x.pdf"
    assert main(["report", "plan", code, "--out", str(out), "--db", demo_db, "--user", "admin"]) == 1
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and not out.with_name("x.pdf.part").exists()


@pytest.mark.parametrize("argv, expected", [
    (["report", "plan", "DT0001"], "--out"),
    (["report", "plan", "--out", "x.pdf"], "mã đối tượng"),
    (["report", "plan", "DT0001", "--out", "x.pdf"], "--user"),
    (["report", "plan", "DT0001", "--out", "x.pdf", "--user", "admin", "--at", "31/02/2026"], "Ngày"),
])
def test_refusals_exit_1_with_a_vietnamese_reason(demo_db, env, tmp_path, capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--db", demo_db]) == 1
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_wrong_password_exits_1(demo_db, codes, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CAREMGR_PASSWORD", "sai-mat-khau")
    out = tmp_path / "x.pdf"
    assert main(["report", "plan", codes[0], "--out", str(out), "--db", demo_db, "--user", "admin"]) == 1
    assert "mật khẩu không đúng" in capsys.readouterr().err
    assert not out.exists()


def test_unwritable_output_exits_2(demo_db, codes, env, tmp_path, capsys):
    out = tmp_path / "no-such-folder" / "x.pdf"
    assert main(["report", "plan", codes[0], "--out", str(out), "--db", demo_db, "--user", "admin"]) == 2
    assert "Không ghi được tệp" in capsys.readouterr().err


def test_unreachable_database_exits_2(env, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    db = blocker / "x.sqlite"  # its folder cannot exist
    assert main(["report", "plan", "DT0001", "--out", str(out), "--db", str(db), "--user", "admin"]) == 2
    assert "Không mở được cơ sở dữ liệu" in capsys.readouterr().err
    assert not out.exists()


def test_from_a_shell(demo_db, codes, tmp_path):
    out = tmp_path / "shell.pdf"
    result = subprocess.run([sys.executable, "-m", "ui.cli", "report", "plan", codes[0], "--out", str(out),
                             "--db", demo_db, "--user", "admin"], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, CAREMGR_PASSWORD=PASSWORD), timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"Đã ghi {out}" in result.stdout
    assert out.read_bytes().startswith(b"%PDF")
