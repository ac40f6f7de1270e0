"""The periodic return to the Sở ("BÁO CÁO Kết quả thực hiện Chương trình … (Quyết định 1942/QĐ-TTg)
6 tháng đầu năm 2026") as a PDF in the official layout (reports.layout, Decree 30/2020).

Takes the plain return of RETURN.md / return.schema.json (one centre, or a provincial
consolidation with its ``centres``) and never queries anything. Everything that names an agency or
a person comes from the data's ``centre`` (the effective-dated profile the return was made with):
governing body, issuing body, place, "Kính gửi", recipients and signer.

Sections I–VIII of RETURN.md "Document", each a table in the official style; indicators with a
target show the target and "Đạt"/"Chưa đạt" as the data says. Three small charts (residents by
group, health-tracking rate against its target, insurance-card status) sit under their tables:
the tables hold every figure, the charts only show them. A consolidation prints the province's
totals in the same sections, plus "Tổng hợp theo cơ sở" (one row per centre and a bold total) and
per-centre charts of the two rates; its header names the body that consolidates.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from caremgr import vocab
from caremgr.dates import format_date
from caremgr.insurance_report import province_unit
from reports.layout import (
    DocumentHeader,
    Signature,
    bar_chart,
    build_pdf,
    heading,
    keep_with_table,
    key_value_table,
    nfc,
    number,
    number_text,
    paragraph,
    subheading,
    table,
)

TITLE = "Báo cáo"
# The programme's official name (Quyết định 1942/QĐ-TTg ngày 18/11/2021 of the Prime Minister).
PROGRAMME = ("Chương trình nâng cao chất lượng bảo vệ, chăm sóc sức khỏe người có công với cách mạng, người cao "
             "tuổi, trẻ em, người khuyết tật và các đối tượng cần trợ giúp xã hội giai đoạn 2021-2030")
DECISION = "Quyết định 1942/QĐ-TTg"
SUBJECT = "Kết quả thực hiện " + PROGRAMME + " (" + DECISION + ") {period}"
SECTIONS = (
    "I. Thông tin chung",
    "II. Đối tượng",
    "III. Chăm sóc sức khỏe",
    "IV. Bảo hiểm y tế",
    "V. Phục hồi chức năng",
    "VI. Nhân lực và tập huấn",
    "VII. Điều kiện cơ sở",
    "VIII. Khó khăn, vướng mắc và đề xuất",
)
NONE_TEXT = "Không có."
MET, NOT_MET, NO_TARGET = "Đạt", "Chưa đạt", "chưa đặt"
CENTRES_TITLE = "Tổng hợp theo cơ sở"
CENTRES_HEADERS = ("Cơ sở", "Đang chăm sóc (người)", "Theo dõi SK điện tử (%)", "Có thẻ BHYT (%)",
                   "Lượt tập huấn", "Kỹ thuật (%)")
CENTRES_WIDTHS = (11 * mm, 58 * mm, 20 * mm, 21 * mm, 19 * mm, 18 * mm, 18 * mm)
COUNT_HEADERS = ("STT", "Nội dung", "Đơn vị tính", "Số lượng")
COUNT_WIDTHS = (11 * mm, 104 * mm, 25 * mm, 25 * mm)
TARGET_HEADERS = ("STT", "Nội dung", "Đơn vị tính", "Kết quả", "Mục tiêu", "Đánh giá")
TARGET_WIDTHS = (11 * mm, 71 * mm, 19 * mm, 22 * mm, 20 * mm, 22 * mm)
CATEGORY_HEADERS = ("Mã", "Nhóm đối tượng", "Số người", "Tỷ lệ (%)")
CATEGORY_WIDTHS = (11 * mm, 16 * mm, 88 * mm, 25 * mm, 25 * mm)
CHART_BARS = 18  # bars per chart (about 150 mm high at most)
KEEP_ROWS = 20  # a table this short stays on one page with its heading (no row left alone)
SUBROW = "\u00a0\u00a0\u00a0- "  # sub-items ("trong đó") under the row they split, indented


# --- small helpers -------------------------------------------------------------------------------

def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _pct(value) -> str:
    return number(float(value or 0), 1)


def _target_pct(value) -> str:
    return NO_TARGET if value is None else f"{number(value)}%"


def _verdict(met) -> str:
    if met is None:
        return ""
    return MET if met else NOT_MET


def is_consolidation(data: dict) -> bool:
    return "centres" in data


def _block(lead: list, body, rows: int) -> list:
    """A heading (and what introduces the table) with its table: on one page when short, else the
    table splits with its header row repeated."""
    if rows <= KEEP_ROWS:
        return [KeepTogether([*lead, body])]
    return keep_with_table(lead, body)


def _counts(rows: list[tuple]) -> object:
    """STT | Nội dung | Đơn vị tính | Số lượng."""
    return table(COUNT_HEADERS, [[stt, text, unit, number(value) if not isinstance(value, str) else value]
                                 for stt, text, unit, value in rows], COUNT_WIDTHS, numeric_cols=(3,),
                 centre_cols=(2,))


def _targets(rows: list[tuple]) -> object:
    """STT | Nội dung | Đơn vị tính | Kết quả | Mục tiêu | Đánh giá (the last two empty for counts)."""
    cells = []
    for row in rows:
        stt, text, unit, value, *rest = row
        target, verdict = (rest + ["", ""])[:2]
        cells.append([stt, text, unit, number(value) if not isinstance(value, str) else value, target, verdict])
    return table(TARGET_HEADERS, cells, TARGET_WIDTHS, numeric_cols=(3,), centre_cols=(2, 4, 5))


def _chart_caption(number_: int, text: str) -> str:
    return f"Biểu đồ {number_}. {text}"


def _name(data: dict) -> str:
    return nfc((data.get("centre") or {}).get("name")) or "Cơ sở"


# --- sections ------------------------------------------------------------------------------------

def _general(data: dict) -> list:
    centre = data["centre"]
    period = data["period"]
    start, end = _day(period.get("start")), _day(period.get("end"))
    title = nfc(period.get("title") or period.get("label"))
    when = title if period.get("kind") == "range" or not (start and end) else (
        f"{title} (từ ngày {format_date(start)} đến ngày {format_date(end)})")
    lead = [heading(SECTIONS[0])]
    if is_consolidation(data):
        centres = data["centres"]
        pairs = [
            ("Đơn vị tổng hợp", centre.get("issuing_body") or centre.get("name")),
            ("Phạm vi", f"{number(len(centres))} cơ sở trên địa bàn {province_unit(centre.get('province') or '')}"
             if centre.get("province") else f"{number(len(centres))} cơ sở"),
            ("Kỳ báo cáo", when),
            ("Số liệu tính đến", f"ngày {format_date(end)}" if end else ""),
            ("Ngày tổng hợp", format_date(_day(data.get("issued_on")))),
        ]
        out = [*lead, key_value_table(pairs, 42 * mm)]
        return out + _by_centre(data)
    pairs = [
        ("Tên cơ sở", centre.get("name")),
        ("Mã cơ sở", centre.get("code")),
        ("Địa chỉ", centre.get("address")),
        ("Cơ quan chủ quản", centre.get("governing_body")),
        ("Kỳ báo cáo", when),
        ("Số liệu tính đến", f"ngày {format_date(end)}" if end else ""),
        ("Ngày lập báo cáo", format_date(_day(data.get("issued_on")))),
        ("Giám đốc", centre.get("director")),
    ]
    return [*lead, key_value_table(pairs, 42 * mm)]


def _centre_row(ret: dict) -> list:
    return [nfc((ret.get("centre") or {}).get("name") or ""), number(ret["residents"]["in_care"]),
            _pct(ret["health"]["tracked_pct"]), _pct(ret["insurance"]["coverage_pct"]),
            number(ret["training"]["turns"]), _pct(ret["facility"]["technical_pct"])]


def _by_centre(data: dict) -> list:
    rows = [_centre_row(ret) for ret in data["centres"]]
    total = ["Tổng cộng", number(data["residents"]["in_care"]), _pct(data["health"]["tracked_pct"]),
             _pct(data["insurance"]["coverage_pct"]), number(data["training"]["turns"]),
             _pct(data["facility"]["technical_pct"])]
    body = table(CENTRES_HEADERS, rows, CENTRES_WIDTHS, numeric_cols=(1, 2, 3, 4, 5), total_row=total)
    lead = [subheading(CENTRES_TITLE),
            paragraph("Các tỷ lệ của dòng tổng cộng được tính lại từ tổng số của các cơ sở (không lấy trung bình "
                      "các tỷ lệ).", "note")]
    return keep_with_table(lead, body, rows=4)


def _residents(data: dict, charts: list[int]) -> list:
    r = data["residents"]
    in_care = r["in_care"]
    by_cat = r["by_category"]
    rows = [[code, label, number(by_cat.get(code, 0)), _pct(_share(by_cat.get(code, 0), in_care))]
            for code, label in vocab.CATEGORIES]
    total = ["Tổng cộng", "", number(in_care), _pct(100 if in_care else 0)]
    cat_table = table(CATEGORY_HEADERS, rows, CATEGORY_WIDTHS, numeric_cols=(2, 3), centre_cols=(0,),
                      total_row=total)
    out = _block([heading(SECTIONS[1]), subheading("1. Đối tượng đang được chăm sóc, nuôi dưỡng theo nhóm")],
                 cat_table, len(rows) + 2)
    charts[0] += 1
    out.append(bar_chart([label for _code, label in vocab.CATEGORIES], [by_cat.get(c, 0) for c, _l in vocab.CATEGORIES],
                         caption=_chart_caption(charts[0], "Đối tượng đang được chăm sóc, nuôi dưỡng theo nhóm "
                                                           "(người)")))
    dis = r["with_disability"]
    dis_total = sum(dis.get(k, 0) for k in ("especially_severe", "severe", "mild"))
    dis_labels = dict(vocab.DISABILITY_SEVERITIES)
    out_reasons = dict(vocab.DISCHARGE_REASONS)
    disc = r["discharged"]
    structure = [
        ("1", "Đối tượng đang được chăm sóc, nuôi dưỡng", "người", in_care),
        ("", SUBROW + "Nam", "người", r["by_sex"].get("male", 0)),
        ("", SUBROW + "Nữ", "người", r["by_sex"].get("female", 0)),
        ("2", "Trẻ em dưới 16 tuổi", "người", r["children"]),
        ("3", "Người từ đủ 60 tuổi trở lên", "người", r["elderly"]),
        ("4", "Người khuyết tật (có xác định mức độ)", "người", dis_total),
        *[("", SUBROW + f"Khuyết tật {dis_labels[k]}", "người", dis.get(k, 0))
          for k in ("especially_severe", "severe", "mild")],
        ("5", "Tiếp nhận mới trong kỳ", "người", r["admitted"]),
        ("6", "Ra khỏi cơ sở trong kỳ", "người", disc["total"]),
        *[("", SUBROW + out_reasons[k], "người", disc.get(k, 0))
          for k in ("reintegrated", "transferred", "deceased", "other")],
    ]
    out += _block([subheading("2. Cơ cấu đối tượng, tiếp nhận và ra khỏi cơ sở")], _counts(structure),
                  len(structure) + 1)
    return out


def _share(part, whole) -> float:
    return part * 100 / whole if whole else 0.0


def _health(data: dict, charts: list[int]) -> list:
    h, targets, met = data["health"], data.get("targets") or {}, data.get("met") or {}
    target = targets.get("tracking_pct")
    rows = [
        ("1", "Đối tượng đang được chăm sóc, nuôi dưỡng", "người", data["residents"]["in_care"]),
        ("2", "Đối tượng được quản lý, theo dõi sức khỏe điện tử (có khám trong 12 tháng)", "người", h["tracked"]),
        ("3", "Tỷ lệ đối tượng được quản lý, theo dõi sức khỏe điện tử", "%", _pct(h["tracked_pct"]),
         _target_pct(target), _verdict(met.get("tracking"))),
        ("4", "Lượt khám sức khỏe trong kỳ", "lượt", h["checks"]),
        ("5", "Số đối tượng được khám sức khỏe trong kỳ", "người", h["residents_checked"]),
        ("6", "Lượt chuyển tuyến điều trị trong kỳ", "lượt", h["referrals"]),
        ("7", "Đối tượng mắc bệnh mạn tính đang theo dõi", "người", h["chronic"]),
        ("8", "Đối tượng có rối loạn tâm thần, hành vi (mã ICD-10 F00-F99)", "người", h["mental"]),
    ]
    out = _block([heading(SECTIONS[2])], _targets(rows), len(rows) + 1)
    out += _rate_charts(data, lambda ret: ret["health"]["tracked_pct"], h["tracked_pct"], target, charts,
                        "Tỷ lệ đối tượng được quản lý, theo dõi sức khỏe điện tử so với mục tiêu")
    return out


def _rate_charts(data: dict, rate, total: float, target, charts: list[int], caption: str) -> list:
    """A rate against its target: one bar for a centre; for a consolidation one bar per centre and
    the province's last, in charts of at most ``CHART_BARS`` bars so every label stays legible."""
    labels, values, dark = _rate_bars(data, rate, total)
    charts[0] += 1
    out = []
    for start in range(0, len(labels), CHART_BARS):
        part = range(start, min(start + CHART_BARS, len(labels)))
        text = caption if start == 0 else f"{caption} (tiếp theo)"
        out.append(bar_chart([labels[i] for i in part], [values[i] for i in part], percent=True, target=target,
                             highlight=[i - start for i in dark if i in part],
                             caption=_chart_caption(charts[0], text)))
    return out


