"""Training attendance lists in and out of spreadsheets (shared/domain/IMPORT.md, "Training attendance").

One row per attendee: the course's columns (Mã khóa, Tên khóa tập huấn, Lĩnh vực, Đơn vị tổ chức, Từ
ngày, Đến ngày, Số giờ) then the person's (Mã nhân viên, Hoàn thành, Số chứng nhận). A course unknown
to the centre is created from its first valid row; later rows find it by Mã khóa, and when their
course columns say something else, that is noted and the course is left as it is. An unknown staff
code, a person not employed on the course's first day or a value the rules refuse rejects that row
("Dòng N, <Cột>: <lý do>"); the valid rows are kept, all written in one transaction. A person already
on the course is *updated* (completed, certificate number) when the row says something new, else
counted *unchanged*: importing the same file twice changes nothing the second time.

``export_training`` writes the same columns (one row per attendance, so a course nobody attended is
not in the file), and ``write_training_template`` an empty list with a row of notes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from caremgr import audit, training, vocab
from caremgr.auth import Actor, require
from caremgr.dates import parse_date
from caremgr.errors import ValidationError
from caremgr.i18n import _
from caremgr.import_common import (
    ImportCancelled,
    ImportResult,
    RejectedRow,
    cell_date,
    cell_text,
    check_suffix,
    read_list,
    row_reason,
)
from caremgr.sheets import SheetError, Table, write_csv, write_xlsx
from caremgr.text import normalize
from db.connection import write_transaction
from db.models import Staff, TrainingAttendance, TrainingCourse

# The headers of IMPORT.md, in order, with the key each column is read into. They are the file
# format (export -> import), so they are never translated.
TRAINING_COLUMNS: list[tuple[str, str]] = [
    ("Mã khóa", "code"),
    ("Tên khóa tập huấn", "title"),
    ("Lĩnh vực", "field"),
    ("Đơn vị tổ chức", "organiser"),
    ("Từ ngày", "start_date"),
    ("Đến ngày", "end_date"),
    ("Số giờ", "hours"),
    ("Mã nhân viên", "staff_code"),
    ("Hoàn thành", "completed"),
    ("Số chứng nhận", "certificate_no"),
]
REQUIRED_KEYS = frozenset({"code", "title", "start_date", "end_date", "staff_code"})
HEADERS: dict[str, str] = {key: header for header, key in TRAINING_COLUMNS}
COURSE_COLUMNS = ("code", "title", "field", "organiser", "start_date", "end_date", "hours")

# Other headers centres use for the same columns.
ALIASES: list[tuple[str, str]] = [
    ("Mã khóa học", "code"), ("Mã khóa tập huấn", "code"), ("Mã lớp", "code"), ("Mã lớp tập huấn", "code"),
    ("Tên khóa", "title"), ("Tên khóa học", "title"), ("Tên lớp tập huấn", "title"), ("Tên lớp", "title"),
    ("Nội dung tập huấn", "title"),
    ("Lĩnh vực tập huấn", "field"), ("Lĩnh vực đào tạo", "field"),
    ("Đơn vị tổ chức tập huấn", "organiser"), ("Cơ quan tổ chức", "organiser"), ("Đơn vị đào tạo", "organiser"),
    ("Ngày bắt đầu", "start_date"), ("Bắt đầu", "start_date"),
    ("Ngày kết thúc", "end_date"), ("Kết thúc", "end_date"),
    ("Thời lượng", "hours"), ("Số giờ học", "hours"),
    ("Mã NV", "staff_code"), ("Mã số nhân viên", "staff_code"), ("Mã cán bộ", "staff_code"),
    ("Đã hoàn thành", "completed"), ("Kết quả", "completed"),
    ("Số giấy chứng nhận", "certificate_no"), ("Số GCN", "certificate_no"), ("Giấy chứng nhận", "certificate_no"),
    ("Số chứng chỉ", "certificate_no"),
]

# The service's field names -> the column that holds them (for "Dòng N, <Cột>: …").
_FIELD_COLUMNS = {"staff_id": "staff_code", "staff_ids": "staff_code"}

TEMPLATE_NOTES: dict[str, str] = {
    "code": "Bắt buộc. Mã riêng của khóa, tối đa 30 ký tự (ví dụ TH2026-01). Các dòng cùng mã là cùng một "
            "khóa: khóa được tạo từ dòng đầu tiên.",
    "title": "Bắt buộc. Tên khóa tập huấn.",
    "field": "Một trong: " + " · ".join(t for _c, t in vocab.TRAINING_FIELDS) + ". Để trống thì ghi là Khác.",
    "organiser": "Cơ quan, đơn vị tổ chức khóa tập huấn.",
    "start_date": "Bắt buộc. dd/mm/yyyy. Người tham dự phải đang làm việc tại cơ sở vào ngày này.",
    "end_date": "Bắt buộc. dd/mm/yyyy, không trước ngày bắt đầu.",
    "hours": "Tổng số giờ của khóa, ví dụ 24 hoặc 7,5.",
    "staff_code": "Bắt buộc. Mã nhân viên đã có trong danh sách nhân sự (ví dụ NV001). Mỗi người một dòng.",
    "completed": "Có hoặc Không. Để trống là Có. Chỉ người hoàn thành mới được tính là lượt người được tập huấn.",
    "certificate_no": "Số giấy chứng nhận hoàn thành khóa học, nếu có.",
}
_NOTES_KEYS = {key: normalize(text) for key, text in TEMPLATE_NOTES.items()}
TEXT_KEYS = ("code", "staff_code", "certificate_no")
PROGRESS_EVERY = 100
YES, NO = "Có", "Không"


@dataclass
class TrainingImportResult(ImportResult):
    """An ImportResult whose counts are attendances; ``courses_added`` counts the courses created."""

    courses_added: list[str] = field(default_factory=list)  # codes of the courses created


def _columns() -> list[tuple[str, str]]:
    return TRAINING_COLUMNS + ALIASES


def _read(path: str | os.PathLike, sheet: str | None) -> Table:
    table = read_list(path, sheet, _columns(), key="code", header=HEADERS["code"])
    if table.header_row and "staff_code" not in table.known_keys:
        # Without the person's column no row can be an attendance: a file of something else.
        raise SheetError(_("Không thấy cột \"{column}\" trong tệp {file} (dòng tiêu đề là dòng {row}: {headers}). "
                           "Hãy dùng mẫu nhập liệu của caremgr.").format(
            column=HEADERS["staff_code"], file=Path(path).name, row=table.header_row,
            headers=", ".join(h for h in table.headers if h) or "—"))
    return table


def _is_notes_row(values: dict[str, Any]) -> bool:
    """The notes row of our own template (copied along with the headers) is not an attendance."""
    same = 0
    for key, value in values.items():
        note = _NOTES_KEYS.get(key)
        if note and isinstance(value, str) and len(value) >= len(note) // 2 and normalize(value) == note:
            same += 1
    return same >= 2


def preview(path: str | os.PathLike, sheet: str | None = None, rows: int = 10) -> tuple[list[str], list[list], list[str]]:
    """The headers, the first ``rows`` data rows and the unknown columns, for the import window."""
    from caremgr.import_common import display_cell

    table = _read(path, sheet)
    shown = [[display_cell(r.cells.get(h)) for h in table.headers]
             for r in table.rows if not _is_notes_row(r.values)][:rows]
    return list(table.headers), shown, list(table.unknown_columns)


# --- import ----------------------------------------------------------------------------------------

@dataclass
class _Context:
    actor: Actor
    present: set[str]
    result: TrainingImportResult
    today: date
    staff: dict[str, Staff] = field(default_factory=dict)  # upper-cased code -> staff
    courses: dict[str, TrainingCourse] = field(default_factory=dict)  # upper-cased code -> course
    attendance: dict[tuple[int, int], TrainingAttendance] = field(default_factory=dict)


def _reason(row: int, field_name: str, message: str) -> str:
    key = _FIELD_COLUMNS.get(field_name, field_name)
    header = HEADERS.get(key, field_name)
    labels = (training.field_label(field_name),) if field_name in training.LABELS else ()
    return row_reason(row, header, message, labels)


def _said(row: int, key: str, text: str) -> str:
    """"Dòng N, <Cột>: <text>" for a text made here (kept as it is: it may start with a name)."""
    return _("Dòng {row}, {column}: {reason}").format(row=row, column=HEADERS[key], reason=text.rstrip("."))


def _course_data(values: dict[str, Any]) -> dict:
    data = {key: values.get(key) for key in COURSE_COLUMNS}
    data["start_date"] = cell_date(data["start_date"]) if data["start_date"] is not None else None
    data["end_date"] = cell_date(data["end_date"]) if data["end_date"] is not None else None
    return data


def _differences(course: TrainingCourse, data: dict) -> list[str]:
    """The course columns of a row that say something other than the stored course (blank cells
    say nothing)."""
    out = []
    for key in COURSE_COLUMNS[1:]:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        stored = getattr(course, key)
        try:
            if key == "field":
                same = training.match_field(value) == stored
            elif key in ("start_date", "end_date"):
                same = parse_date(value) == stored
            elif key == "hours":
                hours = training.parse_hours(value)
                same = stored is not None and hours is not None and abs(hours - stored) < 0.005
            else:
                same = normalize(cell_text(value)) == (stored or "")
        except ValueError:
            same = False
        if not same:
            out.append(HEADERS[key])
    return out


def _import_row(context: _Context, row) -> None:
    result = context.result
    values = row.values
    reasons = list(row.problems)
    notes: list[str] = []
    code = normalize(cell_text(values.get("code"))).upper()
    course = context.courses.get(code) if code else None
    course_clean = None

    if course is None:
        data = _course_data(values)
        if not code:
            reasons.append(_reason(row.number, "code", _("không được để trống")))
        elif data.get("field") is None or (isinstance(data["field"], str) and not data["field"].strip()):
            data["field"] = "other"
            notes.append(_("Dòng {row}, {column}: để trống, khóa {code} được ghi lĩnh vực \"{label}\"").format(
                row=row.number, column=HEADERS["field"], code=code,
                label=vocab.label(vocab.TRAINING_FIELDS, "other")))
        if code:
            course_clean, findings = training.validate_course(data, today=context.today)
            reasons += [_reason(row.number, p.field, p.message) for p in findings.errors]
    else:
        different = _differences(course, _course_data(values))
        if different:
            notes.append(_("Dòng {row}, {column}: khóa {code} đã có, dòng này ghi khác ở {columns}; thông tin "
                           "khóa được giữ nguyên").format(row=row.number, column=HEADERS["code"], code=course.code,
                                                           columns=", ".join(different)))

    staff_code = normalize(cell_text(values.get("staff_code")))
    staff = context.staff.get(staff_code.upper()) if staff_code else None
    if not staff_code:
        reasons.append(_reason(row.number, "staff_id", _("không được để trống")))
    elif staff is None:
        reasons.append(_reason(row.number, "staff_id", _("không có nhân viên mã {code}").format(code=staff_code)))
    start = course.start_date if course is not None else (course_clean or {}).get("start_date")
    if staff is not None and start is not None:
        problem = training.employment_problem(staff, start)
        if problem:
            reasons.append(_said(row.number, "staff_code", problem))

    completed = None
    if "completed" in context.present:
        try:
            completed = training.parse_completed(values.get("completed"), None)
        except ValueError:
            reasons.append(_reason(row.number, "completed", _("\"{value}\" không hợp lệ, ghi Có hoặc Không").format(
                value=normalize(cell_text(values.get("completed"))))))
    certificate = normalize(cell_text(values.get("certificate_no"))) or None
    if certificate and len(certificate) > training.CERTIFICATE_MAX:
        reasons.append(_reason(row.number, "certificate_no", _("dài quá {n} ký tự").format(
            n=training.CERTIFICATE_MAX)))

    if reasons:
        result.rejected.append(RejectedRow(row.number, code or None, reasons, dict(row.cells)))
        return

    try:
        with write_transaction():  # a savepoint: a row the services refuse leaves nothing behind
            created = course is None
            if created:
                course = training.create_course_row(context.actor, course_clean)
            existing = context.attendance.get((course.id, staff.id))
            if existing is None:
                attendance = training.create_attendance(context.actor, course, staff,
                                                        True if completed is None else completed, certificate)
                outcome = "added"
            else:
                values_now = {
                    "completed": existing.completed if completed is None else completed,
                    "certificate_no": certificate if "certificate_no" in context.present else existing.certificate_no,
                }
                attendance = training.save_attendance(context.actor, existing, values_now, course, staff)
                outcome = "updated" if attendance.version != existing.version else "unchanged"
    except ValidationError as exc:
        result.rejected.append(RejectedRow(row.number, code or None,
                                           [_reason(row.number, p.field, p.message) for p in exc.problems
                                            if p.is_error], dict(row.cells)))
        return
    if created:
        context.courses[course.code.upper()] = course
        result.courses_added.append(course.code)
    context.attendance[(course.id, staff.id)] = attendance
    if outcome == "added":
        result.added += 1
    elif outcome == "updated":
        result.updated += 1
    else:
        result.unchanged += 1
    result.notes.extend(notes)


def import_training(actor: Actor, path: str | os.PathLike, *, sheet: str | None = None, today: date | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    cancel: Callable[[], bool] | None = None) -> TrainingImportResult:
    """Imports a training attendance list (.xlsx/.csv); see the module's description.

    Counts (added, updated, unchanged, rejected) are of rows, i.e. attendances; the courses created
    are in ``courses_added`` and named in the notes. Raises SheetError when the file cannot be read,
    ImportCancelled when ``cancel()`` turned True (nothing written).
    """
    require(actor, training.EDIT)
    today = today or date.today()
    table = _read(path, sheet)
    rows = [r for r in table.rows if not _is_notes_row(r.values)]
    result = TrainingImportResult(unknown_columns=list(table.unknown_columns), total_rows=len(rows),
                                  headers=list(table.headers))
    context = _Context(actor, table.known_keys, result, today)
    total = len(rows)

    def cancelled() -> bool:
        return bool(cancel is not None and cancel())

    with write_transaction():
        context.staff = {s.code.upper(): s for s in Staff.select()}
        context.courses = {c.code.upper(): c for c in TrainingCourse.select()}
        context.attendance = {(a.course_id, a.staff_id): a for a in TrainingAttendance.select()}
        for done, row in enumerate(rows, start=1):
            if cancelled():
                raise ImportCancelled(_("Đã hủy nhập: không có dòng nào được ghi."))
            _import_row(context, row)
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, total)
        if cancelled():
            raise ImportCancelled(_("Đã hủy nhập: không có dòng nào được ghi."))
        if result.courses_added:
            result.notes.insert(0, _("Đã tạo {n} khóa tập huấn mới: {codes}").format(
                n=len(result.courses_added), codes=", ".join(result.courses_added)))
        if result.added or result.updated:
            audit.record(actor, "import", "training_attendance", None,
                         summary=f"import {Path(path).name}: {len(result.courses_added)} courses created, "
                                 f"{result.added} attendances added, {result.updated} updated, "
                                 f"{result.unchanged} unchanged, {len(result.rejected)} rejected")
    if progress is not None:
        progress(total, total)
    return result


# --- export and template ---------------------------------------------------------------------------

def _hours_cell(hours: float | None) -> float | int | None:
    if hours is None:
        return None
    return int(hours) if float(hours).is_integer() else hours


def export_rows(year: int | None = None) -> list[list[Any]]:
    """One row per attendance in TRAINING_COLUMNS order, by course (start date, code) then in
    Vietnamese name order; labels in Vietnamese (the file is data, read back by ``vocab.match``)."""
    query = (TrainingAttendance.select(TrainingAttendance, TrainingCourse, Staff)
             .join(TrainingCourse).switch(TrainingAttendance).join(Staff))
    if year is not None:
        query = query.where((TrainingCourse.start_date >= date(year, 1, 1))
                            & (TrainingCourse.start_date < date(year + 1, 1, 1)))
    query = query.order_by(TrainingCourse.start_date, TrainingCourse.code, Staff.sort_key, Staff.code)
    fields = dict(vocab.TRAINING_FIELDS)
    rows = []
    for a in query:
        c = a.course
        rows.append([c.code, c.title, fields.get(c.field, c.field), c.organiser or None, c.start_date, c.end_date,
                     _hours_cell(c.hours), a.staff.code, YES if a.completed else NO, a.certificate_no or None])
    return rows


def export_training(actor: Actor, path: str | os.PathLike, *, year: int | None = None) -> int:
    """Writes the attendances (of the courses starting in ``year`` when given) to .xlsx or .csv with
    the import's columns, so the file imports back without change. Returns the number of rows."""
    require(actor, training.VIEW)
    suffix = check_suffix(path)
    rows = export_rows(year)
    headers = [h for h, _k in TRAINING_COLUMNS]
    if suffix == ".csv":
        write_csv(path, headers, rows)
    else:
        text_columns = [i for i, (_h, key) in enumerate(TRAINING_COLUMNS) if key in TEXT_KEYS]
        write_xlsx(path, headers, rows, sheet_title="Tập huấn", text_columns=text_columns)
    with write_transaction():
        audit.record(actor, "export", "training_attendance", None,
                     summary=f"exported {len(rows)} training attendances"
                             f"{f' of {year}' if year is not None else ''} to {Path(path).name}")
    return len(rows)


def template_headers() -> list[str]:
    return [f"{header} (*)" if key in REQUIRED_KEYS else header for header, key in TRAINING_COLUMNS]


def write_training_template(path: str | os.PathLike) -> Path:
    """An empty attendance list: the headers (required ones marked "(*)"), a row of notes, the code
    columns formatted as text."""
    if Path(path).suffix.lower() != ".xlsx":
        raise ValidationError(_("Mẫu nhập liệu là tệp .xlsx (nhận được \"{name}\").").format(name=Path(path).name),
                              "path")
    notes = [TEMPLATE_NOTES[key] for _h, key in TRAINING_COLUMNS]
    text_columns = [i for i, (_h, key) in enumerate(TRAINING_COLUMNS) if key in TEXT_KEYS]
    write_xlsx(path, template_headers(), [], notes_row=notes, sheet_title="Tập huấn", text_columns=text_columns,
               blank_text_rows=500)
    return Path(path)
