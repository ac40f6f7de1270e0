"""Training of the centre's staff: courses, who attended them, and the figures of a year.

A course (``TrainingCourse``: code, title, field, organiser, dates, hours, place) has attendances
(``TrainingAttendance``: the staff member, whether they completed it, the certificate number). The
programme counts *turns* ("lượt người"): a person who completes two courses is two turns. So, as in
shared/domain/RETURN.md, for a period P:

- ``courses`` — courses whose start date is in P (a course is counted in the year it starts, even
  when it ends in the next one);
- ``turns`` — completed attendances of those courses; an attendance not completed is no turn;
- ``staff_trained`` — distinct staff members among those turns.

A year is the half-open range [01/01/Y, 01/01/Y+1): a course starting on 31/12 belongs to Y, one
starting on 01/01 to Y+1. ``year_totals`` counts "up to a day" (``on``, default 31/12, or today in the
current year) exactly as the home screen's "training turns" does (``caremgr.dashboard``).

Only a person employed on the course's first day may attend it (started on or before that day, not
left on or before it). Reads need "staff.view", writes "training.edit" (directors and
administrators). Every write is audited; edits carry the version the user opened and raise
``Conflict`` when the row changed meanwhile.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from peewee import IntegrityError, fn

from caremgr import audit, settings, vocab
from caremgr.auth import Actor, require
from caremgr.dates import format_date, parse_date
from caremgr.errors import Conflict, Findings, NotFound, ValidationError
from caremgr.i18n import N_, _
from caremgr.text import normalize, search_key
from db.connection import write_transaction
from db.models import Staff, TrainingAttendance, TrainingCourse

VIEW = "staff.view"
EDIT = "training.edit"
TARGET_KEY = "target.training_turns"

CODE_MAX = 30
TITLE_MAX = 300
ORGANISER_MAX = 200
PLACE_MAX = 200
CERTIFICATE_MAX = 60
MAX_HOURS = 1000
FIRST_YEAR = 1950  # an earlier course date is a typing mistake
YEARS_AHEAD = 5  # planned courses may be entered ahead, but not decades ahead

LABELS = {
    "code": N_("Mã khóa"),
    "title": N_("Tên khóa tập huấn"),
    "field": N_("Lĩnh vực"),
    "organiser": N_("Đơn vị tổ chức"),
    "start_date": N_("Từ ngày"),
    "end_date": N_("Đến ngày"),
    "hours": N_("Số giờ"),
    "place": N_("Địa điểm"),
    "staff_id": N_("Nhân viên"),
    "staff_ids": N_("Nhân viên"),
    "completed": N_("Hoàn thành"),
    "certificate_no": N_("Số chứng nhận"),
}
COURSE_KEYS = ("code", "title", "field", "organiser", "start_date", "end_date", "hours", "place")


def field_label(key: str) -> str:
    return _(LABELS[key])


# --- rows ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CourseRow:
    id: int
    version: int
    code: str
    title: str
    field: str
    field_label: str
    organiser: str | None
    start_date: date
    end_date: date
    hours: float | None
    place: str | None
    attendees: int  # attendances recorded
    completed: int  # of which completed (the course's turns)


@dataclass(frozen=True)
class AttendeeRow:
    id: int
    version: int
    course_id: int
    staff_id: int
    staff_code: str
    staff_name: str
    position_label: str
    completed: bool
    certificate_no: str | None


@dataclass(frozen=True)
class HistoryRow:
    attendance_id: int
    course_id: int
    course_code: str
    title: str
    field_label: str
    organiser: str | None
    start_date: date
    end_date: date
    hours: float | None
    completed: bool
    certificate_no: str | None


@dataclass(frozen=True)
class YearTotals:
    """The training figures of a year, counted up to ``on`` (see the module's description)."""

    year: int
    courses: int
    turns: int
    staff_trained: int
    course_hours: float  # sum of the hours of the year's courses
    person_hours: float  # sum over completed attendances of their course's hours
    target: int | None  # setting "target.training_turns" for the year; None when unset
    remaining: int | None  # max(0, target - turns)
    met: bool | None
    by_field: dict[str, int]  # turns per field code, every code of vocab.TRAINING_FIELDS
    staff_total: int  # employed on ``on``
    untrained_staff: int  # employed on ``on`` without a completed attendance this year
    on: date | None = None  # the day counted up to

    @property
    def reached_pct(self) -> float | None:
        """Turns as a share of the target, one decimal; None without a (positive) target."""
        if not self.target:
            return None
        return round(self.turns * 100.0 / self.target, 1)


# --- parsing helpers -------------------------------------------------------------------------------

def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value) -> str:
    """A cell or form value as text: whole numbers without ".0", dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _named(label: str, message: str) -> str:
    """ "Từ ngày" + "Ngày không hợp lệ: 31/02" -> "Từ ngày: ngày không hợp lệ: 31/02"."""
    return f"{label}: {message[:1].lower()}{message[1:]}"


def _line(findings: Findings, data: Mapping, key: str, max_length: int, *, required: bool = False) -> str | None:
    text = normalize(_as_text(data.get(key)))
    if not text:
        if required:
            findings.error(key, _("{field}: không được để trống.").format(field=field_label(key)))
        return None
    if len(text) > max_length:
        findings.error(key, _("{field}: dài quá {n} ký tự.").format(field=field_label(key), n=max_length))
        return None
    return text


def _date(findings: Findings, data: Mapping, key: str, today: date) -> date | None:
    raw = data.get(key)
    if _blank(raw):
        findings.error(key, _("{field}: không được để trống.").format(field=field_label(key)))
        return None
    try:
        day = parse_date(raw)
    except ValueError as exc:
        findings.error(key, _named(field_label(key), str(exc)))
        return None
    if not FIRST_YEAR <= day.year <= today.year + YEARS_AHEAD:
        findings.error(key, _("{field}: năm {year} không hợp lệ.").format(field=field_label(key), year=day.year))
        return None
    return day


def match_field(value) -> str | None:
    """The field code for a code or label as typed (any case, with or without diacritics)."""
    return vocab.match(vocab.TRAINING_FIELDS, _as_text(value))


def _field(findings: Findings, value) -> str | None:
    if _blank(value):
        findings.error("field", _("{field}: không được để trống.").format(field=field_label("field")))
        return None
    code = match_field(value)
    if code is None:
        findings.error("field", _("{field}: \"{value}\" không có trong danh mục ({choices}).").format(
            field=field_label("field"), value=normalize(_as_text(value)),
            choices=", ".join(_(label) for _code, label in vocab.TRAINING_FIELDS)))
    return code


_HOUR_UNITS = re.compile(r"\s*(giờ|gio|h|tiếng|tieng)\.?$", re.IGNORECASE)


def parse_hours(value) -> float | None:
    """Hours as typed: 24, "7,5", "7.5", "8 giờ"; None when blank. ValueError when not a number."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value) if isinstance(value, float) or abs(value) < 10**300 else math.inf
    else:
        text = _HOUR_UNITS.sub("", normalize(value))
        number = float(text.replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _hours(findings: Findings, value) -> float | None:
    try:
        number = parse_hours(value)
    except ValueError:
        findings.error("hours", _("{field}: phải là một số.").format(field=field_label("hours")))
        return None
    if number is None:
        return None
    if not 0 < number <= MAX_HOURS:
        findings.error("hours", _("{field}: phải lớn hơn 0 và không quá {max}.").format(
            field=field_label("hours"), max=MAX_HOURS))
        return None
    return round(number, 2)


_YES = {"1", "true", "yes", "y", "x", "co", "c", "hoan thanh", "da hoan thanh", "dat"}
_NO = {"0", "false", "no", "n", "khong", "k", "chua", "chua hoan thanh", "khong hoan thanh", "khong dat"}


def parse_completed(value, default: bool | None = True) -> bool | None:
    """Có/Không (also x, 1/0, yes/no, "Đã hoàn thành", "Chưa hoàn thành"); ``default`` when blank;
    ValueError for anything else."""
    if isinstance(value, bool):
        return value
    if _blank(value):
        return default
    key = search_key(_as_text(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(value)


def _completed(findings: Findings, value, default: bool | None) -> bool | None:
    try:
        return parse_completed(value, default)
    except ValueError:
        findings.error("completed", _("{field}: \"{value}\" không hợp lệ, chọn Có hoặc Không.").format(
            field=field_label("completed"), value=normalize(_as_text(value))))
        return default


# --- validation ------------------------------------------------------------------------------------

def validate_course(data: Mapping, *, today: date | None = None) -> tuple[dict, Findings]:
    """Checks a course as typed; returns the values to store and the problems found.

    Keys: code (required, up to 30 characters, stored in capitals), title (required), field (code or
    label of ``vocab.TRAINING_FIELDS``, required), organiser, start_date and end_date (required,
    dd/mm/yyyy, the end not before the start), hours (decimal comma accepted, more than 0 and at most
    1000), place. Uniqueness of the code is checked by the services.
    """
    today = today or date.today()
    findings = Findings()
    code = _line(findings, data, "code", CODE_MAX, required=True)
    clean: dict = {
        "code": code.upper() if code else None,
        "title": _line(findings, data, "title", TITLE_MAX, required=True),
        "field": _field(findings, data.get("field")),
        "organiser": _line(findings, data, "organiser", ORGANISER_MAX),
        "start_date": _date(findings, data, "start_date", today),
        "end_date": _date(findings, data, "end_date", today),
        "hours": _hours(findings, data.get("hours")),
        "place": _line(findings, data, "place", PLACE_MAX),
    }
    if clean["start_date"] and clean["end_date"] and clean["end_date"] < clean["start_date"]:
        findings.error("end_date", _("{field}: không được trước ngày bắt đầu ({start}).").format(
            field=field_label("end_date"), start=format_date(clean["start_date"])))
    return clean, findings


def employed_on(staff: Staff, day: date) -> bool:
    """Started on or before ``day`` and not left on or before it (RETURN.md "employed on")."""
    return staff.start_date <= day and (staff.leave_date is None or staff.leave_date > day)


def _employed(day: date):
    return (Staff.start_date <= day) & (Staff.leave_date.is_null() | (Staff.leave_date > day))


def employment_problem(staff: Staff, day: date) -> str | None:
    """Why ``staff`` cannot attend a course starting on ``day`` (naming the person), or None."""
    if staff.start_date > day:
        return _("{name} ({code}) vào làm ngày {start}, sau ngày bắt đầu khóa ({day}).").format(
            name=staff.full_name, code=staff.code, start=format_date(staff.start_date), day=format_date(day))
    if staff.leave_date is not None and staff.leave_date <= day:
        return _("{name} ({code}) đã nghỉ việc ngày {leave}, không còn làm việc vào ngày bắt đầu khóa ({day}).").format(
            name=staff.full_name, code=staff.code, leave=format_date(staff.leave_date), day=format_date(day))
    return None


def duplicate_message(staff: Staff, course: TrainingCourse) -> str:
    return _("{field}: {name} ({code}) đã có trong danh sách khóa {course}.").format(
        field=field_label("staff_id"), name=staff.full_name, code=staff.code, course=course.code)


# --- shared steps ----------------------------------------------------------------------------------

def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _course(course_id: int) -> TrainingCourse:
    row = TrainingCourse.get_or_none(TrainingCourse.id == course_id)
    if row is None:
        raise NotFound(_("Không tìm thấy khóa tập huấn (có thể đã bị xóa)."))
    return row


def _attendance(attendance_id: int) -> TrainingAttendance:
    row = TrainingAttendance.get_or_none(TrainingAttendance.id == attendance_id)
    if row is None:
        raise NotFound(_("Không tìm thấy người tham gia khóa tập huấn (có thể đã bị xóa)."))
    return row


def _staff(staff_id: int) -> Staff:
    row = Staff.get_or_none(Staff.id == staff_id)
    if row is None:
        raise NotFound(_("Không tìm thấy nhân viên."))
    return row


def _conflict(model, row_id: int, mine: Mapping) -> Conflict:
    current = model.get_or_none(model.id == row_id)
    return Conflict(_("Bản ghi đã được người khác sửa sau khi bạn mở; chưa có gì bị ghi đè. "
                      "Hãy tải lại để xem thay đổi."),
                    mine={k: v for k, v in mine.items()}, theirs=audit.snapshot(current) if current else {})


def _update(actor: Actor, model, row, values: dict, version: int, entity: str, summary: str):
    """Saves changed fields if the row still has ``version``; Conflict otherwise."""
    if row.version != version:
        raise _conflict(model, row.id, values)
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not changed:
        return row
    before = audit.snapshot(row)
    count = (model.update(**changed, version=model.version + 1, updated_at=_now())
             .where((model.id == row.id) & (model.version == version)).execute())
    if count != 1:
        raise _conflict(model, row.id, values)
    row = model.get_by_id(row.id)
    audit.record(actor, "update", entity, row.id, summary=summary, changes=audit.diff(before, audit.snapshot(row)))
    return row


def _check_code(findings: Findings, code: str | None, exclude: int | None = None) -> None:
    if not code:
        return
    query = TrainingCourse.select().where(fn.UPPER(TrainingCourse.code) == code.upper())
    if exclude is not None:
        query = query.where(TrainingCourse.id != exclude)
    other = query.first()
    if other is not None:
        findings.error("code", _("{field}: đã có khóa {code} ({title}).").format(
            field=field_label("code"), code=other.code, title=other.title))


def _check_attendees_employed(findings: Findings, course_id: int, start: date) -> None:
    """A new start date must still find every attendee employed on it."""
    query = (Staff.select().join(TrainingAttendance, on=(TrainingAttendance.staff == Staff.id))
             .where(TrainingAttendance.course == course_id).order_by(Staff.sort_key, Staff.code))
    for staff in query:
        problem = employment_problem(staff, start)
        if problem:
            findings.error("start_date", f"{field_label('start_date')}: {problem}")


def _counts(course_ids: Iterable[int] | None = None) -> dict[int, tuple[int, int]]:
    """{course id: (attendances, completed)}."""
    counts: dict[int, tuple[int, int]] = {}
    query = TrainingAttendance.select(TrainingAttendance.course, TrainingAttendance.completed)
    if course_ids is not None:
        ids = list(course_ids)
        if not ids:
            return counts
        chunks = [ids[i:i + 500] for i in range(0, len(ids), 500)]
    else:
        chunks = [None]
    for chunk in chunks:
        part = query if chunk is None else query.where(TrainingAttendance.course.in_(chunk))
        for course_id, completed in part.tuples():
            total, done = counts.get(course_id, (0, 0))
            counts[course_id] = (total + 1, done + (1 if completed else 0))
    return counts


def _course_row(c: TrainingCourse, counts: tuple[int, int] | None = None) -> CourseRow:
    if counts is None:
        counts = _counts([c.id]).get(c.id, (0, 0))
    return CourseRow(
        id=c.id, version=c.version, code=c.code, title=c.title, field=c.field,
        field_label=vocab.label(vocab.TRAINING_FIELDS, c.field), organiser=c.organiser,
        start_date=c.start_date, end_date=c.end_date, hours=c.hours, place=c.place,
        attendees=counts[0], completed=counts[1],
    )


def _attendee_row(a: TrainingAttendance, staff: Staff | None = None) -> AttendeeRow:
    staff = staff or Staff.get_by_id(a.staff_id)
    return AttendeeRow(
        id=a.id, version=a.version, course_id=a.course_id, staff_id=staff.id, staff_code=staff.code,
        staff_name=staff.full_name, position_label=vocab.label(vocab.STAFF_POSITIONS, staff.position),
        completed=bool(a.completed), certificate_no=a.certificate_no,
    )


def year_range(year: int) -> tuple[date, date]:
    """The first and the last day of ``year`` (the half-open [01/01/Y, 01/01/Y+1))."""
    return date(year, 1, 1), date(year, 12, 31)


def _in_year(year: int):
    return (TrainingCourse.start_date >= date(year, 1, 1)) & (TrainingCourse.start_date < date(year + 1, 1, 1))


# --- courses ---------------------------------------------------------------------------------------

def list_courses(actor: Actor, year: int | None = None) -> list[CourseRow]:
    """The courses (of ``year`` when given: starting in it), newest first."""
    require(actor, VIEW)
    query = TrainingCourse.select()
    if year is not None:
        query = query.where(_in_year(year))
    courses = list(query.order_by(TrainingCourse.start_date.desc(), TrainingCourse.code.desc()))
    counts = _counts([c.id for c in courses])
    return [_course_row(c, counts.get(c.id, (0, 0))) for c in courses]


def get_course(actor: Actor, course_id: int) -> CourseRow:
    require(actor, VIEW)
    return _course_row(_course(course_id))


def _create_course(actor: Actor, data: Mapping, *, today: date | None = None) -> TrainingCourse:
    clean, findings = validate_course(data, today=today)
    _check_code(findings, clean["code"])
    findings.raise_if_errors()
    return create_course_row(actor, clean)


def create_course_row(actor: Actor, clean: dict) -> TrainingCourse:
    """Stores a course already checked by ``validate_course`` (audited). For importers, which
    checked the permission and the code themselves: no permission check here."""
    try:
        with write_transaction():
            row = TrainingCourse.create(**clean)
    except IntegrityError:  # the same code saved on another PC a moment ago
        raise ValidationError(_("{field}: đã có khóa {code}.").format(field=field_label("code"), code=clean["code"]),
                              "code") from None
    audit.record(actor, "create", "training_course", row.id, summary=f"training course {row.code}",
                 changes=audit.diff(None, audit.snapshot(row)))
    return row


def create_course(actor: Actor, data: Mapping) -> CourseRow:
    require(actor, EDIT)
    with write_transaction():
        row = _create_course(actor, data)
    return _course_row(row, (0, 0))


def _course_input(row: TrainingCourse) -> dict:
    return {key: getattr(row, key) for key in COURSE_KEYS}


def update_course(actor: Actor, course_id: int, data: Mapping, *, version: int) -> CourseRow:
    """Changes a course; ``data`` may hold only the fields that change. A new start date must
    still find every attendee employed on it."""
    require(actor, EDIT)
    with write_transaction():
        row = _course(course_id)
        merged = _course_input(row)
        merged.update({k: v for k, v in data.items() if k in COURSE_KEYS})
        clean, findings = validate_course(merged)
        _check_code(findings, clean["code"], exclude=row.id)
        if clean["start_date"] and clean["start_date"] != row.start_date:
            _check_attendees_employed(findings, row.id, clean["start_date"])
        findings.raise_if_errors()
        try:
            with write_transaction():
                row = _update(actor, TrainingCourse, row, clean, version, "training_course",
                              f"training course {clean['code']}")
        except IntegrityError:
            raise ValidationError(_("{field}: đã có khóa {code}.").format(
                field=field_label("code"), code=clean["code"]), "code") from None
    return _course_row(row)


def delete_course(actor: Actor, course_id: int, *, version: int) -> None:
    """Deletes a course entered by mistake together with its attendance (audited with both)."""
    require(actor, EDIT)
    with write_transaction():
        row = _course(course_id)
        if row.version != version:
            raise _conflict(TrainingCourse, row.id, {})
        before = audit.snapshot(row)
        attendance = [
            {"staff": code, "completed": bool(done), "certificate_no": certificate}
            for code, done, certificate in (
                TrainingAttendance.select(Staff.code, TrainingAttendance.completed, TrainingAttendance.certificate_no)
                .join(Staff).where(TrainingAttendance.course == row.id).order_by(Staff.code).tuples())
        ]
        TrainingAttendance.delete().where(TrainingAttendance.course == row.id).execute()
        count = TrainingCourse.delete().where((TrainingCourse.id == row.id)
                                              & (TrainingCourse.version == version)).execute()
        if count != 1:
            raise _conflict(TrainingCourse, row.id, {})
        changes = audit.diff(before, None)
        changes["attendance"] = [attendance, None]
        audit.record(actor, "delete", "training_course", row.id,
                     summary=f"training course {row.code} deleted with {len(attendance)} attendances",
                     changes=changes)


# --- attendance ------------------------------------------------------------------------------------

def attendees(actor: Actor, course_id: int) -> list[AttendeeRow]:
    """The people recorded for a course, in Vietnamese name order."""
    require(actor, VIEW)
    course = _course(course_id)
    query = (TrainingAttendance.select(TrainingAttendance, Staff).join(Staff)
             .where(TrainingAttendance.course == course.id).order_by(Staff.sort_key, Staff.code))
    return [_attendee_row(a, a.staff) for a in query]


def _staff_id(findings: Findings, value, key: str = "staff_id") -> Staff | None:
    if _blank(value):
        findings.error(key, _("{field}: không được để trống.").format(field=field_label(key)))
        return None
    try:
        staff_id = int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError, OverflowError):
        staff_id = None
    if staff_id is not None and not 0 < staff_id < 2**63:
        staff_id = None  # no such row (and beyond what the database can compare)
    staff = Staff.get_or_none(Staff.id == staff_id) if staff_id is not None else None
    if staff is None:
        findings.error(key, _("{field}: không tìm thấy nhân viên ({value}).").format(
            field=field_label(key), value=normalize(_as_text(value))))
    return staff


def _check_attendee(findings: Findings, course: TrainingCourse, staff: Staff, key: str = "staff_id") -> None:
    problem = employment_problem(staff, course.start_date)
    if problem:
        findings.error(key, f"{field_label(key)}: {problem}")
    if (TrainingAttendance.select().where((TrainingAttendance.course == course.id)
                                          & (TrainingAttendance.staff == staff.id)).exists()):
        findings.error(key, duplicate_message(staff, course))


def create_attendance(actor: Actor, course: TrainingCourse, staff: Staff, completed: bool,
                       certificate_no: str | None) -> TrainingAttendance:
    """Stores one attendance already checked (audited); no permission check (see the callers)."""
    try:
        with write_transaction():
            row = TrainingAttendance.create(course=course.id, staff=staff.id, completed=completed,
                                            certificate_no=certificate_no)
    except IntegrityError:  # added on another PC a moment ago
        raise ValidationError(duplicate_message(staff, course), "staff_id") from None
    audit.record(actor, "create", "training_attendance", row.id,
                 summary=f"{staff.code} attends training course {course.code}",
                 changes=audit.diff(None, audit.snapshot(row)))
    return row


def save_attendance(actor: Actor, row: TrainingAttendance, values: dict, course: TrainingCourse,
                    staff: Staff) -> TrainingAttendance:
    """Saves ``completed`` and ``certificate_no`` of an attendance opened at ``row.version`` (audited
    when something changed; the same row back when nothing did). No permission check (importers)."""
    return _update(actor, TrainingAttendance, row, values, row.version, "training_attendance",
                   f"{staff.code} on training course {course.code}")


def add_attendee(actor: Actor, course_id: int, data: Mapping) -> AttendeeRow:
    """Records one person on a course. ``data``: staff_id (required; employed on the course's first
    day), completed (default True; "Có"/"Không" accepted), certificate_no."""
    require(actor, EDIT)
    with write_transaction():
        course = _course(course_id)
        findings = Findings()
        staff = _staff_id(findings, data.get("staff_id"))
        completed = _completed(findings, data.get("completed"), True)
        certificate = _line(findings, data, "certificate_no", CERTIFICATE_MAX)
        if staff is not None:
            _check_attendee(findings, course, staff)
        findings.raise_if_errors()
        row = create_attendance(actor, course, staff, completed, certificate)
    return _attendee_row(row, staff)


def add_attendees(actor: Actor, course_id: int, staff_ids: Iterable[int]) -> list[AttendeeRow]:
    """Records several people at once (completed, no certificate yet), in the order given: all of
    them, or none when any one cannot be added (every problem is reported)."""
    require(actor, EDIT)
    with write_transaction():
        course = _course(course_id)
        findings = Findings()
        chosen: list[Staff] = []
        seen: set[int] = set()
        for value in staff_ids:
            staff = _staff_id(findings, value, "staff_ids")
            if staff is None:
                continue
            if staff.id in seen:
                findings.error("staff_ids", _("{field}: {name} ({code}) được chọn hai lần.").format(
                    field=field_label("staff_ids"), name=staff.full_name, code=staff.code))
                continue
            seen.add(staff.id)
            _check_attendee(findings, course, staff, "staff_ids")
            chosen.append(staff)
        if not chosen and not findings.errors:
            findings.error("staff_ids", _("{field}: chưa chọn người nào.").format(field=field_label("staff_ids")))
        findings.raise_if_errors()
        rows = [(create_attendance(actor, course, staff, True, None), staff) for staff in chosen]
    return [_attendee_row(row, staff) for row, staff in rows]


def update_attendee(actor: Actor, attendance_id: int, data: Mapping, *, version: int) -> AttendeeRow:
    """Changes whether the person completed the course and the certificate number; keys missing
    from ``data`` keep their values. The person cannot be changed (remove and add instead)."""
    require(actor, EDIT)
    with write_transaction():
        row = _attendance(attendance_id)
        course = _course(row.course_id)
        staff = _staff(row.staff_id)
        findings = Findings()
        if "staff_id" in data and not _blank(data["staff_id"]) and str(data["staff_id"]).strip() != str(staff.id):
            findings.error("staff_id", _("{field}: không đổi được người của một lượt tham gia; hãy xóa rồi thêm "
                                         "người khác.").format(field=field_label("staff_id")))
        values = {
            "completed": _completed(findings, data["completed"], row.completed) if "completed" in data
            else row.completed,
            "certificate_no": _line(findings, data, "certificate_no", CERTIFICATE_MAX) if "certificate_no" in data
            else row.certificate_no,
        }
        findings.raise_if_errors()
        row = _update(actor, TrainingAttendance, row, values, version, "training_attendance",
                      f"{staff.code} on training course {course.code}")
    return _attendee_row(row, staff)


def remove_attendee(actor: Actor, attendance_id: int, *, version: int) -> None:
    """Takes a person off a course (audited with the values removed)."""
    require(actor, EDIT)
    with write_transaction():
        row = _attendance(attendance_id)
        if row.version != version:
            raise _conflict(TrainingAttendance, row.id, {})
        course = TrainingCourse.get_or_none(TrainingCourse.id == row.course_id)
        staff = Staff.get_or_none(Staff.id == row.staff_id)
        before = audit.snapshot(row)
        count = (TrainingAttendance.delete()
                 .where((TrainingAttendance.id == row.id) & (TrainingAttendance.version == version)).execute())
        if count != 1:
            raise _conflict(TrainingAttendance, row.id, {})
        audit.record(actor, "delete", "training_attendance", row.id,
                     summary=f"{staff.code if staff else row.staff_id} removed from training course "
                             f"{course.code if course else row.course_id}",
                     changes=audit.diff(before, None))


def history(actor: Actor, staff_id: int) -> list[HistoryRow]:
    """A staff member's courses, newest first."""
    require(actor, VIEW)
    staff = _staff(staff_id)
    query = (TrainingAttendance.select(TrainingAttendance, TrainingCourse).join(TrainingCourse)
             .where(TrainingAttendance.staff == staff.id)
             .order_by(TrainingCourse.start_date.desc(), TrainingCourse.code.desc()))
    return [HistoryRow(
        attendance_id=a.id, course_id=a.course.id, course_code=a.course.code, title=a.course.title,
        field_label=vocab.label(vocab.TRAINING_FIELDS, a.course.field), organiser=a.course.organiser,
        start_date=a.course.start_date, end_date=a.course.end_date, hours=a.course.hours,
        completed=bool(a.completed), certificate_no=a.certificate_no,
    ) for a in query]


# --- figures ---------------------------------------------------------------------------------------

def default_day(year: int, today: date | None = None) -> date:
    """The day a year's figures are counted up to: today in the current year, 31/12 otherwise."""
    today = today or date.today()
    return today if today.year == year else date(year, 12, 31)


def counted_day(year: int, on: date | None = None) -> date:
    """``on`` (which must fall in ``year``) or ``default_day(year)``."""
    if on is None:
        return default_day(year)
    if isinstance(on, datetime):
        on = on.date()
    if on.year != year:
        raise ValidationError(_("Ngày tính ({day}) phải thuộc năm {year}.").format(day=format_date(on), year=year),
                              "on")
    return on


def _courses_between(start: date, end: date):
    return (TrainingCourse.start_date >= start) & (TrainingCourse.start_date <= end)


def compute_year_totals(year: int, on: date | None = None) -> YearTotals:
    """``year_totals`` without the permission check (for reports and returns that checked theirs)."""
    on = counted_day(year, on)
    start = date(year, 1, 1)
    courses = list(TrainingCourse.select(TrainingCourse.id, TrainingCourse.field, TrainingCourse.hours)
                   .where(_courses_between(start, on)).tuples())
    fields = {cid: field for cid, field, _hours in courses}
    hours = {cid: h for cid, _field, h in courses}
    done = list(TrainingAttendance.select(TrainingAttendance.course, TrainingAttendance.staff)
                .join(TrainingCourse)
                .where(_courses_between(start, on) & (TrainingAttendance.completed == True))  # noqa: E712
                .tuples())
    by_field = {code: 0 for code in vocab.codes(vocab.TRAINING_FIELDS)}
    for course_id, _staff_id in done:
        code = fields.get(course_id, "other")
        by_field[code] = by_field.get(code, 0) + 1
    trained = {staff_id for _course_id, staff_id in done}
    employed = {sid for (sid,) in Staff.select(Staff.id).where(_employed(on)).tuples()}
    turns = len(done)
    target = settings.year_target(TARGET_KEY, year)
    target = int(target) if target is not None else None
    return YearTotals(
        year=year, courses=len(courses), turns=turns, staff_trained=len(trained),
        course_hours=round(sum(h or 0.0 for h in hours.values()), 2),
        person_hours=round(sum(hours.get(course_id) or 0.0 for course_id, _s in done), 2),
        target=target, remaining=max(0, target - turns) if target is not None else None,
        met=turns >= target if target is not None else None, by_field=by_field,
        staff_total=len(employed), untrained_staff=len(employed - trained), on=on,
    )


def year_totals(actor: Actor, year: int, *, on: date | None = None) -> YearTotals:
    """The figures of ``year`` counted up to ``on`` (default: today in the current year, else
    31/12): courses starting from 01/01 to ``on``, their completed attendances (turns), distinct
    staff trained, hours, the year's target and whether it is met, turns by field, staff employed on
    ``on`` and how many of them have no completed course this year."""
    require(actor, VIEW)
    return compute_year_totals(year, on)


def period_totals(start: date, end: date) -> dict:
    """RETURN.md's training figures for the inclusive period ``start``–``end``: ``courses``
    (starting in it), ``turns`` (their completed attendances), ``staff_trained`` (distinct staff
    among those). No permission check: the periodic return checks its own."""
    courses = TrainingCourse.select().where(_courses_between(start, end)).count()
    staff = [sid for (sid,) in TrainingAttendance.select(TrainingAttendance.staff).join(TrainingCourse)
             .where(_courses_between(start, end) & (TrainingAttendance.completed == True))  # noqa: E712
             .tuples()]
    return {"courses": courses, "turns": len(staff), "staff_trained": len(set(staff))}
