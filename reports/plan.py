"""A resident's rehabilitation plan ("KẾ HOẠCH Phục hồi chức năng cho đối tượng …") as a PDF in the
official layout.

Takes the plain data of ``caremgr.rehab_report.collect_plan`` and never queries anything itself.
A4 portrait; the number is left blank for the clerk (``Số:      /KH-<symbol>``); dated on the day
the data stands for. Sections: I. the resident and the plan, II. functional assessment (the ten
Barthel items of the latest assessment beside the baseline, the total and the dependency band,
functional notes), III. goals, IV. interventions with sessions delivered against planned, V. the
sessions delivered so far. Two signatures close it: the person who drew up the plan on the left,
the director on the right.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from caremgr.dates import format_date
from reports.layout import (
    DocumentHeader,
    Signature,
    build_pdf,
    dual_signature_flowables,
    heading,
    keep_with_table,
    key_value_table,
    note,
    number,
    number_text,
    paragraph,
    subheading,
    table,
    text_width,
)

TITLE = "Kế hoạch"
SUBJECT = "Phục hồi chức năng cho đối tượng {name}"
PREPARER = "Người lập kế hoạch"
EMPTY = "Chưa có thông tin."
KEEP_ROWS = 8
DATE = 22 * mm


def _day(value: str | None) -> str:
    return format_date(date.fromisoformat(value)) if value else ""


def _section(lead: list, rows_table, rows: int) -> list:
    """Headings and a table: kept on one page when short, else the table splits with its header."""
    if rows <= KEEP_ROWS:
        return [KeepTogether([*lead, rows_table])]
    return keep_with_table(lead, rows_table)


def _score(value) -> str:
    return "" if value is None else str(value)


def render_plan(data: dict, path) -> None:
    """Writes the plan to ``path`` (a file name or a binary file object)."""
    centre = data["centre"]
    on = date.fromisoformat(data["on"])
    person = data["resident"]
    header = DocumentHeader.from_profile(centre, on, number_text(None, "KH", centre.get("symbol") or ""))
    story: list = []
    story += _identity(person, data["plan"], data.get("therapist") or {})
    story += _assessment(data.get("barthel") or {}, data.get("functional") or [])
    story += _goals(data.get("goals") or [])
    story += _interventions(data.get("interventions") or [])
    story += _sessions(data.get("sessions") or {}, on)
    preparer = Signature(PREPARER, PREPARER, (data.get("therapist") or {}).get("name") or "")
    closing = dual_signature_flowables(preparer, Signature.from_profile(centre), text_width())
    # The closing sentence of the document goes with the signatures, so they never sit alone on a page.
    story.append(KeepTogether([Spacer(1, 4), paragraph(_ending(person, data["plan"])), *closing]))
    build_pdf(path, header, TITLE, SUBJECT.format(name=person["full_name"]), story, None, None,
              author=centre.get("name"))


def _ending(person: dict, plan: dict) -> str:
    # the review date is when the plan is looked at again, not when it ends
    period = f"từ ngày {_day(plan.get('start_date'))}"
    if plan.get("end_date"):
        period += f" đến ngày {_day(plan['end_date'])}"
    elif plan.get("review_date"):
        period += f", đánh giá lại ngày {_day(plan['review_date'])}"
    return f"Trên đây là kế hoạch phục hồi chức năng cho đối tượng {person['full_name']} {period}./."


def _identity(p: dict, plan: dict, therapist: dict) -> list:
    birth_label, birth = ("Ngày sinh", _day(p["birth_date"])) if p.get("birth_date") else (
        "Năm sinh", str(p.get("birth_year") or ""))
    if birth and p.get("age") is not None:
        birth += f" ({p['age']} tuổi)"
    period = f"Từ ngày {_day(plan.get('start_date'))}"
    if plan.get("end_date"):
        period += f" đến ngày {_day(plan['end_date'])}"
    responsible = therapist.get("name") or ""
    if responsible and therapist.get("title"):
        responsible += f" ({therapist['title']})"
    status = plan.get("status_label") or ""
    return [
        heading("I. Thông tin đối tượng"),
        key_value_table([
            ("Họ và tên", p.get("full_name")),
            ("Mã đối tượng", p.get("code")),
            (birth_label, birth),
            ("Giới tính", p.get("sex_label")),
            ("Nhóm đối tượng", p.get("category_label")),
            ("Dạng tật, mức độ", p.get("disability")),
            ("Ngày tiếp nhận", _day(p.get("admission_date"))),
            ("Phòng ở", p.get("room")),
        ]),
        subheading("Kế hoạch phục hồi chức năng"),
        key_value_table([
            ("Thời gian thực hiện", period),
            ("Ngày đánh giá lại", _day(plan.get("review_date"))),
            ("Người phụ trách", responsible),
            ("Tình trạng", status),
            ("Kế hoạch trước", plan.get("previous_period")),
            ("Mục tiêu chung", plan.get("summary")),
        ]),
    ]


def _trend(change: int) -> str:
    if change > 0:
        return f"tăng {change} điểm"
    if change < 0:
        return f"giảm {-change} điểm"
    return "không thay đổi"


def _assessment(barthel: dict, functional: list[dict]) -> list:
    out: list = []
    lead: list = [heading("II. Đánh giá chức năng"),
                  subheading("1. Chỉ số Barthel (mức độ độc lập trong sinh hoạt hằng ngày)")]
    latest, first = barthel.get("latest"), barthel.get("first")
    if not latest:
        out += [*lead, note("Chưa có đánh giá chỉ số Barthel.")]
    else:
        two = barthel.get("count", 0) > 1 and first is not None
        text = (f"Lần đánh giá gần nhất ngày {_day(latest['date'])}: {latest['total']}/100 điểm, "
                f"{latest['band_label'].lower()}")
        if two:
            text += (f"; lần đầu ngày {_day(first['date'])}: {first['total']}/100 điểm, "
                     f"{first['band_label'].lower()} ({_trend(barthel['change'])})")
        lead.append(paragraph(text + ".", keep_with_next=True))
        rows = []
        for item in barthel.get("items") or []:
            row = [item["label"], f"{_score(item['latest'])}/{item['maximum']}", item.get("latest_level", "")]
            if two:
                row.insert(1, _score(item.get("baseline")))
            rows.append(row)
        if two:
            head = ["Hoạt động", f"Lần đầu ({_day(first['date'])})", f"Gần nhất ({_day(latest['date'])})",
                    "Mức độ hiện nay"]
            widths = [44 * mm, 24 * mm, 24 * mm, 62 * mm]
            total = ["Tổng điểm", _score(first["total"]), f"{_score(latest['total'])}/100", latest["band_label"]]
            scores = (1, 2)
        else:
            head = ["Hoạt động", f"Điểm ({_day(latest['date'])})", "Mức độ"]
            widths = [48 * mm, 26 * mm, 80 * mm]
            total = ["Tổng điểm", f"{_score(latest['total'])}/100", latest["band_label"]]
            scores = (1,)
        # The headings stay with the table's first rows; the table may split (header repeated)
        # rather than leave half a page empty.
        out += keep_with_table(lead, table(head, rows, widths, numeric_cols=scores, total_row=total))
    if functional:
        out.append(subheading("2. Nhận xét chức năng"))
        for item in functional:
            who = f" ({item['assessor']})" if item.get("assessor") else ""
            part = [paragraph(f"Ngày {_day(item['date'])}{who}:", keep_with_next=True),
                    key_value_table([(n["domain_label"], n["text"]) for n in item.get("notes") or []])]
            if item.get("note"):
                part.append(paragraph(item["note"]))
            out.append(KeepTogether(part))
    return out


def _goals(goals: list[dict]) -> list:
    lead = [heading("III. Mục tiêu")]
    if not goals:
        return [*lead, note(EMPTY)]
    rows = []
    for g in goals:
        result = g.get("status_label") or ""
        if g.get("achieved_date"):
            result += f" ({_day(g['achieved_date'])})"
        if g.get("outcome_note"):
            result += f": {g['outcome_note']}"
        rows.append([g.get("domain_label", ""), g["statement"], _day(g.get("target_date")), result])
    return _section(lead, table(["Lĩnh vực", "Mục tiêu", "Thời hạn", "Kết quả"], rows,
                                [26 * mm, 66 * mm, DATE, 40 * mm], centre_cols=(2,)), len(rows))


def _interventions(items: list[dict]) -> list:
    lead = [heading("IV. Can thiệp")]
    if not items:
        return [*lead, note(EMPTY)]
    rows = []
    for i in items:
        done = f"{number(i.get('delivered', 0))}/{number(i.get('planned', 0))}"
        if i.get("planned"):
            done += f" ({number(i.get('pct', 0.0), 1)}%)"
        rows.append([i.get("kind_label", ""), i.get("description", ""), i.get("per_week"), i.get("minutes"),
                     i.get("responsible", ""), done])
    return _section(lead, table(["Loại", "Nội dung", "Buổi/ tuần", "Phút/ buổi", "Phụ trách",
                                 "Đã thực hiện/ Kế hoạch"], rows,
                                [26 * mm, 50 * mm, 14 * mm, 14 * mm, 28 * mm, 24 * mm],
                                numeric_cols=(2, 3), centre_cols=(5,), size=10.5), len(rows))


def _sessions(sessions: dict, on: date) -> list:
    lead: list = [heading("V. Các buổi đã thực hiện")]
    count = sessions.get("count") or 0
    if not count:
        return [*lead, note(f"Chưa có buổi nào được ghi đến ngày {format_date(on)}.")]
    text = (f"Từ ngày {_day(sessions.get('first_date'))} đến ngày {_day(sessions.get('last_date'))}: "
            f"{number(count)} buổi, tổng {number(sessions.get('minutes', 0))} phút "
            f"({number(sessions.get('hours', 0.0), 1)} giờ)")
    parts = [f"{p['kind_label']} {number(p['count'])} buổi ({number(p['minutes'])} phút)"
             for p in sessions.get("per_intervention") or [] if p.get("count")]
    if parts:
        text += "; trong đó: " + "; ".join(parts)
    lead.append(paragraph(text + ".", keep_with_next=True))
    listed = sessions.get("rows") or []
    if sessions.get("earlier"):
        lead.append(paragraph(f"{number(len(listed))} buổi gần nhất:", keep_with_next=True))
    rows = [[_day(s["date"]), s.get("kind_label", ""), s.get("minutes"), s.get("staff", ""), s.get("note", "")]
            for s in listed]
    out = _section(lead, table(["Ngày", "Loại can thiệp", "Số phút", "Người thực hiện", "Ghi chú"], rows,
                               [DATE, 52 * mm, 16 * mm, 38 * mm, 26 * mm], numeric_cols=(2,), centre_cols=(0,)),
                   len(rows))
    if sessions.get("earlier_note"):
        out += [Spacer(1, 2), note(sessions["earlier_note"] + ".")]
    return out
