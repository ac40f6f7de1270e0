"""Importing and exporting staff (IMPORT.md "Staff"), on SQLite and PostgreSQL."""

import csv
from datetime import date, datetime

import openpyxl
import pytest

from caremgr import auth, demo, staff
from caremgr.errors import PermissionDenied, ValidationError
from caremgr.sheets import SheetError, read_table
from caremgr.staff_io import STAFF_COLUMNS, export_staff, import_staff, write_staff_template
from db.models import AuditLog, Staff

IMPORT_MD_HEADERS = ["Mã nhân viên", "Họ và tên", "Ngày sinh", "Giới tính", "Chức danh", "Trình độ chuyên môn",
                     "Loại hợp đồng", "Ngày vào làm", "Ngày nghỉ việc", "Số chứng chỉ hành nghề",
                     "Chứng chỉ hành nghề có giá trị đến"]


def write_xlsx(path, rows, title_rows=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in title_rows:
        ws.append(row)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def good(code="NV001", name="Nguyễn Thị Hồng", position="Điều dưỡng", **extra):
    values = {"Mã nhân viên": code, "Họ và tên": name, "Ngày sinh": "05/03/1985", "Giới tính": "Nữ",
              "Chức danh": position, "Trình độ chuyên môn": "Cử nhân điều dưỡng", "Loại hợp đồng": "Biên chế",
              "Ngày vào làm": "01/09/2015", "Ngày nghỉ việc": None, "Số chứng chỉ hành nghề": f"{code}/TH-CCHN",
              "Chứng chỉ hành nghề có giá trị đến": "31/12/2030"}
    values.update(extra)
    return [values[h] for h in IMPORT_MD_HEADERS]


@pytest.fixture
def nurse(admin):
    return auth.create_user(admin, "lan", "mat-khau-2", "nurse", "Nguyễn Thị Lan")


def test_headers_are_exactly_those_of_import_md():
    assert [h for h, _k in STAFF_COLUMNS] == IMPORT_MD_HEADERS


def test_import_keeps_valid_rows_and_reports_invalid_ones(admin, tmp_path):
    rows = [
        IMPORT_MD_HEADERS,                                                                     # row 3
        good("NV001"),                                                                         # 4 ok
        good("NV002", "Trần Văn An", "bac si", **{"Giới tính": "nam",
                                                  "Ngày sinh": datetime(1980, 1, 2)}),         # 5 ok
        good("NV003", "Lê Thị Bình", **{"Ngày vào làm": "31/02/2016"}),                        # 6 bad date
        good("NV004", "", "Lái xe"),                                                           # 7 two errors
        good("nv001", "Nguyễn Thị Hồng"),                                                      # 8 duplicate
        good("NV005", "Phạm Văn Dũng", **{"Ngày nghỉ việc": "01/01/2010"}),                    # 9 leave < start
        [None] * 11,                                                                           # 10 empty
        good("NV006", "Hà Thị Mai", "Nhân viên chăm sóc", **{"Số chứng chỉ hành nghề": None,
                                                              "Chứng chỉ hành nghề có giá trị đến": None}),  # 11 ok
        good("NV007", "Vũ Văn Hùng", **{"Số chứng chỉ hành nghề": None,
                                        "Chứng chỉ hành nghề có giá trị đến": None}),         # 12 ok, warned
    ]
    path = write_xlsx(tmp_path / "ns.xlsx", rows, title_rows=[["DANH SÁCH NHÂN SỰ"], []])
    result = import_staff(admin, path)
    assert (result.added, result.updated, result.unchanged) == (4, 0, 0)
    assert sorted(s.code for s in Staff.select()) == ["NV001", "NV002", "NV006", "NV007"]
    by_row = {r.row: r.reasons for r in result.rejected}
    assert by_row == {
        6: ["Dòng 6, Ngày vào làm: ngày không hợp lệ: 31/02/2016"],
        7: ["Dòng 7, Họ và tên: không được để trống",
            "Dòng 7, Chức danh: \"Lái xe\" không có trong danh mục (Bác sĩ, Y sĩ, Điều dưỡng, Kỹ thuật viên PHCN, "
            "Nhân viên công tác xã hội, Nhân viên chăm sóc, Quản lý, Khác)"],
        8: ["Dòng 8, Mã nhân viên: trùng mã với dòng 4"],
        9: ["Dòng 9, Ngày nghỉ việc: không được trước ngày vào làm (01/09/2015)"],
    }
    assert any(n.startswith("Dòng 12, Số chứng chỉ hành nghề: chức danh Điều dưỡng cần") for n in result.notes)
    an = Staff.get(Staff.code == "NV002")
    assert (an.position, an.sex, an.birth_date, an.search_name) == ("doctor", "male", date(1980, 1, 2), "tran van an")
    errors_file = result.write_errors_csv(tmp_path / "loi.csv")
    with errors_file.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.reader(fh))
    assert records[0] == ["Dòng", *IMPORT_MD_HEADERS, "Lý do"]
    assert [(r[0], r[1], r[-1]) for r in records[1:]] == [
        (str(row), code, "; ".join(by_row[row]))
        for row, code in ((6, "NV003"), (7, "NV004"), (8, "nv001"), (9, "NV005"))]
    assert AuditLog.select().where((AuditLog.entity == "staff") & (AuditLog.action == "import")).count() == 1


