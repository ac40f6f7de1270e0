"""A resident's profile as the form shows it, and the rules a saved profile must keep.

``validate`` takes what was typed (strings) or already-typed values (dates, BirthDate, ints) and
returns the model-column values to store plus every finding at once, each naming its field with
the field's Vietnamese name, so the form can mark all of them. Rules: shared/domain/IMPORT.md and
CODES.md. ``caremgr.residents`` uses it for create/update; the import uses the same rules.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from caremgr import vocab
from caremgr.cccd import check_cccd
from caremgr.dates import BirthDate, format_date, parse_birth, parse_date
from caremgr.errors import Findings
from caremgr.ethnicities import find_ethnicity
from caremgr.i18n import N_, _
from caremgr.phones import check_phone
from caremgr.text import normalize
from db import prepared
from db.models import Resident

FORM_KEYS = (
    "code", "full_name", "sex", "birth", "ethnicity", "cccd", "cccd_note", "address", "province", "commune",
    "category", "merit_type", "disability_type", "disability_severity", "admission_date", "admission_decision",
    "room", "notes",
)

# The Vietnamese name of every field a finding may name (translated where shown).
FIELD_LABELS: dict[str, str] = {
    "code": N_("Mã đối tượng"),
    "full_name": N_("Họ và tên"),
    "sex": N_("Giới tính"),
    "birth": N_("Ngày sinh"),
    "ethnicity": N_("Dân tộc"),
    "cccd": N_("Số CCCD"),
    "cccd_note": N_("Ghi chú về CCCD"),
    "address": N_("Địa chỉ thường trú"),
    "province": N_("Tỉnh, thành phố"),
    "commune": N_("Xã, phường"),
    "category": N_("Nhóm đối tượng"),
    "merit_type": N_("Diện người có công"),
    "disability_type": N_("Dạng khuyết tật"),
    "disability_severity": N_("Mức độ khuyết tật"),
    "admission_date": N_("Ngày tiếp nhận"),
    "admission_decision": N_("Số quyết định tiếp nhận"),
    "room": N_("Phòng"),
    "notes": N_("Ghi chú"),
    "discharge_date": N_("Ngày ra khỏi cơ sở"),
    "discharge_reason": N_("Lý do ra khỏi cơ sở"),
    "discharge_note": N_("Ghi chú khi ra khỏi cơ sở"),
    "reason": N_("Lý do xóa"),
}

CONTACT_KEYS = ("full_name", "relationship", "phone", "address", "is_guardian", "notes")
CONTACT_LABELS: dict[str, str] = {
    "full_name": N_("họ và tên"),
    "relationship": N_("quan hệ"),
    "phone": N_("điện thoại"),
    "address": N_("địa chỉ"),
    "is_guardian": N_("người giám hộ"),
    "notes": N_("ghi chú"),
}

# Column widths of db.models (PostgreSQL enforces them; SQLite would not).
MAX_LENGTHS = {
    "code": 20, "full_name": 120, "cccd_note": 120, "province": 80, "commune": 80, "admission_decision": 80,
    "room": 30,
}
CONTACT_MAX_LENGTHS = {"full_name": 120, "relationship": 60}
_TRUE = {"1", "true", "yes", "x", "co", "có", "on"}


def field_label(name: str) -> str:
    return _(FIELD_LABELS.get(name, name))


@dataclass
class ContactData:
    id: int | None
    full_name: str
    relationship: str = ""
    phone: str = ""
    address: str = ""
    is_guardian: bool = False
    notes: str = ""


@dataclass
class ResidentDetail:
    """Everything the profile screen shows and edits."""

    id: int
    code: str
    full_name: str
    sex: str
    birth: BirthDate
    ethnicity: str | None
    cccd: str | None
    cccd_note: str | None
    address: str | None
    province: str | None
    commune: str | None
    category: str
    merit_type: str | None
    disability_type: str | None
    disability_severity: str | None
    admission_date: date
    admission_decision: str | None
    room: str | None
    status: str
    discharge_date: date | None
    discharge_reason: str | None
    discharge_note: str | None
    notes: str | None
    version: int
    contacts: list[ContactData] = field(default_factory=list)
    read_only: bool = False  # deceased: the record is kept as it was

    def form_values(self) -> dict[str, str]:
        """FORM_KEYS -> strings for the widgets: dates dd/mm/yyyy, birth dd/mm/yyyy or yyyy, codes for choices."""
        values = {}
        for key in FORM_KEYS:
            if key == "birth":
                values[key] = self.birth.display
            elif key == "admission_date":
                values[key] = format_date(self.admission_date)
            else:
                value = getattr(self, key)
                values[key] = "" if value is None else str(value)
        return values


def detail_of(resident: Resident, contacts) -> ResidentDetail:
    return ResidentDetail(
        id=resident.id, code=resident.code, full_name=resident.full_name, sex=resident.sex,
        birth=BirthDate(resident.birth_year, resident.birth_date), ethnicity=resident.ethnicity,
        cccd=resident.cccd, cccd_note=resident.cccd_note, address=resident.address, province=resident.province,
        commune=resident.commune, category=resident.category, merit_type=resident.merit_type,
        disability_type=resident.disability_type, disability_severity=resident.disability_severity,
        admission_date=resident.admission_date, admission_decision=resident.admission_decision, room=resident.room,
        status=resident.status, discharge_date=resident.discharge_date, discharge_reason=resident.discharge_reason,
        discharge_note=resident.discharge_note, notes=resident.notes, version=resident.version,
        contacts=[contact_data(c) for c in contacts], read_only=resident.status == "deceased",
    )


def contact_data(contact) -> ContactData:
    return ContactData(
        id=contact.id, full_name=contact.full_name, relationship=contact.relationship or "",
        phone=contact.phone or "", address=contact.address or "", is_guardian=bool(contact.is_guardian),
        notes=contact.notes or "",
    )


# --- small parsers ------------------------------------------------------------------------------

def _line(value: object) -> str:
    return normalize(value)


def _multiline(value: object) -> str:
    """Free text that may keep its line breaks (notes): each line normalised, blank ends dropped."""
    if value is None:
        return ""
    lines = [normalize(line) for line in str(value).splitlines()]
    return "\n".join(lines).strip("\n")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def reworded(label: str, message: str) -> str:
    """"Ngày sinh: năm sinh 1870 không hợp lệ": a parser's message, led by the field's name."""
    if message.startswith(label):
        return message
    return f"{label}: {message[:1].lower()}{message[1:]}"


def required_message(name: str) -> str:
    return _("{field}: không được để trống.").format(field=field_label(name))


def _choice(findings: Findings, data: dict, name: str, choices: vocab.Vocab, *, required: bool) -> str | None:
    raw = data.get(name)
    if _blank(raw):
        if required:
            findings.error(name, required_message(name))
        return None
    code = vocab.match(choices, raw)
    if code is None:
        findings.error(name, _("{field}: \"{value}\" không có trong danh mục ({choices})").format(
            field=field_label(name), value=_line(raw), choices=", ".join(_(text) for _c, text in choices)))
    return code


def _length(findings: Findings, name: str, value: str, limit: int, label: str | None = None) -> None:
    if len(value) > limit:
        findings.error(name, _("{field}: tối đa {limit} ký tự (đã nhập {n})").format(
            field=label or field_label(name), limit=limit, n=len(value)))


def holder_description(resident) -> str:
    return f"{resident.code} {resident.full_name}"


# --- the resident -------------------------------------------------------------------------------

def validate(data: dict, *, resident_id: int | None = None, today: date | None = None) -> tuple[dict, Findings]:
    """Clean model-column values and the findings (field names are FORM_KEYS) for a profile."""
    today = today or date.today()
    findings = Findings()
    clean: dict = {}

    # Stored in capitals so that uniqueness "ignoring case" is an indexed equality, not a table scan.
    code = _line(data.get("code")).upper()
    if not code:
        findings.error("code", required_message("code"))
    else:
        _length(findings, "code", code, MAX_LENGTHS["code"])
        _check_code_free(findings, code, resident_id)
    clean["code"] = code

    full_name = _line(data.get("full_name"))
    if not full_name:
        findings.error("full_name", required_message("full_name"))
    _length(findings, "full_name", full_name, MAX_LENGTHS["full_name"])
    clean["full_name"] = full_name

    raw_sex = data.get("sex")
    sex = None if _blank(raw_sex) else vocab.match(vocab.SEXES, raw_sex)
    if _blank(raw_sex):
        findings.error("sex", required_message("sex"))
    elif sex is None:
        findings.error("sex", _("{field}: phải là Nam hoặc Nữ (đã nhập \"{value}\")").format(
            field=field_label("sex"), value=_line(raw_sex)))
    clean["sex"] = sex

    birth = None
    raw_birth = data.get("birth")
    if _blank(raw_birth):
        findings.error("birth", required_message("birth"))
    else:
        try:
            birth = parse_birth(raw_birth.strip() if isinstance(raw_birth, str) else raw_birth, today)
        except ValueError as exc:
            findings.error("birth", reworded(field_label("birth"), str(exc)))
    clean["birth_year"] = birth.year if birth else None
    clean["birth_date"] = birth.date if birth else None

    clean["ethnicity"] = None
    raw_ethnicity = data.get("ethnicity")
    if not _blank(raw_ethnicity):
        found = find_ethnicity(raw_ethnicity)
        if found is None:
            findings.error("ethnicity", _("{field}: \"{value}\" không có trong danh mục 54 dân tộc").format(
                field=field_label("ethnicity"), value=_line(raw_ethnicity)))
        else:
            clean["ethnicity"] = found[1]

    cccd, cccd_findings = check_cccd(data.get("cccd"), birth_year=birth, sex=sex, field="cccd")
    findings.extend(cccd_findings)
    clean["cccd"] = cccd or None
    if cccd and not any(p.is_error for p in cccd_findings.problems):
        _check_cccd_free(findings, cccd, resident_id)

    cccd_note = _line(data.get("cccd_note"))
    _length(findings, "cccd_note", cccd_note, MAX_LENGTHS["cccd_note"])
    clean["cccd_note"] = cccd_note or None
    if not cccd and not cccd_note:
        findings.warning("cccd", _("{field}: chưa nhập; hãy ghi lý do vào \"{note}\" (ví dụ \"chưa có\", "
                                   "\"đang làm thủ tục\")").format(field=field_label("cccd"),
                                                                     note=field_label("cccd_note")))

    for name in ("address", "province", "commune", "admission_decision", "room"):
        value = _line(data.get(name))
        if name in MAX_LENGTHS:
            _length(findings, name, value, MAX_LENGTHS[name])
        clean[name] = value or None
    clean["notes"] = _multiline(data.get("notes")) or None

    category = _choice(findings, data, "category", vocab.CATEGORIES, required=True)
    clean["category"] = category
    merit = _choice(findings, data, "merit_type", vocab.MERIT_TYPES, required=False)
    clean["merit_type"] = merit
    if merit and category and category != "NCC":
        findings.warning("merit_type", _("{field}: chỉ dùng cho nhóm Người có công với cách mạng (NCC); "
                                         "nhóm đã chọn là {category}").format(
            field=field_label("merit_type"), category=vocab.label(vocab.CATEGORIES, category)))

    kind = _choice(findings, data, "disability_type", vocab.DISABILITY_TYPES, required=False)
    severity = _choice(findings, data, "disability_severity", vocab.DISABILITY_SEVERITIES, required=False)
    if kind and severity is None and _blank(data.get("disability_severity")):
        findings.error("disability_severity", _("{field}: bắt buộc khi có dạng khuyết tật").format(
            field=field_label("disability_severity")))
    if severity and kind is None and _blank(data.get("disability_type")):
        findings.error("disability_type", _("{field}: chưa chọn nhưng đã nhập mức độ khuyết tật").format(
            field=field_label("disability_type")))
    clean["disability_type"] = kind
    clean["disability_severity"] = severity

    clean["admission_date"] = _admission_date(findings, data.get("admission_date"), birth, today)
    return clean, findings


def _admission_date(findings: Findings, raw, birth: BirthDate | None, today: date) -> date | None:
    label = field_label("admission_date")
    if _blank(raw):
        findings.error("admission_date", required_message("admission_date"))
        return None
    try:
        admitted = parse_date(raw)
    except ValueError as exc:
        findings.error("admission_date", reworded(label, str(exc)))
        return None
    if admitted > today:
        findings.error("admission_date", _("{field}: không được ở tương lai ({date})").format(
            field=label, date=format_date(admitted)))
    if birth is not None and (admitted < birth.date if birth.date else admitted.year < birth.year):
        findings.error("admission_date", _("{field}: không được trước ngày sinh ({birth})").format(
            field=label, birth=birth.display))
    return admitted


_HOLDER_FIELDS = (Resident.id, Resident.code, Resident.full_name, Resident.deleted)


def _holders(column, value: str, resident_id: int | None) -> list[SimpleNamespace]:
    """The (at most one) other resident whose ``column`` holds ``value``. Run for every row of an
    import, so the statement's text is built once (db.prepared)."""
    def query(*params):
        where = column == params[0]
        if resident_id is not None:
            where = where & (Resident.id != params[1])
        return Resident.select(*_HOLDER_FIELDS).where(where).limit(params[-1])

    params = (value, 1) if resident_id is None else (value, resident_id, 1)
    key = f"resident_forms.holders.{column.name}.{'other' if resident_id is not None else 'any'}"
    names = [f.name for f in _HOLDER_FIELDS]
    return [SimpleNamespace(**dict(zip(names, row, strict=True)))
            for row in prepared.rows(key, _HOLDER_FIELDS, query, *params)]


