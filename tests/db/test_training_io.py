"""Training attendance lists in and out of spreadsheets (caremgr.training_io, IMPORT.md "Training
attendance"): valid rows kept, reasons per row, courses created from their first row, repeats
updating, export -> import round trip, the template; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from datetime import date

import openpyxl
import pytest

from caremgr import auth, training, training_io
from caremgr.errors import PermissionDenied, ValidationError
from caremgr.sheets import SheetError
from caremgr.text import name_sort_key, search_key
from db.models import AuditLog, Staff, TrainingAttendance, TrainingCourse

HEADER = "Mã khóa;Tên khóa tập huấn;Lĩnh vực;Đơn vị tổ chức;Từ ngày;Đến ngày;Số giờ;Mã nhân viên;Hoàn thành;Số chứng nhận"
ROWS = [
    # row 2..: the first row of TH01 creates it
    "TH01;Kỹ năng chăm sóc người cao tuổi;Chăm sóc;Sở Y tế;10/03/2025;12/03/2025;24;NV001;Có;001/GCN",
    "TH01;Kỹ năng chăm sóc người cao tuổi;Chăm sóc;Sở Y tế;10/03/2025;12/03/2025;24;nv002;Không;",
    "TH01;Tên khác hẳn;Chăm sóc;Sở Y tế;10/03/2025;12/03/2025;16;NV003;Có;003/GCN",  # note, course kept
    "TH01;Kỹ năng chăm sóc người cao tuổi;Chăm sóc;Sở Y tế;10/03/2025;12/03/2025;24;NV999;Có;",  # unknown
    "TH01;Kỹ năng chăm sóc người cao tuổi;Chăm sóc;Sở Y tế;10/03/2025;12/03/2025;24;NV004;Có;",  # joined later
    "TH02;Vận hành phần mềm;Vận hành cơ sở dữ liệu;;31/02/2025;01/03/2025;7,5;NV001;Có;",  # bad date
    "TH02;Vận hành phần mềm;Vận hành cơ sở dữ liệu;;01/12/2025;01/12/2025;7,5;NV001;Có;",  # creates TH02
    "TH02;Vận hành phần mềm;Vận hành cơ sở dữ liệu;;01/12/2025;01/12/2025;7,5;NV002;có lẽ;",  # bad completed
    "TH03;Sơ cấp cứu;;;05/05/2025;05/05/2025;8;NV003;;",  # no field: "Khác", noted
]


def make_staff(code: str, name: str, start: date = date(2020, 1, 1), leave: date | None = None) -> Staff:
    return Staff.create(code=code, full_name=name, search_name=search_key(name), sort_key=name_sort_key(name),
                        position="nurse", start_date=start, leave_date=leave)


@pytest.fixture
def staff(admin):
    return {
        "NV001": make_staff("NV001", "Nguyễn Thị An"),
        "NV002": make_staff("NV002", "Lê Văn Dũng"),
        "NV003": make_staff("NV003", "Đỗ Thị Đào"),
        "NV004": make_staff("NV004", "Trần Văn Bình", start=date(2025, 3, 11)),  # started after TH01 began
    }


def write(tmp_path, rows, name="ds.csv", header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def attendance() -> dict[tuple[str, str], tuple[bool, str | None]]:
    query = TrainingAttendance.select(TrainingAttendance, TrainingCourse, Staff).join(TrainingCourse).switch(
        TrainingAttendance).join(Staff)
    return {(a.course.code, a.staff.code): (a.completed, a.certificate_no) for a in query}


def test_valid_rows_are_kept_and_each_rejected_row_says_why(admin, staff, tmp_path):
    result = training_io.import_training(admin, write(tmp_path, ROWS), today=date(2026, 1, 15))
    assert (result.added, result.updated, result.unchanged) == (5, 0, 0)
    reasons = {r.row: r.reasons for r in result.rejected}
    assert sorted(reasons) == [5, 6, 7, 9]
    assert reasons[5] == ["Dòng 5, Mã nhân viên: không có nhân viên mã NV999"]
    assert reasons[6] == ["Dòng 6, Mã nhân viên: Trần Văn Bình (NV004) vào làm ngày 11/03/2025, sau ngày bắt "
                          "đầu khóa (10/03/2025)"]
    assert reasons[7] == ["Dòng 7, Từ ngày: ngày không hợp lệ: 31/02/2025"]
    assert reasons[9] == ["Dòng 9, Hoàn thành: \"có lẽ\" không hợp lệ, ghi Có hoặc Không"]
    assert attendance() == {
        ("TH01", "NV001"): (True, "001/GCN"), ("TH01", "NV002"): (False, None), ("TH01", "NV003"): (True, "003/GCN"),
        ("TH02", "NV001"): (True, None), ("TH03", "NV003"): (True, None)}
    th01 = TrainingCourse.get(TrainingCourse.code == "TH01")
    # Created from its first row; row 4's other title and hours are only noted.
    assert (th01.title, th01.hours, th01.field, th01.organiser) == ("Kỹ năng chăm sóc người cao tuổi", 24.0, "care",
                                                                    "Sở Y tế")
    th02 = TrainingCourse.get(TrainingCourse.code == "TH02")
    assert (th02.start_date, th02.hours, th02.field) == (date(2025, 12, 1), 7.5, "database")
    assert TrainingCourse.get(TrainingCourse.code == "TH03").field == "other"
    assert result.courses_added == ["TH01", "TH02", "TH03"]
    assert result.notes[0] == "Đã tạo 3 khóa tập huấn mới: TH01, TH02, TH03"
    assert "Dòng 4, Mã khóa: khóa TH01 đã có, dòng này ghi khác ở Tên khóa tập huấn, Số giờ; thông tin khóa " \
           "được giữ nguyên" in result.notes
    assert any(n.startswith("Dòng 10, Lĩnh vực: để trống") for n in result.notes)
    # The rejected rows keep the file's own cells, for the errors file.
    assert result.rejected[0].values["Mã nhân viên"] == "NV999"
    errors = result.write_errors_csv(tmp_path / "loi.csv")
    with errors.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.reader(fh))
    assert records[0][0] == "Dòng" and records[0][-1] == "Lý do" and [r[0] for r in records[1:]] == ["5", "6", "7", "9"]
    assert AuditLog.select().where((AuditLog.entity == "training_attendance") & (AuditLog.action == "import")).count() == 1


def test_importing_again_changes_nothing_and_a_repeat_updates(admin, staff, tmp_path):
    path = write(tmp_path, ROWS)
    training_io.import_training(admin, path, today=date(2026, 1, 15))
    before = attendance()
    audit_entries = AuditLog.select().count()
    again = training_io.import_training(admin, path, today=date(2026, 1, 15))
    # Row 7 now finds TH02 (created by row 8 the first time): its dates only differ from the course.
    assert (again.added, again.updated, again.unchanged, again.rejected_count) == (0, 0, 6, 3)
    assert sorted(r.row for r in again.rejected) == [5, 6, 9]
    assert "Dòng 7, Mã khóa: khóa TH02 đã có, dòng này ghi khác ở Từ ngày, Đến ngày; thông tin khóa được giữ " \
           "nguyên" in again.notes
    assert attendance() == before and again.courses_added == []
    assert AuditLog.select().count() == audit_entries  # nothing written, not even an import entry
    changed = write(tmp_path, [ROWS[1].replace(";Không;", ";Có;").rstrip(";") + ";002/GCN"], name="sua.csv")
    result = training_io.import_training(admin, changed, today=date(2026, 1, 15))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 0)
    assert attendance()[("TH01", "NV002")] == (True, "002/GCN")
    assert TrainingCourse.select().count() == 3


def test_a_file_without_the_completed_column_keeps_what_is_recorded(admin, staff, tmp_path):
    training_io.import_training(admin, write(tmp_path, ROWS[:2]), today=date(2026, 1, 15))
    short = write(tmp_path, ["TH01;NV002", "TH01;NV003"], name="ngan.csv", header="Mã khóa;Mã nhân viên")
    result = training_io.import_training(admin, short, today=date(2026, 1, 15))
    assert (result.added, result.updated, result.unchanged) == (1, 0, 1)
    assert attendance()[("TH01", "NV002")] == (False, None)  # still not completed
    assert attendance()[("TH01", "NV003")] == (True, None)  # new: completed by default
    # A course the centre does not know cannot be created from the code alone.
    unknown = write(tmp_path, ["TH09;NV001"], name="moi.csv", header="Mã khóa;Mã nhân viên")
    result = training_io.import_training(admin, unknown, today=date(2026, 1, 15))
    assert result.rejected[0].reasons == ["Dòng 2, Tên khóa tập huấn: không được để trống",
                                          "Dòng 2, Từ ngày: không được để trống",
                                          "Dòng 2, Đến ngày: không được để trống"]
    assert TrainingCourse.select().count() == 1


def test_a_file_of_something_else_cannot_be_read(admin, staff, tmp_path):
    with pytest.raises(SheetError) as exc:
        training_io.import_training(admin, write(tmp_path, ["TH01;Khóa"], header="Mã khóa;Tên khóa tập huấn"))
    assert "Mã nhân viên" in str(exc.value)
    with pytest.raises(SheetError):
        training_io.import_training(admin, write(tmp_path, ["x;y"], header="Họ tên;Địa chỉ"))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_round_trips(admin, staff, tmp_path, suffix):
    training_io.import_training(admin, write(tmp_path, ROWS), today=date(2026, 1, 15))
    before = attendance()
    courses = {c.code: (c.title, c.field, c.organiser, c.start_date, c.end_date, c.hours)
               for c in TrainingCourse.select()}
    path = tmp_path / f"xuat{suffix}"
    assert training_io.export_training(admin, path) == len(before) == 5
    same = training_io.import_training(admin, path)
    assert (same.added, same.updated, same.unchanged, same.rejected_count, same.notes) == (0, 0, 5, 0, [])
    # Into an empty list of courses: everything comes back from the file alone.
    for c in training.list_courses(admin):
        training.delete_course(admin, c.id, version=c.version)
    back = training_io.import_training(admin, path)
    assert (back.added, back.rejected_count) == (5, 0)
    assert attendance() == before
    assert {c.code: (c.title, c.field, c.organiser, c.start_date, c.end_date, c.hours)
            for c in TrainingCourse.select()} == courses
    assert AuditLog.select().where((AuditLog.entity == "training_attendance") & (AuditLog.action == "export")).count() == 1


def test_export_of_one_year_and_the_cells(admin, staff, tmp_path):
    training_io.import_training(admin, write(tmp_path, ROWS), today=date(2026, 1, 15))
    c = training.create_course(admin, {"code": "TH26", "title": "Khóa 2026", "field": "care",
                                       "start_date": "01/01/2026", "end_date": "02/01/2026"})
    training.add_attendee(admin, c.id, {"staff_id": staff["NV001"].id})
    path = tmp_path / "2025.xlsx"
    assert training_io.export_training(admin, path, year=2025) == 5
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [h for h, _k in training_io.TRAINING_COLUMNS]
    codes = [r[0] for r in rows[1:]]  # by start date: TH01 10/03, TH03 05/05, TH02 01/12
    assert "TH26" not in codes and codes == sorted(codes, key=lambda x: {"TH01": 0, "TH03": 1, "TH02": 2}[x])
    th01 = [r for r in rows[1:] if r[0] == "TH01"]
    # Vietnamese name order within a course: An, Dũng, Đào.
    assert [r[7] for r in th01] == ["NV001", "NV002", "NV003"]
    assert [r[8] for r in th01] == ["Có", "Không", "Có"]
    assert th01[0][2] == "Chăm sóc" and th01[0][4].date() == date(2025, 3, 10) and th01[0][6] == 24
    assert [r[6] for r in rows[1:] if r[0] == "TH02"] == [7.5]
    assert training_io.export_training(admin, tmp_path / "tat-ca.csv") == 6


def test_template_has_the_headers_and_imports_as_nothing(admin, staff, tmp_path):
    path = training_io.write_training_template(tmp_path / "mau.xlsx")
    ws = openpyxl.load_workbook(path).active
    headers = [c.value for c in ws[1]]
    assert headers == ["Mã khóa (*)", "Tên khóa tập huấn (*)", "Lĩnh vực", "Đơn vị tổ chức", "Từ ngày (*)",
                       "Đến ngày (*)", "Số giờ", "Mã nhân viên (*)", "Hoàn thành", "Số chứng nhận"]
    assert ws["A2"].value.startswith("Bắt buộc") and ws["H3"].number_format == "@"
    result = training_io.import_training(admin, path)
    assert (result.total_rows, result.added, result.rejected_count) == (0, 0, 0)
    with pytest.raises(ValidationError):  # a template is an .xlsx
        training_io.write_training_template(tmp_path / "mau.csv")


def test_only_those_who_edit_training_may_import(admin, staff, tmp_path):
    nurse = auth.create_user(admin, "dieuduong", "mat-khau-2", "nurse")
    director = auth.create_user(admin, "giamdoc", "mat-khau-3", "director")
    path = write(tmp_path, ROWS[:1])
    with pytest.raises(PermissionDenied):
        training_io.import_training(nurse, path)
    assert TrainingCourse.select().count() == 0
    assert training_io.import_training(director, path, today=date(2026, 1, 15)).added == 1
    assert training_io.export_training(nurse, tmp_path / "x.csv") == 1  # reading is allowed