def _rate_bars(data: dict, rate, total: float) -> tuple[list[str], list[float], list[int]]:
    """One bar for a centre; for a consolidation one per centre and the province's bar last."""
    if not is_consolidation(data):
        return [_name(data)], [float(total)], []
    labels = [nfc((ret.get("centre") or {}).get("name") or "") for ret in data["centres"]]
    values = [float(rate(ret)) for ret in data["centres"]]
    province = (data.get("centre") or {}).get("province") or ""
    unit = province_unit(province)
    labels.append(("Toàn thành phố" if unit.startswith("thành phố") else "Toàn tỉnh") if unit else "Tổng cộng")
    values.append(float(total))
    return labels, values, [len(values) - 1]


def _insurance(data: dict, charts: list[int]) -> list:
    i, targets, met = data["insurance"], data.get("targets") or {}, data.get("met") or {}
    target = targets.get("insurance_pct")
    rows = [
        ("1", "Đối tượng đang được chăm sóc, nuôi dưỡng", "người", data["residents"]["in_care"]),
        ("2", "Có thẻ bảo hiểm y tế còn hạn", "người", i["valid"]),
        ("", SUBROW + "Trong đó: thẻ sắp hết hạn (trong 30 ngày)", "người", i["expiring_30"]),
        ("3", "Thẻ bảo hiểm y tế đã hết hạn, chưa có thẻ mới", "người", i["expired"]),
        ("4", "Chưa có thẻ bảo hiểm y tế", "người", i["none"]),
        ("5", "Tỷ lệ đối tượng có thẻ bảo hiểm y tế còn hạn", "%", _pct(i["coverage_pct"]), _target_pct(target),
         _verdict(met.get("insurance"))),
    ]
    out = _block([heading(SECTIONS[3])], _targets(rows), len(rows) + 1)
    charts[0] += 1
    out.append(bar_chart(["Có thẻ còn hạn", "Trong đó: sắp hết hạn (trong 30 ngày)", "Thẻ đã hết hạn", "Chưa có thẻ"],
                         [i["valid"], i["expiring_30"], i["expired"], i["none"]],
                         caption=_chart_caption(charts[0], "Tình trạng thẻ bảo hiểm y tế của đối tượng (người)")))
    if is_consolidation(data):
        out += _rate_charts(data, lambda ret: ret["insurance"]["coverage_pct"], i["coverage_pct"], target, charts,
                            "Tỷ lệ đối tượng có thẻ bảo hiểm y tế còn hạn theo cơ sở")
    return out


