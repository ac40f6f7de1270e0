"""The resident record ("HỒ SƠ ĐỐI TƯỢNG") as a PDF in the official layout.

Takes the plain data of ``caremgr.records.collect_record`` and never queries anything itself. The
record is an internal document: it carries no number (the number line stays empty), is dated on the
day the data stands for, and is signed by the director of the centre profile of that day.
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
    heading,
    keep_with_table,
    key_value_table,
    note,
    number,
    paragraph,
    subheading,
    table,
)

TITLE = "Hồ sơ đối tượng"
EMPTY = "Chưa có thông tin."
MARK = "x"  # a ticked box in a table (guardian, chronic)
# A section whose table has at most this many rows is kept on one page with its heading; longer
# ones split (with the header row repeated) rather than leave half a page empty.
KEEP_ROWS = 8
DATE = 22 * mm  # "dd/mm/yyyy" at 11 pt plus cell padding, on one line


def _section(lead: list, rows_table, rows: int) -> list:
    """Headings and a table: kept on one page when short; when long, the headings stay with the
    table's first rows and the table splits (its header repeated)."""
    if rows <= KEEP_ROWS:
        return [KeepTogether([*lead, rows_table])]
    return keep_with_table(lead, rows_table)


def _day(value: str | None) -> str:
    return format_date(date.fromisoformat(value)) if value else ""


def _fixed(value, decimals: int = 1) -> str:
    return number(value, decimals) if value is not None else ""


def render_record(data: dict, path, *, deputy: str | None = None) -> None:
    """Writes the record to ``path`` (a file name or a binary file object).

    ``deputy``: the name of a deputy director signing ``KT. GIÁM ĐỐC`` instead of the director.
    """
    centre = data["centre"]
    on = date.fromisoformat(data["on"])
    person = data["resident"]
    header = DocumentHeader.from_profile(centre, on)
    subject = f"{person['full_name']} - Mã số {person['code']}"
    story = [paragraph(f"Thông tin tính đến ngày {format_date(on)}.")]
    story += _identity(person)
    story += _policy(person)
    story += _contacts(data.get("contacts") or [])
    story += _insurance(data.get("insurance") or {}, on)
    story += _health(data.get("health_checks") or [], data.get("health_checks_total") or 0)
    story += _conditions(data.get("conditions") or [])
    story += _referrals(data.get("referrals") or [])
    story += _rehab(data.get("rehab_plans") or [], data.get("barthel") or {})
    archive = [r for r in centre.get("recipients") or [] if str(r).strip().lstrip("- ").lower().startswith("lưu")]
    build_pdf(path, header, TITLE, subject, story, archive, Signature.from_profile(centre, deputy),
              author=centre.get("name"))


def _identity(p: dict) -> list:
    if p.get("birth_date"):
        birth_label, birth = "Ngày sinh", _day(p["birth_date"])
    else:
        birth_label, birth = "Năm sinh", str(p.get("birth_year") or "")
    if birth and p.get("age") is not None:
        birth += f" ({p['age']} tuổi)"
    if p.get("cccd"):
        cccd = p["cccd"]
    else:
        cccd = "Chưa có" + (f" ({p['cccd_note']})" if p.get("cccd_note") and p["cccd_note"] != "chưa có" else "")
    return [
        heading("I. Thông tin cá nhân"),
        key_value_table([
            ("Họ và tên", p.get("full_name")),
            ("Mã đối tượng", p.get("code")),
            ("Giới tính", p.get("sex_label")),
            (birth_label, birth),
            ("Dân tộc", p.get("ethnicity")),
            ("Số CCCD", cccd),
            ("Địa chỉ", p.get("address")),
            ("Ghi chú", p.get("notes")),
        ]),
    ]


