"""Staff: profiles, the list, practising certificates and their alerts, counts for the return.

Reads need "staff.view", writes "staff.edit"; deleting a profile entered by mistake is for the
administrator only, and refused once the person has training or rehabilitation records (set a
leave date instead). Every write validates everything at once, saves in one transaction with an
audit entry (old -> new values) and returns a plain ``StaffRow``. Updates carry the version the
user opened; a stale one raises Conflict and overwrites nothing.

Rules that other parts of caremgr reuse (RETURN.md, the dashboard):

- *employed on a day d*: start date ≤ d, and no leave date or a leave date after d
  (``employed_on``, a peewee expression; the leave date itself is the first day away);
- *practising certificate* of a licensed position (``vocab.LICENSED_POSITIONS``): "missing" without
  a number or an expiry date, "expired" when the expiry is before d, "expiring" when it is between d
  and d + 90 days (both inclusive: on its last day a certificate is still valid but expiring),
  "valid" after that; other positions are "not_required". A certificate is *valid on d* when it is
  "valid" or "expiring" (``licence_valid_on``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import IntegrityError

from caremgr import audit, vocab
from caremgr.auth import Actor, require
from caremgr.dates import age_on, format_date, parse_date
from caremgr.errors import Conflict, Findings, NotFound, ValidationError
from caremgr.i18n import N_, _
from caremgr.phones import check_phone
from caremgr.resident_search import name_words_match
from caremgr.text import name_sort_key, normalize, search_key
from db.connection import write_transaction
from db.models import Assessment, RehabIntervention, RehabPlan, RehabSession, Staff, TrainingAttendance

VIEW = "staff.view"
EDIT = "staff.edit"
DELETE = "staff.delete"  # granted to no role but the administrator's "*"
ENTITY = "staff"

LICENCE_WARNING_DAYS = 90
MIN_AGE, MAX_AGE = 16, 80  # age on the start date

LICENCE_STATUSES: vocab.Vocab = [
    ("not_required", N_("Không yêu cầu")),
    ("missing", N_("Chưa có chứng chỉ")),
    ("valid", N_("Còn hạn")),
    ("expiring", N_("Sắp hết hạn")),
    ("expired", N_("Đã hết hạn")),
]
STATUS_FILTERS: vocab.Vocab = [
    ("employed", N_("Đang làm việc")),
    ("left", N_("Đã nghỉ việc")),
    ("all", N_("Tất cả")),
]

FIELD_LABELS: dict[str, str] = {
    "code": N_("Mã nhân viên"),
    "full_name": N_("Họ và tên"),
    "sex": N_("Giới tính"),
    "birth_date": N_("Ngày sinh"),
    "position": N_("Chức danh"),
    "qualification": N_("Trình độ chuyên môn"),
    "contract_type": N_("Loại hợp đồng"),
    "start_date": N_("Ngày vào làm"),
    "leave_date": N_("Ngày nghỉ việc"),
    "licence_no": N_("Số chứng chỉ hành nghề"),
    "licence_expiry": N_("Chứng chỉ hành nghề có giá trị đến"),
    "phone": N_("Điện thoại"),
    "notes": N_("Ghi chú"),
}
FORM_KEYS = tuple(FIELD_LABELS)
MAX_LENGTHS = {"code": 20, "full_name": 120, "qualification": 120, "licence_no": 40}


def field_label(key: str) -> str:
    return _(FIELD_LABELS[key]) if key in FIELD_LABELS else key


# --- rules shared with the return and the dashboard ----------------------------------------------

def employed_on(on: date):
    """Peewee expression: the staff member is employed on ``on`` (RETURN.md staff.total)."""
    return (Staff.start_date <= on) & (Staff.leave_date.is_null() | (Staff.leave_date > on))


def licence_valid_on(on: date):
    """Peewee expression: a licensed position whose certificate (number and expiry) is valid on ``on``."""
    return (Staff.position.in_(vocab.LICENSED_POSITIONS) & Staff.licence_no.is_null(False)
            & (Staff.licence_no != "") & (Staff.licence_expiry >= on))


def is_employed(start_date: date | None, leave_date: date | None, on: date) -> bool:
    """The same rule as ``employed_on``, in Python."""
    return start_date is not None and start_date <= on and (leave_date is None or leave_date > on)


def licence_status(position: str | None, licence_no: str | None, licence_expiry: date | None, on: date) -> str:
    """"not_required", "missing", "valid", "expiring" or "expired" on ``on`` (see the module's text)."""
    if position not in vocab.LICENSED_POSITIONS:
        return "not_required"
    if not licence_no or licence_expiry is None:
        return "missing"
    if licence_expiry < on:
        return "expired"
    if licence_expiry <= on + timedelta(days=LICENCE_WARNING_DAYS):
        return "expiring"
    return "valid"


def licensed_count(on: date | None = None) -> int:
    """RETURN.md ``staff.licensed``: doctors, assistant doctors, nurses and rehab technicians
    employed on ``on`` whose practising certificate is valid on ``on``."""
    on = on or date.today()
    return Staff.select().where(employed_on(on) & licence_valid_on(on)).count()


def medical_count(on: date | None = None) -> int:
    """RETURN.md ``staff.medical``: the four licensed positions, employed on ``on``."""
    on = on or date.today()
    return Staff.select().where(employed_on(on) & Staff.position.in_(vocab.LICENSED_POSITIONS)).count()


# --- rows ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffRow:
    id: int
    version: int
    code: str
    full_name: str
    sex: str | None
    sex_label: str
    birth_date: date | None
    position: str
    position_label: str
    qualification: str | None
    contract_type: str | None
    contract_label: str
    start_date: date
    leave_date: date | None
    licence_no: str | None
    licence_expiry: date | None
    licence_status: str
    licence_label: str
    phone: str | None
    notes: str | None
    employed: bool

    def form_values(self) -> dict[str, str]:
        """FORM_KEYS -> strings for the widgets: dates dd/mm/yyyy, codes for choices."""
        values = {key: getattr(self, key) for key in FORM_KEYS}
        return {key: format_date(v) if isinstance(v, date) else ("" if v is None else str(v))
                for key, v in values.items()}


@dataclass
class StaffFilter:
    text: str = ""  # name words (prefixes, no diacritics needed), code prefix, certificate number
    position: str | None = None  # a vocab.STAFF_POSITIONS code
    status: str = "employed"  # "employed" | "left" | "all", on the day
    licence: str | None = None  # one of the LICENCE_STATUSES codes, on the day


def _row(staff: Staff, on: date) -> StaffRow:
    status = licence_status(staff.position, staff.licence_no, staff.licence_expiry, on)
    return StaffRow(
        id=staff.id, version=staff.version, code=staff.code, full_name=staff.full_name, sex=staff.sex,
        sex_label=vocab.label(vocab.SEXES, staff.sex), birth_date=staff.birth_date, position=staff.position,
        position_label=vocab.label(vocab.STAFF_POSITIONS, staff.position), qualification=staff.qualification,
        contract_type=staff.contract_type, contract_label=vocab.label(vocab.CONTRACT_TYPES, staff.contract_type),
        start_date=staff.start_date, leave_date=staff.leave_date, licence_no=staff.licence_no,
        licence_expiry=staff.licence_expiry, licence_status=status,
        licence_label=vocab.label(LICENCE_STATUSES, status), phone=staff.phone, notes=staff.notes,
        employed=is_employed(staff.start_date, staff.leave_date, on),
    )


# --- reading ---------------------------------------------------------------------------------------

def _load(staff_id: int) -> Staff:
    staff = Staff.get_or_none(Staff.id == staff_id)
    if staff is None:
        raise NotFound(_("Không tìm thấy nhân viên (số hiệu {id}).").format(id=staff_id))
    return staff


def get(actor: Actor, staff_id: int) -> StaffRow:
    require(actor, VIEW)
    return _row(_load(staff_id), date.today())


def get_by_code(actor: Actor, code: str) -> StaffRow:
    """The staff member with this code (codes are stored in capitals: any case finds it)."""
    require(actor, VIEW)
    code = normalize(code).upper()
    staff = Staff.get_or_none(Staff.code == code)
    if staff is None:
        raise NotFound(_("Không tìm thấy nhân viên có mã {code}.").format(code=code))
    return _row(staff, date.today())


def _compact(text: str | None) -> str:
    return "".join(ch for ch in (text or "").casefold() if ch.isalnum())


def _text_matches(staff: Staff, raw: str) -> bool:
    if staff.code.startswith(raw.upper()):
        return True
    compact = _compact(raw)
    if compact and compact in _compact(staff.licence_no):
        return True
    key = search_key(raw)
    return bool(key) and name_words_match(key.split(), staff.search_name)


def search(actor: Actor, flt: StaffFilter | None = None, on: date | None = None) -> list[StaffRow]:
    """Staff matching the filter, in Vietnamese name order (given name, middle, family, birth).

    The text matches the words of the name as prefixes in order without diacritics ("nguyen t h"
    finds "Nguyễn Thị Hồng"), the start of the code, or any part of the certificate number.
    """
    require(actor, VIEW)
    flt = flt or StaffFilter()
    on = on or date.today()
    if flt.status not in ("employed", "left", "all"):
        raise ValidationError(_("Bộ lọc tình trạng không hợp lệ: {value}.").format(value=flt.status), "status")
    query = Staff.select()
    if flt.status == "employed":
        query = query.where(employed_on(on))
    elif flt.status == "left":
        query = query.where(~employed_on(on))
    if flt.position:
        query = query.where(Staff.position == flt.position)
    rows = []
    raw = normalize(flt.text)[:100]
    for staff in query.order_by(Staff.sort_key, Staff.code):
        if raw and not _text_matches(staff, raw):
            continue
        row = _row(staff, on)
        if flt.licence and row.licence_status != flt.licence:
            continue
        rows.append(row)
    return rows


def licence_alerts(actor: Actor, on: date | None = None) -> list[StaffRow]:
    """Employed staff whose certificate is expired or expires within 90 days of ``on`` (inclusive):
    expired first, then by expiry date. The dashboard's two counts are the sizes of these groups."""
    require(actor, VIEW)
    return licence_alert_rows(on)


def licence_alert_rows(on: date | None = None) -> list[StaffRow]:
    """``licence_alerts`` without the permission check, for the dashboard's counts."""
    on = on or date.today()
    query = Staff.select().where(employed_on(on) & Staff.position.in_(vocab.LICENSED_POSITIONS)
                                 & Staff.licence_expiry.is_null(False)
                                 & (Staff.licence_expiry <= on + timedelta(days=LICENCE_WARNING_DAYS)))
    rows = [r for r in (_row(s, on) for s in query) if r.licence_status in ("expired", "expiring")]
    rows.sort(key=lambda r: (r.licence_status != "expired", r.licence_expiry, r.full_name, r.id))
    return rows


def choices(actor: Actor, on: date | None = None) -> list[tuple[int, str]]:
    """Staff employed on ``on`` as (id, "Họ tên — Chức danh"), in Vietnamese name order."""
    require(actor, VIEW)
    on = on or date.today()
    query = Staff.select(Staff.id, Staff.full_name, Staff.position).where(employed_on(on)).order_by(
        Staff.sort_key, Staff.code)
    return [(s.id, f"{s.full_name} — {vocab.label(vocab.STAFF_POSITIONS, s.position)}") for s in query]


def position_counts(actor: Actor, on: date | None = None) -> dict[str, int]:
    """Staff employed on ``on`` by position code; every code of vocab.STAFF_POSITIONS, zeros included."""
    require(actor, VIEW)
    on = on or date.today()
    counts = {code: 0 for code, _label in vocab.STAFF_POSITIONS}
    for position, in Staff.select(Staff.position).where(employed_on(on)).tuples():
        counts[position] = counts.get(position, 0) + 1
    return counts


# --- validation ------------------------------------------------------------------------------------

def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _required(findings: Findings, key: str) -> None:
    findings.error(key, _("{field}: không được để trống.").format(field=field_label(key)))


def _length(findings: Findings, key: str, value: str) -> None:
    limit = MAX_LENGTHS[key]
    if len(value) > limit:
        findings.error(key, _("{field}: tối đa {limit} ký tự (đã nhập {n})").format(
            field=field_label(key), limit=limit, n=len(value)))


def _line(findings: Findings, data: Mapping, key: str) -> str | None:
    text = normalize(data.get(key))
    if key in MAX_LENGTHS:
        _length(findings, key, text)
    return text or None


def _multiline(value) -> str | None:
    if value is None:
        return None
    text = "\n".join(normalize(line) for line in str(value).splitlines()).strip()
    return text or None


def _date(findings: Findings, data: Mapping, key: str) -> date | None:
    raw = data.get(key)
    if _blank(raw):
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        message = str(exc)
        findings.error(key, f"{field_label(key)}: {message[:1].lower()}{message[1:]}")
        return None


def _choice(findings: Findings, data: Mapping, key: str, choices: vocab.Vocab) -> str | None:
    raw = data.get(key)
    if _blank(raw):
        return None
    code = vocab.match(choices, raw)
    if code is None:
        findings.error(key, _("{field}: \"{value}\" không có trong danh mục ({choices})").format(
            field=field_label(key), value=normalize(raw), choices=", ".join(_(text) for _c, text in choices)))
    return code


def _code_holder(code: str, staff_id: int | None) -> Staff | None:
    query = Staff.select(Staff.id, Staff.code, Staff.full_name).where(Staff.code == code)
    if staff_id is not None:
        query = query.where(Staff.id != staff_id)
    return query.first()


def validate(data: Mapping, *, staff_id: int | None = None, today: date | None = None) -> tuple[dict, Findings]:
    """Checks a staff profile as typed; returns the column values to store and the findings.

    Keys (FORM_KEYS): code (required, ≤ 20 characters, unique ignoring case, stored in capitals),
    full_name (required), sex, birth_date (dd/mm/yyyy; age 16–80 on the start date), position
    (required, code or label), qualification, contract_type, start_date (required, not in the
    future), leave_date (not before the start), licence_no, licence_expiry, phone, notes. A licensed
    position without a certificate number and expiry is a warning, not an error.
    """
    today = today or date.today()
    findings = Findings()
    clean: dict = {}

    code = normalize(data.get("code")).upper()
    if not code:
        _required(findings, "code")
    else:
        _length(findings, "code", code)
        holder = _code_holder(code, staff_id)
        if holder is not None:
            findings.error("code", _("{field}: {code} đã thuộc nhân viên {name}.").format(
                field=field_label("code"), code=code, name=holder.full_name))
    clean["code"] = code

    full_name = normalize(data.get("full_name"))
    if not full_name:
        _required(findings, "full_name")
    else:
        _length(findings, "full_name", full_name)
    clean["full_name"] = full_name

    raw_sex = data.get("sex")
    sex = None if _blank(raw_sex) else vocab.match(vocab.SEXES, raw_sex)
    if not _blank(raw_sex) and sex is None:
        findings.error("sex", _("{field}: phải là Nam hoặc Nữ (đã nhập \"{value}\")").format(
            field=field_label("sex"), value=normalize(raw_sex)))
    clean["sex"] = sex

    birth = _date(findings, data, "birth_date")
    if birth is not None and birth > today:
        findings.error("birth_date", _("{field}: không được ở tương lai ({date})").format(
            field=field_label("birth_date"), date=format_date(birth)))
    clean["birth_date"] = birth

    if _blank(data.get("position")):
        _required(findings, "position")
        position = None
    else:
        position = _choice(findings, data, "position", vocab.STAFF_POSITIONS)
    clean["position"] = position
    clean["qualification"] = _line(findings, data, "qualification")
    clean["contract_type"] = _choice(findings, data, "contract_type", vocab.CONTRACT_TYPES)

    start = None
    if _blank(data.get("start_date")):
        _required(findings, "start_date")
    else:
        start = _date(findings, data, "start_date")
        if start is not None and start > today:
            findings.error("start_date", _("{field}: không được ở tương lai ({date})").format(
                field=field_label("start_date"), date=format_date(start)))
    clean["start_date"] = start
    if birth is not None and start is not None and birth <= today:
        age = age_on(birth, start)
        if not MIN_AGE <= age <= MAX_AGE:
            findings.error("birth_date", _("{field}: người vào làm ngày {start} phải từ {low} đến {high} tuổi "
                                           "(tính ra {age} tuổi).").format(
                field=field_label("birth_date"), start=format_date(start), low=MIN_AGE, high=MAX_AGE, age=age))

    leave = _date(findings, data, "leave_date")
    if leave is not None and start is not None and leave < start:
        findings.error("leave_date", _("{field}: không được trước ngày vào làm ({date}).").format(
            field=field_label("leave_date"), date=format_date(start)))
    clean["leave_date"] = leave

    clean["licence_no"] = _line(findings, data, "licence_no")
    clean["licence_expiry"] = _date(findings, data, "licence_expiry")
    if position in vocab.LICENSED_POSITIONS:
        position_label = vocab.label(vocab.STAFF_POSITIONS, position)
        if not clean["licence_no"]:
            findings.warning("licence_no", _("{field}: chức danh {position} cần chứng chỉ hành nghề; chưa nhập "
                                             "số chứng chỉ.").format(field=field_label("licence_no"),
                                                                     position=position_label))
        if clean["licence_expiry"] is None and _blank(data.get("licence_expiry")):
            findings.warning("licence_expiry", _("{field}: chức danh {position} cần chứng chỉ hành nghề; chưa "
                                                 "nhập ngày hết hạn.").format(field=field_label("licence_expiry"),
                                                                             position=position_label))
        elif clean["licence_expiry"] is not None and clean["licence_expiry"] < today and leave is None:
            findings.warning("licence_expiry", _("{field}: chứng chỉ đã hết hạn ({date}).").format(
                field=field_label("licence_expiry"), date=format_date(clean["licence_expiry"])))

    phone, phone_findings = check_phone(data.get("phone"), "phone")
    for problem in phone_findings.errors:
        message = problem.message
        findings.error("phone", f"{field_label('phone')}: {message[:1].lower()}{message[1:]}")
    clean["phone"] = phone or None
    clean["notes"] = _multiline(data.get("notes"))
    return clean, findings


def _derived(clean: dict) -> dict:
    return {"search_name": search_key(clean["full_name"]),
            "sort_key": name_sort_key(clean["full_name"], clean["birth_date"])}


# --- writing ---------------------------------------------------------------------------------------

def _conflict(staff_id: int, mine: Mapping) -> Conflict:
    current = Staff.get_or_none(Staff.id == staff_id)
    return Conflict(_("Hồ sơ nhân viên đã được người khác sửa sau khi bạn mở; chưa có gì bị ghi đè. "
                      "Hãy tải lại để xem thay đổi."),
                    mine=dict(mine), theirs=_row(current, date.today()).form_values() if current else {})


def _integrity(data: Mapping, staff_id: int | None) -> ValidationError | None:
    """A unique index refused the row (another PC saved the same code a moment before)."""
    _clean, findings = validate(data, staff_id=staff_id)
    return ValidationError(findings.problems) if findings.errors else None


def create(actor: Actor, data: Mapping) -> StaffRow:
    """A new staff profile; audit "create" with all values."""
    require(actor, EDIT)
    try:
        with write_transaction():
            clean, findings = validate(data)
            findings.raise_if_errors()
            staff = Staff.create(**clean, **_derived(clean))
            audit.record(actor, "create", ENTITY, staff.id, summary=f"staff {staff.code} {staff.full_name}",
                         changes=audit.diff(None, audit.snapshot(staff)))
            return _row(staff, date.today())
    except IntegrityError:
        error = _integrity(data, None)
        if error is None:
            raise
        raise error from None


def _input(staff: Staff) -> dict:
    return {key: getattr(staff, key) for key in FORM_KEYS}


def update(actor: Actor, staff_id: int, data: Mapping, *, version: int) -> StaffRow:
    """Changes a profile opened at ``version``; ``data`` may hold only the fields that change."""
    require(actor, EDIT)
    try:
        with write_transaction():
            staff = _load(staff_id)
            if staff.version != version:
                raise _conflict(staff_id, data)
            clean, findings = validate({**_input(staff), **data}, staff_id=staff_id)
            findings.raise_if_errors()
            values = {**clean, **_derived(clean)}
            changed = {k: v for k, v in values.items() if getattr(staff, k) != v}
            if not changed:
                return _row(staff, date.today())
            before = audit.snapshot(staff)
            count = (Staff.update(**changed, version=Staff.version + 1,
                                  updated_at=datetime.now().replace(microsecond=0))
                     .where((Staff.id == staff_id) & (Staff.version == version)).execute())
            if count != 1:
                raise _conflict(staff_id, data)
            staff = Staff.get_by_id(staff_id)
            audit.record(actor, "update", ENTITY, staff.id, summary=f"staff {staff.code} {staff.full_name}",
                         changes=audit.diff(before, audit.snapshot(staff)))
            return _row(staff, date.today())
    except IntegrityError:
        error = _integrity({**_input(_load(staff_id)), **data}, staff_id)
        if error is None:
            raise
        raise error from None


def _links(staff_id: int) -> list[str]:
    """What else records this person (each a Vietnamese phrase), so a deletion would lose it."""
    found = []
    checks = [
        (TrainingAttendance.select().where(TrainingAttendance.staff == staff_id), N_("lượt tập huấn")),
        (RehabSession.select().where(RehabSession.staff == staff_id), N_("buổi tập phục hồi chức năng")),
        (RehabPlan.select().where(RehabPlan.responsible == staff_id), N_("kế hoạch phục hồi chức năng")),
        (RehabIntervention.select().where(RehabIntervention.responsible == staff_id),
         N_("can thiệp phục hồi chức năng")),
        (Assessment.select().where(Assessment.assessor == staff_id), N_("lần đánh giá")),
    ]
    for query, label in checks:
        n = query.count()
        if n:
            found.append(f"{n} {_(label)}")
    return found


def delete(actor: Actor, staff_id: int, *, version: int) -> None:
    """Removes a profile entered by mistake (administrator only; audited with its values). Refused
    when training or rehabilitation records name the person: someone who left gets a leave date."""
    require(actor, EDIT)
    require(actor, DELETE)
    with write_transaction():
        staff = _load(staff_id)
        if staff.version != version:
            raise _conflict(staff_id, {})
        links = _links(staff_id)
        if links:
            raise ValidationError(_("Không xóa được nhân viên {code} {name}: đã có {links} ghi tên người này. "
                                    "Nếu người này đã nghỉ, hãy ghi ngày nghỉ việc thay vì xóa.").format(
                code=staff.code, name=staff.full_name, links=", ".join(links)), "leave_date")
        before = audit.snapshot(staff)
        if Staff.delete().where((Staff.id == staff_id) & (Staff.version == version)).execute() != 1:
            raise _conflict(staff_id, {})
        audit.record(actor, "delete", ENTITY, staff_id,
                     summary=f"staff {staff.code} {staff.full_name} deleted (entered by mistake)",
                     changes=audit.diff(before, None))