def _rehab(data: dict) -> list:
    r = data["rehab"]
    rows = [
        ("1", "Đối tượng có kế hoạch phục hồi chức năng đang thực hiện", "người", r["active_plans"]),
        ("2", "Buổi tập phục hồi chức năng trong kỳ", "buổi", r["sessions"]),
        ("3", "Thời gian tập phục hồi chức năng", "giờ", _hours(r["hours"])),
        ("4", "Đối tượng được đánh giá chức năng (chỉ số Barthel) trong kỳ", "người", r["assessed"]),
        ("5", "Đối tượng có chỉ số Barthel cải thiện so với lần đánh giá đầu", "người", r["improved"]),
        ("6", "Mục tiêu phục hồi chức năng đạt được trong kỳ", "mục tiêu", r["goals_achieved"]),
    ]
    return _block([heading(SECTIONS[4])], _counts(rows), len(rows) + 1)


def _hours(value) -> str:
    return number(float(value or 0), 1)


def _staff(data: dict) -> list:
    s, t = data["staff"], data["training"]
    targets, met = data.get("targets") or {}, data.get("met") or {}
    positions = s["by_position"]
    staff_rows = [
        ("1", "Tổng số cán bộ, nhân viên đang làm việc", "người", s["total"]),
        *[("", SUBROW + label, "người", positions.get(code, 0)) for code, label in vocab.STAFF_POSITIONS],
        ("2", "Nhân lực y tế (bác sĩ, y sĩ, điều dưỡng, kỹ thuật viên phục hồi chức năng)", "người", s["medical"]),
        ("3", "Trong đó: có chứng chỉ hành nghề còn hiệu lực", "người", s["licensed"]),
    ]
    target = t.get("target")
    if target is None:
        target = targets.get("training_turns")
    training_rows = [
        ("1", "Khóa đào tạo, tập huấn trong kỳ", "khóa", t["courses"]),
        ("2", "Lượt người hoàn thành đào tạo, tập huấn", "lượt người", t["turns"],
         NO_TARGET if target is None else number(target), _verdict(met.get("training"))),
        ("3", "Cán bộ, nhân viên được đào tạo, tập huấn", "người", t["staff_trained"]),
    ]
    out = _block([heading(SECTIONS[5]), subheading("1. Nhân lực")], _counts(staff_rows), len(staff_rows) + 1)
    out += _block([subheading("2. Đào tạo, tập huấn")], _targets(training_rows), len(training_rows) + 1)
    return out