def test_a_failed_row_leaves_no_partial_data(admin, tmp_path, monkeypatch):
    """A row the service refuses while writing (a race on another PC) is rolled back alone."""
    path = write_xlsx(tmp_path / "ns.xlsx", [IMPORT_MD_HEADERS, good("NV001"), good("NV002", "Trần Văn An")])
    real_create = staff.create

    def create(actor, data):
        row = real_create(actor, data)
        if row.code == "NV002":
            raise ValidationError("Mã nhân viên: vừa được máy khác dùng.", "code")
        return row

    monkeypatch.setattr(staff, "create", create)
    result = import_staff(admin, path)
    assert (result.added, [r.row for r in result.rejected]) == (1, [3])
    assert result.rejected[0].reasons == ["Dòng 3, Mã nhân viên: vừa được máy khác dùng"]
    assert [s.code for s in Staff.select()] == ["NV001"]
    created = AuditLog.select().where((AuditLog.entity == "staff") & (AuditLog.action == "create"))
    assert [e.summary for e in created] == ["staff NV001 Nguyễn Thị Hồng"]


def test_an_existing_code_updates_only_the_columns_of_the_file(admin, tmp_path):
    row = staff.create(admin, {"code": "NV001", "full_name": "Nguyễn Thị Hồng", "position": "nurse",
                               "start_date": "01/09/2015", "licence_no": "1/CCHN", "licence_expiry": "31/12/2026",
                               "phone": "0912345678", "notes": "Trưởng ca"})
    path = tmp_path / "gia-han.csv"
    path.write_text("Mã nhân viên;Chứng chỉ hành nghề có giá trị đến;Cột lạ\nnv001;31/12/2031;x\n", encoding="utf-8")
    result = import_staff(admin, path)
    assert (result.added, result.updated, result.rejected) == (0, 1, [])
    assert result.unknown_columns == ["Cột lạ"]
    stored = Staff.get_by_id(row.id)
    assert (stored.licence_expiry, stored.full_name, stored.phone, stored.notes, stored.version) == (
        date(2031, 12, 31), "Nguyễn Thị Hồng", "0912345678", "Trưởng ca", row.version + 1)
    again = import_staff(admin, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)


def test_export_then_import_round_trips_unchanged(admin, tmp_path):
    demo.load_demo(admin, today=date(2026, 6, 30))
    before = {s.code: {k: getattr(s, k) for k in staff.FORM_KEYS} | {"version": s.version} for s in Staff.select()}
    for name in ("nhan-su.xlsx", "nhan-su.csv"):
        path = tmp_path / name
        assert export_staff(admin, path) == len(before)
        table = read_table(path)
        assert table.headers == IMPORT_MD_HEADERS
        result = import_staff(admin, path)
        assert (result.added, result.updated, result.unchanged, result.rejected) == (0, 0, len(before), []), \
            result.summary()
    after = {s.code: {k: getattr(s, k) for k in staff.FORM_KEYS} | {"version": s.version} for s in Staff.select()}
    assert after == before


def test_export_then_import_into_an_empty_centre_recreates_the_staff(admin, tmp_path):
    demo.load_demo(admin, today=date.today())
    keys = [k for _h, k in STAFF_COLUMNS]
    before = sorted(tuple(getattr(s, k) for k in keys) for s in Staff.select())
    path = tmp_path / "nhan-su.xlsx"
    export_staff(admin, path)
    Staff.delete().execute()  # their training and rehabilitation records go too (cascade / set null)
    result = import_staff(admin, path)
    assert result.rejected == [] and result.added == len(before)
    assert sorted(tuple(getattr(s, k) for k in keys) for s in Staff.select()) == before


def test_template_has_the_headers_and_imports_as_nothing(admin, tmp_path):
    path = write_staff_template(tmp_path / "mau.xlsx")
    ws = openpyxl.load_workbook(path).active
    headers = [c.value for c in ws[1]]
    assert headers == [f"{h} (*)" if h in ("Mã nhân viên", "Họ và tên", "Chức danh", "Ngày vào làm") else h
                       for h in IMPORT_MD_HEADERS]
    assert ws["A2"].value.startswith("Bắt buộc.")
    result = import_staff(admin, path)
    assert (result.added, result.rejected, result.total_rows) == (0, [], 0)
    with pytest.raises(ValidationError):
        write_staff_template(tmp_path / "mau.csv")


def test_a_file_of_something_else_is_refused(admin, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Họ và tên;Ngày sinh\nA;01/01/1990\n", encoding="utf-8")
    with pytest.raises(SheetError) as err:
        import_staff(admin, path)
    assert "Mã nhân viên" in str(err.value)


def test_permissions(admin, nurse, tmp_path):
    path = write_xlsx(tmp_path / "ns.xlsx", [IMPORT_MD_HEADERS, good()])
    with pytest.raises(PermissionDenied):
        import_staff(nurse, path)
    assert Staff.select().count() == 0
    import_staff(admin, path)
    assert export_staff(nurse, tmp_path / "xuat.csv") == 1  # viewing staff includes exporting the list
    with pytest.raises(ValidationError):
        export_staff(admin, tmp_path / "xuat.pdf")
