"""``caremgr report insurance --out FILE.pdf [--xlsx FILE.xlsx] [--at DATE]``, driven as a user would."""

from __future__ import annotations

import subprocess

import pytest
from openpyxl import load_workbook

from ui.cli import main

PASSWORD = "mat-khau-1"


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("cli-insurance") / "demo.sqlite")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAREMGR_PASSWORD", PASSWORD)
        assert main(["init", "--demo", "--db", db]) == 0
    return db


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("CAREMGR_PASSWORD", PASSWORD)
    monkeypatch.delenv("CAREMGR_DB", raising=False)


def test_writes_the_pdf_and_the_xlsx_and_says_so(demo_db, env, tmp_path, capsys):
    out, xlsx = tmp_path / "ds-bhyt.pdf", tmp_path / "ds-bhyt.xlsx"
    assert main(["report", "insurance", "--out", str(out), "--xlsx", str(xlsx), "--db", demo_db,
                 "--user", "admin"]) == 0
    said = capsys.readouterr().out.strip().splitlines()
    assert said[-2:] == [f"Đã ghi {out}", f"Đã ghi {xlsx}"]
    assert out.read_bytes().startswith(b"%PDF") and not out.with_name(out.name + ".part").exists()
    assert not xlsx.with_name(xlsx.name + ".part").exists()
    text = pdf_text(out)
    assert "DANH SÁCH" in text and "Kính gửi" in text
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][0] == "STT" and rows[0][-1] == "Tình trạng" and len(rows) > 1
    assert all(r[1] and r[1].split()[-1] in text for r in rows[1:])


def test_as_of_an_earlier_day_without_xlsx(demo_db, env, tmp_path):
    out = tmp_path / "cu.pdf"
    assert main(["--user", "admin", "report", "insurance", "--at", "15/01/2025", "--out", str(out),
                 "--db", demo_db]) == 0
    head = pdf_text(out).split("DANH SÁCH")[0]
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH" in head and "ngày 15 tháng 01 năm 2025" in head
    assert not list(tmp_path.glob("*.xlsx"))


@pytest.mark.parametrize("argv, expected", [
    (["report", "insurance"], "--out"),
    (["report", "insurance", "--out", "x.pdf"], "--user"),
    (["report", "insurance", "--out", "x.pdf", "--user", "admin", "--at", "31/02/2025"], "Ngày"),
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
    assert main(["report", "insurance", "--out", str(out), "--db", demo_db, "--user", "admin"]) == 1
    assert not out.exists()


def test_unwritable_target_exits_2_and_leaves_nothing(demo_db, env, tmp_path, capsys):
    out = tmp_path / "ds.pdf"
    xlsx = tmp_path / "missing-folder" / "sub" / "ds.xlsx"
    (tmp_path / "missing-folder").write_text("a file, not a folder")
    assert main(["report", "insurance", "--out", str(out), "--xlsx", str(xlsx), "--db", demo_db,
                 "--user", "admin"]) == 2
    assert "Không ghi được tệp" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob("*.part"))
