"""The roster of residents in care ("DANH SÁCH Đối tượng đang được chăm sóc, nuôi dưỡng tại cơ sở đến
ngày dd/mm/yyyy") as a PDF in the official layout.

Takes the plain data of ``caremgr.roster.collect_roster`` and never queries anything. Landscape A4
for its nine columns; the number is left blank for the clerk (``Số:      /DS-<symbol>``); dated on
the day the list stands for, with the header of the centre profile in force that day. The list in
Vietnamese name order is followed by the totals by group, and the director signs.
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
    keep_with_table,
    note,
    number,
    number_text,
    paragraph,
    subheading,
    table,
    text_width,
)

TITLE = "Danh sách"
SUBJECT = "Đối tượng đang được chăm sóc, nuôi dưỡng tại cơ sở đến ngày {day}"
HEADERS = ("Mã", "Họ và tên", "Ngày sinh", "Giới tính", "Nhóm đối tượng", "Ngày tiếp nhận", "Khuyết tật",
           "Thẻ BHYT")
# Landscape A4 leaves 252 mm: codes, dates and the sex on one line; names, groups and disabilities wrap.
WIDTHS = (11 * mm, 21 * mm, 52 * mm, 22 * mm, 15 * mm, 50 * mm, 23 * mm, 32 * mm, 26 * mm)
CENTRED = (0, 2, 3, 5, 7)
NOBODY = "Không có đối tượng nào đang được chăm sóc, nuôi dưỡng tại cơ sở vào ngày này."


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def roster_rows(data: dict) -> list[list[str]]:
    """The cells of the list, in the columns of ``HEADERS`` (STT added by the table)."""
    return [[r["code"], r["full_name"], r.get("birth_display") or "", r.get("sex_label") or "",
             r.get("category_label") or "", format_date(_day(r.get("admission_date"))), r.get("disability") or "",
             r.get("insurance_label") or ""] for r in data.get("rows") or []]


def _totals(data: dict, ending: str) -> list:
    """The counts by group as one compact cross-table (groups across, people and shares down), kept
    with the closing sentence so the signature never stands alone on the last page."""
    counts = data.get("counts") or {}
    total = counts.get("total", 0)
    groups = counts.get("by_category") or []
    head = ["STT", "Nội dung", *[c["label"] for c in groups], "Tổng cộng"]
    rows = [
        ["1", "Số người", *[number(c["count"]) for c in groups], number(total)],
        ["2", "Tỷ lệ (%)", *[number(c["count"] * 100 / total if total else 0.0, 1) for c in groups],
         number(100.0 if total else 0.0, 1)],
    ]
    full = text_width(landscape=True)
    widths = [11 * mm, 22 * mm, *[(full - 33 * mm) / (len(groups) + 1)] * (len(groups) + 1)]
    body = table(head, rows, widths, numeric_cols=range(2, len(head)), width=full, size=10.5)
    return [KeepTogether([subheading("Tổng hợp theo nhóm đối tượng"), body, Spacer(1, 6), paragraph(ending)])]


def render_roster(data: dict, path, *, deputy: str | None = None) -> None:
    """Writes the roster to ``path`` (a file name or a binary file object).

    ``deputy``: the name of a deputy director signing ``KT. GIÁM ĐỐC`` instead of the director.
    """
    centre = data["centre"]
    at = date.fromisoformat(data["at"])
    header = DocumentHeader.from_profile(centre, at, number_text(None, "DS", centre.get("symbol") or ""))
    name = centre.get("name") or "Cơ sở"
    counts = data.get("counts") or {}
    by_sex = counts.get("by_sex") or {}
    intro = paragraph(
        f"Tính đến ngày {format_date(at)}, {name} đang chăm sóc, nuôi dưỡng {number(counts.get('total', 0))} "
        f"đối tượng (nam: {number(by_sex.get('male', 0))}, nữ: {number(by_sex.get('female', 0))}), cụ thể như sau:")
    width = text_width(landscape=True)
    rows = roster_rows(data)
    story: list = []
    if rows:
        story += keep_with_table([intro], table(HEADERS, rows, WIDTHS, centre_cols=CENTRED, width=width),
                                 width=width)
    else:
        story += [intro, note(NOBODY)]
    story += [Spacer(1, 8), *_totals(data, f"Danh sách gồm {number(len(rows))} đối tượng./.")]
    build_pdf(path, header, TITLE, SUBJECT.format(day=format_date(at)), story, list(centre.get("recipients") or []),
              Signature.from_profile(centre, deputy), landscape=True, author=centre.get("name"))
