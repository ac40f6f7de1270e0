"""``caremgr report return --period P --out FILE.pdf [--json FILE.json] [--at DATE] [--narrative-file F]``,
driven as a user would, on the demo centre."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from caremgr import returns
from caremgr.auth import Actor
from caremgr.periods import parse_period
from db.connection import close_database, open_database
from db.models import ReportRun
from ui.cli import main

PASSWORD = "mat-khau-1"
ROOT = Path(__file__).resolve().parents[2]

def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def runs(db: str) -> list[tuple]:
    open_database(db)
    try:
        return [(r.year, r.number, r.number_text, r.period_label, r.issued_on, r.issued_by)
                for r in ReportRun.select().order_by(ReportRun.id)]
    finally:
        close_database()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli-return") / "demo.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAREMGR_PASSWORD", PASSWORD)
        assert main(["init", "--demo", "--db", str(db)]) == 0
    return db


@pytest.fixture
def demo_db(demo_template, tmp_path, monkeypatch):
    """A fresh copy of the demo centre for each test (issuing changes it)."""
    db = tmp_path / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        source = demo_template.with_name(demo_template.name + suffix)
        if source.exists():
            shutil.copyfile(source, db.with_name(db.name + suffix))
    monkeypatch.setenv("CAREMGR_PASSWORD", PASSWORD)
    monkeypatch.setenv("CAREMGR_NEW_PASSWORD", "mat-khau-2")
    monkeypatch.delenv("CAREMGR_DB", raising=False)
    return str(db)


def test_issues_writes_the_pdf_and_the_json_and_says_the_number(demo_db, tmp_path, capsys):
    out, twin = tmp_path / "bao-cao.pdf", tmp_path / "bao-cao.json"
    narrative = tmp_path / "loi.json"
    narrative.write_text(json.dumps({"results": "Hoàn thành các chỉ tiêu chính.",
                                     "difficulties": "Thiếu kỹ thuật viên PHCN.",
                                     "proposals": "Đề nghị bổ sung 02 biên chế."}, ensure_ascii=False),
                         encoding="utf-8")
    capsys.readouterr()
    assert main(["report", "return", "--period", "2026-H1", "--out", str(out), "--json", str(twin),
                 "--at", "12/06/2026", "--narrative-file", str(narrative), "--db", demo_db, "--user", "admin"]) == 0
    said = capsys.readouterr().out.strip().splitlines()
    assert said == ["Đã cấp số 01/BC-TTBTXH: báo cáo 6 tháng đầu năm 2026.", f"Đã ghi {out}", f"Đã ghi {twin}"]
    assert not list(tmp_path.glob("*.part"))
    data = json.loads(twin.read_text(encoding="utf-8"))
    returns.validate(data)
    assert (data["number"], data["issued_on"], data["period"]["label"]) == ("01/BC-TTBTXH", "2026-06-12", "2026-H1")
    assert data["narrative"]["proposals"] == "Đề nghị bổ sung 02 biên chế."
    open_database(demo_db)
    try:  # the file holds what the database computes for that period and day
        expected = returns.compute(parse_period("2026-H1"), issued_on=date(2026, 6, 12), number="01/BC-TTBTXH",
                                   narrative=data["narrative"])
        assert data == json.loads(json.dumps(expected))
        assert returns.reopen(Actor(1, "admin", "", "administrator"), ReportRun.select().first().id) == data
    finally:
        close_database()
    text = pdf_text(out)
    assert "01/BC-TTBTXH" in text and "6 tháng đầu năm 2026" in text
    assert str(data["residents"]["in_care"]) in text
    assert runs(demo_db) == [(2026, 1, "01/BC-TTBTXH", "2026-H1", date(2026, 6, 12), "admin")]


def test_reissuing_and_a_new_year_restart_the_numbers(demo_db, tmp_path, capsys):
    for i, (at, period) in enumerate([("2025-12-20", "2025"), ("2025-12-30", "2025"), ("05/01/2026", "2025-H2")]):
        assert main(["report", "return", "--period", period, "--out", str(tmp_path / f"bc{i}.pdf"), "--at", at,
                     "--db", demo_db, "--user", "admin"]) == 0
    said = capsys.readouterr().out
    assert "Đã cấp số 02/BC-TTBTXH: báo cáo năm 2025." in said
    assert "Đã cấp số 01/BC-TTBTXH: báo cáo 6 tháng cuối năm 2025." in said
    assert [(year, number, label) for year, number, _t, label, _on, _by in runs(demo_db)] == [
        (2025, 1, "2025"), (2025, 2, "2025"), (2026, 1, "2025-H2")]


def test_a_file_that_cannot_be_written_issues_no_number(demo_db, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    out, twin = tmp_path / "bc.pdf", blocker / "bc.json"
    assert main(["report", "return", "--period", "2026-H1", "--out", str(out), "--json", str(twin),
                 "--db", demo_db, "--user", "admin"]) == 2
    assert "Không ghi được tệp" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    assert runs(demo_db) == []


def test_a_nurse_may_not_issue(demo_db, tmp_path, capsys, monkeypatch):
    assert main(["user", "add", "lan", "--role", "nurse", "--db", demo_db, "--user", "admin"]) == 0
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-2")
    out = tmp_path / "bc.pdf"
    assert main(["report", "return", "--period", "2026-H1", "--out", str(out), "--db", demo_db,
                 "--user", "lan"]) == 1
    err = capsys.readouterr().err
    assert "không có quyền" in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and runs(demo_db) == []


@pytest.mark.parametrize("argv, expected", [
    (["report", "return", "--out", "x.pdf", "--user", "admin"], "--period"),
    (["report", "return", "--period", "2026-H1", "--user", "admin"], "--out"),
    (["report", "return", "--period", "2026-H3", "--out", "x.pdf", "--user", "admin"], "2026-H3"),
    (["report", "return", "--period", "2026-06-30:2026-01-01", "--out", "x.pdf", "--user", "admin"], "trước"),
    (["report", "return", "--period", "2026-H1", "--out", "x.pdf", "--at", "31/02/2026", "--user", "admin"],
     "Ngày"),
    (["report", "return", "--period", "2026-H1", "--out", "x.pdf"], "--user"),
    (["report", "return", "--period", "2026-H1", "--out", "x.pdf", "--user", "admin",
      "--narrative-file", "bad.json"], "JSON"),
    (["report", "return", "--period", "2026-H1", "--out", "x.pdf", "--user", "admin",
      "--narrative-file", "list.json"], "results"),
    (["report", "return", "--period", "2026-H1", "--out", "x.pdf", "--user", "admin",
      "--narrative-file", "typo.json"], "ketqua"),
])
def test_refusals_exit_1_with_a_vietnamese_reason(demo_db, tmp_path, capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.json").write_text("{results: 1", encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "typo.json").write_text('{"ketqua": "Tốt"}', encoding="utf-8")
    capsys.readouterr()
    assert main([*argv, "--db", demo_db]) == 1
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists() and runs(demo_db) == []


def test_a_missing_narrative_file_cannot_run(demo_db, tmp_path, capsys):
    assert main(["report", "return", "--period", "2026-H1", "--out", str(tmp_path / "x.pdf"), "--user", "admin",
                 "--narrative-file", str(tmp_path / "khong-co.json"), "--db", demo_db]) == 2
    assert "Không đọc được tệp" in capsys.readouterr().err
    assert runs(demo_db) == []