def _facility(data: dict) -> list:
    f, targets, met = data["facility"], data.get("targets") or {}, data.get("met") or {}
    ready = met.get("phc_rehab", f["phc_rehab_ready"])
    rows = []
    if is_consolidation(data):
        centres = len(data["centres"])
        rows.append(("1", "Cơ sở đủ điều kiện chăm sóc sức khỏe ban đầu, phục hồi chức năng", "cơ sở",
                     f"{number(f.get('phc_ready_centres', 0))}/{number(centres)}", "Tất cả cơ sở", _verdict(ready)))
        if "phc_total" in f:
            rows.append(("", SUBROW + "Điều kiện đạt (cộng các cơ sở)", "điều kiện",
                         f"{number(f.get('phc_met', 0))}/{number(f['phc_total'])}"))
    elif "phc_total" in f:
        rows.append(("1", "Điều kiện chăm sóc sức khỏe ban đầu, phục hồi chức năng đạt", "điều kiện",
                     f"{number(f.get('phc_met', 0))}/{number(f['phc_total'])}", "Đủ tất cả", _verdict(ready)))
    else:
        rows.append(("1", "Đủ điều kiện chăm sóc sức khỏe ban đầu, phục hồi chức năng", "", "", "Đủ tất cả",
                     _verdict(ready)))
    target = f.get("technical_target_pct")
    if target is None:
        target = targets.get("technical_pct")
    if "technical_total" in f:
        rows.append(("2", "Kỹ thuật tuyến xã thực hiện được / có trong danh mục", "kỹ thuật",
                     f"{number(f.get('technical_done', 0))}/{number(f['technical_total'])}"))
    rows.append(("3" if "technical_total" in f else "2", "Tỷ lệ kỹ thuật tuyến xã thực hiện được", "%",
                 _pct(f["technical_pct"]), _target_pct(target), _verdict(met.get("technical"))))
    return _block([heading(SECTIONS[6])], _targets(rows), len(rows) + 1)


