"""``caremgr --self-test`` run in-process under Xvfb: every step passes on a fresh demo centre and the
return's PDF it makes is a real, complete return; a failing step is named and the run cleans up."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date

import pytest

from ui import self_test

STEPS = ["OK cơ sở dữ liệu mẫu:", "OK cửa sổ đăng nhập", "OK đăng nhập: admin", "OK cửa sổ chính:",
         "OK dữ liệu kèm theo:", "OK báo cáo định kỳ", "OK sao lưu tự động:", "OK đóng cửa sổ"]


def expected_period(today: date) -> str:
    """The latest half-year that has ended (the demo centre has residents in care in it)."""
    return f"{today.year}-H1" if today.month > 6 else f"{today.year - 1}-H2"


@pytest.fixture
def kept_folder(tmp_path, monkeypatch):
    """Runs the self-test inside tmp_path and keeps its temporary folder for inspection."""
    monkeypatch.setattr(self_test.tempfile, "tempdir", str(tmp_path))
    removed = []
    monkeypatch.setattr(self_test.shutil, "rmtree", lambda path, **_kw: removed.append(path))
    return tmp_path, removed


def test_self_test_passes_and_makes_the_return_pdf(xvfb, kept_folder, capsys):
    from caremgr import periods, returns
    from db.connection import close_database, open_database

    tmp_path, removed = kept_folder
    assert self_test.run_self_test() == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    for step in STEPS:
        assert sum(line.startswith(step) for line in lines) == 1, (step, out)
    assert "LỖI" not in out
    # the summary also went to the log file, for a Windows bundle that has no console
    log = (tmp_path / self_test.LOG_NAME).read_text(encoding="utf-8").splitlines()
    assert [line for line in log if line.startswith("OK ")] == [line for line in lines if line.startswith("OK ")]

    (folder,) = removed
    assert os.path.dirname(str(folder)) == str(tmp_path)
    period = expected_period(date.today())
    pdf = folder / f"bao-cao-{period}.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    (line,) = [line for line in lines if line.startswith("OK báo cáo định kỳ")]
    assert f"OK báo cáo định kỳ {period}:" in line and f"PDF {pages} trang" in line

    # the figures in the PDF are the return computed again from the self-test's own database
    open_database(str(folder / "self-test.sqlite"))
    try:
        figures = returns.compute(periods.parse_period(period))
    finally:
        close_database()
    in_care = figures["residents"]["in_care"]
    assert in_care > 0 and f"{in_care} đối tượng đang chăm sóc" in line
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert figures["period"]["title"] in " ".join(text.split())
    assert re.search(rf"Tổng cộng\s+{in_care}\s+100,0", text), text[:3000]
    residents = int(re.search(r"OK cơ sở dữ liệu mẫu: (\d+) đối tượng", out).group(1))
    open_database(str(folder / "self-test.sqlite"))
    try:
        from db.models import Resident

        assert Resident.select().count() == residents
    finally:
        close_database()
    assert list((folder / "backups").glob("*.cmbak"))


def test_a_failing_step_is_named_and_cleaned_up(xvfb, tmp_path, monkeypatch, capsys):
    from caremgr import places

    monkeypatch.setattr(self_test.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(places, "provinces", lambda: [])
    assert self_test.run_self_test() == 1
    out = capsys.readouterr().out
    assert "OK cửa sổ chính:" in out
    assert "LỖI ở bước \"dữ liệu kèm theo\": không có danh mục tỉnh, xã" in out
    assert "Traceback" in out and "StepFailed" in out
    assert "OK báo cáo định kỳ" not in out
    # the window is gone, the temporary folder removed, the log kept next to it
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("caremgr-self-test-")]
    assert "LỖI" in (tmp_path / self_test.LOG_NAME).read_text(encoding="utf-8")
    import tkinter

    assert tkinter._default_root is None
