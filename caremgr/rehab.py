"""Rehabilitation (phục hồi chức năng): assessments, plans with goals and interventions, sessions,
attendance and reviews.

- **Assessments**: the Barthel index (ten item scores, total and dependency band computed by
  ``caremgr.barthel``) and a free functional note over the goal domains (``vocab.GOAL_DOMAINS``,
  stored as kind "functional" with ``items = {domain: text}`` and no total). Each is dated and
  names its assessor (a staff member, or a name typed freely).
- **Plans** per resident: start and review dates, responsible staff, status (draft, active,
  reviewed, closed, cancelled; one active plan per resident at a time), goals (domain, measurable
  statement, target date, status, achieved date) and interventions (kind, sessions per week,
  minutes per session, responsible staff). ``copy_plan`` starts the next plan from the old one.
- **Sessions** delivered, one at a time or a whole day for many residents at once
  (``day_sheet`` / ``record_day``), and **attendance** against the planned frequency.
- **Reviews**: ``plans_due_review`` lists active plans past their review date (the dashboard's
  "plans due for review" counts the same plans); ``review_plan`` records an outcome for every goal
  and a new Barthel assessment in one transaction.

Reads need "residents.view", writes "rehab.edit". Records of a resident who has died stay
readable but are refused for writing. Every write is audited with the resident's id; updates carry
the version the user opened and raise ``Conflict`` when someone saved in between.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

from caremgr import audit, barthel, vocab
from caremgr import staff as staff_rules
from caremgr.auth import Actor, require
from caremgr.dates import format_date, parse_date
from caremgr.errors import Conflict, Findings, NotFound, Problem, ValidationError
from caremgr.i18n import N_, _
from caremgr.residents_query import in_care_on
from caremgr.text import name_sort_key, normalize
from db.connection import write_transaction
from db.models import (
    Assessment,
    RehabGoal,
    RehabIntervention,
    RehabPlan,
    RehabSession,
    Resident,
    Staff,
)

VIEW = "residents.view"
EDIT = "rehab.edit"

BARTHEL = "barthel"
FUNCTIONAL = "functional"

PER_WEEK = (1, 14)
INTERVENTION_MINUTES = (5, 240)
SESSION_MINUTES = (1, 480)
DEFAULT_PER_WEEK = 1
DEFAULT_MINUTES = 30
DEFAULT_PLAN_DAYS = 90  # length of a copied plan when the old one had no review date
STATEMENT_MAX = 1000
NAME_MAX = 120

# Staff who usually deliver rehabilitation come first in the choice lists, in this order.
CLINICAL_POSITIONS = ("rehab_technician", "doctor", "assistant_doctor", "nurse")
CLOSING_STATUSES = ("closed", "cancelled")
NO_SESSION_STATUSES = ("draft", "cancelled")

LABELS = {
    "assessed_on": N_("Ngày đánh giá"),
    "assessor": N_("Người đánh giá"),
    "note": N_("Ghi chú"),
    "plan_id": N_("Kế hoạch"),
    "notes": N_("Nhận xét chức năng"),
    "start_date": N_("Ngày bắt đầu"),
    "review_date": N_("Ngày đánh giá lại"),
    "end_date": N_("Ngày kết thúc"),
    "responsible_id": N_("Người phụ trách"),
    "status": N_("Tình trạng"),
    "summary": N_("Nội dung kế hoạch"),
    "domain": N_("Lĩnh vực"),
    "statement": N_("Mục tiêu"),
    "target_date": N_("Thời hạn"),
    "achieved_date": N_("Ngày đạt"),
    "outcome_note": N_("Nhận xét kết quả"),
    "kind": N_("Loại can thiệp"),
    "description": N_("Nội dung"),
    "per_week": N_("Số buổi/tuần"),
    "minutes": N_("Số phút/buổi"),
    "resident_id": N_("Đối tượng"),
    "intervention_id": N_("Can thiệp"),
    "session_date": N_("Ngày thực hiện"),
    "session_minutes": N_("Số phút"),
    "staff_id": N_("Người thực hiện"),
    "reviewed_on": N_("Ngày đánh giá kế hoạch"),
    "next_review_date": N_("Ngày đánh giá lại tiếp theo"),
    "barthel": N_("Chỉ số Barthel"),
}


def _label(key: str) -> str:
    return _(LABELS[key])


# --- rows ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AssessmentRow:
    id: int
    version: int
    resident_id: int
    plan_id: int | None
    kind: str  # "barthel" | "functional"
    assessed_on: date
    items: dict  # barthel: {item: score}; functional: {domain: text}
    total: int | None
    band: str | None
    band_label: str
    assessor_id: int | None
    assessor_name: str
    note: str | None


@dataclass(frozen=True)
class GoalRow:
    id: int
    version: int
    plan_id: int
    domain: str
    domain_label: str
    statement: str
    target_date: date | None
    status: str
    status_label: str
    achieved_date: date | None
    outcome_note: str | None


@dataclass(frozen=True)
class InterventionRow:
    id: int
    version: int
    plan_id: int
    kind: str
    kind_label: str
    description: str | None
    per_week: int
    minutes: int
    responsible_id: int | None
    responsible_name: str


@dataclass(frozen=True)
class PlanRow:
    id: int
    version: int
    resident_id: int
    resident_code: str
    resident_name: str
    start_date: date
    review_date: date | None
    end_date: date | None
    responsible_id: int | None
    responsible_name: str
    status: str
    status_label: str
    summary: str | None
    previous_id: int | None
    goals: tuple[GoalRow, ...]
    interventions: tuple[InterventionRow, ...]
    review_overdue: bool  # active and review_date before the day (today unless said otherwise)


@dataclass(frozen=True)
class SessionRow:
    id: int
    version: int
    resident_id: int
    plan_id: int | None
    intervention_id: int | None
    kind_label: str
    session_date: date
    minutes: int
    staff_id: int | None
    staff_name: str
    note: str | None


@dataclass(frozen=True)
class AttendanceRow:
    intervention_id: int
    kind_label: str
    per_week: int
    planned: int
    delivered: int
    minutes: int
    pct: float


@dataclass(frozen=True)
class DaySheetRow:
    resident_id: int
    resident_code: str
    resident_name: str
    plan_id: int
    intervention_id: int
    kind_label: str
    description: str | None
    minutes: int
    responsible_id: int | None
    responsible_name: str
    recorded: int


# --- parsing helpers -----------------------------------------------------------------------------

def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _named(label: str, message: str) -> str:
    """ "Ngày bắt đầu" + "Ngày không hợp lệ: 31/02" -> "Ngày bắt đầu: ngày không hợp lệ: 31/02"."""
    return f"{label}: {message[:1].lower()}{message[1:]}"


def _required(findings: Findings, key: str, label: str) -> None:
    findings.error(key, _("{field}: không được để trống.").format(field=label))


def _day_value(findings: Findings, data: Mapping, key: str, label: str, *, required: bool,
               today: date | None = None) -> date | None:
    """A date as typed; ``today`` given: not after it."""
    raw = data.get(key)
    if _blank(raw):
        if required:
            _required(findings, key, label)
        return None
    try:
        day = parse_date(raw)
    except ValueError as exc:
        findings.error(key, _named(label, str(exc)))
        return None
    if today is not None and day > today:
        findings.error(key, _("{field}: không được sau ngày hôm nay.").format(field=label))
        return None
    return day


def _int_value(findings: Findings, data: Mapping, key: str, label: str, low: int, high: int, *,
               default: int | None = None) -> int | None:
    raw = data.get(key)
    if _blank(raw):
        if default is None:
            _required(findings, key, label)
        return default
    number: float | None
    if isinstance(raw, bool):
        number = None
    elif isinstance(raw, int | float):
        number = float(raw) if isinstance(raw, float) or abs(raw) < 10**300 else math.inf
    else:
        try:
            number = float(normalize(raw).replace(",", "."))
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        findings.error(key, _("{field}: phải là một số.").format(field=label))
        return None
    if not number.is_integer():
        findings.error(key, _("{field}: phải là số nguyên.").format(field=label))
        return None
    if not low <= number <= high:
        findings.error(key, _("{field}: phải từ {low} đến {high}.").format(field=label, low=low, high=high))
        return None
    return int(number)


def _id_value(raw) -> int | None:
    """A record id from an int or digits; None for blank or anything else."""
    if isinstance(raw, bool) or _blank(raw):
        return None
    if isinstance(raw, int):
        number = raw
    else:
        text = str(raw).strip()
        number = int(text) if text.isdecimal() and len(text) < 20 else None
    return number if number is not None and 0 < number < 2**63 else None  # beyond: no such row


def _note(data: Mapping, key: str) -> str | None:
    """Free text with its line breaks kept; each line tidied; None when empty."""
    raw = data.get(key)
    if raw is None:
        return None
    lines = [normalize(line) for line in str(raw).splitlines()]
    text = "\n".join(lines).strip()
    return text or None


def _code(findings: Findings, data: Mapping, key: str, label: str, vocabulary: vocab.Vocab, *,
          default: str | None = None) -> str | None:
    raw = data.get(key)
    if _blank(raw):
        if default is None:
            _required(findings, key, label)
        return default
    if raw in vocab.codes(vocabulary):
        return raw
    code = vocab.match(vocabulary, raw)
    if code is None:
        findings.error(key, _("{field}: giá trị không hợp lệ ({value}).").format(field=label, value=normalize(raw)))
    return code


def _as_day(on, *, field: str = "on") -> date:
    if on is None:
        return date.today()
    try:
        return parse_date(on)
    except ValueError as exc:
        raise ValidationError(str(exc), field) from None


def _short(text: str, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- records -------------------------------------------------------------------------------------

def _resident(resident_id) -> Resident:
    rid = _id_value(resident_id)
    resident = None
    if rid is not None:
        resident = Resident.get_or_none((Resident.id == rid) & (Resident.deleted == False))  # noqa: E712
    if resident is None:
        raise NotFound(_("Không tìm thấy hồ sơ đối tượng."))
    return resident


def _writable(resident: Resident) -> Resident:
    if resident.status == "deceased":
        raise ValidationError(_("Hồ sơ người đã mất chỉ được xem."))
    return resident


def _plan(plan_id) -> RehabPlan:
    pid = _id_value(plan_id)
    plan = RehabPlan.get_or_none(RehabPlan.id == pid) if pid is not None else None
    if plan is None:
        raise NotFound(_("Không tìm thấy kế hoạch phục hồi chức năng (có thể đã bị xóa)."))
    return plan


def _record(model, record_id):
    rid = _id_value(record_id)
    row = model.get_or_none(model.id == rid) if rid is not None else None
    if row is None:
        raise NotFound(_("Không tìm thấy bản ghi (có thể đã bị xóa)."))
    return row


def _birth_basis(resident: Resident) -> date:
    return resident.birth_date or date(resident.birth_year, 1, 1)


def _staff_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(Staff.select(Staff.id, Staff.full_name).where(Staff.id.in_(wanted)).tuples())


def _employed(staff: Staff, on: date) -> bool:
    return staff.start_date <= on and (staff.leave_date is None or staff.leave_date > on)


def _staff_value(findings: Findings, data: Mapping, key: str, label: str) -> Staff | None:
    raw = data.get(key)
    if _blank(raw):
        return None
    sid = _id_value(raw)
    staff = Staff.get_or_none(Staff.id == sid) if sid is not None else None
    if staff is None:
        findings.error(key, _("{field}: không tìm thấy nhân viên này.").format(field=label))
    return staff


def _check_working(findings: Findings, key: str, label: str, staff: Staff | None, on: date | None) -> None:
    """The staff member worked at the centre on ``on``."""
    if staff is None or on is None:
        return
    if staff.start_date > on:
        findings.error(key, _("{field}: {name} bắt đầu làm việc từ {date}.").format(
            field=label, name=staff.full_name, date=format_date(staff.start_date)))
    elif staff.leave_date is not None and staff.leave_date <= on:
        findings.error(key, _("{field}: {name} đã nghỉ việc từ {date}.").format(
            field=label, name=staff.full_name, date=format_date(staff.leave_date)))


def _check_not_left(findings: Findings, key: str, label: str, staff: Staff | None, on: date | None) -> None:
    """The staff member had not left by ``on`` (a plan's start: they may join later)."""
    if staff is not None and on is not None and staff.leave_date is not None and staff.leave_date <= on:
        findings.error(key, _("{field}: {name} đã nghỉ việc từ {date}.").format(
            field=label, name=staff.full_name, date=format_date(staff.leave_date)))


def _not_before_stay(findings: Findings, key: str, label: str, day: date | None, resident: Resident) -> None:
    if day is None:
        return
    if day < _birth_basis(resident):
        findings.error(key, _("{field}: không được trước ngày sinh của đối tượng.").format(field=label))
    elif day < resident.admission_date:
        findings.error(key, _("{field}: không được trước ngày tiếp nhận ({date}).").format(
            field=label, date=format_date(resident.admission_date)))


# --- audited writes ------------------------------------------------------------------------------

def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _conflict(model, row_id: int, mine: Mapping) -> Conflict:
    current = model.get_or_none(model.id == row_id)
    return Conflict(_("Bản ghi đã được người khác sửa sau khi bạn mở; chưa có gì bị ghi đè. "
                      "Hãy tải lại để xem thay đổi."),
                    mine=dict(mine), theirs=audit.snapshot(current) if current else {})


def _create(actor: Actor, model, values: dict, entity: str, resident_id: int, summary: str):
    row = model.create(**values)
    audit.record(actor, "create", entity, row.id, resident_id=resident_id, summary=summary,
                 changes=audit.diff(None, audit.snapshot(row)))
    return row


def _update(actor: Actor, model, row, values: dict, version: int | None, entity: str, resident_id: int,
            summary: str, *, action: str = "update"):
    """Saves the changed fields (model field names) if the row still has ``version``."""
    if version is not None and row.version != version:
        raise _conflict(model, row.id, values)
    changed = {k: v for k, v in values.items() if row.__data__.get(k) != v}
    if not changed:
        return row
    before = audit.snapshot(row)
    expected = row.version
    count = (model.update(**changed, version=model.version + 1, updated_at=_now())
             .where((model.id == row.id) & (model.version == expected)).execute())
    if count != 1:
        raise _conflict(model, row.id, values)
    row = model.get_by_id(row.id)
    audit.record(actor, action, entity, row.id, resident_id=resident_id, summary=summary,
                 changes=audit.diff(before, audit.snapshot(row)))
    return row


def _delete(actor: Actor, model, row, version: int | None, entity: str, resident_id: int, summary: str) -> None:
    if version is not None and row.version != version:
        raise _conflict(model, row.id, {})
    before = audit.snapshot(row)
    query = model.delete().where(model.id == row.id)
    if version is not None:
        query = query.where(model.version == version)
    if query.execute() != 1:
        raise _conflict(model, row.id, {})
    audit.record(actor, "delete", entity, row.id, resident_id=resident_id, summary=summary,
                 changes=audit.diff(before, None))


# --- staff ---------------------------------------------------------------------------------------

def staff_choices(actor: Actor, on=None) -> list[tuple[int, str]]:
    """Staff employed on ``on`` (default today) as (id, "Họ tên — chức danh"): rehabilitation
    technicians, then doctors (and assistant doctors), then nurses, then the others; each group in
    Vietnamese name order."""
    require(actor, VIEW)
    on = _as_day(on)
    # Plain tuples of the columns used: a large centre has thousands of staff, and full model rows
    # made this list most of the time it takes to open a profile.
    rows = list(Staff.select(Staff.id, Staff.full_name, Staff.position, Staff.sort_key, Staff.licence_no,
                             Staff.licence_expiry)
                .where((Staff.start_date <= on) & (Staff.leave_date.is_null() | (Staff.leave_date > on)))
                .tuples())
    tier = {position: n for n, position in enumerate(CLINICAL_POSITIONS)}
    rows.sort(key=lambda s: (tier.get(s[2], len(tier)), s[3] or name_sort_key(s[1]), s[0]))
    positions = {code: vocab.label(vocab.STAFF_POSITIONS, code) for code in {s[2] for s in rows}}
    expired_note = " " + _("(CCHN hết hạn)")
    out = []
    for staff_id, full_name, position, _sort, licence_no, licence_expiry in rows:
        label = f"{full_name} — {positions[position]}"
        # a session delivered under an expired practising certificate is a finding at inspection: say so
        if staff_rules.licence_status(position, licence_no, licence_expiry, on) == "expired":
            label += expired_note
        out.append((staff_id, label))
    return out


# --- assessments ---------------------------------------------------------------------------------

def _assessment_row(a: Assessment, names: Mapping[int, str]) -> AssessmentRow:
    stored = dict(a.items or {})
    order = barthel.KEYS if a.kind == BARTHEL else vocab.codes(vocab.GOAL_DOMAINS)
    items = {k: stored[k] for k in order if k in stored}
    items.update((k, v) for k, v in stored.items() if k not in items)
    total = a.total
    band_code, band_label = None, ""
    if a.kind == BARTHEL:
        if total is None and items:
            total = sum(v for v in items.values() if isinstance(v, int))
        if total is not None and 0 <= total <= barthel.MAXIMUM:
            band_code, band_label = barthel.band(total)
    name = a.assessor_name or names.get(a.assessor_id, "")
    return AssessmentRow(
        id=a.id, version=a.version, resident_id=a.resident_id, plan_id=a.plan_id, kind=a.kind,
        assessed_on=a.assessed_on, items=items, total=total, band=band_code, band_label=band_label,
        assessor_id=a.assessor_id, assessor_name=name, note=a.note)


def _assessor(findings: Findings, data: Mapping, day: date | None, prefix: str = "") -> tuple[int | None, str | None]:
    """(staff id, name) from ``assessor_id`` or a typed ``assessor_name``; one of them is required."""
    label = _label("assessor")
    staff = _staff_value(findings, data, "assessor_id", label)
    if staff is not None:
        _check_working(findings, "assessor_id", label, staff, day)
        return staff.id, staff.full_name
    if not _blank(data.get("assessor_id")):
        return None, None  # an unknown id: already reported
    name = normalize(data.get("assessor_name"))
    if not name:
        findings.error("assessor_name", _("{field}: chọn nhân viên hoặc ghi họ tên người đánh giá.").format(
            field=label))
        return None, None
    if len(name) > NAME_MAX:
        findings.error("assessor_name", _("{field}: dài quá {n} ký tự.").format(field=label, n=NAME_MAX))
        return None, None
    return None, name


def _assessment_plan(findings: Findings, data: Mapping, resident: Resident) -> int | None:
    raw = data.get("plan_id")
    if _blank(raw):
        return None
    pid = _id_value(raw)
    plan = RehabPlan.get_or_none(RehabPlan.id == pid) if pid is not None else None
    if plan is None or plan.resident_id != resident.id:
        findings.error("plan_id", _("{field}: không phải kế hoạch của đối tượng {code}.").format(
            field=_label("plan_id"), code=resident.code))
        return None
    return plan.id


def _validate_barthel(data: Mapping, resident: Resident, today: date) -> tuple[dict, Findings]:
    findings = Findings()
    day = _day_value(findings, data, "assessed_on", _label("assessed_on"), required=True, today=today)
    _not_before_stay(findings, "assessed_on", _label("assessed_on"), day, resident)
    items, item_findings = barthel.validate_items(data.get("items") or {})
    findings.extend(item_findings)
    assessor_id, assessor_name = _assessor(findings, data, day)
    values = {
        "resident": resident.id, "plan": _assessment_plan(findings, data, resident), "kind": BARTHEL,
        "assessed_on": day, "items": items, "total": sum(items.values()),
        "assessor": assessor_id, "assessor_name": assessor_name, "note": _note(data, "note"),
    }
    return values, findings


def add_barthel(actor: Actor, resident_id: int, data: Mapping) -> AssessmentRow:
    """Records a Barthel assessment: ``assessed_on`` (not in the future, not before the birth or
    the admission), ``items`` {item: score} (all ten, allowed scores only), ``assessor_id`` or
    ``assessor_name``, ``note``, ``plan_id`` (optional, a plan of this resident)."""
    require(actor, EDIT)
    with write_transaction():
        resident = _writable(_resident(resident_id))
        values, findings = _validate_barthel(data, resident, date.today())
        findings.raise_if_errors()
        row = _create(actor, Assessment, values, "assessment", resident.id,
                      f"Barthel {values['total']} on {values['assessed_on'].isoformat()} of resident {resident.code}")
    return _assessment_row(row, {})


def add_functional(actor: Actor, resident_id: int, data: Mapping) -> AssessmentRow:
    """Records a functional assessment note: ``assessed_on``, ``notes`` {domain: text} over the
    goal domains (at least one written), ``assessor_id`` or ``assessor_name``, ``note``, ``plan_id``."""
    require(actor, EDIT)
    with write_transaction():
        resident = _writable(_resident(resident_id))
        findings = Findings()
        label = _label("assessed_on")
        day = _day_value(findings, data, "assessed_on", label, required=True, today=date.today())
        _not_before_stay(findings, "assessed_on", label, day, resident)
        raw = data.get("notes") or {}
        if not isinstance(raw, Mapping):
            raw = {}
        known = vocab.codes(vocab.GOAL_DOMAINS)
        notes = {}
        for key in raw:
            if key not in known:
                findings.error(f"notes.{key}", _("{field}: lĩnh vực không hợp lệ ({value}).").format(
                    field=_label("notes"), value=key))
        for code in known:
            text = _note(raw, code)
            if text:
                notes[code] = text
        if not notes:
            findings.error("notes", _("{field}: cần ghi nhận xét cho ít nhất một lĩnh vực.").format(
                field=_label("notes")))
        assessor_id, assessor_name = _assessor(findings, data, day)
        plan_id = _assessment_plan(findings, data, resident)
        findings.raise_if_errors()
        row = _create(actor, Assessment, {
            "resident": resident.id, "plan": plan_id, "kind": FUNCTIONAL, "assessed_on": day, "items": notes,
            "total": None, "assessor": assessor_id, "assessor_name": assessor_name, "note": _note(data, "note"),
        }, "assessment", resident.id, f"functional assessment on {day.isoformat()} of resident {resident.code}")
    return _assessment_row(row, {})


def list_assessments(actor: Actor, resident_id: int, kind: str | None = None) -> list[AssessmentRow]:
    """The resident's assessments (of one ``kind`` if given), newest first."""
    require(actor, VIEW)
    resident = _resident(resident_id)
    query = Assessment.select().where(Assessment.resident == resident.id)
    if kind:
        query = query.where(Assessment.kind == kind)
    rows = list(query.order_by(Assessment.assessed_on.desc(), Assessment.id.desc()))
    names = _staff_names(a.assessor_id for a in rows)
    return [_assessment_row(a, names) for a in rows]


def barthel_series(actor: Actor, resident_id: int) -> list[tuple[date, int]]:
    """(date, total) of every Barthel assessment of the resident, oldest first (the trend)."""
    rows = [r for r in list_assessments(actor, resident_id, BARTHEL) if r.total is not None]
    return [(r.assessed_on, r.total) for r in reversed(rows)]


def delete_assessment(actor: Actor, assessment_id: int, *, version: int | None = None) -> None:
    """Deletes an assessment entered by mistake (audited with its values)."""
    require(actor, EDIT)
    with write_transaction():
        row = _record(Assessment, assessment_id)
        resident = _writable(_resident(row.resident_id))
        _delete(actor, Assessment, row, version, "assessment", resident.id,
                f"{row.kind} assessment {row.assessed_on.isoformat()} of resident {resident.code} deleted")


# --- plans ---------------------------------------------------------------------------------------

def _goal_row(g: RehabGoal) -> GoalRow:
    return GoalRow(id=g.id, version=g.version, plan_id=g.plan_id, domain=g.domain,
                   domain_label=vocab.label(vocab.GOAL_DOMAINS, g.domain), statement=g.statement,
                   target_date=g.target_date, status=g.status,
                   status_label=vocab.label(vocab.GOAL_STATUSES, g.status), achieved_date=g.achieved_date,
                   outcome_note=g.outcome_note)


def _intervention_row(i: RehabIntervention, names: Mapping[int, str]) -> InterventionRow:
    return InterventionRow(id=i.id, version=i.version, plan_id=i.plan_id, kind=i.kind,
                           kind_label=vocab.label(vocab.INTERVENTION_TYPES, i.kind), description=i.description,
                           per_week=i.per_week, minutes=i.minutes, responsible_id=i.responsible_id,
                           responsible_name=names.get(i.responsible_id, ""))


def _plan_rows(plans: list[RehabPlan], today: date | None = None) -> list[PlanRow]:
    """Rows of many plans with their goals and interventions, in the order given."""
    today = today or date.today()
    if not plans:
        return []
    ids = [p.id for p in plans]
    goals: dict[int, list[RehabGoal]] = defaultdict(list)
    for g in RehabGoal.select().where(RehabGoal.plan.in_(ids)).order_by(RehabGoal.id):
        goals[g.plan_id].append(g)
    interventions: dict[int, list[RehabIntervention]] = defaultdict(list)
    for i in RehabIntervention.select().where(RehabIntervention.plan.in_(ids)).order_by(RehabIntervention.id):
        interventions[i.plan_id].append(i)
    residents = {r.id: r for r in Resident.select(Resident.id, Resident.code, Resident.full_name)
                 .where(Resident.id.in_({p.resident_id for p in plans}))}
    names = _staff_names([p.responsible_id for p in plans]
                         + [i.responsible_id for rows in interventions.values() for i in rows])
    out = []
    for p in plans:
        resident = residents.get(p.resident_id)
        out.append(PlanRow(
            id=p.id, version=p.version, resident_id=p.resident_id,
            resident_code=resident.code if resident else "", resident_name=resident.full_name if resident else "",
            start_date=p.start_date, review_date=p.review_date, end_date=p.end_date,
            responsible_id=p.responsible_id, responsible_name=names.get(p.responsible_id, ""),
            status=p.status, status_label=vocab.label(vocab.PLAN_STATUSES, p.status), summary=p.summary,
            previous_id=p.previous_id, goals=tuple(_goal_row(g) for g in goals[p.id]),
            interventions=tuple(_intervention_row(i, names) for i in interventions[p.id]),
            review_overdue=p.status == "active" and p.review_date is not None and p.review_date < today,
        ))
    return out


def _plan_row(plan_id: int) -> PlanRow:
    return _plan_rows([RehabPlan.get_by_id(plan_id)])[0]


def _visible_plan(plan_id) -> RehabPlan:
    plan = _plan(plan_id)
    _resident(plan.resident_id)  # a resident deleted by mistake hides their plans too
    return plan


def list_plans(actor: Actor, resident_id: int) -> list[PlanRow]:
    """The resident's plans, newest first (by start date)."""
    require(actor, VIEW)
    resident = _resident(resident_id)
    plans = list(RehabPlan.select().where(RehabPlan.resident == resident.id)
                 .order_by(RehabPlan.start_date.desc(), RehabPlan.id.desc()))
    return _plan_rows(plans)


def get_plan(actor: Actor, plan_id: int) -> PlanRow:
    require(actor, VIEW)
    return _plan_row(_visible_plan(plan_id).id)


def current_plan(actor: Actor, resident_id: int) -> PlanRow | None:
    """The resident's active plan; without one, the latest plan that was not cancelled; else None."""
    plans = list_plans(actor, resident_id)
    for row in plans:
        if row.status == "active":
            return row
    return next((row for row in plans if row.status != "cancelled"), None)


def _other_active(resident_id: int, exclude: int | None) -> RehabPlan | None:
    query = RehabPlan.select().where((RehabPlan.resident == resident_id) & (RehabPlan.status == "active"))
    if exclude is not None:
        query = query.where(RehabPlan.id != exclude)
    return query.order_by(RehabPlan.start_date.desc()).first()


def _one_active(findings: Findings, resident: Resident, exclude: int | None) -> None:
    other = _other_active(resident.id, exclude)
    if other is not None:
        findings.error("status", _("Đối tượng {code} đã có kế hoạch đang thực hiện (bắt đầu {date}): hãy kết thúc "
                                   "hoặc đánh giá kế hoạch đó trước khi thực hiện kế hoạch mới.").format(
            code=resident.code, date=format_date(other.start_date)))


def _validate_plan(data: Mapping, resident: Resident, *, stored_responsible: int | None = None
                   ) -> tuple[dict, Findings]:
    """Checks plan dates, responsible staff and summary (status is handled by the callers)."""
    findings = Findings()
    start = _day_value(findings, data, "start_date", _label("start_date"), required=True)
    _not_before_stay(findings, "start_date", _label("start_date"), start, resident)
    review = _day_value(findings, data, "review_date", _label("review_date"), required=True)
    if start and review and review <= start:
        findings.error("review_date", _("{field}: phải sau ngày bắt đầu ({date}).").format(
            field=_label("review_date"), date=format_date(start)))
    end = _day_value(findings, data, "end_date", _label("end_date"), required=False)
    if start and end and end < start:
        findings.error("end_date", _("{field}: không được trước ngày bắt đầu ({date}).").format(
            field=_label("end_date"), date=format_date(start)))
    staff = _staff_value(findings, data, "responsible_id", _label("responsible_id"))
    if staff is not None and staff.id != stored_responsible:
        _check_not_left(findings, "responsible_id", _label("responsible_id"), staff, start)
    values = {"start_date": start, "review_date": review, "end_date": end,
              "responsible": staff.id if staff else None, "summary": _note(data, "summary")}
    return values, findings


def create_plan(actor: Actor, resident_id: int, data: Mapping) -> PlanRow:
    """A new plan: ``start_date`` and ``review_date`` (after the start) required, ``responsible_id``,
    ``status`` "draft" (default) or "active" (only one active plan per resident), ``summary``."""
    require(actor, EDIT)
    with write_transaction():
        resident = _writable(_resident(resident_id))
        values, findings = _validate_plan({**data, "end_date": None}, resident)
        status = _code(findings, data, "status", _label("status"), vocab.PLAN_STATUSES, default="draft")
        if status not in (None, "draft", "active"):
            findings.error("status", _("{field}: kế hoạch mới chỉ có thể là nháp hoặc đang thực hiện.").format(
                field=_label("status")))
        if status == "active":
            _one_active(findings, resident, None)
        findings.raise_if_errors()
        row = _create(actor, RehabPlan, {**values, "resident": resident.id, "status": status}, "rehab_plan",
                      resident.id, f"rehab plan from {values['start_date'].isoformat()} of resident {resident.code}")
    return _plan_row(row.id)


def _status_values(findings: Findings, plan: RehabPlan, resident: Resident, status: str, on: date,
                   start: date | None, end: date | None) -> dict:
    """The fields a change of status sets: closing or cancelling ends the plan on ``on`` (when it has
    no end date yet); activating checks the one-active rule and reopens it."""
    values: dict = {"status": status}
    if status == "active":
        _one_active(findings, resident, plan.id)
    if status in ("draft", "active"):
        values["end_date"] = None
    elif status in CLOSING_STATUSES and end is None:
        if start is not None and on < start:
            if status == "closed":
                findings.error("end_date", _("{field}: không được trước ngày bắt đầu ({date}).").format(
                    field=_label("end_date"), date=format_date(start)))
            on = start  # a plan cancelled before it started ends on its first day
        values["end_date"] = on
    return values


def _plan_input(plan: RehabPlan) -> dict:
    return {"start_date": plan.start_date, "review_date": plan.review_date, "end_date": plan.end_date,
            "responsible_id": plan.responsible_id, "summary": plan.summary}


def update_plan(actor: Actor, plan_id: int, data: Mapping, *, version: int) -> PlanRow:
    """Changes a plan; ``data`` may hold only the fields that change (start_date, review_date,
    end_date, responsible_id, summary, status — a status change follows ``set_status``'s rules)."""
    require(actor, EDIT)
    with write_transaction():
        plan = _visible_plan(plan_id)
        resident = _writable(_resident(plan.resident_id))
        if plan.version != version:
            raise _conflict(RehabPlan, plan.id, data)
        merged = _plan_input(plan)
        merged.update({k: v for k, v in data.items() if k in merged})
        values, findings = _validate_plan(merged, resident, stored_responsible=plan.responsible_id)
        if "status" in data and not _blank(data.get("status")):
            status = _code(findings, data, "status", _label("status"), vocab.PLAN_STATUSES)
            if status and status != plan.status:
                values.update(_status_values(findings, plan, resident, status, date.today(),
                                             values["start_date"], values["end_date"]))
        findings.raise_if_errors()
        _update(actor, RehabPlan, plan, values, version, "rehab_plan", resident.id,
                f"rehab plan {plan.id} of resident {resident.code}")
    return _plan_row(plan.id)


def set_status(actor: Actor, plan_id: int, status: str, *, version: int, on=None) -> PlanRow:
    """Moves a plan to ``status``. Closing or cancelling sets the end date to ``on`` (default today)
    when it has none; activating checks that the resident has no other active plan."""
    require(actor, EDIT)
    day = _as_day(on)
    with write_transaction():
        plan = _visible_plan(plan_id)
        resident = _writable(_resident(plan.resident_id))
        if plan.version != version:
            raise _conflict(RehabPlan, plan.id, {"status": status})
        findings = Findings()
        code = _code(findings, {"status": status}, "status", _label("status"), vocab.PLAN_STATUSES)
        if code is not None and code != plan.status:
            values = _status_values(findings, plan, resident, code, day, plan.start_date, plan.end_date)
        else:
            values = {}
        findings.raise_if_errors()
        _update(actor, RehabPlan, plan, values, version, "rehab_plan", resident.id,
                f"rehab plan {plan.id} of resident {resident.code}: {plan.status} -> {code}")
    return _plan_row(plan.id)


# --- goals ---------------------------------------------------------------------------------------

def _validate_goal(data: Mapping, plan: RehabPlan, today: date) -> tuple[dict, Findings]:
    findings = Findings()
    domain = _code(findings, data, "domain", _label("domain"), vocab.GOAL_DOMAINS)
    statement = _note(data, "statement")
    if statement is None:
        _required(findings, "statement", _label("statement"))
    elif len(statement) > STATEMENT_MAX:
        findings.error("statement", _("{field}: dài quá {n} ký tự.").format(field=_label("statement"), n=STATEMENT_MAX))
    target = _day_value(findings, data, "target_date", _label("target_date"), required=False)
    if target and target < plan.start_date:
        findings.error("target_date", _("{field}: không được trước ngày bắt đầu kế hoạch ({date}).").format(
            field=_label("target_date"), date=format_date(plan.start_date)))
    status = _code(findings, data, "status", _label("status"), vocab.GOAL_STATUSES, default="open")
    achieved = _day_value(findings, data, "achieved_date", _label("achieved_date"), required=False, today=today)
    if status == "achieved" and achieved is None and not any(p.field == "achieved_date" for p in findings.errors):
        findings.error("achieved_date", _("{field}: cần ghi ngày đạt khi mục tiêu đã đạt.").format(
            field=_label("achieved_date")))
    if achieved is not None and status not in ("achieved", "partly", None):
        findings.error("achieved_date", _("{field}: chỉ ghi khi mục tiêu đạt hoặc đạt một phần.").format(
            field=_label("achieved_date")))
    if achieved is not None and achieved < plan.start_date:
        findings.error("achieved_date", _("{field}: không được trước ngày bắt đầu kế hoạch ({date}).").format(
            field=_label("achieved_date"), date=format_date(plan.start_date)))
    values = {"domain": domain, "statement": statement, "target_date": target, "status": status,
              "achieved_date": achieved, "outcome_note": _note(data, "outcome_note")}
    return values, findings


def _goal_input(goal: RehabGoal) -> dict:
    return {k: getattr(goal, k) for k in ("domain", "statement", "target_date", "status", "achieved_date",
                                         "outcome_note")}


def add_goal(actor: Actor, plan_id: int, data: Mapping) -> GoalRow:
    """A goal of a plan: ``domain`` (GOAL_DOMAINS), ``statement`` (required, measurable),
    ``target_date``, ``status`` (GOAL_STATUSES, default "open"), ``achieved_date`` (required when
    achieved, allowed when partly achieved, refused otherwise), ``outcome_note``."""
    require(actor, EDIT)
    with write_transaction():
        plan = _visible_plan(plan_id)
        resident = _writable(_resident(plan.resident_id))
        values, findings = _validate_goal(data, plan, date.today())
        findings.raise_if_errors()
        row = _create(actor, RehabGoal, {**values, "plan": plan.id}, "rehab_goal", resident.id,
                      f"goal ({values['domain']}) of rehab plan {plan.id} of resident {resident.code}")
    return _goal_row(row)


def update_goal(actor: Actor, goal_id: int, data: Mapping, *, version: int) -> GoalRow:
    """Changes a goal; ``data`` may hold only the fields that change."""
    require(actor, EDIT)
    with write_transaction():
        goal = _record(RehabGoal, goal_id)
        plan = _visible_plan(goal.plan_id)
        resident = _writable(_resident(plan.resident_id))
        if goal.version != version:
            raise _conflict(RehabGoal, goal.id, data)
        merged = _goal_input(goal)
        merged.update({k: v for k, v in data.items() if k in merged})
        if "status" in data and "achieved_date" not in data and merged.get("status") not in ("achieved", "partly"):
            merged["achieved_date"] = None  # back to open / not achieved: the old date goes
        values, findings = _validate_goal(merged, plan, date.today())
        findings.raise_if_errors()
        goal = _update(actor, RehabGoal, goal, values, version, "rehab_goal", resident.id,
                       f"goal {goal.id} of rehab plan {plan.id} of resident {resident.code}")
    return _goal_row(goal)


def delete_goal(actor: Actor, goal_id: int, *, version: int | None = None) -> None:
    require(actor, EDIT)
    with write_transaction():
        goal = _record(RehabGoal, goal_id)
        plan = _visible_plan(goal.plan_id)
        resident = _writable(_resident(plan.resident_id))
        _delete(actor, RehabGoal, goal, version, "rehab_goal", resident.id,
                f"goal {goal.id} of rehab plan {plan.id} of resident {resident.code} deleted")


# --- interventions -------------------------------------------------------------------------------

def _validate_intervention(data: Mapping, plan: RehabPlan, *, stored_responsible: int | None = None
                           ) -> tuple[dict, Findings]:
    findings = Findings()
    kind = _code(findings, data, "kind", _label("kind"), vocab.INTERVENTION_TYPES)
    per_week = _int_value(findings, data, "per_week", _label("per_week"), *PER_WEEK, default=DEFAULT_PER_WEEK)
    minutes = _int_value(findings, data, "minutes", _label("minutes"), *INTERVENTION_MINUTES,
                         default=DEFAULT_MINUTES)
    staff = _staff_value(findings, data, "responsible_id", _label("responsible_id"))
    if staff is not None and staff.id != stored_responsible:
        _check_not_left(findings, "responsible_id", _label("responsible_id"), staff, plan.start_date)
    values = {"kind": kind, "description": _note(data, "description"), "per_week": per_week, "minutes": minutes,
              "responsible": staff.id if staff else None}
    return values, findings


def add_intervention(actor: Actor, plan_id: int, data: Mapping) -> InterventionRow:
    """An intervention of a plan: ``kind`` (INTERVENTION_TYPES, required), ``description``,
    ``per_week`` (1–14, default 1), ``minutes`` per session (5–240, default 30), ``responsible_id``."""
    require(actor, EDIT)
    with write_transaction():
        plan = _visible_plan(plan_id)
        resident = _writable(_resident(plan.resident_id))
        values, findings = _validate_intervention(data, plan)
        findings.raise_if_errors()
        row = _create(actor, RehabIntervention, {**values, "plan": plan.id}, "rehab_intervention", resident.id,
                      f"intervention ({values['kind']}) of rehab plan {plan.id} of resident {resident.code}")
    return _intervention_row(row, _staff_names([row.responsible_id]))


def update_intervention(actor: Actor, intervention_id: int, data: Mapping, *, version: int) -> InterventionRow:
    """Changes an intervention; ``data`` may hold only the fields that change."""
    require(actor, EDIT)
    with write_transaction():
        item = _record(RehabIntervention, intervention_id)
        plan = _visible_plan(item.plan_id)
        resident = _writable(_resident(plan.resident_id))
        if item.version != version:
            raise _conflict(RehabIntervention, item.id, data)
        merged = {"kind": item.kind, "description": item.description, "per_week": item.per_week,
                  "minutes": item.minutes, "responsible_id": item.responsible_id}
        merged.update({k: v for k, v in data.items() if k in merged})
        values, findings = _validate_intervention(merged, plan, stored_responsible=item.responsible_id)
        findings.raise_if_errors()
        item = _update(actor, RehabIntervention, item, values, version, "rehab_intervention", resident.id,
                       f"intervention {item.id} of rehab plan {plan.id} of resident {resident.code}")
    return _intervention_row(item, _staff_names([item.responsible_id]))


def delete_intervention(actor: Actor, intervention_id: int, *, version: int | None = None) -> None:
    """Deletes an intervention; its sessions stay (delivered care is history) without it."""
    require(actor, EDIT)
    with write_transaction():
        item = _record(RehabIntervention, intervention_id)
        plan = _visible_plan(item.plan_id)
        resident = _writable(_resident(plan.resident_id))
        _delete(actor, RehabIntervention, item, version, "rehab_intervention", resident.id,
                f"intervention {item.id} of rehab plan {plan.id} of resident {resident.code} deleted")


# --- copy and review -----------------------------------------------------------------------------

def copy_plan(actor: Actor, plan_id: int, *, start_date=None) -> PlanRow:
    """The next plan, as a draft started from ``plan``: it starts on ``start_date`` (default the day
    after the old plan's review date, or today when it has none) and lasts as long as the old one
    (start to review date; 90 days when unknown). Goals not achieved are copied as open goals (their
    target dates keep their distance from the start); every intervention is copied. Staff who have
    left by the new start are not carried over."""
    require(actor, EDIT)
    with write_transaction():
        old = _visible_plan(plan_id)
        resident = _writable(_resident(old.resident_id))
        findings = Findings()
        if _blank(start_date):
            start = old.review_date + timedelta(days=1) if old.review_date else date.today()
        else:
            start = _day_value(findings, {"start_date": start_date}, "start_date", _label("start_date"),
                               required=True)
        _not_before_stay(findings, "start_date", _label("start_date"), start, resident)
        findings.raise_if_errors()
        length = (old.review_date - old.start_date).days if old.review_date and old.review_date > old.start_date \
            else DEFAULT_PLAN_DAYS
        staff = {s.id: s for s in Staff.select().where(
            Staff.id.in_(({old.responsible_id} | {i.responsible_id for i in old.interventions}) - {None}))}

        def still_here(staff_id: int | None) -> int | None:
            member = staff.get(staff_id)
            return staff_id if member is not None and (member.leave_date is None or member.leave_date > start) \
                else None

        new = _create(actor, RehabPlan, {
            "resident": resident.id, "start_date": start, "review_date": start + timedelta(days=length),
            "end_date": None, "responsible": still_here(old.responsible_id), "status": "draft",
            "summary": old.summary, "previous": old.id,
        }, "rehab_plan", resident.id, f"rehab plan from {start.isoformat()} of resident {resident.code}, "
                                      f"copied from plan {old.id}")
        for goal in old.goals.order_by(RehabGoal.id):
            if goal.status == "achieved":
                continue
            target = start + (goal.target_date - old.start_date) if goal.target_date else None
            if target is not None and target < start:
                target = None
            _create(actor, RehabGoal, {
                "plan": new.id, "domain": goal.domain, "statement": goal.statement, "target_date": target,
                "status": "open", "achieved_date": None, "outcome_note": None,
            }, "rehab_goal", resident.id, f"goal ({goal.domain}) of rehab plan {new.id} copied from goal {goal.id}")
        for item in old.interventions.order_by(RehabIntervention.id):
            _create(actor, RehabIntervention, {
                "plan": new.id, "kind": item.kind, "description": item.description, "per_week": item.per_week,
                "minutes": item.minutes, "responsible": still_here(item.responsible_id),
            }, "rehab_intervention", resident.id,
                f"intervention ({item.kind}) of rehab plan {new.id} copied from intervention {item.id}")
    return _plan_row(new.id)


def _prefixed(findings: Findings, problems: Iterable[Problem], field_prefix: str, message_prefix: str) -> None:
    for p in problems:
        field_name = f"{field_prefix}.{p.field}" if p.field else field_prefix
        findings.problems.append(Problem(field_name, f"{message_prefix}{p.message}", p.severity))


def review_plan(actor: Actor, plan_id: int, data: Mapping, *, version: int) -> PlanRow:
    """Reviews an active plan, all in one transaction (nothing is written if anything is wrong).

    ``data``: ``reviewed_on`` (required, not in the future, not before the start); ``outcomes``
    {goal_id: {status, achieved_date, outcome_note}} — afterwards no goal may still be "open" (a goal
    already achieved may be left out); an achieved goal without a date is dated ``reviewed_on``;
    ``barthel`` {items, assessor_id or assessor_name, note} (required: a new Barthel assessment
    dated ``reviewed_on`` and linked to the plan); ``summary`` (optional, appended to the plan's
    with the review date); ``next_review_date`` (optional: the plan stays active until then;
    without it the plan becomes "reviewed" and ends on ``reviewed_on``).
    Problems name their field: ``outcomes.<goal id>.<key>``, ``barthel.<item>``, ``barthel``.
    """
    require(actor, EDIT)
    today = date.today()
    with write_transaction():
        plan = _visible_plan(plan_id)
        resident = _writable(_resident(plan.resident_id))
        if plan.version != version:
            raise _conflict(RehabPlan, plan.id, data)
        if plan.status != "active":
            raise ValidationError(_("Chỉ đánh giá được kế hoạch đang thực hiện (kế hoạch này: {status}).").format(
                status=vocab.label(vocab.PLAN_STATUSES, plan.status).lower()), "status")
        findings = Findings()
        reviewed = _day_value(findings, data, "reviewed_on", _label("reviewed_on"), required=True, today=today)
        if reviewed is not None and reviewed < plan.start_date:
            findings.error("reviewed_on", _("{field}: không được trước ngày bắt đầu kế hoạch ({date}).").format(
                field=_label("reviewed_on"), date=format_date(plan.start_date)))

        goals = list(plan.goals.order_by(RehabGoal.id))
        raw_outcomes = data.get("outcomes") or {}
        outcomes: dict[int, Mapping] = {}
        for key, value in (raw_outcomes.items() if isinstance(raw_outcomes, Mapping) else ()):
            gid = _id_value(key)
            if gid is None or gid not in {g.id for g in goals}:
                findings.error(f"outcomes.{key}", _("Kết quả mục tiêu: mục tiêu {id} không thuộc kế hoạch này.").format(
                    id=key))
                continue
            outcomes[gid] = value if isinstance(value, Mapping) else {"status": value}
        goal_values: list[tuple[RehabGoal, dict]] = []
        for number, goal in enumerate(goals, start=1):
            merged = _goal_input(goal)
            outcome = outcomes.get(goal.id, {})
            merged.update({k: v for k, v in outcome.items() if k in ("status", "achieved_date", "outcome_note")})
            if "status" in outcome and "achieved_date" not in outcome and merged.get("status") not in (
                    "achieved", "partly"):
                merged["achieved_date"] = None
            if merged.get("status") == "achieved" and _blank(merged.get("achieved_date")) and reviewed is not None:
                merged["achieved_date"] = reviewed
            values, goal_findings = _validate_goal(merged, plan, today)
            prefix = _("Mục tiêu {n} ({statement}): ").format(n=number, statement=_short(goal.statement, 40))
            _prefixed(findings, goal_findings.problems, f"outcomes.{goal.id}", prefix)
            if values["status"] == "open":
                findings.error(f"outcomes.{goal.id}.status", prefix + _(
                    "cần ghi kết quả đánh giá (đạt, đạt một phần, không đạt hoặc bỏ)."))
            goal_values.append((goal, values))

        assessment = None
        raw_barthel = data.get("barthel")
        if not isinstance(raw_barthel, Mapping) or not raw_barthel.get("items"):
            findings.error("barthel", _("{field}: cần đánh giá lại chỉ số Barthel khi đánh giá kế hoạch.").format(
                field=_label("barthel")))
        else:
            assessment, barthel_findings = _validate_barthel(
                {**raw_barthel, "assessed_on": reviewed or today, "plan_id": plan.id}, resident, today)
            problems = [p for p in barthel_findings.problems if p.field != "assessed_on"]  # reported above
            _prefixed(findings, problems, "barthel", "")

        next_review = _day_value(findings, data, "next_review_date", _label("next_review_date"), required=False)
        if next_review is not None and reviewed is not None and next_review <= reviewed:
            findings.error("next_review_date", _("{field}: phải sau ngày đánh giá kế hoạch ({date}).").format(
                field=_label("next_review_date"), date=format_date(reviewed)))
        findings.raise_if_errors()

        for goal, values in goal_values:
            _update(actor, RehabGoal, goal, values, None, "rehab_goal", resident.id,
                    f"goal {goal.id} of rehab plan {plan.id} reviewed on {reviewed.isoformat()}")
        _create(actor, Assessment, assessment, "assessment", resident.id,
                f"Barthel {assessment['total']} on {reviewed.isoformat()} of resident {resident.code} "
                f"(review of plan {plan.id})")
        plan_values: dict = {}
        text = _note(data, "summary")
        if text:
            line = f"Đánh giá ngày {format_date(reviewed)}: {text}"  # data: Vietnamese whatever the UI language
            plan_values["summary"] = f"{plan.summary}\n{line}" if plan.summary else line
        if next_review is not None:
            plan_values["review_date"] = next_review
        else:
            plan_values["status"] = "reviewed"
            if plan.end_date is None:
                plan_values["end_date"] = reviewed
        plan = RehabPlan.get_by_id(plan.id)
        # The plan's version moves even when only goals changed: the review is one change of the plan.
        before = audit.snapshot(plan)
        count = (RehabPlan.update(**plan_values, version=RehabPlan.version + 1, updated_at=_now())
                 .where((RehabPlan.id == plan.id) & (RehabPlan.version == version)).execute())
        if count != 1:
            raise _conflict(RehabPlan, plan.id, data)
        audit.record(actor, "review", "rehab_plan", plan.id, resident_id=resident.id,
                     summary=f"rehab plan {plan.id} of resident {resident.code} reviewed on {reviewed.isoformat()}",
                     changes=audit.diff(before, audit.snapshot(RehabPlan.get_by_id(plan.id))))
    return _plan_row(plan.id)


# --- sessions ------------------------------------------------------------------------------------

def _session_row(s: RehabSession, kinds: Mapping[int, str], names: Mapping[int, str]) -> SessionRow:
    return SessionRow(id=s.id, version=s.version, resident_id=s.resident_id, plan_id=s.plan_id,
                      intervention_id=s.intervention_id,
                      kind_label=vocab.label(vocab.INTERVENTION_TYPES, kinds.get(s.intervention_id)),
                      session_date=s.session_date, minutes=s.minutes, staff_id=s.staff_id,
                      staff_name=names.get(s.staff_id, ""), note=s.note)


def _session_rows(sessions: list[RehabSession]) -> list[SessionRow]:
    ids = {s.intervention_id for s in sessions if s.intervention_id}
    kinds = dict(RehabIntervention.select(RehabIntervention.id, RehabIntervention.kind)
                 .where(RehabIntervention.id.in_(ids)).tuples()) if ids else {}
    names = _staff_names(s.staff_id for s in sessions)
    return [_session_row(s, kinds, names) for s in sessions]


def _validate_session(data: Mapping, resident: Resident, today: date) -> tuple[dict, Findings]:
    """A delivered session of ``resident``: the plan from ``intervention_id`` or ``plan_id``."""
    findings = Findings()
    item = plan = None
    if not _blank(data.get("intervention_id")):
        iid = _id_value(data.get("intervention_id"))
        item = RehabIntervention.get_or_none(RehabIntervention.id == iid) if iid is not None else None
        if item is None or item.plan.resident_id != resident.id:
            findings.error("intervention_id", _("{field}: không phải can thiệp trong kế hoạch của đối tượng "
                                                "{code}.").format(field=_label("intervention_id"), code=resident.code))
            item = None
        else:
            plan = item.plan
    elif not _blank(data.get("plan_id")):
        pid = _id_value(data.get("plan_id"))
        plan = RehabPlan.get_or_none(RehabPlan.id == pid) if pid is not None else None
        if plan is None or plan.resident_id != resident.id:
            findings.error("plan_id", _("{field}: không phải kế hoạch của đối tượng {code}.").format(
                field=_label("plan_id"), code=resident.code))
            plan = None
    else:
        findings.error("intervention_id", _("{field}: chọn can thiệp (hoặc kế hoạch) của buổi tập.").format(
            field=_label("intervention_id")))
    if plan is not None and plan.status in NO_SESSION_STATUSES:
        findings.error("plan_id", _("{field}: kế hoạch {status} — chưa ghi được buổi thực hiện.").format(
            field=_label("plan_id"), status=vocab.label(vocab.PLAN_STATUSES, plan.status).lower()))
    label = _label("session_date")
    day = _day_value(findings, data, "session_date", label, required=True, today=today)
    if day is not None and plan is not None:
        if day < plan.start_date:
            findings.error("session_date", _("{field}: không được trước ngày bắt đầu kế hoạch ({date}).").format(
                field=label, date=format_date(plan.start_date)))
        elif plan.end_date is not None and day > plan.end_date:
            findings.error("session_date", _("{field}: không được sau ngày kết thúc kế hoạch ({date}).").format(
                field=label, date=format_date(plan.end_date)))
    if day is not None:
        _not_before_stay(findings, "session_date", label, day, resident)
    default = item.minutes if item is not None and _blank(data.get("minutes")) else None
    minutes = _int_value(findings, data, "minutes", _label("session_minutes"), *SESSION_MINUTES, default=default)
    staff = _staff_value(findings, data, "staff_id", _label("staff_id"))
    _check_working(findings, "staff_id", _label("staff_id"), staff, day)
    values = {"resident": resident.id, "plan": plan.id if plan else None, "intervention": item.id if item else None,
              "session_date": day, "minutes": minutes, "staff": staff.id if staff else None,
              "note": _note(data, "note")}
    return values, findings


def _session_summary(values: dict, resident: Resident) -> str:
    return (f"rehab session {values['session_date'].isoformat()} ({values['minutes']} min) of resident "
            f"{resident.code}, plan {values['plan']}")


def add_session(actor: Actor, data: Mapping) -> SessionRow:
    """A delivered session: ``resident_id``, ``intervention_id`` (the plan is taken from it) or
    ``plan_id``, ``session_date`` (not in the future, within the plan), ``minutes`` (1–480; blank:
    the intervention's minutes), ``staff_id``, ``note``."""
    require(actor, EDIT)
    with write_transaction():
        resident = _writable(_resident(data.get("resident_id")))
        values, findings = _validate_session(data, resident, date.today())
        findings.raise_if_errors()
        row = _create(actor, RehabSession, values, "rehab_session", resident.id, _session_summary(values, resident))
    return _session_rows([row])[0]


def update_session(actor: Actor, session_id: int, data: Mapping, *, version: int) -> SessionRow:
    """Changes a session; ``data`` may hold only the fields that change (the resident stays)."""
    require(actor, EDIT)
    with write_transaction():
        row = _record(RehabSession, session_id)
        resident = _writable(_resident(row.resident_id))
        if row.version != version:
            raise _conflict(RehabSession, row.id, data)
        merged = {"intervention_id": row.intervention_id, "plan_id": row.plan_id, "session_date": row.session_date,
                  "minutes": row.minutes, "staff_id": row.staff_id, "note": row.note}
        if "intervention_id" in data:
            merged["plan_id"] = None
        merged.update({k: v for k, v in data.items() if k in merged})
        values, findings = _validate_session(merged, resident, date.today())
        findings.raise_if_errors()
        values.pop("resident")
        row = _update(actor, RehabSession, row, values, version, "rehab_session", resident.id,
                      _session_summary(values, resident))
    return _session_rows([row])[0]


def delete_session(actor: Actor, session_id: int, *, version: int | None = None) -> None:
    require(actor, EDIT)
    with write_transaction():
        row = _record(RehabSession, session_id)
        resident = _writable(_resident(row.resident_id))
        _delete(actor, RehabSession, row, version, "rehab_session", resident.id,
                f"rehab session {row.session_date.isoformat()} of resident {resident.code} deleted")


def list_sessions(actor: Actor, *, resident_id: int | None = None, plan_id: int | None = None,
                  on=None) -> list[SessionRow]:
    """Sessions of a resident, of a plan and/or of one day, newest first."""
    require(actor, VIEW)
    query = RehabSession.select().join(Resident).where(Resident.deleted == False)  # noqa: E712
    if resident_id is not None:
        query = query.where(RehabSession.resident == _resident(resident_id).id)
    if plan_id is not None:
        query = query.where(RehabSession.plan == _id_value(plan_id))
    if on is not None:
        query = query.where(RehabSession.session_date == _as_day(on))
    return _session_rows(list(query.order_by(RehabSession.session_date.desc(), RehabSession.id.desc())))


def _sheet_query(on: date):
    return (RehabIntervention.select(RehabIntervention, RehabPlan, Resident)
            .join(RehabPlan).join(Resident)
            .where(in_care_on(on) & (RehabPlan.status == "active") & (RehabPlan.start_date <= on)
                   & (RehabPlan.end_date.is_null() | (RehabPlan.end_date >= on))))


def day_sheet(actor: Actor, on) -> list[DaySheetRow]:
    """One row per intervention of every plan active on ``on`` of the residents in care that day,
    in Vietnamese name order, with how many sessions are already recorded that day for it."""
    require(actor, VIEW)
    on = _as_day(on)
    items = list(_sheet_query(on).order_by(Resident.sort_key, Resident.id, RehabPlan.id, RehabIntervention.id))
    recorded = dict(RehabSession.select(RehabSession.intervention, fn.COUNT(RehabSession.id))
                    .where((RehabSession.session_date == on) & RehabSession.intervention.is_null(False))
                    .group_by(RehabSession.intervention).tuples())
    names = _staff_names(i.responsible_id for i in items)
    return [DaySheetRow(
        resident_id=i.plan.resident.id, resident_code=i.plan.resident.code, resident_name=i.plan.resident.full_name,
        plan_id=i.plan.id, intervention_id=i.id, kind_label=vocab.label(vocab.INTERVENTION_TYPES, i.kind),
        description=i.description, minutes=i.minutes, responsible_id=i.responsible_id,
        responsible_name=names.get(i.responsible_id, ""), recorded=recorded.get(i.id, 0),
    ) for i in items]


def record_day(actor: Actor, on, entries: list[Mapping]) -> list[SessionRow]:
    """Records the sessions delivered on ``on`` for several residents at once, all or nothing.

    ``entries``: {resident_id, intervention_id, minutes, staff_id, note} each. If any entry is wrong
    nothing is written and the ValidationError's problems have fields ``"<index>.<key>"`` (index into
    ``entries``) and messages starting with the resident's code. Each session is audited.
    """
    require(actor, EDIT)
    today = date.today()
    day = _as_day(on)
    with write_transaction():
        findings = Findings()
        planned: list[tuple[Resident, dict]] = []
        for index, entry in enumerate(entries):
            try:
                resident = _resident(entry.get("resident_id"))
            except NotFound:
                findings.error(f"{index}.resident_id", _("Dòng {n}: không tìm thấy đối tượng.").format(n=index + 1))
                continue
            if resident.status == "deceased":
                findings.error(f"{index}.resident_id", _("{code}: hồ sơ người đã mất chỉ được xem.").format(
                    code=resident.code))
                continue
            if _blank(entry.get("intervention_id")):
                findings.error(f"{index}.intervention_id", _("{code}: {field}: chọn can thiệp của buổi tập.").format(
                    code=resident.code, field=_label("intervention_id")))
                continue
            values, entry_findings = _validate_session({**entry, "session_date": day, "plan_id": None}, resident,
                                                       today)
            _prefixed(findings, entry_findings.problems, str(index), f"{resident.code}: ")
            planned.append((resident, values))
        findings.raise_if_errors()
        rows = [_create(actor, RehabSession, values, "rehab_session", resident.id,
                        _session_summary(values, resident)) for resident, values in planned]
    return _session_rows(rows)


# --- attendance and reviews due ------------------------------------------------------------------

def planned_sessions(per_week: int, start: date, end: date | None, on: date) -> int:
    """per_week × whole weeks begun from ``start`` to min(on, end): ceil(days / 7) with both ends
    counted (the start day begins week one); 0 before the start."""
    last = min(on, end) if end is not None else on
    if last < start:
        return 0
    days = (last - start).days + 1
    return per_week * math.ceil(days / 7)


def attendance(actor: Actor, plan_id: int, on=None) -> list[AttendanceRow]:
    """Delivered sessions against the planned frequency, per intervention, up to ``on`` (default
    today): planned as ``planned_sessions``; delivered and minutes count the intervention's sessions
    dated up to ``on``; pct = delivered / planned × 100, one decimal (0 when nothing is planned)."""
    require(actor, VIEW)
    on = _as_day(on)
    plan = _visible_plan(plan_id)
    items = list(plan.interventions.order_by(RehabIntervention.id))
    done: dict[int, tuple[int, int]] = {}
    if items:
        done = {iid: (count, minutes or 0) for iid, count, minutes in
                RehabSession.select(RehabSession.intervention, fn.COUNT(RehabSession.id), fn.SUM(RehabSession.minutes))
                .where(RehabSession.intervention.in_([i.id for i in items]) & (RehabSession.session_date <= on))
                .group_by(RehabSession.intervention).tuples()}
    out = []
    for item in items:
        planned = planned_sessions(item.per_week, plan.start_date, plan.end_date, on)
        delivered, minutes = done.get(item.id, (0, 0))
        pct = round(delivered * 100.0 / planned, 1) if planned else 0.0
        out.append(AttendanceRow(intervention_id=item.id, kind_label=vocab.label(vocab.INTERVENTION_TYPES, item.kind),
                                 per_week=item.per_week, planned=planned, delivered=delivered, minutes=int(minutes),
                                 pct=pct))
    return out


def due_review_query(on: date):
    """Active plans of residents in care on ``on`` whose review date is before ``on`` (the rule of
    the dashboard's "plans due for review")."""
    return (RehabPlan.select().join(Resident)
            .where(in_care_on(on) & (RehabPlan.status == "active") & (RehabPlan.review_date < on)))


def plans_due_review(actor: Actor, on=None) -> list[PlanRow]:
    """Active plans past their review date, the longest overdue first."""
    require(actor, VIEW)
    on = _as_day(on)
    plans = list(due_review_query(on).order_by(RehabPlan.review_date, Resident.sort_key, RehabPlan.id))
    return _plan_rows(plans, on)