def _narrative(data: dict) -> list:
    n = data.get("narrative") or {}
    out: list = [heading(SECTIONS[7])]
    for index, (key, title) in enumerate((("results", "Kết quả nổi bật"), ("difficulties", "Khó khăn, vướng mắc"),
                                          ("proposals", "Đề xuất, kiến nghị")), start=1):
        lines = [line.strip() for line in nfc(n.get(key)).splitlines() if line.strip()]
        paragraphs = [paragraph(line) for line in lines] or [paragraph(NONE_TEXT)]
        out.append(KeepTogether([subheading(f"{index}. {title}"), paragraphs[0]]))
        out += paragraphs[1:]
    return out


def _number_line(data: dict) -> str:
    given = nfc(data.get("number")).strip()
    if given:
        return given if given.lower().startswith("số") else f"Số: {given}"
    symbol = nfc((data.get("centre") or {}).get("symbol")).strip()
    if symbol:
        return number_text(None, "BC", symbol)
    return "Số:" + "\u00a0" * 6 + "/BC-" + "\u00a0" * 10  # number and symbol written by hand


def _ending(data: dict) -> str:
    title = nfc(data["period"].get("title") or data["period"].get("label"))
    if is_consolidation(data):
        province = (data.get("centre") or {}).get("province") or ""
        where = f" trên địa bàn {province_unit(province)}" if province else ""
        return (f"Trên đây là báo cáo tổng hợp kết quả thực hiện Chương trình {title} của "
                f"{number(len(data['centres']))} cơ sở{where}./.")
    return f"Trên đây là báo cáo kết quả thực hiện Chương trình {title} của {_name(data)}./."