def _check_code_free(findings: Findings, code: str, resident_id: int | None) -> None:
    """Codes are unique ignoring case (they are stored in capitals); the code of a record deleted by
    mistake stays reserved."""
    holders = _holders(Resident.code, code.upper(), resident_id)
    if not holders:
        return
    other = holders[0]
    label = field_label("code")
    if other.deleted:
        findings.error("code", _("{field}: {code} đã dùng cho một hồ sơ đã xóa do nhập nhầm và không dùng lại "
                                 "được; hãy chọn mã khác").format(field=label, code=other.code))
    else:
        findings.error("code", _("{field}: đã thuộc đối tượng {other}").format(
            field=label, other=holder_description(other)))


def _check_cccd_free(findings: Findings, cccd: str, resident_id: int | None) -> None:
    holders = _holders(Resident.cccd, cccd, resident_id)
    if holders:
        findings.error("cccd", _("Số CCCD đã thuộc đối tượng {other}").format(other=holder_description(holders[0])))


# --- contacts -----------------------------------------------------------------------------------

def _as_dict(data) -> dict:
    return dataclasses.asdict(data) if dataclasses.is_dataclass(data) else dict(data)


def contact_is_blank(data) -> bool:
    values = _as_dict(data)
    return values.get("id") is None and all(
        _blank(values.get(k)) for k in CONTACT_KEYS if k != "is_guardian")


