"""``caremgr import|export|template training`` and ``caremgr report training --year Y --out FILE.pdf``
(CLI.md), driven as a user would: exit codes, the rejected-rows file, the PDF's totals."""

from __future__ import annotations

import csv
import re
import subprocess
from datetime import date

import openpyxl
import pytest

from caremgr import auth, settings
from caremgr.text import name_sort_key, search_key
from db.connection import close_database, open_database
from db.models import Staff, TrainingAttendance, TrainingCourse
from ui.cli import main

PASSWORD = "mat-khau-1"
HEADER = "Mã khóa;Tên khóa tập huấn;Lĩnh vực;Đơn vị tổ chức;Từ ngày;Đến ngày;Số giờ;Mã nhân viên;Hoàn thành;Số chứng nhận"
ROWS = [
    "TH2025-01;Kỹ năng chăm sóc người cao tuổi;Chăm sóc;Sở Y tế;10/03/2025;12/03/2025;24;NV001;Có;001/GCN",
    "TH2025-01;Kỹ năng chăm sóc người cao tuổi;Chăm sóc;Sở Y tế;10/03/2025;12/03/2025;24;NV002;Không;",
    "TH2025-01;Kỹ năng chăm sóc người cao tuổi;Chăm sóc;Sở Y tế;10/03/2025;12/03/2025;24;NV404;Có;",
    "TH2025-02;Sơ cấp cứu ban đầu;Điều dưỡng;CDC;31/12/2025;31/12/2025;8;NV002;Có;",
    "TH2025-02;Sơ cấp cứu ban đầu;Điều dưỡng;CDC;31/12/2025;31/12/2025;8;NV003;Có;",
    "TH2026-01;Vận hành phần mềm;Vận hành cơ sở dữ liệu;;01/01/2026;01/01/2026;4;NV001;Có;",
]
NAMES = {"NV001": "Nguyễn Thị An", "NV002": "Lê Văn Dũng", "NV003": "Đỗ Thị Đào"}


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("CAREMGR_PASSWORD", PASSWORD)
    monkeypatch.delenv("CAREMGR_DB", raising=False)


@pytest.fixture
def db(env, tmp_path, capsys):
    target = str(tmp_path / "centre.sqlite")
    assert main(["init", "--db", target]) == 0
    open_database(target)
    try:
        admin = auth.authenticate("admin", PASSWORD)
        settings.put(admin, {"centre.name": "Trung tâm Bảo trợ xã hội tỉnh Thanh Hóa", "centre.symbol": "TTBTXH",
                             "centre.director": "Lê Văn Thắng", "centre.province": "Thanh Hóa",
                             "agency.governing_body": "SỞ Y TẾ TỈNH THANH HÓA",
                             "agency.receiving": "Sở Y tế tỉnh Thanh Hóa",
                             "target.training_turns": 4}, effective_from=date(2025, 1, 1))
        auth.create_user(admin, "lan", PASSWORD, "nurse")
        for code, name in NAMES.items():
            Staff.create(code=code, full_name=name, search_name=search_key(name), sort_key=name_sort_key(name),
                         position="nurse", start_date=date(2020, 1, 1))
    finally:
        close_database()
    capsys.readouterr()
    return target


def source(tmp_path, rows=ROWS):
    path = tmp_path / "tap-huan.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def stored(target):
    open_database(target)
    try:
        return sorted((a.course.code, a.staff.code, a.completed)
                      for a in TrainingAttendance.select().join(TrainingCourse).switch(TrainingAttendance).join(Staff))
    finally:
        close_database()


def test_import_keeps_valid_rows_and_writes_the_errors_file(db, tmp_path, capsys):
    path = source(tmp_path)
    assert main(["import", "training", str(path), "--db", db, "--user", "admin"]) == 0
    out = capsys.readouterr().out
    assert "Đã thêm 5, cập nhật 0, không đổi 0, bị từ chối 1 dòng" in out
    assert "Đã tạo 3 khóa tập huấn mới: TH2025-01, TH2025-02, TH2026-01" in out
    errors = tmp_path / "tap-huan.csv.errors.csv"
    assert str(errors) in out
    with errors.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.reader(fh))
    assert [r[0] for r in records[1:]] == ["4"]
    assert records[1][-1] == "Dòng 4, Mã nhân viên: không có nhân viên mã NV404"
    assert stored(db) == [("TH2025-01", "NV001", True), ("TH2025-01", "NV002", False),
                          ("TH2025-02", "NV002", True), ("TH2025-02", "NV003", True), ("TH2026-01", "NV001", True)]
    assert main(["import", "training", str(path), "--db", db, "--user", "admin"]) == 0
    assert "Đã thêm 0, cập nhật 0, không đổi 5, bị từ chối 1 dòng" in capsys.readouterr().out


