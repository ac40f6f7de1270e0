"""``caremgr import/export/template residents`` (CLI.md): exit codes, the rejected-rows file, the template."""

import csv

import openpyxl
import pytest

from caremgr.resident_io import RESIDENT_COLUMNS
from db.connection import close_database, open_database
from db.models import Resident
from ui.cli import main

GOOD_AND_BAD = (
    "Mã đối tượng;Họ và tên;Ngày sinh;Giới tính;Số CCCD;Nhóm đối tượng;Ngày tiếp nhận\n"
    "DT001;Nguyễn Thị Hồng;05/03/1948;Nữ;038148001234;NCT;15/01/2020\n"
    "DT002;Phạm Thị Lan;1948;Nữ;038248001234;NCT;01/02/2021\n"
    "DT003;Lò Văn Tuấn;31/02/1950;Nam;;Người khuyết tật;15/01/2021\n"
)


@pytest.fixture
def db(tmp_path, monkeypatch, capsys):
    target = str(tmp_path / "centre.sqlite")
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-1")
    assert main(["init", "--db", target]) == 0
    capsys.readouterr()
    return target


def codes(target):
    open_database(target)
    try:
        return sorted(r.code for r in Resident.select())
    finally:
        close_database()


def test_import_with_rejected_rows_exits_0_and_writes_the_errors_file(db, tmp_path, capsys):
    source = tmp_path / "ds.csv"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    assert main(["import", "residents", str(source), "--db", db, "--user", "admin"]) == 0
    out = capsys.readouterr().out
    assert "Đã thêm 1, cập nhật 0, không đổi 0, bị từ chối 2 dòng" in out
    errors = tmp_path / "ds.csv.errors.csv"
    assert str(errors) in out
    with errors.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.reader(fh))
    assert records[0][0] == "Dòng" and records[0][-1] == "Lý do"
    assert [r[0] for r in records[1:]] == ["3", "4"]
    assert records[1][-1].startswith("Dòng 3, Số CCCD: mã thế kỷ/giới tính (2) không khớp với năm sinh 1948")
    assert records[2][-1] == "Dòng 4, Ngày sinh: ngày không hợp lệ: 31/02/1950"
    assert codes(db) == ["DT001"]


def test_errors_option_and_sheet_option(db, tmp_path, capsys):
    source = tmp_path / "ds.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Ghi chú"
    sheet = wb.create_sheet("Danh sách")
    for line in GOOD_AND_BAD.splitlines():
        sheet.append(line.split(";"))
    wb.save(source)
    errors = tmp_path / "loi" / "tu-choi.csv"
    assert main(["import", "residents", str(source), "--sheet", "Danh sách", "--errors", str(errors),
                 "--db", db, "--user", "admin"]) == 0
    assert errors.exists()
    assert not (tmp_path / "ds.xlsx.errors.csv").exists()
    assert codes(db) == ["DT001"]
    capsys.readouterr()
    assert main(["import", "residents", str(source), "--sheet", "Không có", "--db", db, "--user", "admin"]) == 2
    assert "Không có" in capsys.readouterr().err


def test_all_rows_good_writes_no_errors_file(db, tmp_path, capsys):
    source = tmp_path / "ok.csv"
    source.write_text("\n".join(GOOD_AND_BAD.splitlines()[:2]) + "\n", encoding="utf-8")
    assert main(["import", "residents", str(source), "--db", db, "--user", "admin"]) == 0
    assert "Đã thêm 1, cập nhật 0, không đổi 0, bị từ chối 0 dòng" in capsys.readouterr().out
    assert not (tmp_path / "ok.csv.errors.csv").exists()
    assert main(["import", "residents", str(source), "--db", db, "--user", "admin"]) == 0
    assert "Đã thêm 0, cập nhật 0, không đổi 1, bị từ chối 0 dòng" in capsys.readouterr().out


@pytest.mark.parametrize("name,content", [
    ("broken.xlsx", b"PK\x03\x04 not really a zip"),
    ("text.xlsx", "Mã đối tượng,Họ và tên\n".encode()),
])
def test_unreadable_file_exits_2(db, tmp_path, capsys, name, content):
    source = tmp_path / name
    source.write_bytes(content)
    assert main(["import", "residents", str(source), "--db", db, "--user", "admin"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("caremgr: ") and "Traceback" not in err
    assert main(["import", "residents", str(tmp_path / "missing.xlsx"), "--db", db, "--user", "admin"]) == 2


def test_import_and_export_need_a_user(db, tmp_path, capsys):
    source = tmp_path / "ds.csv"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    assert main(["import", "residents", str(source), "--db", db]) == 1
    assert "--user" in capsys.readouterr().err
    assert main(["export", "residents", str(tmp_path / "out.xlsx"), "--db", db]) == 1
    assert not (tmp_path / "out.xlsx").exists()


def test_export_then_import_changes_nothing(db, tmp_path, capsys):
    source = tmp_path / "ds.csv"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    main(["import", "residents", str(source), "--db", db, "--user", "admin"])
    out = tmp_path / "xuat.xlsx"
    assert main(["export", "residents", str(out), "--db", db, "--user", "admin"]) == 0
    assert "Đã xuất 1 đối tượng" in capsys.readouterr().out
    assert main(["import", "residents", str(out), "--db", db, "--user", "admin"]) == 0
    assert "Đã thêm 0, cập nhật 0, không đổi 1, bị từ chối 0 dòng" in capsys.readouterr().out
    assert main(["export", "residents", str(tmp_path / "xuat.pdf"), "--db", db, "--user", "admin"]) == 1


def test_template_needs_no_login_and_opens_with_the_headers(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CAREMGR_PASSWORD", raising=False)
    path = tmp_path / "mau.xlsx"
    assert main(["template", "residents", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    headers = [c.value for c in ws[1]]
    assert [h.removesuffix(" (*)") for h in headers] == [h for h, _k in RESIDENT_COLUMNS]
    assert headers[:4] == ["Mã đối tượng (*)", "Họ và tên (*)", "Ngày sinh (*)", "Giới tính (*)"]
    assert "Dân tộc" in headers and "Dân tộc (*)" not in headers
    notes = [c.value for c in ws[2]]
    assert all(notes) and "dd/mm/yyyy" in notes[2] and "NCT" in notes[7]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 10
    assert ws["F3"].number_format == "@"  # CCCD typed later keeps its leading zeros
    assert main(["template", "residents", str(tmp_path / "mau.csv")]) == 1
