"""The year's training report ("BÁO CÁO Kết quả đào tạo, tập huấn cán bộ, nhân viên năm Y") as a PDF in
the official layout (reports.layout, Decree 30/2020).

Takes the plain data of ``caremgr.training_report.collect_training`` and never queries anything
itself. Addressed ("Kính gửi") to the centre's receiving agency in force on the day, the number left
blank for the clerk (``Số:      /BC-<symbol>``), signed by the director. Sections:

I. Tổng hợp — courses, turns ("lượt người"), distinct staff, hours, the year's target, reached or
   not and the percentage;
II. Các khóa tập huấn — one row per course with its completed turns and a bold totals row;
III. Danh sách người tham gia — per course, the attendees with position, completion, certificate;
IV. Kết quả theo lĩnh vực — courses and turns per field, with totals.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from caremgr.dates import format_date
from reports.layout import (
    DocumentHeader,
    Signature,
    build_pdf,
    heading,
    keep_with_table,
    key_value_table,
    note,
    number,
    number_text,
    paragraph,
    subheading,
    table,
)

TITLE = "Báo cáo"
SUBJECT = "Kết quả đào tạo, tập huấn cán bộ, nhân viên năm {year}"
COURSE_HEADERS = ("Mã khóa", "Tên khóa", "Lĩnh vực", "Đơn vị tổ chức", "Thời gian", "Số giờ", "Số lượt hoàn thành")
COURSE_WIDTHS = (10 * mm, 24 * mm, 39 * mm, 20 * mm, 27 * mm, 20 * mm, 10 * mm, 15 * mm)
PEOPLE_HEADERS = ("Họ tên", "Chức danh", "Hoàn thành", "Số chứng nhận")
PEOPLE_WIDTHS = (10 * mm, 50 * mm, 40 * mm, 21 * mm, 44 * mm)
FIELD_HEADERS = ("Lĩnh vực", "Số khóa", "Số lượt người hoàn thành")
FIELD_WIDTHS = (11 * mm, 90 * mm, 30 * mm, 34 * mm)
TABLE_FONT = 10.5
NO_COURSES = "Trong năm chưa có khóa đào tạo, tập huấn nào."
NO_ATTENDEES = "Chưa ghi nhận người tham gia."


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def course_time(course: dict) -> str:
    """"06/03/2025" for a one-day course, "06/03 - 08/03/2025" within a year, else both dates in full."""
    start, end = _day(course.get("start_date")), _day(course.get("end_date"))
    if not end or end == start:
        return format_date(start)
    if start and start.year == end.year:
        return f"{start.day:02d}/{start.month:02d} - {format_date(end)}"
    return f"{format_date(start)} - {format_date(end)}"


def _hours(value) -> str:
    return number(value) if value is not None else ""


def target_text(totals: dict) -> str:
    """"Đạt chỉ tiêu (104,0%)" / "Chưa đạt chỉ tiêu (80,0%; còn thiếu 10 lượt người)" / "" without a target."""
    target = totals.get("target")
    if target is None:
        return ""
    pct = totals.get("reached_pct")
    shown = f"{number(pct, 1)}%" if pct is not None else "100%"
    if totals.get("met"):
        return f"Đạt chỉ tiêu ({shown} chỉ tiêu)"
    return f"Chưa đạt chỉ tiêu ({shown} chỉ tiêu; còn thiếu {number(totals.get('remaining') or 0)} lượt người)"


def _summary(data: dict) -> list:
    t = data["totals"]
    centre = data["centre"]
    year = data["year"]
    on = _day(data.get("on"))
    name = centre.get("name") or "Cơ sở"
    until = f"Tính đến ngày {format_date(on)}, " if on and on < date(year, 12, 31) else f"Năm {year}, "
    lead = (f"{until}{name} đã tổ chức và cử cán bộ, nhân viên tham gia {number(t['courses'])} khóa đào tạo, "
            f"tập huấn với {number(t['turns'])} lượt người hoàn thành, {number(t['staff_trained'])} người được "
            f"tập huấn; {number(t['staff_total'] - t['untrained_staff'])}/{number(t['staff_total'])} cán bộ, "
            f"nhân viên đang làm việc đã được tập huấn trong năm.")
    not_completed = max(0, (t.get("attendances") or 0) - t["turns"])
    pairs = [
        ("Số khóa đào tạo, tập huấn", f"{number(t['courses'])} khóa"),
        ("Tổng số giờ các khóa", f"{number(t['course_hours'])} giờ"),
        ("Số lượt người hoàn thành", f"{number(t['turns'])} lượt người"),
        ("Số lượt tham gia chưa hoàn thành", f"{number(not_completed)} lượt người"),
        ("Số người được tập huấn", f"{number(t['staff_trained'])} người"),
        ("Tổng số giờ học của học viên", f"{number(t['person_hours'])} giờ"),
        ("Cán bộ, nhân viên chưa được tập huấn", f"{number(t['untrained_staff'])}/{number(t['staff_total'])} người"),
    ]
    if t.get("target") is None:
        pairs.append(("Chỉ tiêu năm", "chưa đặt chỉ tiêu"))
    else:
        pairs += [("Chỉ tiêu năm", f"{number(t['target'])} lượt người"), ("Kết quả", target_text(t))]
    return [heading("I. Tổng hợp"), paragraph(lead), key_value_table(pairs, 78 * mm)]


def _courses(data: dict) -> list:
    courses = data.get("courses") or []
    lead = [heading("II. Các khóa tập huấn")]
    if not courses:
        return [*lead, note(NO_COURSES)]
    rows = [[c["code"], c["title"], c.get("field_label") or "", c.get("organiser") or "", course_time(c),
             _hours(c.get("hours")), number(c.get("completed") or 0)] for c in courses]
    t = data["totals"]
    total = ["Tổng cộng", "", "", "", "", _hours(t["course_hours"]), number(t["turns"])]
    body = table(COURSE_HEADERS, rows, COURSE_WIDTHS, numeric_cols=(5, 6), total_row=total, centre_cols=(0, 4),
                 size=TABLE_FONT)
    return keep_with_table(lead, body)


def _people(data: dict) -> list:
    courses = data.get("courses") or []
    section = heading("III. Danh sách người tham gia")
    if not courses:
        return [section, note(NO_COURSES)]
    out: list = []
    for index, c in enumerate(courses, start=1):
        # The section heading goes with the first course, so it never ends a page alone.
        lead = [section] if index == 1 else []
        lead.append(subheading(f"{index}. {c['title']} (mã {c['code']}, {course_time(c)})"))
        people = c.get("attendees") or []
        if not people:
            out += [*lead, note(NO_ATTENDEES)]
            continue
        rows = [[p["name"], p.get("position_label") or "", "Có" if p.get("completed") else "Không",
                 p.get("certificate_no") or ""] for p in people]
        body = table(PEOPLE_HEADERS, rows, PEOPLE_WIDTHS, centre_cols=(2,), size=TABLE_FONT)
        out += keep_with_table(lead, body)
    return out


def _fields(data: dict) -> list:
    lead = [heading("IV. Kết quả theo lĩnh vực")]
    items = data.get("by_field") or []
    rows = [[f["label"], number(f.get("courses") or 0), number(f.get("turns") or 0)] for f in items]
    t = data["totals"]
    total = ["Tổng cộng", number(t["courses"]), number(t["turns"])]
    body = table(FIELD_HEADERS, rows, FIELD_WIDTHS, numeric_cols=(1, 2), total_row=total, size=TABLE_FONT)
    return keep_with_table(lead, body)


def render_training(data: dict, path, *, deputy: str | None = None) -> None:
    """Writes the report to ``path`` (a file name or a binary file object).

    ``deputy``: the name of a deputy director signing ``KT. GIÁM ĐỐC`` instead of the director.
    """
    centre = data["centre"]
    issued = _day(data.get("issued_on")) or _day(data.get("on")) or date.today()
    header = DocumentHeader.from_profile(centre, issued, number_text(None, "BC", centre.get("symbol") or ""))
    addressee = (centre.get("receiving_agency") or "").strip() or None
    name = centre.get("name") or "Cơ sở"
    story: list = []
    story += _summary(data)
    story += _courses(data)
    story += _people(data)
    story += _fields(data)
    story += [Spacer(1, 6), paragraph(f"Trên đây là báo cáo kết quả đào tạo, tập huấn cán bộ, nhân viên năm {data['year']} "
                           f"của {name}./.")]
    recipients = (["Như trên"] if addressee else []) + list(centre.get("recipients") or [])
    build_pdf(path, header, TITLE, SUBJECT.format(year=data["year"]), story, recipients,
              Signature.from_profile(centre, deputy), addressee=addressee, author=centre.get("name"))