def _policy(p: dict) -> list:
    disability = ""
    if p.get("disability_type_label"):
        disability = f"Khuyết tật {p['disability_type_label']}"
        if p.get("disability_severity_label"):
            disability += f", mức độ {p['disability_severity_label']}"
    pairs = [
        ("Nhóm đối tượng", p.get("category_label")),
        ("Diện người có công", p.get("merit_type_label")),
        ("Dạng tật, mức độ", disability),
        ("Ngày tiếp nhận", _day(p.get("admission_date"))),
        ("Quyết định tiếp nhận", f"Số {p['admission_decision']}" if p.get("admission_decision") else ""),
        ("Phòng ở", p.get("room")),
        ("Tình trạng", p.get("status_label")),
    ]
    if p.get("discharge_date"):
        reason = p.get("discharge_reason_label") or ""
        if p.get("discharge_note"):
            reason = f"{reason}: {p['discharge_note']}" if reason else p["discharge_note"]
        pairs += [("Ngày ra khỏi cơ sở", _day(p["discharge_date"])), ("Lý do", reason)]
    return [heading("II. Chính sách và tiếp nhận"), key_value_table(pairs)]


def _contacts(contacts: list[dict]) -> list:
    out = [heading("III. Người thân liên hệ")]
    if not contacts:
        return [*out, note(EMPTY)]
    rows = [[c["full_name"], c.get("relationship", ""), c.get("phone", ""), c.get("address", ""),
             MARK if c.get("is_guardian") else ""] for c in contacts]
    return _section(out, table(["Họ và tên", "Quan hệ", "Điện thoại", "Địa chỉ", "Giám hộ"], rows,
                               [38 * mm, 24 * mm, 24 * mm, 51 * mm, 17 * mm], centre_cols=(2, 4)), len(rows))


def _insurance(insurance: dict, on: date) -> list:
    out = [heading("IV. Bảo hiểm y tế")]
    cards = insurance.get("cards") or []
    if not cards:
        return [*out, note(EMPTY)]
    if insurance.get("status_label"):
        out.append(paragraph(f"Tình trạng thẻ bảo hiểm y tế ngày {format_date(on)}: "
                             f"{insurance['status_label'].lower()}.", keep_with_next=True))
    rows = []
    for card in cards:
        facility = " - ".join(x for x in (card.get("facility_code"), card.get("facility_name")) if x)
        rows.append([card["number"], card.get("benefit_level") or "", _day(card.get("valid_from")),
                     _day(card.get("valid_to")), facility, card.get("status_label", "")])
    return _section(out, table(["Số thẻ", "Mức hưởng", "Từ ngày", "Đến ngày", "Nơi đăng ký KCB ban đầu",
                                "Hiệu lực"], rows, [34 * mm, 16 * mm, DATE, DATE, 38 * mm, 22 * mm],
                               centre_cols=(0, 1, 2, 3)), len(rows))


def _health(checks: list[dict], total: int) -> list:
    out = [heading("V. Theo dõi sức khỏe")]
    if not checks:
        return [*out, note(EMPTY)]
    shown = len(checks)
    if total > shown:
        out.append(paragraph(f"{shown} lần kiểm tra sức khỏe gần nhất (trong tổng số {total} lần).",
                             keep_with_next=True))
    else:
        out.append(paragraph(f"Các lần kiểm tra sức khỏe: {total} lần.", keep_with_next=True))
    out.append(subheading("1. Chỉ số sức khỏe"))
    rows = [[_day(c["date"]), c.get("pulse") if c.get("pulse") is not None else "", c.get("blood_pressure", ""),
             _fixed(c.get("temperature")), _fixed(c.get("weight_kg")), _fixed(c.get("bmi")),
             c.get("spo2") if c.get("spo2") is not None else "", _fixed(c.get("glucose")),
             c.get("examiner", "")] for c in checks]
    out = _section(out, table(
        ["Ngày", "Mạch (lần/ phút)", "Huyết áp (mmHg)", "Nhiệt độ (°C)", "Cân nặng (kg)", "BMI",
         "SpO2 (%)", "Đường huyết (mmol/l)", "Người khám"],
        rows, [11 * mm, 21 * mm, 13 * mm, 17 * mm, 14 * mm, 14 * mm, 11 * mm, 12 * mm, 18 * mm, 34 * mm],
        numeric_cols=(1, 3, 4, 5, 6, 7), centre_cols=(0, 2), size=10.5), len(rows))
    findings = [[_day(c["date"]), c["findings"]] for c in checks if c.get("findings")]
    if findings:
        out += _section([subheading("2. Nhận xét của người khám")],
                        table(["Ngày", "Nhận xét"], findings, [DATE, 132 * mm], centre_cols=(0,)), len(findings))
    return out