def render_return(data: dict, path, *, deputy: str | None = None) -> None:
    """Writes the return (or a consolidation) to ``path`` (a file name or a binary file object).

    ``deputy``: the name of a deputy director signing ``KT. GIÁM ĐỐC`` instead of the director.
    """
    centre = dict(data["centre"])
    issued = _day(data.get("issued_on")) or date.today()
    profile = dict(centre)
    if is_consolidation(data) and centre.get("issuing_body"):
        profile["name"] = centre["issuing_body"]
    header = DocumentHeader.from_profile(profile, issued, _number_line(data))
    addressee = nfc(centre.get("receiving_agency")).strip() or None
    title = nfc(data["period"].get("title") or data["period"].get("label"))
    charts = [0]
    story: list = []
    story += _general(data)
    story += _residents(data, charts)
    story += _health(data, charts)
    story += _insurance(data, charts)
    story += _rehab(data)
    story += _staff(data)
    story += _facility(data)
    story += _narrative(data)
    story += [Spacer(1, 6), paragraph(_ending(data))]
    recipients = (["Như trên"] if addressee else []) + list(centre.get("recipients") or [])
    # The subject breaks before "giai đoạn 2021-2030 (…)" as a typist would set it, never inside a word pair.
    subject = SUBJECT.format(period=title).replace(" giai đoạn 2021-2030", "\ngiai đoạn 2021-2030", 1)
    build_pdf(path, header, TITLE, subject, story, recipients,
              Signature.from_profile(profile, deputy), addressee=addressee, author=profile.get("name"))
