"""Residents in and out of spreadsheets (shared/domain/IMPORT.md, "Residents").

``import_residents`` reads a centre's .xlsx/.csv list and keeps every valid row even when others are
wrong: each row is checked with the same rules as the profile form (``caremgr.residents``), its
insurance card with ``caremgr.insurance``, and a rejected row is reported with all its reasons
("Dòng 14, Số CCCD: …", the row number the spreadsheet shows). All valid rows are written in one
transaction, so an import that fails or is cancelled half-way leaves nothing behind. An existing
code updates that resident, and only when something changed: importing the same file twice changes
nothing the second time.

``export_residents`` writes the same columns, so export → import round-trips without change, and
``write_template`` an empty list with the headers and a row of notes on what goes in each column.

Columns of a file only touch what they name: a file with just "Mã đối tượng" and "Điện thoại liên
hệ" updates phone numbers and nothing else. An empty cell in a column the file has means empty.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from caremgr import audit, insurance, residents, vocab
from caremgr.auth import Actor, require
from caremgr.cccd import clean_cccd
from caremgr.dates import BirthDate, format_date, parse_date
from caremgr.errors import Conflict, Findings, NotFound, ValidationError
from caremgr.i18n import _
from caremgr.import_common import (  # shared with the other imports; re-exported here
    IGNORED_HEADERS,
    REASON_HEADER,  # noqa: F401
    ROW_HEADER,  # noqa: F401
    ImportCancelled,
    ImportResult,
    RejectedRow,
)
from caremgr.import_common import cell_choice as _choice
from caremgr.import_common import cell_text as _text
from caremgr.import_common import check_suffix as _suffix
from caremgr.import_common import display_cell as _display
from caremgr.import_common import lower_first as _lower_first
from caremgr.phones import clean_phone
from caremgr.resident_forms import FIELD_LABELS, field_label
from caremgr.sheets import SheetError, Table, read_table, write_csv, write_xlsx
from caremgr.text import normalize, search_key
from db.connection import one_savepoint, write_transaction
from db.models import Contact, InsuranceCard, Resident

# The headers of IMPORT.md, in order, with the key each column is read into. The headers are part of
# the file format (export → import), so they are never translated.
RESIDENT_COLUMNS: list[tuple[str, str]] = [
    ("Mã đối tượng", "code"),
    ("Họ và tên", "full_name"),
    ("Ngày sinh", "birth"),
    ("Giới tính", "sex"),
    ("Dân tộc", "ethnicity"),
    ("Số CCCD", "cccd"),
    ("Địa chỉ thường trú", "address"),
    ("Nhóm đối tượng", "category"),
    ("Ngày tiếp nhận", "admission_date"),
    ("Số quyết định tiếp nhận", "admission_decision"),
    ("Dạng khuyết tật", "disability_type"),
    ("Mức độ khuyết tật", "disability_severity"),
    ("Số thẻ BHYT", "card_number"),
    ("BHYT từ ngày", "card_from"),
    ("BHYT đến ngày", "card_to"),
    ("Nơi đăng ký KCB ban đầu", "card_facility"),
    ("Ngày ra khỏi cơ sở", "discharge_date"),
    ("Lý do ra khỏi cơ sở", "discharge_reason"),
    ("Người liên hệ", "contact_name"),
    ("Điện thoại liên hệ", "contact_phone"),
    ("Ghi chú", "notes"),
]
REQUIRED_KEYS = frozenset({"code", "full_name", "birth", "sex", "category", "admission_date"})
HEADERS: dict[str, str] = {key: header for header, key in RESIDENT_COLUMNS}

# Other headers centres use for the same columns (matched like the headers themselves).
ALIASES: list[tuple[str, str]] = [
    ("Mã ĐT", "code"), ("Mã số đối tượng", "code"), ("Mã", "code"),
    ("Họ tên", "full_name"), ("Họ và tên đối tượng", "full_name"), ("Tên đối tượng", "full_name"),
    ("Năm sinh", "birth"), ("Ngày tháng năm sinh", "birth"), ("Ngày, tháng, năm sinh", "birth"),
    ("Giới", "sex"),
    ("CCCD", "cccd"), ("Số CCCD/CMND", "cccd"), ("CCCD/CMND", "cccd"), ("Số CMND/CCCD", "cccd"),
    ("Số định danh cá nhân", "cccd"), ("Số định danh", "cccd"), ("Căn cước công dân", "cccd"),
    ("Địa chỉ", "address"), ("Nơi thường trú", "address"), ("Địa chỉ thường trú trước khi vào", "address"),
    ("Đối tượng", "category"), ("Loại đối tượng", "category"), ("Diện đối tượng", "category"),
    ("Nhóm", "category"),
    ("Ngày vào", "admission_date"), ("Ngày vào cơ sở", "admission_date"), ("Ngày vào trung tâm", "admission_date"),
    ("Ngày tiếp nhận vào cơ sở", "admission_date"),
    ("Số quyết định", "admission_decision"), ("Quyết định tiếp nhận", "admission_decision"),
    ("Số QĐ tiếp nhận", "admission_decision"), ("Số QĐ", "admission_decision"),
    ("Dạng tật", "disability_type"), ("Loại khuyết tật", "disability_type"),
    ("Mức độ", "disability_severity"), ("Mức độ tật", "disability_severity"),
    ("Mã thẻ BHYT", "card_number"), ("Thẻ BHYT", "card_number"), ("Số BHYT", "card_number"),
    ("Thẻ BHYT từ ngày", "card_from"), ("BHYT có giá trị từ", "card_from"),
    ("Thẻ BHYT đến ngày", "card_to"), ("Hạn thẻ BHYT", "card_to"), ("BHYT có giá trị đến", "card_to"),
    ("Nơi ĐK KCB ban đầu", "card_facility"), ("Nơi đăng ký khám chữa bệnh ban đầu", "card_facility"),
    ("KCB ban đầu", "card_facility"), ("Nơi KCB ban đầu", "card_facility"),
    ("Ngày ra", "discharge_date"), ("Ngày rời cơ sở", "discharge_date"),
    ("Lý do ra", "discharge_reason"), ("Lý do rời cơ sở", "discharge_reason"),
    ("Người thân", "contact_name"), ("Người giám hộ", "contact_name"), ("Người thân liên hệ", "contact_name"),
    ("Số điện thoại liên hệ", "contact_phone"), ("SĐT liên hệ", "contact_phone"), ("Điện thoại", "contact_phone"),
    ("Số điện thoại", "contact_phone"), ("SĐT", "contact_phone"),
]
# What the notes row of the template says about each column (Vietnamese: the file is for centres).
TEMPLATE_NOTES: dict[str, str] = {
    "code": "Bắt buộc. Mã riêng của đối tượng trong cơ sở, tối đa 20 ký tự (ví dụ DT0001). "
            "Mã đã có thì dòng này cập nhật đối tượng đó.",
    "full_name": "Bắt buộc. Họ và tên đầy đủ, có dấu.",
    "birth": "Bắt buộc. dd/mm/yyyy (ví dụ 05/03/1948), hoặc chỉ năm yyyy (1948) khi chỉ biết năm sinh.",
    "sex": "Bắt buộc. Nam hoặc Nữ.",
    "ethnicity": "Một trong 54 dân tộc: Kinh, Tày, Thái, Mường, Khmer, Hoa, Nùng, H'Mông, Dao, …",
    "cccd": "12 chữ số, phải khớp năm sinh và giới tính. Chưa có số thì ghi lý do: \"chưa có\", "
            "\"đang làm thủ tục\".",
    "address": "Ghi tự do; địa chỉ cũ (trước 01/7/2025) vẫn được chấp nhận.",
    "category": "Bắt buộc. Mã hoặc tên nhóm: " + "; ".join(f"{c} = {t}" for c, t in vocab.CATEGORIES) + ".",
    "admission_date": "Bắt buộc. dd/mm/yyyy; không trước ngày sinh, không ở tương lai.",
    "admission_decision": "Ví dụ 125/QĐ-TTBTXH.",
    "disability_type": "Một trong: " + " · ".join(t for _c, t in vocab.DISABILITY_TYPES) + ".",
    "disability_severity": "Một trong: " + " · ".join(t for _c, t in vocab.DISABILITY_SEVERITIES)
                           + ". Bắt buộc khi có dạng khuyết tật.",
    "card_number": "15 ký tự (ví dụ BT2380123456789) hoặc mã số BHXH 10 chữ số. Có số thẻ thì phải có "
                   "đủ hai ngày hiệu lực.",
    "card_from": "dd/mm/yyyy. Bắt buộc khi có số thẻ.",
    "card_to": "dd/mm/yyyy, không trước ngày bắt đầu. Bắt buộc khi có số thẻ.",
    "card_facility": "Mã 5 chữ số và/hoặc tên cơ sở, ví dụ \"38001 - Bệnh viện Đa khoa tỉnh\".",
    "discharge_date": "dd/mm/yyyy, không trước ngày tiếp nhận. Để trống nếu đang chăm sóc tại cơ sở.",
    "discharge_reason": "Bắt buộc khi có ngày ra. Một trong: "
                        + " · ".join(t for _c, t in vocab.DISCHARGE_REASONS) + ".",
    "contact_name": "Họ tên người thân hoặc người giám hộ.",
    "contact_phone": "10 chữ số bắt đầu bằng 0, hoặc dạng +84 và 9 chữ số.",
    "notes": "Ghi tự do.",
}
_NOTES_KEYS = {key: normalize(text) for key, text in TEMPLATE_NOTES.items()}
TEXT_KEYS = ("code", "cccd", "card_number", "contact_phone", "admission_decision")  # kept as text in Excel

PROGRESS_EVERY = 100

_CARD_FIELDS = {"number": "card_number", "valid_from": "card_from", "valid_to": "card_to",
                "facility": "card_facility"}
_CARD_KEYS = ("card_number", "card_from", "card_to", "card_facility")
_FORM_KEYS_IN_FILE = ("code", "full_name", "birth", "sex", "ethnicity", "cccd", "address", "category",
                      "admission_date", "admission_decision", "disability_type", "disability_severity", "notes")


# --- reading a file ------------------------------------------------------------------------------

def _columns() -> list[tuple[str, str]]:
    return RESIDENT_COLUMNS + ALIASES


def _read(path: str | os.PathLike, sheet: str | None) -> Table:
    table = read_table(path, sheet, columns=_columns(), ignore=IGNORED_HEADERS)
    if table.header_row and "code" not in table.known_keys:
        raise SheetError(_("Không thấy cột \"Mã đối tượng\" trong tệp {file} (dòng tiêu đề là dòng {row}: {headers}). "
                           "Hãy dùng mẫu nhập liệu của caremgr.").format(
            file=Path(path).name, row=table.header_row, headers=", ".join(h for h in table.headers if h) or "—"))
    return table


def _is_notes_row(values: dict[str, Any]) -> bool:
    """The notes row of our own template (copied along with the headers) is not a resident."""
    same = 0
    for key, value in values.items():
        note = _NOTES_KEYS.get(key)
        # cheap length test first: an ordinary cell is far shorter than a note
        if note and isinstance(value, str) and len(value) >= len(note) // 2 and normalize(value) == note:
            same += 1
    return same >= 2


def preview(path: str | os.PathLike, sheet: str | None = None, rows: int = 10) -> tuple[list[str], list[list], list[str]]:
    """The headers, the first ``rows`` data rows (aligned with the headers, dates as dd/mm/yyyy) and
    the unknown columns, for the import window. Raises SheetError when the file cannot be read."""
    table = _read(path, sheet)
    shown = []
    for row in table.rows:
        if _is_notes_row(row.values):
            continue
        if len(shown) >= rows:
            break
        shown.append([_display(row.cells.get(h)) for h in table.headers])
    return list(table.headers), shown, list(table.unknown_columns)


# --- turning a row into what the services take ---------------------------------------------------

@dataclass
class _Prepared:
    row: int
    code: str
    data: dict  # residents.validate input: only the columns the file has
    card: dict | None  # insurance.validate_card input, None when the file has no card columns
    contact: dict | None  # {"full_name", "phone"} or None
    discharge: tuple[Any, Any] | None  # (date cell, reason cell) when either is given
    notes: list[str] = field(default_factory=list)
    repaired: dict[str, str] = field(default_factory=dict)  # key -> a number cell's value put right


def _prepare(row, present: set[str]) -> _Prepared:
    values = row.values
    data: dict[str, Any] = {}
    notes: list[str] = []
    repaired: dict[str, str] = {}
    for key in _FORM_KEYS_IN_FILE:
        if key not in present:
            continue
        value = values.get(key)
        if key in ("birth", "admission_date"):
            data[key] = value if isinstance(value, date | int | float) and not isinstance(value, bool) else _text(value)
        elif key == "sex":
            data[key] = _choice(value, vocab.SEXES)
        elif key == "category":
            data[key] = _choice(value, vocab.CATEGORIES)
        elif key == "disability_type":
            data[key] = _choice(value, vocab.DISABILITY_TYPES)
        elif key == "disability_severity":
            data[key] = _choice(value, vocab.DISABILITY_SEVERITIES)
        elif key == "cccd":
            data.update(_cccd_cell(value, row.number, notes))
            if isinstance(value, int | float) and not isinstance(value, bool):
                repaired["cccd"] = data["cccd"]
        else:
            data[key] = _text(value)
    card = None
    if any(k in present for k in _CARD_KEYS):
        number = values.get("card_number")
        if isinstance(number, int) and not isinstance(number, bool) and 0 < number < 10**9:
            # a 10-digit social-insurance number typed into a number cell lost its leading zero
            repaired["card_number"] = f"{number:010d}"
            notes.append(_("Dòng {row}, Số thẻ BHYT: ô dạng số đã mất số 0 ở đầu, đã thêm lại thành {number}").format(
                row=row.number, number=repaired["card_number"]))
            number = repaired["card_number"]
        card = {"number": _text(number), "valid_from": values.get("card_from"),
                "valid_to": values.get("card_to"), "facility": values.get("card_facility")}
    contact = None
    if values.get("contact_name") is not None or values.get("contact_phone") is not None:
        phone = _phone_cell(values.get("contact_phone"), row.number, notes) if "contact_phone" in present else None
        if phone and isinstance(values.get("contact_phone"), int):
            repaired["contact_phone"] = phone
        contact = {"full_name": _text(values.get("contact_name")), "phone": phone}
    discharge = None
    if values.get("discharge_date") is not None or values.get("discharge_reason") is not None:
        discharge = (values.get("discharge_date"), values.get("discharge_reason"))
    return _Prepared(row.number, normalize(_text(values.get("code"))), data, card, contact, discharge, notes,
                     repaired)


def _cccd_cell(value: Any, row: int, notes: list[str]) -> dict:
    """A number cell is padded back to 12 digits (noted); text without any digit is the reason the
    person has no number ("chưa có"), which goes to the CCCD note."""
    if value is None:
        return {"cccd": ""}
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits, padded = clean_cccd(value)
        if padded:
            notes.append(_("Dòng {row}, Số CCCD: ô dạng số đã mất số 0 ở đầu ({value}), đã thêm lại thành {digits}")
                         .format(row=row, value=_text(value), digits=digits))
        return {"cccd": digits}
    text = normalize(value)
    if text and not any(ch.isdigit() for ch in text):
        return {"cccd": "", "cccd_note": text}
    return {"cccd": text}


def _phone_cell(value: Any, row: int, notes: list[str]) -> str:
    """A phone number typed into a number cell loses its leading 0 (912345678): put it back."""
    if isinstance(value, int) and not isinstance(value, bool) and len(str(value)) == 9:
        fixed = "0" + str(value)
        notes.append(_("Dòng {row}, Điện thoại liên hệ: ô dạng số đã mất số 0 ở đầu, đã thêm lại thành {phone}")
                     .format(row=row, phone=fixed))
        return fixed
    return _text(value)


# --- messages ------------------------------------------------------------------------------------

def _header_of(field_name: str) -> str:
    if field_name.startswith("contacts["):
        return HEADERS["contact_phone"] if field_name.endswith(".phone") else HEADERS["contact_name"]
    if field_name in _CARD_FIELDS:
        return HEADERS[_CARD_FIELDS[field_name]]
    if field_name == "cccd_note":
        return HEADERS["cccd"]
    if field_name in HEADERS:
        return HEADERS[field_name]
    return field_label(field_name) if field_name in FIELD_LABELS else field_name


def _reason(row: int, field_name: str, message: str) -> str:
    """"Dòng 14, Số CCCD: <reason>" — the column is named once, whatever the message started with."""
    header = _header_of(field_name)
    text = message.strip()
    if field_name.startswith("contacts[") and ": " in text:
        text = text.split(": ", 1)[1]  # "Người liên hệ 1, điện thoại: …"
    prefixes = {header}
    if field_name in FIELD_LABELS:
        prefixes.add(field_label(field_name))
    for prefix in sorted(prefixes, key=len, reverse=True):
        if search_key(text[:len(prefix)]) == search_key(prefix) and text[len(prefix):len(prefix) + 1] in (":", " "):
            text = text[len(prefix):].lstrip(" :")
            break
    text = _lower_first(text.rstrip("."))
    return _("Dòng {row}, {column}: {reason}").format(row=row, column=header, reason=text)


def _reasons(row: int, findings: Findings) -> list[str]:
    return [_reason(row, p.field, p.message) for p in findings.errors]


def _warnings(row: int, findings: Findings) -> list[str]:
    return [_reason(row, p.field, p.message) for p in findings.warnings]


# --- import --------------------------------------------------------------------------------------

def _existing(actor: Actor, code: str):
    if not code:
        return None
    try:
        return residents.get_by_code(actor, code)
    except NotFound:
        return None


_MISSING = object()


def _stored(detail, key: str):
    if key == "birth_year":
        return detail.birth.year
    if key == "birth_date":
        return detail.birth.date
    return getattr(detail, key, _MISSING)


def _differs(detail, clean: dict) -> bool | None:
    """Whether the checked values differ from what is stored; None when the detail does not show one."""
    stored = {key: _stored(detail, key) for key in clean}
    if any(value is _MISSING for value in stored.values()):
        return None
    return any(stored[key] != value for key, value in clean.items())


def _birth_of(clean: dict) -> BirthDate | None:
    if clean.get("birth_year") is None:
        return None
    return BirthDate(clean["birth_year"], clean.get("birth_date"))


def _check_discharge(prepared: _Prepared, clean: dict, findings: Findings, today: date) -> tuple[date, str] | None:
    """Both discharge cells or neither; a known reason; not before admission, not in the future."""
    if prepared.discharge is None:
        return None
    raw_day, raw_reason = prepared.discharge
    day = None
    if raw_day is None:
        findings.error("discharge_date", _("{field}: không được để trống khi có lý do ra khỏi cơ sở").format(
            field=field_label("discharge_date")))
    else:
        try:
            day = parse_date(raw_day)
        except ValueError as exc:
            findings.error("discharge_date", str(exc))
    reason = None
    if raw_reason is None:
        findings.error("discharge_reason", _("{field}: không được để trống khi có ngày ra khỏi cơ sở").format(
            field=field_label("discharge_reason")))
    else:
        reason = vocab.match(vocab.DISCHARGE_REASONS, _text(raw_reason))
        if reason is None:
            findings.error("discharge_reason", _("\"{value}\" không có trong danh mục ({choices})").format(
                value=_text(raw_reason), choices=", ".join(_(t) for _c, t in vocab.DISCHARGE_REASONS)))
    admitted = clean.get("admission_date")
    if day is not None and admitted is not None and day < admitted:
        findings.error("discharge_date", _("không được trước ngày tiếp nhận ({date})").format(date=format_date(admitted)))
    if day is not None and day > today:
        findings.error("discharge_date", _("không được ở tương lai ({date})").format(date=format_date(day)))
    if day is None or reason is None:
        return None
    return day, reason


def _merged_contacts(detail, contact: dict) -> tuple[list, bool]:
    """The resident's contacts with the file's contact put in: the one with the same name gets the
    phone (when the file has a phone column), or the contact is added. Returns the list and whether
    anything differs."""
    contacts = [dataclasses.replace(c) for c in (detail.contacts if detail else [])]
    name_key = search_key(contact["full_name"])
    phone = contact["phone"]
    for c in contacts:
        if search_key(c.full_name) == name_key:
            if phone is None or (c.phone or "") == clean_phone(phone):
                return contacts, False
            c.phone = phone
            return contacts, True
    contacts.append(residents.ContactData(id=None, full_name=contact["full_name"], phone=phone or ""))
    return contacts, True


def import_residents(actor: Actor, path: str | os.PathLike, *, sheet: str | None = None, today: date | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     cancel: Callable[[], bool] | None = None) -> ImportResult:
    """Imports the residents of an .xlsx/.csv file (IMPORT.md); see the module's description.

    Raises SheetError when the file cannot be read at all, ImportCancelled when ``cancel()`` turned
    True (nothing written). Any other failure while writing undoes the whole import.
    """
    require(actor, "residents.edit")
    today = today or date.today()
    table = _read(path, sheet)
    present = table.known_keys
    rows = [r for r in table.rows if not _is_notes_row(r.values)]
    result = ImportResult(unknown_columns=list(table.unknown_columns), total_rows=len(rows),
                          headers=list(table.headers))
    if any(k in present for k in _CARD_KEYS) and any(r.values.get("card_number") for r in rows):
        require(actor, "insurance.edit")
    total = len(rows)
    context = _Context(actor, present, result, today, {k: h for h, k in zip(table.headers, table.keys, strict=False) if k})

    def report(done: int) -> None:
        if progress is not None:
            progress(done, total)

    def cancelled() -> bool:
        return bool(cancel is not None and cancel())

    with write_transaction(), audit.chain_head_kept():
        # Looked up once, not once per row: which codes exist, which cards are already recorded.
        context.codes = {code.upper() for (code,) in Resident.select(Resident.code)
                         .where(Resident.deleted == False).tuples()}  # noqa: E712
        # The residents the file names, read in a few queries rather than two per row.
        named = {normalize(_text(r.values.get("code"))).upper() for r in rows} & context.codes
        context.details = residents.details_by_code(actor, named) if named else {}
        if any(k in present for k in _CARD_KEYS):
            context.cards = set(InsuranceCard.select(InsuranceCard.resident, InsuranceCard.number,
                                                     InsuranceCard.valid_from).tuples())
        for done, row in enumerate(rows, start=1):
            if cancelled():
                raise ImportCancelled(_("Đã hủy nhập: không có dòng nào được ghi."))
            _import_row(context, row)
            if done % PROGRESS_EVERY == 0:
                report(done)
        if cancelled():
            raise ImportCancelled(_("Đã hủy nhập: không có dòng nào được ghi."))
        if result.added or result.updated:
            audit.record(actor, "import", "resident", None,
                         summary=f"import {Path(path).name}: {result.added} added, {result.updated} updated, "
                                 f"{result.unchanged} unchanged, {len(result.rejected)} rejected")
    report(total)
    return result


@dataclass
class _Context:
    actor: Actor
    present: set[str]
    result: ImportResult
    today: date
    key_headers: dict[str, str]  # column key -> the header the file uses for it
    first_row_of_code: dict[str, int] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)  # upper-cased codes of the residents (not deleted)
    cards: set[tuple] = field(default_factory=set)  # (resident id, number, valid_from) already recorded
    details: dict = field(default_factory=dict)  # upper-cased code -> ResidentDetail, read before the rows


def _reject(context: _Context, row, prepared: _Prepared, reasons: list[str]) -> None:
    """Keeps the row as read, except that numbers repaired on reading (a CCCD or a phone that lost its
    leading zeros) are written repaired, so the corrected rows import again as they are."""
    values = dict(row.cells)
    for key, fixed in prepared.repaired.items():
        header = context.key_headers.get(key)
        if header in values:
            values[header] = fixed
    context.result.rejected.append(RejectedRow(row.number, prepared.code or None, reasons, values))


def _import_row(context: _Context, row) -> None:
    actor, result, today = context.actor, context.result, context.today
    prepared = _prepare(row, context.present)
    reasons = list(row.problems)
    code_key = prepared.code.upper()
    if code_key and code_key in context.first_row_of_code:
        reasons.append(_("Dòng {row}, {column}: trùng mã với dòng {first}").format(
            row=row.number, column=HEADERS["code"], first=context.first_row_of_code[code_key]))
        _reject(context, row, prepared, reasons)
        return
    if code_key:
        context.first_row_of_code[code_key] = row.number

    detail = checked = None
    if code_key in context.codes:
        # Read before the rows; a code appears once (a repeat is rejected above), so still current.
        detail = context.details.get(code_key) or _existing(actor, prepared.code)
    findings = Findings()
    if detail is not None:
        prepared.data["code"] = detail.code  # "dt001" in the file names DT001; it does not rename it
        before = detail.form_values()
        clean, new_findings = residents.validate(before | prepared.data, resident_id=detail.id, today=today)
        resident_changed = _differs(detail, clean)
        if resident_changed is None:  # a value the detail does not show: compare the checked forms
            resident_changed = clean != residents.validate(before, resident_id=detail.id, today=today)[0]
        if not resident_changed and new_findings.errors:
            _old_clean, old_findings = residents.validate(before, resident_id=detail.id, today=today)
            # Stored values the rules have since become stricter about are not this file's doing.
            old = {(p.field, p.message) for p in old_findings.errors}
            new_findings = Findings([p for p in new_findings.problems
                                     if not (p.is_error and (p.field, p.message) in old)])
        findings.extend(new_findings)
    else:
        clean, new_findings = residents.validate(prepared.data, today=today)
        resident_changed = True
        findings.extend(new_findings)
        # residents.create checks the profile as of today: what was just checked, unless the import
        # runs for another day.
        checked = (clean, new_findings) if today == date.today() else None

    card_clean: dict = {}
    card_findings = Findings()
    if prepared.card is not None:
        card_clean, card_findings = insurance.validate_card(prepared.card, birth=_birth_of(clean), today=today,
                                                            category=clean.get("category"))
        findings.extend(card_findings)
    contacts = None
    contacts_changed = False
    if prepared.contact is not None:
        _contact_clean, contact_findings = residents.validate_contact(prepared.contact, 0)
        findings.extend(contact_findings)
        if not contact_findings.errors:
            contacts, contacts_changed = _merged_contacts(detail, prepared.contact)
    discharge = _check_discharge(prepared, clean, findings, today)

    reasons += _reasons(row.number, findings)
    if reasons:
        _reject(context, row, prepared, reasons)
        return

    card_new = bool(card_clean) and (
        detail is None or (detail.id, card_clean["number"], card_clean["valid_from"]) not in context.cards)
    discharge_new = discharge is not None and not (
        detail is not None and detail.status != "in_care" and detail.discharge_date == discharge[0]
        and detail.discharge_reason == discharge[1])
    if detail is not None and not (resident_changed or contacts_changed or card_new or discharge_new):
        result.unchanged += 1
        return

    was_new = detail is None
    try:
        with one_savepoint():  # a row the services refuse leaves nothing behind
            if detail is None:
                detail = residents.create(actor, prepared.data, contacts=contacts or [], validated=checked)
                context.codes.add(detail.code.upper())
            elif resident_changed or contacts_changed:
                detail = residents.update(actor, detail.id, prepared.data, version=detail.version,
                                          contacts=contacts if contacts_changed else None)
            if card_new:
                insurance.add_card(actor, detail.id, card_clean, today=today, validated=(card_clean, card_findings))
            if discharge_new:
                residents.discharge(actor, detail.id, on=discharge[0], reason=discharge[1])
    except ValidationError as exc:
        audit.forget_chain_head()  # the row's savepoint was undone, with any entry it had written
        _reject(context, row, prepared, [_reason(row.number, p.field, p.message) for p in exc.problems if p.is_error]
                or [_("Dòng {row}: {reason}").format(row=row.number, reason=exc)])
        return
    except (Conflict, NotFound) as exc:  # someone on another PC changed the record a moment ago
        audit.forget_chain_head()
        _reject(context, row, prepared, [_("Dòng {row}: {reason}").format(row=row.number, reason=exc)])
        return
    if was_new:
        result.added += 1
    else:
        result.updated += 1
    result.notes.extend(prepared.notes)
    result.notes.extend(_warnings(row.number, findings))


# --- export and template -------------------------------------------------------------------------

def _label(choices: vocab.Vocab, code: str | None) -> str:
    """The Vietnamese label (never translated: the file is data, read back by ``vocab.match``)."""
    if not code:
        return ""
    return dict(choices).get(code, code)


def _note_for_cccd_column(note: str | None) -> str | None:
    """Why there is no number ("chưa có") goes in the CCCD column, which reads it back as the note;
    a note with digits in it would read back as a wrong number, so it stays out of the file."""
    if note and not any(ch.isdigit() for ch in note):
        return note
    return None


def export_rows(*, include_discharged: bool = True) -> list[list[Any]]:
    """One row per resident (not deleted), ordered by code, in RESIDENT_COLUMNS order: the current card
    (latest expiry) and the first contact."""
    query = Resident.select().where(Resident.deleted == False)  # noqa: E712
    if not include_discharged:
        query = query.where(Resident.status == "in_care")
    people = list(query.order_by(Resident.code))
    ids = [p.id for p in people]
    cards: dict[int, InsuranceCard] = {}
    contacts: dict[int, Contact] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for card in (InsuranceCard.select().where(InsuranceCard.resident.in_(chunk))
                     .order_by(InsuranceCard.valid_to, InsuranceCard.valid_from, InsuranceCard.id)):
            cards[card.resident_id] = card  # the last one wins: latest expiry
        for contact in (Contact.select().where(Contact.resident.in_(chunk)).order_by(Contact.id.desc())):
            contacts[contact.resident_id] = contact  # the last one wins: the first added
    rows = []
    for p in people:
        card = cards.get(p.id)
        contact = contacts.get(p.id)
        birth: Any = p.birth_date if p.birth_date else f"{p.birth_year:04d}"
        values = {
            "code": p.code,
            "full_name": p.full_name,
            "birth": birth,
            "sex": _label(vocab.SEXES, p.sex),
            "ethnicity": p.ethnicity,
            "cccd": p.cccd or _note_for_cccd_column(p.cccd_note),
            "address": p.address,
            "category": _label(vocab.CATEGORIES, p.category),
            "admission_date": p.admission_date,
            "admission_decision": p.admission_decision,
            "disability_type": _label(vocab.DISABILITY_TYPES, p.disability_type),
            "disability_severity": _label(vocab.DISABILITY_SEVERITIES, p.disability_severity),
            "card_number": card.number if card else None,
            "card_from": card.valid_from if card else None,
            "card_to": card.valid_to if card else None,
            "card_facility": insurance.facility_text(card.facility_code, card.facility_name) if card else None,
            "discharge_date": p.discharge_date,
            "discharge_reason": _label(vocab.DISCHARGE_REASONS, p.discharge_reason),
            "contact_name": contact.full_name if contact else None,
            "contact_phone": contact.phone if contact else None,
            "notes": p.notes,
        }
        rows.append([values[key] or None for _h, key in RESIDENT_COLUMNS])
    return rows


def export_residents(actor: Actor, path: str | os.PathLike, *, include_discharged: bool = True) -> int:
    """Writes the residents to .xlsx or .csv (by the file's suffix) with the import's columns, so the
    file imports back without any change. Returns the number of residents written. Audited: the
    list holds health and identity data."""
    require(actor, "residents.view")
    suffix = _suffix(path)
    rows = export_rows(include_discharged=include_discharged)
    headers = [h for h, _k in RESIDENT_COLUMNS]
    if suffix == ".csv":
        write_csv(path, headers, rows)
    else:
        text_columns = [i for i, (_h, key) in enumerate(RESIDENT_COLUMNS) if key in TEXT_KEYS]
        write_xlsx(path, headers, rows, sheet_title="Đối tượng", text_columns=text_columns)
    with write_transaction():
        audit.record(actor, "export", "resident", None,
                     summary=f"exported {len(rows)} residents to {Path(path).name}")
    return len(rows)


def template_headers() -> list[str]:
    return [f"{header} (*)" if key in REQUIRED_KEYS else header for header, key in RESIDENT_COLUMNS]


def write_template(path: str | os.PathLike) -> Path:
    """An empty import list: the headers (required ones marked "(*)"), a row of notes on formats and
    allowed values, the header row frozen, and the code, CCCD, card and phone columns formatted as
    text so numbers typed there keep their leading zeros."""
    if Path(path).suffix.lower() != ".xlsx":
        raise ValidationError(_("Mẫu nhập liệu là tệp .xlsx (nhận được \"{name}\").").format(name=Path(path).name),
                              "path")
    notes = [TEMPLATE_NOTES[key] for _h, key in RESIDENT_COLUMNS]
    text_columns = [i for i, (_h, key) in enumerate(RESIDENT_COLUMNS) if key in TEXT_KEYS]
    write_xlsx(path, template_headers(), [], notes_row=notes, sheet_title="Đối tượng", text_columns=text_columns,
               blank_text_rows=1000)
    return Path(path)
