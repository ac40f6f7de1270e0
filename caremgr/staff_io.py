"""Staff in and out of spreadsheets (shared/domain/IMPORT.md, "Staff").

``import_staff`` reads a centre's .xlsx/.csv list of staff and keeps every valid row even when
others are wrong: each row is checked with the rules of the staff form (``caremgr.staff.validate``)
and a rejected row is reported with all its reasons ("Dòng 7, Ngày vào làm: …", the row number the
spreadsheet shows). An existing code (ignoring case) updates that person, and only when something
changed, so importing the same file twice changes nothing the second time. Each row is written in
its own savepoint inside one transaction: a row the service refuses leaves nothing behind, and an
import that fails or is cancelled half-way writes nothing at all.

Columns of a file only touch what they name: a file with just "Mã nhân viên" and "Chứng chỉ hành
nghề có giá trị đến" updates the certificates' expiry dates and nothing else. An empty cell in a
column the file has means empty. ``export_staff`` writes the same columns, so export → import
round-trips without change, and ``write_staff_template`` an empty list with a row of notes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from caremgr import audit, staff, vocab
from caremgr.auth import Actor, require
from caremgr.errors import Conflict, Findings, NotFound, ValidationError
from caremgr.i18n import _
from caremgr.import_common import (
    ImportCancelled,
    ImportResult,
    RejectedRow,
    cell_choice,
    cell_date,
    cell_text,
    check_suffix,
    display_cell,
    read_list,
    row_reason,
)
from caremgr.sheets import Table, write_csv, write_xlsx
from caremgr.text import normalize
from db.connection import write_transaction
from db.models import Staff

# The headers of IMPORT.md, in order, with the staff field each is read into. Part of the file
# format (export → import), so never translated.
STAFF_COLUMNS: list[tuple[str, str]] = [
    ("Mã nhân viên", "code"),
    ("Họ và tên", "full_name"),
    ("Ngày sinh", "birth_date"),
    ("Giới tính", "sex"),
    ("Chức danh", "position"),
    ("Trình độ chuyên môn", "qualification"),
    ("Loại hợp đồng", "contract_type"),
    ("Ngày vào làm", "start_date"),
    ("Ngày nghỉ việc", "leave_date"),
    ("Số chứng chỉ hành nghề", "licence_no"),
    ("Chứng chỉ hành nghề có giá trị đến", "licence_expiry"),
]
REQUIRED_KEYS = frozenset({"code", "full_name", "position", "start_date"})
HEADERS: dict[str, str] = {key: header for header, key in STAFF_COLUMNS}
FILE_KEYS = tuple(key for _header, key in STAFF_COLUMNS)

# Other headers centres use for the same columns.
ALIASES: list[tuple[str, str]] = [
    ("Mã NV", "code"), ("Mã số nhân viên", "code"), ("Mã cán bộ", "code"), ("Mã", "code"),
    ("Họ tên", "full_name"), ("Họ và tên nhân viên", "full_name"), ("Họ tên cán bộ", "full_name"),
    ("Ngày tháng năm sinh", "birth_date"), ("Ngày, tháng, năm sinh", "birth_date"),
    ("Giới", "sex"),
    ("Chức vụ", "position"), ("Vị trí việc làm", "position"), ("Vị trí", "position"), ("Chức danh nghề nghiệp", "position"),
    ("Trình độ", "qualification"), ("Chuyên môn", "qualification"), ("Trình độ chuyên môn cao nhất", "qualification"),
    ("Hợp đồng", "contract_type"), ("Loại HĐ", "contract_type"), ("Hình thức hợp đồng", "contract_type"),
    ("Ngày vào", "start_date"), ("Ngày bắt đầu làm việc", "start_date"), ("Ngày tuyển dụng", "start_date"),
    ("Ngày nghỉ", "leave_date"), ("Ngày thôi việc", "leave_date"), ("Ngày nghỉ hưu/thôi việc", "leave_date"),
    ("Số CCHN", "licence_no"), ("CCHN", "licence_no"), ("Chứng chỉ hành nghề", "licence_no"),
    ("Số giấy phép hành nghề", "licence_no"),
    ("Hạn CCHN", "licence_expiry"), ("CCHN có giá trị đến", "licence_expiry"),
    ("Hạn chứng chỉ hành nghề", "licence_expiry"), ("Ngày hết hạn CCHN", "licence_expiry"),
    ("Giấy phép hành nghề có giá trị đến", "licence_expiry"),
]

TEMPLATE_NOTES: dict[str, str] = {
    "code": "Bắt buộc. Mã riêng của nhân viên, tối đa 20 ký tự (ví dụ NV001). Mã đã có thì dòng này "
            "cập nhật nhân viên đó.",
    "full_name": "Bắt buộc. Họ và tên đầy đủ, có dấu.",
    "birth_date": "dd/mm/yyyy (ví dụ 05/03/1985); từ 16 đến 80 tuổi khi vào làm.",
    "sex": "Nam hoặc Nữ.",
    "position": "Bắt buộc. Một trong: " + " · ".join(t for _c, t in vocab.STAFF_POSITIONS) + ".",
    "qualification": "Ví dụ: Bác sĩ đa khoa, Cử nhân điều dưỡng, Trung cấp y.",
    "contract_type": "Một trong: " + " · ".join(t for _c, t in vocab.CONTRACT_TYPES) + ".",
    "start_date": "Bắt buộc. dd/mm/yyyy, không ở tương lai.",
    "leave_date": "dd/mm/yyyy, không trước ngày vào làm. Để trống nếu đang làm việc.",
    "licence_no": "Cần cho Bác sĩ, Y sĩ, Điều dưỡng, Kỹ thuật viên PHCN, ví dụ 001234/TH-CCHN.",
    "licence_expiry": "dd/mm/yyyy: ngày cuối cùng chứng chỉ còn giá trị.",
}
_NOTES_KEYS = {key: normalize(text) for key, text in TEMPLATE_NOTES.items()}
TEXT_KEYS = ("code", "licence_no")  # kept as text in Excel
SHEET_TITLE = "Nhân viên"
PROGRESS_EVERY = 50


def _read(path: str | os.PathLike, sheet: str | None) -> Table:
    return read_list(path, sheet, STAFF_COLUMNS + ALIASES, key="code", header=HEADERS["code"])


def _is_notes_row(values: dict[str, Any]) -> bool:
    """The notes row of our own template (copied along with the headers) is not a person."""
    same = sum(1 for key, value in values.items()
               if key in _NOTES_KEYS and isinstance(value, str) and normalize(value) == _NOTES_KEYS[key])
    return same >= 2


def preview(path: str | os.PathLike, sheet: str | None = None, rows: int = 10) -> tuple[list[str], list[list], list[str]]:
    """The headers, the first ``rows`` data rows (dates as dd/mm/yyyy) and the unknown columns, for
    the import window. Raises SheetError when the file cannot be read."""
    table = _read(path, sheet)
    shown = [[display_cell(row.cells.get(h)) for h in table.headers]
             for row in table.rows if not _is_notes_row(row.values)][:rows]
    return list(table.headers), shown, list(table.unknown_columns)


# --- import ----------------------------------------------------------------------------------------

def _prepare(values: dict[str, Any], present: set[str]) -> dict:
    """The staff.validate input: only the columns the file has, codes for the choice columns."""
    data: dict[str, Any] = {}
    for key in FILE_KEYS:
        if key not in present:
            continue
        value = values.get(key)
        if key in ("birth_date", "start_date", "leave_date", "licence_expiry"):
            data[key] = cell_date(value)
        elif key == "sex":
            data[key] = cell_choice(value, vocab.SEXES)
        elif key == "position":
            data[key] = cell_choice(value, vocab.STAFF_POSITIONS)
        elif key == "contract_type":
            data[key] = cell_choice(value, vocab.CONTRACT_TYPES)
        else:
            data[key] = cell_text(value)
    return data


def _reasons(row: int, problems, header_of: dict[str, str]) -> list[str]:
    return [row_reason(row, header_of.get(p.field, HEADERS.get(p.field, staff.field_label(p.field))), p.message,
                       (staff.field_label(p.field), HEADERS.get(p.field, "")))
            for p in problems]


def import_staff(actor: Actor, path: str | os.PathLike, *, sheet: str | None = None, today: date | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> ImportResult:
    """Imports the staff of an .xlsx/.csv file (IMPORT.md "Staff"); see the module's description.

    Raises SheetError when the file cannot be read at all, ImportCancelled when ``cancel()`` turned
    True (nothing written). Any other failure while writing undoes the whole import.
    """
    require(actor, staff.EDIT)
    today = today or date.today()
    table = _read(path, sheet)
    present = table.known_keys
    rows = [r for r in table.rows if not _is_notes_row(r.values)]
    result = ImportResult(unknown_columns=list(table.unknown_columns), total_rows=len(rows),
                          headers=list(table.headers))
    header_of = {k: h for h, k in zip(table.headers, table.keys, strict=False) if k}
    first_row_of_code: dict[str, int] = {}

    def cancelled() -> bool:
        return bool(cancel is not None and cancel())

    with write_transaction():
        stored = {s.code: s for s in Staff.select()}
        for done, row in enumerate(rows, start=1):
            if cancelled():
                raise ImportCancelled(_("Đã hủy nhập: không có dòng nào được ghi."))
            data = _prepare(row.values, present)
            code = normalize(data.get("code")).upper()
            reasons = list(row.problems)
            if code and code in first_row_of_code:
                reasons.append(_("Dòng {row}, {column}: trùng mã với dòng {first}").format(
                    row=row.number, column=header_of.get("code", HEADERS["code"]), first=first_row_of_code[code]))
                result.rejected.append(RejectedRow(row.number, code, reasons, dict(row.cells)))
                continue
            if code:
                first_row_of_code[code] = row.number
            _import_row(actor, result, row, data, code, stored.get(code), reasons, header_of, today)
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(rows))
        if cancelled():
            raise ImportCancelled(_("Đã hủy nhập: không có dòng nào được ghi."))
        if result.added or result.updated:
            audit.record(actor, "import", staff.ENTITY, None,
                         summary=f"import {Path(path).name}: {result.added} added, {result.updated} updated, "
                                 f"{result.unchanged} unchanged, {len(result.rejected)} rejected")
    if progress is not None:
        progress(len(rows), len(rows))
    return result


def _import_row(actor: Actor, result: ImportResult, row, data: dict, code: str, existing: Staff | None,
                reasons: list[str], header_of: dict[str, str], today: date) -> None:
    findings = Findings()
    changed = True
    if existing is not None:
        data["code"] = existing.code  # "nv001" in the file names NV001; it does not rename it
        before = {key: getattr(existing, key) for key in staff.FORM_KEYS}
        clean, new_findings = staff.validate({**before, **data}, staff_id=existing.id, today=today)
        changed = any(getattr(existing, key) != value for key, value in clean.items())
        if new_findings.errors and not changed:
            # Stored values the rules have since become stricter about are not this file's doing.
            _old, old_findings = staff.validate(before, staff_id=existing.id, today=today)
            old = {(p.field, p.message) for p in old_findings.errors}
            new_findings = Findings([p for p in new_findings.problems if not (p.is_error and (p.field, p.message) in old)])
        findings.extend(new_findings)
    else:
        _clean, new_findings = staff.validate(data, today=today)
        findings.extend(new_findings)
    reasons += _reasons(row.number, findings.errors, header_of)
    if reasons:
        result.rejected.append(RejectedRow(row.number, code or None, reasons, dict(row.cells)))
        return
    if existing is not None and not changed:
        result.unchanged += 1
        return
    try:
        with write_transaction():  # a savepoint: a row the service refuses leaves nothing behind
            if existing is None:
                staff.create(actor, data)
            else:
                staff.update(actor, existing.id, data, version=existing.version)
    except ValidationError as exc:
        result.rejected.append(RejectedRow(row.number, code or None,
                                           _reasons(row.number, [p for p in exc.problems if p.is_error], header_of)
                                           or [_("Dòng {row}: {reason}").format(row=row.number, reason=exc)],
                                           dict(row.cells)))
        return
    except (Conflict, NotFound) as exc:  # someone on another PC changed the record a moment ago
        result.rejected.append(RejectedRow(row.number, code or None,
                                           [_("Dòng {row}: {reason}").format(row=row.number, reason=exc)],
                                           dict(row.cells)))
        return
    if existing is None:
        result.added += 1
    else:
        result.updated += 1
    result.notes.extend(_reasons(row.number, findings.warnings, header_of))


# --- export and template ---------------------------------------------------------------------------

def _label(choices: vocab.Vocab, code: str | None) -> str | None:
    """The Vietnamese label (never translated: the file is data, read back by ``vocab.match``)."""
    if not code:
        return None
    return dict(choices).get(code, code)


def export_rows() -> list[list[Any]]:
    """One row per staff member (those who left too), ordered by code, in STAFF_COLUMNS order."""
    rows = []
    for s in Staff.select().order_by(Staff.code):
        values = {
            "code": s.code, "full_name": s.full_name, "birth_date": s.birth_date,
            "sex": _label(vocab.SEXES, s.sex), "position": _label(vocab.STAFF_POSITIONS, s.position),
            "qualification": s.qualification, "contract_type": _label(vocab.CONTRACT_TYPES, s.contract_type),
            "start_date": s.start_date, "leave_date": s.leave_date, "licence_no": s.licence_no,
            "licence_expiry": s.licence_expiry,
        }
        rows.append([values[key] or None for key in FILE_KEYS])
    return rows


def export_staff(actor: Actor, path: str | os.PathLike) -> int:
    """Writes all staff to .xlsx or .csv (by the suffix) with the import's columns, so the file
    imports back without any change. Returns the number of people written. Audited."""
    require(actor, staff.VIEW)
    suffix = check_suffix(path)
    rows = export_rows()
    headers = [h for h, _k in STAFF_COLUMNS]
    if suffix == ".csv":
        write_csv(path, headers, rows)
    else:
        text_columns = [i for i, key in enumerate(FILE_KEYS) if key in TEXT_KEYS]
        write_xlsx(path, headers, rows, sheet_title=SHEET_TITLE, text_columns=text_columns)
    with write_transaction():
        audit.record(actor, "export", staff.ENTITY, None, summary=f"exported {len(rows)} staff to {Path(path).name}")
    return len(rows)


def template_headers() -> list[str]:
    return [f"{header} (*)" if key in REQUIRED_KEYS else header for header, key in STAFF_COLUMNS]


def write_staff_template(path: str | os.PathLike) -> Path:
    """An empty staff list: the headers (required ones marked "(*)"), a row of notes, the header row
    frozen, and the code and certificate columns formatted as text."""
    if Path(path).suffix.lower() != ".xlsx":
        raise ValidationError(_("Mẫu nhập liệu là tệp .xlsx (nhận được \"{name}\").").format(name=Path(path).name),
                              "path")
    text_columns = [i for i, key in enumerate(FILE_KEYS) if key in TEXT_KEYS]
    write_xlsx(path, template_headers(), [], notes_row=[TEMPLATE_NOTES[key] for key in FILE_KEYS],
               sheet_title=SHEET_TITLE, text_columns=text_columns, blank_text_rows=500)
    return Path(path)
