"""``caremgr import/export/template staff`` (CLI.md): exit codes, the rejected-rows file, the template;
``caremgr init`` gives a new centre the starter checklists."""

import csv

import openpyxl
import pytest

from caremgr import facility
from caremgr.staff_io import STAFF_COLUMNS
from db.connection import close_database, open_database
from db.models import FacilityItem, Staff
from ui.cli import main

GOOD_AND_BAD = (
    "Mã nhân viên;Họ và tên;Ngày sinh;Giới tính;Chức danh;Ngày vào làm;Số chứng chỉ hành nghề;"
    "Chứng chỉ hành nghề có giá trị đến\n"
    "NV001;Nguyễn Thị Hồng;05/03/1985;Nữ;Điều dưỡng;01/09/2015;001234/TH-CCHN;31/12/2030\n"
    "NV002;Trần Văn An;1980;Nam;Bác sĩ;01/09/2015;002345/TH-CCHN;31/12/2030\n"
    "NV003;Lê Thị Bình;02/02/1990;Nữ;Tài xế;01/09/2015;;\n"
)


@pytest.fixture
def db(tmp_path, monkeypatch, capsys):
    target = str(tmp_path / "centre.sqlite")
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-1")
    assert main(["init", "--db", target]) == 0
    capsys.readouterr()
    return target


def read(target, query):
    open_database(target)
    try:
        return query()
    finally:
        close_database()


def codes(target):
    return read(target, lambda: sorted(s.code for s in Staff.select()))


def test_init_gives_a_new_centre_the_starter_checklists(db, tmp_path, monkeypatch):
    counts = read(db, lambda: {c: FacilityItem.select().where(FacilityItem.checklist == c).count()
                               for c in ("phc_rehab", "technical")})
    assert counts == {"phc_rehab": len(facility.STARTER_PHC_REHAB), "technical": len(facility.STARTER_TECHNICAL)}
    assert main(["init", "--db", db]) == 0  # again: nothing added twice
    assert read(db, lambda: FacilityItem.select().count()) == sum(counts.values())
    demo_db = str(tmp_path / "demo.sqlite")
    assert main(["init", "--demo", "--db", demo_db]) == 0
    assert read(demo_db, lambda: FacilityItem.select().count()) == sum(counts.values())


def test_import_with_rejected_rows_exits_0_and_writes_the_errors_file(db, tmp_path, capsys):
    source = tmp_path / "ns.csv"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    assert main(["import", "staff", str(source), "--db", db, "--user", "admin"]) == 0
    out = capsys.readouterr().out
    assert "Đã thêm 1, cập nhật 0, không đổi 0, bị từ chối 2 dòng" in out
    errors = tmp_path / "ns.csv.errors.csv"
    assert str(errors) in out
    with errors.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.reader(fh))
    assert records[0][0] == "Dòng" and records[0][-1] == "Lý do"
    assert [r[0] for r in records[1:]] == ["3", "4"]
    assert records[1][-1] == "Dòng 3, Ngày sinh: ngày không đúng dạng dd/mm/yyyy: 1980"
    assert records[2][-1].startswith("Dòng 4, Chức danh: \"Tài xế\" không có trong danh mục")
    assert codes(db) == ["NV001"]


def test_errors_and_sheet_options_and_unreadable_files(db, tmp_path, capsys):
    source = tmp_path / "ns.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Ghi chú"
    sheet = wb.create_sheet("Nhân sự")
    for line in GOOD_AND_BAD.splitlines():
        sheet.append(line.split(";"))
    wb.save(source)
    errors = tmp_path / "loi" / "tu-choi.csv"
    assert main(["import", "staff", str(source), "--sheet", "Nhân sự", "--errors", str(errors),
                 "--db", db, "--user", "admin"]) == 0
    assert errors.exists() and not (tmp_path / "ns.xlsx.errors.csv").exists()
    assert codes(db) == ["NV001"]
    capsys.readouterr()
    assert main(["import", "staff", str(source), "--sheet", "Không có", "--db", db, "--user", "admin"]) == 2
    assert "Không có" in capsys.readouterr().err
    assert main(["import", "staff", str(tmp_path / "khong-co.csv"), "--db", db, "--user", "admin"]) == 2


def test_permission_refused_exits_1(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CAREMGR_NEW_PASSWORD", "mat-khau-2")
    assert main(["user", "add", "lan", "--role", "nurse", "--db", db, "--user", "admin"]) == 0
    source = tmp_path / "ns.csv"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-2")
    capsys.readouterr()
    assert main(["import", "staff", str(source), "--db", db, "--user", "lan"]) == 1
    assert "không có quyền" in capsys.readouterr().err
    assert codes(db) == []


def test_export_round_trips_and_template(db, tmp_path, capsys):
    source = tmp_path / "ns.csv"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    assert main(["import", "staff", str(source), "--db", db, "--user", "admin"]) == 0
    out = tmp_path / "xuat.xlsx"
    capsys.readouterr()
    assert main(["export", "staff", str(out), "--db", db, "--user", "admin"]) == 0
    assert f"Đã xuất 1 nhân viên ra {out}" in capsys.readouterr().out
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]] == [h for h, _k in STAFF_COLUMNS]
    assert ws["A2"].value == "NV001" and ws["B2"].value == "Nguyễn Thị Hồng"
    assert main(["import", "staff", str(out), "--db", db, "--user", "admin"]) == 0
    assert "Đã thêm 0, cập nhật 0, không đổi 1, bị từ chối 0 dòng" in capsys.readouterr().out
    assert main(["export", "staff", str(out), "--db", db]) == 1  # needs --user

    template = tmp_path / "mau.xlsx"
    assert main(["template", "staff", str(template)]) == 0
    headers = [c.value for c in openpyxl.load_workbook(template).active[1]]
    assert [h.removesuffix(" (*)") for h in headers] == [h for h, _k in STAFF_COLUMNS]
    assert main(["template", "staff", str(tmp_path / "mau.csv")]) == 1

