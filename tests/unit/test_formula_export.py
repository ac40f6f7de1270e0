"""Exported .xlsx/.csv cells that start with ``= + - @`` are neutralised against formula injection.

Every exporter (residents, staff, training attendance, facility checklist, audit log, the BHYT
list) gets text fields starting like a formula; the file is read back with openpyxl/csv and the
cell must be text a spreadsheet will not run: in .xlsx a string cell ('s') with the quote prefix (what
``sheets._put`` writes, the same as typing a leading apostrophe), in .csv a leading apostrophe. The
importers then read the export back to the original values (round trip). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from caremgr import (
    audit,
    auth,
    facility,
    insurance_report,
    resident_io,
    residents,
    staff,
    staff_io,
    training,
    training_io,
)
from caremgr.sheets import FORMULA_STARTS, read_table
from db.models import Staff
from reports.insurance import write_insurance_xlsx

FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1)", "-1+1", "@x"]
TODAY = dt.date.today()


def xlsx_cells(path) -> list[openpyxl.cell.Cell]:
    workbook = openpyxl.load_workbook(path)  # not read-only: the style (quotePrefix) is wanted
    return [c for row in workbook.worksheets[0].iter_rows() for c in row]


def csv_cells(path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [value for row in csv.reader(fh) for value in row]


def assert_neutralised(path, values) -> None:
    """Every one of ``values`` is in the file, each stored as text that will not run."""
    if str(path).endswith(".xlsx"):
        cells = xlsx_cells(path)
        for value in values:
            found = [c for c in cells if c.value == value]
            assert found, (value, path)
            for c in found:
                assert c.data_type == "s", (value, c.data_type)
                assert c.quotePrefix, value
        # nothing in the file starts like a formula without the prefix
        for c in cells:
            if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS):
                assert c.data_type == "s" and c.quotePrefix, c.value
    else:
        cells = csv_cells(path)
        for value in values:
            assert "'" + value in cells, (value, path)
            assert value not in cells, value
        for text in cells:
            assert not text.startswith(FORMULA_STARTS), text


@pytest.fixture(params=[".xlsx", ".csv"])
def suffix(request):
    return request.param


def _resident(admin, code, name, **extra):
    data = {"code": code, "full_name": name, "birth": "1948", "sex": "Nữ", "category": "NCT",
            "admission_date": "01/02/2020", **extra}
    return residents.create(admin, data, [{"full_name": extra.pop("contact", "@x"), "phone": "0912345678"}])


def test_residents_export(admin, tmp_path, suffix):
    _resident(admin, "DT001", FORMULAS[0], address=FORMULAS[1], notes=FORMULAS[2], admission_decision=FORMULAS[3])
    _resident(admin, "DT002", "Nguyễn Thị Hồng", address="-", notes="@SUM(1)\ndòng hai")
    path = tmp_path / f"ds{suffix}"
    resident_io.export_residents(admin, path)
    assert_neutralised(path, FORMULAS)
    table = read_table(path, columns=resident_io.RESIDENT_COLUMNS)
    first = {k: v for k, v in table.rows[0].values.items()}
    assert (first["full_name"], first["address"], first["notes"], first["admission_decision"]) == tuple(FORMULAS)
    assert first["contact_name"] == "@x"
    result = resident_io.import_residents(admin, path)
    assert (result.added, result.updated, result.unchanged, result.rejected) == (0, 0, 2, [])
    stored = residents.get_by_code(admin, "DT001")
    assert (stored.full_name, stored.address, stored.notes) == tuple(FORMULAS[:3])


def test_staff_export(admin, tmp_path, suffix):
    staff.create(admin, {"code": "NV001", "full_name": FORMULAS[0], "position": "Điều dưỡng",
                         "qualification": FORMULAS[1], "licence_no": FORMULAS[3], "start_date": "01/01/2015"})
    staff.create(admin, {"code": "NV002", "full_name": "Đỗ Thị Đào", "position": "Bác sĩ",
                         "qualification": FORMULAS[2], "start_date": "01/01/2016"})
    path = tmp_path / f"nv{suffix}"
    staff_io.export_staff(admin, path)
    assert_neutralised(path, [FORMULAS[0], FORMULAS[1], FORMULAS[2], FORMULAS[3]])
    result = staff_io.import_staff(admin, path)
    assert (result.added, result.updated, result.unchanged, result.rejected) == (0, 0, 2, [])
    nv = Staff.get(Staff.code == "NV001")
    assert (nv.full_name, nv.qualification, nv.licence_no) == (FORMULAS[0], FORMULAS[1], FORMULAS[3])


def test_training_export(admin, tmp_path, suffix):
    person = staff.create(admin, {"code": "NV001", "full_name": "Đỗ Thị Đào", "position": "Điều dưỡng",
                                  "start_date": "01/01/2015"})
    course = training.create_course(admin, {"code": "TH01", "title": FORMULAS[0], "field": "Chăm sóc",
                                            "organiser": FORMULAS[1], "start_date": "01/03/2025",
                                            "end_date": "02/03/2025", "hours": "8"})
    training.add_attendee(admin, course.id, {"staff_id": person.id, "certificate_no": FORMULAS[2]})
    path = tmp_path / f"th{suffix}"
    training_io.export_training(admin, path)
    assert_neutralised(path, FORMULAS[:3])
    result = training_io.import_training(admin, path)
    assert (result.added, result.updated, result.rejected) == (0, 0, [])
    assert result.unchanged == 1
    again = training.get_course(admin, course.id)
    assert (again.title, again.organiser) == (FORMULAS[0], FORMULAS[1])
    assert [a.certificate_no for a in training.attendees(admin, course.id)] == [FORMULAS[2]]


def test_facility_export(admin, tmp_path, suffix):
    for title, note in ((FORMULAS[0], FORMULAS[1]), (FORMULAS[2], FORMULAS[3])):
        facility.add_item(admin, "technical", {"title": title, "met": "Không", "note": note})
    before = [(i.title, i.met, i.note) for i in facility.items(admin, "technical")]
    path = tmp_path / f"ktx{suffix}"
    facility.export_items(admin, "technical", path)
    assert_neutralised(path, FORMULAS)
    result = facility.import_items(admin, "technical", path, replace=True)
    assert not result.rejected and result.total_rows == len(before)
    assert [(i.title, i.met, i.note) for i in facility.items(admin, "technical")] == before


def test_audit_export(admin, tmp_path):
    from db.connection import write_transaction

    names = ["=cmd", "+sum(1)", "-1+1", "@x"]  # user names may start like a formula, and so may a summary
    for name, summary in zip(names, FORMULAS, strict=True):
        user = auth.create_user(admin, name, "mat-khau-1", "nurse", FORMULAS[0])
        with write_transaction():
            audit.record(user, "export", "resident", None, summary=summary)
    path = tmp_path / "nhatky.xlsx"
    assert audit.export_xlsx(admin, path) >= 8
    assert_neutralised(path, names + FORMULAS)


def test_insurance_list_xlsx(admin, tmp_path):
    _resident(admin, "DT001", FORMULAS[0], address=FORMULAS[1])
    _resident(admin, "DT002", "@x", address=FORMULAS[2])
    data = insurance_report.collect_insurance_list(admin, TODAY)
    path = tmp_path / "bhyt.xlsx"
    write_insurance_xlsx(data, path)
    assert_neutralised(path, [FORMULAS[0], "@x"])