def test_export_of_a_year_and_the_template(db, tmp_path, capsys):
    assert main(["import", "training", str(source(tmp_path)), "--db", db, "--user", "admin"]) == 0
    capsys.readouterr()
    out = tmp_path / "xuat-2025.xlsx"
    assert main(["export", "training", str(out), "--year", "2025", "--db", db, "--user", "admin"]) == 0
    assert f"Đã xuất 4 lượt tham dự tập huấn ra {out}" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã khóa" and rows[0][7] == "Mã nhân viên"
    assert sorted((r[0], r[7]) for r in rows[1:]) == [("TH2025-01", "NV001"), ("TH2025-01", "NV002"),
                                                      ("TH2025-02", "NV002"), ("TH2025-02", "NV003")]
    template = tmp_path / "mau.xlsx"
    assert main(["template", "training", str(template)]) == 0  # no database, no login
    assert openpyxl.load_workbook(template).active["H1"].value == "Mã nhân viên (*)"


def test_report_training_holds_the_totals(db, tmp_path, capsys):
    assert main(["import", "training", str(source(tmp_path)), "--db", db, "--user", "admin"]) == 0
    capsys.readouterr()
    pdf = tmp_path / "tap-huan-2025.pdf"
    assert main(["report", "training", "--year", "2025", "--out", str(pdf), "--db", db, "--user", "admin"]) == 0
    said = capsys.readouterr().out.strip().splitlines()
    # From the file: 2025 courses TH2025-01 and TH2025-02; completed: NV001 on 01, NV002 and NV003 on 02.
    assert said == ["Năm 2025: 2 khóa, 3 lượt người, 3 người được tập huấn.", f"Đã ghi {pdf}"]
    assert not pdf.with_name(pdf.name + ".part").exists()
    words = " ".join(pdf_text(pdf).split())
    assert "BÁO CÁO" in words and "Kết quả đào tạo, tập huấn cán bộ, nhân viên năm 2025" in words
    assert "Số lượt người hoàn thành: 3 lượt người" in words and "Số người được tập huấn: 3 người" in words
    assert "Chỉ tiêu năm: 4 lượt người" in words
    assert "Chưa đạt chỉ tiêu (75,0% chỉ tiêu; còn thiếu 1 lượt người)" in words
    assert re.search(r"Tổng cộng 32 3\b", words)
    assert "TH2025-01" in words and "TH2025-02" in words and "TH2026-01" not in words
    assert all(name in words for name in NAMES.values())


def test_report_defaults_to_the_current_year(db, tmp_path, capsys):
    pdf = tmp_path / "nam-nay.pdf"
    assert main(["report", "training", "--out", str(pdf), "--db", db, "--user", "admin"]) == 0
    year = date.today().year
    assert capsys.readouterr().out.startswith(f"Năm {year}: 0 khóa, 0 lượt người")
    assert f"nhân viên năm {year}" in " ".join(pdf_text(pdf).split())


@pytest.mark.parametrize("argv, expected", [
    (["report", "training", "--year", "2025"], "--out"),
    (["report", "training", "--year", "2025", "--out", "x.pdf"], "--user"),
    (["report", "training", "--year", "2025", "--out", "x.pdf", "--user", "admin", "--at", "15/03/2024"],
     "phải thuộc năm 2025"),
    (["report", "training", "--year", "2025", "--out", "x.pdf", "--user", "admin", "--at", "31/02/2025"], "Ngày"),
])
def test_report_refusals_exit_1_with_one_line(db, tmp_path, capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--db", db]) == 1
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.pdf.part").exists()


def test_a_nurse_may_not_import_training(db, tmp_path, capsys):
    assert main(["import", "training", str(source(tmp_path)), "--db", db, "--user", "lan"]) == 1
    assert "không có quyền" in capsys.readouterr().err
    assert stored(db) == []


def test_unreadable_file_or_target_exits_2(db, tmp_path, capsys):
    missing = tmp_path / "khong-co.xlsx"
    assert main(["import", "training", str(missing), "--db", db, "--user", "admin"]) == 2
    assert "Không tìm thấy tệp" in capsys.readouterr().err
    (tmp_path / "thu-muc").write_text("a file, not a folder")
    out = tmp_path / "thu-muc" / "bc.pdf"
    assert main(["report", "training", "--year", "2025", "--out", str(out), "--db", db, "--user", "admin"]) == 2
    assert "Không ghi được tệp" in capsys.readouterr().err
    assert not list(tmp_path.glob("**/*.part"))