def validate_contact(data: dict, index: int) -> tuple[dict, Findings]:
    """Clean Contact-column values (plus ``id``, None for a new one) and findings named
    ``contacts[index].<key>``."""
    values = _as_dict(data)
    findings = Findings()
    prefix = f"contacts[{index}]."

    def label(key: str) -> str:
        return _("Người liên hệ {n}, {field}").format(n=index + 1, field=_(CONTACT_LABELS[key]))

    clean: dict = {"id": None}
    raw_id = values.get("id")
    if not _blank(raw_id):
        try:
            clean["id"] = int(raw_id)
        except (TypeError, ValueError, OverflowError):
            clean["id"] = None
    full_name = _line(values.get("full_name"))
    if not full_name:
        findings.error(prefix + "full_name", _("{field}: không được để trống.").format(field=label("full_name")))
    clean["full_name"] = full_name
    relationship = _line(values.get("relationship"))
    for key, value in (("full_name", full_name), ("relationship", relationship)):
        _length(findings, prefix + key, value, CONTACT_MAX_LENGTHS[key], label(key))
    clean["relationship"] = relationship or None
    phone, phone_findings = check_phone(values.get("phone"), prefix + "phone")
    for problem in phone_findings.problems:
        findings.error(problem.field, reworded(label("phone"), problem.message))
    clean["phone"] = phone or None
    clean["address"] = _line(values.get("address")) or None
    guardian = values.get("is_guardian")
    clean["is_guardian"] = guardian if isinstance(guardian, bool) else normalize(guardian).lower() in _TRUE
    clean["notes"] = _multiline(values.get("notes")) or None
    return clean, findings
