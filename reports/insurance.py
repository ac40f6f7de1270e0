"""The list of residents needing a health-insurance card issued or renewed ("DANH SÁCH Đối tượng
cần cấp mới, gia hạn thẻ bảo hiểm y tế"), as a PDF in the official layout and as an .xlsx.

Takes the plain data of ``caremgr.insurance_report.collect_insurance_list`` and never queries
anything itself. The list goes to the social-insurance office: landscape A4 for its ten columns,
the number left blank for the clerk (``Số:      /DS-<symbol>``), signed by the director of the
centre profile in force on the day. The .xlsx carries exactly the same rows and columns, with
real dates, for the office to import.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from caremgr.dates import format_date
from caremgr.insurance_report import default_addressee
from caremgr.sheets import write_xlsx
from reports.layout import (
    DocumentHeader,
    Signature,
    build_pdf,
    keep_with_table,
    note,
    number,
    number_text,
    paragraph,
    table,
    text_width,
)

TITLE = "Danh sách"
SUBJECT = "Đối tượng cần cấp mới, gia hạn thẻ bảo hiểm y tế"
HEADERS = ("STT", "Họ tên", "Ngày sinh", "Giới tính", "CCCD", "Mã số BHXH", "Nhóm đối tượng",
           "Nơi đăng ký KCB", "Hạn thẻ", "Tình trạng")
# Landscape A4 leaves 252 mm: dates, numbers and codes on one line, names and facilities wrap.
WIDTHS = (11 * mm, 50 * mm, 22 * mm, 14 * mm, 27 * mm, 24 * mm, 27 * mm, 44 * mm, 21 * mm, 23 * mm)
CENTRED = (2, 3, 4, 5, 6, 8)  # indexes into HEADERS (STT is centred anyway)
TEXT_COLUMNS = (4, 5)  # CCCD and social-insurance number keep their leading zeros in the .xlsx
NONE_LEFT = "Không có đối tượng nào cần cấp mới hoặc gia hạn thẻ bảo hiểm y tế."


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def list_rows(data: dict) -> list[list]:
    """The rows of the list, STT first, in the columns of ``HEADERS``: dates as ``date`` (a birth
    known only by its year as the year, an int), text otherwise. The PDF and the .xlsx both use it."""
    out = []
    for index, r in enumerate(data.get("rows") or [], start=1):
        birth = _day(r.get("birth_date")) or r.get("birth_year") or ""
        facility = " - ".join(x for x in (r.get("facility_code"), r.get("facility_name")) if x)
        out.append([index, r["full_name"], birth, r.get("sex_label") or "", r.get("cccd") or "",
                    r.get("social_insurance_no") or "", r.get("group_text") or "", facility,
                    _day(r.get("valid_to")) or "", r.get("status_label") or ""])
    return out


def _text(value) -> str:
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int):
        return str(value)  # a year or STT: no thousands dot
    return value


def _closing(data: dict, on: date) -> str:
    counts = data.get("counts") or {}
    listed = len(data.get("rows") or [])
    parts = [f"chưa có thẻ: {number(counts.get('none', 0))} người",
             f"thẻ đã hết hạn: {number(counts.get('expired', 0))} người",
             f"thẻ sắp hết hạn: {number(counts.get('expiring', 0))} người"]
    holding = counts.get("valid", 0) + counts.get("expiring", 0)
    return (f"Tổng số đối tượng cần cấp mới, gia hạn thẻ bảo hiểm y tế: {number(listed)} người, trong đó "
            + "; ".join(parts) + ". "
            f"Ngày {format_date(on)}, cơ sở đang chăm sóc, nuôi dưỡng {number(counts.get('in_care', 0))} "
            f"đối tượng, trong đó {number(holding)} người có thẻ bảo hiểm y tế còn hạn sử dụng "
            f"(tỷ lệ {number(counts.get('coverage_pct', 0.0), 1)}%).")


def render_insurance_list(data: dict, path, *, deputy: str | None = None) -> None:
    """Writes the list to ``path`` (a file name or a binary file object).

    ``deputy``: the name of a deputy director signing ``KT. GIÁM ĐỐC`` instead of the director.
    """
    centre = data["centre"]
    on = date.fromisoformat(data["on"])
    header = DocumentHeader.from_profile(centre, on, number_text(None, "DS", centre.get("symbol") or ""))
    addressee = data.get("addressee") or default_addressee(centre.get("province") or "")
    days = data.get("warning_days")
    soon = f"sắp hết hạn (trong vòng {days} ngày)" if days else "sắp hết hạn"
    name = centre.get("name") or "Cơ sở"
    intro = paragraph(
        f"{name} lập danh sách đối tượng đang được chăm sóc, nuôi dưỡng tại cơ sở chưa có thẻ bảo hiểm y tế, "
        f"có thẻ đã hết hạn hoặc {soon} tính đến ngày {format_date(on)}, đề nghị {addressee} xem xét cấp mới, "
        f"gia hạn thẻ bảo hiểm y tế cho các đối tượng như sau:")
    rows = list_rows(data)
    width = text_width(landscape=True)
    story: list = []
    if rows:
        body = table(HEADERS, [[_text(v) for v in row] for row in rows], WIDTHS, centre_cols=CENTRED,
                     width=width)
        story += keep_with_table([intro], body, width=width)
    else:
        story += [intro, note(NONE_LEFT)]
    story += [Spacer(1, 6), paragraph(_closing(data, on))]
    story.append(paragraph(f"{name} kính đề nghị {addressee} xem xét, giải quyết./."))
    recipients = ["Như trên", *(centre.get("recipients") or [])]
    build_pdf(path, header, TITLE, f"{SUBJECT} tính đến ngày {format_date(on)}", story, recipients,
              Signature.from_profile(centre, deputy), addressee=addressee, landscape=True,
              author=centre.get("name"))


def write_insurance_xlsx(data: dict, path) -> None:
    """The same rows and columns as the PDF, dates as real dates, numbers that are codes as text."""
    write_xlsx(path, HEADERS, list_rows(data), sheet_title="Danh sách BHYT", text_columns=TEXT_COLUMNS)
