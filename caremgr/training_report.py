"""The year's training report ("BÁO CÁO Kết quả đào tạo, tập huấn cán bộ, nhân viên năm Y") as plain data.

``collect_training`` gathers what ``reports.training`` prints: the centre profile in force on the
day of the report (31/12 of the year, or today when that is earlier), the year's figures
(``training.compute_year_totals``: courses, turns "lượt người", distinct staff trained, hours, the
target and whether it is met), each course starting in the year with its attendees in Vietnamese
name order, and the turns by field. Everything is JSON-able (dates as ISO text) and the labels are
Vietnamese whatever the UI language: the report goes to an agency.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from caremgr import settings, training, vocab
from caremgr.auth import Actor, require
from db.models import Staff, TrainingAttendance, TrainingCourse


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def report_day(year: int, on: date | None = None, today: date | None = None) -> date:
    """The day the report is dated and its header taken: ``on``, else 31/12 of the year, or today
    when that is earlier."""
    if on is not None:
        return on
    return min(date(year, 12, 31), today or date.today())


def collect_training(actor: Actor, year: int, *, on: date | None = None) -> dict:
    """The report of ``year`` counted up to ``on`` (default: 31/12, or today in the current year);
    needs "reports.view"."""
    require(actor, "reports.view")
    counted = training.counted_day(year, on)
    issued = report_day(year, on)
    profile = settings.centre_profile(issued)
    totals = training.compute_year_totals(year, counted)
    fields = dict(vocab.TRAINING_FIELDS)
    positions = dict(vocab.STAFF_POSITIONS)

    courses = list(TrainingCourse.select()
                   .where((TrainingCourse.start_date >= date(year, 1, 1)) & (TrainingCourse.start_date <= counted))
                   .order_by(TrainingCourse.start_date, TrainingCourse.code))
    people: dict[int, list[dict]] = {c.id: [] for c in courses}
    if courses:
        query = (TrainingAttendance.select(TrainingAttendance, Staff).join(Staff)
                 .where(TrainingAttendance.course.in_(list(people)))
                 .order_by(Staff.sort_key, Staff.code))
        for a in query:
            people[a.course_id].append({
                "code": a.staff.code,
                "name": a.staff.full_name,
                "position": a.staff.position,
                "position_label": positions.get(a.staff.position, a.staff.position),
                "completed": bool(a.completed),
                "certificate_no": a.certificate_no or "",
            })

    totals_data = asdict(totals)
    totals_data["on"] = _iso(totals.on)
    totals_data["reached_pct"] = totals.reached_pct
    totals_data["attendances"] = sum(len(p) for p in people.values())
    return {
        "kind": "training",
        "year": year,
        "on": counted.isoformat(),
        "issued_on": issued.isoformat(),
        "centre": profile.as_dict(),
        "totals": totals_data,
        "courses": [{
            "code": c.code,
            "title": c.title,
            "field": c.field,
            "field_label": fields.get(c.field, c.field),
            "organiser": c.organiser or "",
            "place": c.place or "",
            "start_date": c.start_date.isoformat(),
            "end_date": c.end_date.isoformat(),
            "hours": c.hours,
            "attendee_count": len(people[c.id]),
            "completed": sum(1 for p in people[c.id] if p["completed"]),
            "attendees": people[c.id],
        } for c in courses],
        "by_field": [{
            "field": code,
            "label": label,
            "courses": sum(1 for c in courses if c.field == code),
            "turns": totals.by_field.get(code, 0),
        } for code, label in vocab.TRAINING_FIELDS],
    }