def _conditions(conditions: list[dict]) -> list:
    out = [heading("VI. Bệnh lý (ICD-10)")]
    if not conditions:
        return [*out, note(EMPTY)]
    rows = [[c["icd10"], c["title"], MARK if c.get("chronic") else "", _day(c.get("onset_date")),
             c.get("status_label", "") + (f" ({_day(c['resolved_date'])})" if c.get("resolved_date") else "")]
            for c in conditions]
    return _section(out, table(["Mã ICD-10", "Tên bệnh", "Mạn tính", "Ngày phát hiện", "Tình trạng"], rows,
                               [18 * mm, 62 * mm, 16 * mm, DATE, 36 * mm], centre_cols=(0, 2, 3)), len(rows))


def _referrals(referrals: list[dict]) -> list:
    out = [heading("VII. Chuyển viện")]
    if not referrals:
        return [*out, note(EMPTY)]
    rows = [[_day(r["date"]), r["facility"], r.get("reason", ""), r.get("result", ""), _day(r.get("return_date"))]
            for r in referrals]
    return _section(out, table(["Ngày chuyển", "Nơi chuyển đến", "Lý do", "Kết quả", "Ngày về"], rows,
                               [DATE, 34 * mm, 38 * mm, 38 * mm, DATE], centre_cols=(0, 4)), len(rows))


def _rehab(plans: list[dict], barthel: dict) -> list:
    out: list = [heading("VIII. Phục hồi chức năng")]
    if not plans and not barthel.get("count"):
        return [*out, note(EMPTY)]
    if plans:
        rows = []
        for p in plans:
            status = p.get("status_label", "")
            if p.get("end_date"):
                status += f" ({_day(p['end_date'])})"
            rows.append([_day(p["start_date"]), _day(p.get("review_date")), p.get("summary", ""),
                         p.get("responsible", ""), f"{p.get('goals_achieved', 0)}/{p.get('goals_total', 0)}", status])
        out = [*_section([*out, subheading("1. Kế hoạch phục hồi chức năng")], table(
            ["Bắt đầu", "Đánh giá lại", "Nội dung", "Người phụ trách", "Mục tiêu đạt/tổng số", "Tình trạng"], rows,
            [DATE, DATE, 44 * mm, 28 * mm, 17 * mm, 21 * mm], centre_cols=(0, 1, 4)), len(rows)), Spacer(1, 4)]
    if barthel.get("count"):
        part: list = [subheading(("2. " if plans else "") + "Chỉ số Barthel (mức độ độc lập trong sinh hoạt hằng ngày)")]
        latest, first = barthel.get("latest"), barthel.get("first")
        text = f"Lần đánh giá gần nhất ngày {_day(latest['date'])}: {latest['total']}/100 điểm"
        if first and barthel["count"] > 1:
            change = latest["total"] - first["total"]
            trend = f"tăng {change} điểm" if change > 0 else f"giảm {-change} điểm" if change < 0 else "không thay đổi"
            text += f"; lần đầu ngày {_day(first['date'])}: {first['total']}/100 điểm ({trend})"
        part.append(paragraph(text + ".", keep_with_next=True))
        rows = [[_day(a["date"]), a["total"], a.get("assessor", ""), a.get("note", "")]
                for a in barthel.get("recent") or []]
        out += _section(part, table(["Ngày đánh giá", "Tổng điểm", "Người đánh giá", "Ghi chú"], rows,
                                    [26 * mm, 22 * mm, 50 * mm, 56 * mm], numeric_cols=(1,), centre_cols=(0,)),
                        len(rows))
    return out
