"""The periodic return as a PDF (reports.returns_pdf), read back with pdftotext: the figures put in the
data, the eight sections, the number, the agencies and the signer from the data's centre profile,
and a provincial consolidation whose long per-centre table splits with its header repeated."""

from __future__ import annotations

import re
import subprocess

import pytest

from caremgr.consolidate import consolidate
from reports.returns_pdf import CENTRES_TITLE, SECTIONS, render_return
from tests.return_samples import centre_profile, make_return, three_demo_returns

NAME = "Trung tâm Nuôi dưỡng người tâm thần Phú Thọ"
DIRECTOR = "Phạm Thị Hồng Nhung"
DEPUTY = "Đinh Công Tráng"
CATEGORY_COUNTS = {"NCC": 57, "NCT": 402, "TE": 120, "NKT": 310, "TT": 288, "CN": 45, "K": 12}
IN_CARE = sum(CATEGORY_COUNTS.values())  # 1.234


def pdf_pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    return text.split("\f")[:-1]


def flat(text: str) -> str:
    return " ".join(text.split())


def vn(value: int) -> str:
    """An integer as the report writes it: 1.234."""
    return f"{value:,}".replace(",", ".")


def vn1(part: int, whole: int) -> str:
    """A percentage with one decimal as the report writes it: 86,7."""
    return f"{part * 100 / whole:.1f}".replace(".", ",")


def line_with(text: str, *tokens: str) -> str:
    """The one layout line holding every token (cells of one table row share a line)."""
    found = [line for line in text.splitlines() if all(t in line for t in tokens)]
    assert found, f"no line with {tokens}"
    return found[0]


def sample() -> dict:
    profile = centre_profile(NAME, code="PT-TT-01", province="Phú Thọ", symbol="TTNDTT", director=DIRECTOR)
    profile["governing_body"] = "SỞ NỘI VỤ TỈNH PHÚ THỌ"
    profile["receiving_agency"] = "Sở Nội vụ tỉnh Phú Thọ"
    profile["recipients"] = ["Sở Nội vụ tỉnh Phú Thọ (để b/c)", "Ban Giám đốc", "Lưu: VT, TCHC"]
    data = make_return(
        NAME, code="PT-TT-01", seed=21, province="Phú Thọ", symbol="TTNDTT", director=DIRECTOR,
        number="07/BC-TTNDTT", issued_on="2026-06-12",
        residents__in_care=IN_CARE, residents__by_category=dict(CATEGORY_COUNTS),
        residents__by_sex={"male": 700, "female": 534}, residents__children=118, residents__elderly=455,
        residents__with_disability={"especially_severe": 31, "severe": 77, "mild": 19}, residents__admitted=63,
        residents__discharged={"reintegrated": 9, "transferred": 4, "deceased": 13, "other": 2, "total": 28},
        health__tracked=1070, health__checks=3917, health__residents_checked=1111, health__referrals=46,
        health__chronic=503, health__mental=297,
        insurance__valid=1150, insurance__expiring_30=41, insurance__expired=52, insurance__none=32,
        rehab__active_plans=211, rehab__sessions=1642, rehab__minutes=10000, rehab__assessed=188,
        rehab__improved=67, rehab__goals_achieved=94,
        staff__by_position={"doctor": 6, "assistant_doctor": 5, "nurse": 31, "rehab_technician": 9,
                            "social_worker": 14, "carer": 58, "manager": 7, "other": 11},
        staff__total=141, staff__medical=51, staff__licensed=44,
        training__courses=7, training__turns=83, training__staff_trained=61, training__target=90,
        facility__phc_total=12, facility__phc_met=11, facility__technical_total=37, facility__technical_done=29,
        narrative__results="Hoàn thành khám sức khỏe định kỳ cho toàn bộ đối tượng.",
        narrative__difficulties="",
        narrative__proposals="Đề nghị bổ sung 03 biên chế điều dưỡng.\nĐề nghị cấp kinh phí sửa nhà ăn.",
    )
    data["centre"] = profile
    return data


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    data = sample()
    path = tmp_path_factory.mktemp("return") / "baocao.pdf"
    render_return(data, path)
    return data, path, pdf_pages(path)


def test_sections_title_number_and_agencies_come_from_the_data(single):
    data, _path, pages = single
    text = flat("\n".join(pages))
    for title in SECTIONS:
        assert title in text, title
    first = pages[0]
    assert "SỞ NỘI VỤ TỈNH PHÚ THỌ" in first
    assert "TRUNG TÂM NUÔI DƯỠNG" in first and "NGƯỜI TÂM THẦN PHÚ THỌ" in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first
    assert "Số: 07/BC-TTNDTT" in first and "Phú Thọ, ngày 12 tháng 6 năm 2026" in first
    assert "BÁO CÁO" in first and "Kính gửi: Sở Nội vụ tỉnh Phú Thọ." in first
    subject = flat(first)
    assert ("Kết quả thực hiện Chương trình nâng cao chất lượng bảo vệ, chăm sóc sức khỏe người có công với "
            "cách mạng, người cao tuổi, trẻ em, người khuyết tật và các đối tượng cần trợ giúp xã hội giai "
            "đoạn 2021-2030 (Quyết định 1942/QĐ-TTg) 6 tháng đầu năm 2026") in subject
    # Nothing of the demo centre or of the default agencies leaks in.
    assert "THANH HÓA" not in text.upper() and "SỞ Y TẾ" not in text.upper()


def test_the_figures_put_in_are_in_the_tables(single):
    data, _path, pages = single
    text = "\n".join(pages)
    words = flat(text)
    labels = {"NCC": "Người có công với cách mạng", "NCT": "Người cao tuổi", "TE": "Trẻ em có hoàn cảnh đặc biệt",
              "NKT": "Người khuyết tật", "TT": "Người tâm thần, rối nhiễu tâm trí", "CN": "Người nghiện ma túy",
              "K": "Đối tượng cần trợ giúp xã hội khác"}
    for code, count in CATEGORY_COUNTS.items():
        assert f"{code} {labels[code]} {vn(count)} {vn1(count, IN_CARE)}" in words, code
    assert re.search(rf"Tổng cộng\s+{re.escape(vn(IN_CARE))}\s+100,0", text)
    r = data["residents"]
    for label, value in [("Nam", 700), ("Nữ", 534), ("Trẻ em dưới 16 tuổi", 118), ("Người từ đủ 60 tuổi trở lên", 455),
                         ("Khuyết tật đặc biệt nặng", 31), ("Khuyết tật nặng", 77), ("Khuyết tật nhẹ", 19),
                         ("Người khuyết tật (có xác định mức độ)", 31 + 77 + 19),
                         ("Tiếp nhận mới trong kỳ", r["admitted"]), ("Ra khỏi cơ sở trong kỳ", 28),
                         ("Tử vong", 13), ("Hồi gia/tái hòa nhập", 9)]:
        assert re.search(rf"{re.escape(label)}\s+người\s+{re.escape(vn(value))}\b", text), label

    # III: tracked 1.070 of 1.234 = 86,7 % against 80 %: met.
    assert line_with(text, "người", vn(1070)).split()[-1] == vn(1070)
    tracking = line_with(text, vn1(1070, IN_CARE) + " ")
    assert "80%" in tracking and tracking.rstrip().endswith("Đạt")
    for value in (3917, 1111, 46, 503, 297):
        assert re.search(rf"\s{re.escape(vn(value))}\s*$", text, re.M), value
    # IV: 1.150 valid = 93,2 % against 100 %: not met.
    coverage = line_with(text, vn1(1150, IN_CARE) + " ")
    assert "100%" in coverage and coverage.rstrip().endswith("Chưa đạt")
    for value in (1150, 41, 52, 32):
        assert re.search(rf"\s{re.escape(vn(value))}\s*$", text, re.M), value
    # V: hours from the minutes (10.000 min = 166,7 h).
    assert re.search(r"giờ\s+166,7\s*$", text, re.M)
    for value in (211, 1642, 188, 67, 94):
        assert re.search(rf"\s{re.escape(vn(value))}\s*$", text, re.M), value
    # VI: staff by position and the training turns against the target.
    for label, value in [("Bác sĩ", 6), ("Điều dưỡng", 31), ("Nhân viên chăm sóc", 58), ("Kỹ thuật viên PHCN", 9)]:
        assert re.search(rf"- {re.escape(label)}\s+người\s+{value}\s*$", text, re.M), label
    assert re.search(r"Tổng số cán bộ, nhân viên đang làm việc\s+người\s+141", text)
    turns = line_with(text, "lượt người", " 83 ")
    assert "90" in turns and turns.rstrip().endswith("Chưa đạt")
    # VII: 11 of 12 conditions (not ready); 29 of 37 techniques = 78,4 % against 60 %.
    assert "11/12" in words and "29/37" in words
    assert line_with(text, "11/12").rstrip().endswith("Chưa đạt")
    technical = line_with(text, vn1(29, 37) + " ")
    assert "60%" in technical and technical.rstrip().endswith("Đạt")


def test_narrative_closing_and_signer(single):
    data, _path, pages = single
    text = flat("\n".join(pages))
    assert "Hoàn thành khám sức khỏe định kỳ cho toàn bộ đối tượng." in text
    assert "2. Khó khăn, vướng mắc Không có." in text
    assert "Đề nghị bổ sung 03 biên chế điều dưỡng." in text and "Đề nghị cấp kinh phí sửa nhà ăn." in text
    last = pages[-1]
    assert "Nơi nhận:" in last and "GIÁM ĐỐC" in last and DIRECTOR in last
    recipients = [line.strip().split("  ")[0] for line in last.splitlines() if line.strip().startswith("- ")]
    assert recipients[0] == "- Như trên;" and recipients[-1] == "- Lưu: VT, TCHC."
    assert "- Sở Nội vụ tỉnh Phú Thọ (để b/c);" in recipients
    assert f"6 tháng đầu năm 2026 của {NAME}./." in text


def test_charts_fonts_and_page_numbers(single):
    _data, path, pages = single
    text = flat("\n".join(pages))
    assert "Biểu đồ 1. Đối tượng đang được chăm sóc, nuôi dưỡng theo nhóm" in text
    assert "Biểu đồ 2. Tỷ lệ đối tượng được quản lý" in text and "Mục tiêu 80%" in text
    assert "Biểu đồ 3. Tình trạng thẻ bảo hiểm y tế" in text
    # Values are written on the bars the Vietnamese way (the tables show the rates without "%").
    assert f"{vn1(1070, IN_CARE)}%" in text
    assert re.search(rf"Người cao tuổi\s+{vn(402)}\b", text) and re.search(rf"Có thẻ còn hạn\s+{vn(1150)}\b", text)
    assert len(pages) >= 3
    for number, page in enumerate(pages[1:], start=2):
        assert page.strip().splitlines()[0].strip() == str(number)
    assert not pages[0].strip().splitlines()[0].strip().isdigit()
    report = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = report.splitlines()[2:]
    assert rows and all("LiberationSerif" in row and re.search(r"\byes\s+yes\s+yes\b", row) for row in rows), report
    assert "Helvetica" not in report and "Times" not in report


def test_a_deputy_signs_for_the_director(tmp_path):
    path = tmp_path / "kt.pdf"
    render_return(sample(), path, deputy=DEPUTY)
    last = pdf_pages(path)[-1]
    assert "KT. GIÁM ĐỐC" in last and "PHÓ GIÁM ĐỐC" in last and DEPUTY in last
    assert DIRECTOR not in last


def test_a_preview_not_issued_leaves_the_number_blank_and_unset_targets_say_so(tmp_path):
    data = sample()
    data["number"] = ""
    data["training"]["target"] = None
    data["targets"]["training_turns"] = None
    data["met"]["training"] = None
    path = tmp_path / "nhap.pdf"
    render_return(data, path)
    pages = pdf_pages(path)
    assert re.search(r"Số:\s+/BC-TTNDTT", pages[0])
    turns = line_with("\n".join(pages), "lượt người", " 83 ")
    assert "chưa đặt" in turns and "Đạt" not in turns


# --- consolidation -------------------------------------------------------------------------------

def test_a_consolidation_lists_each_centre_and_the_province_totals(tmp_path):
    returns = three_demo_returns()
    data = consolidate(returns, issued_on="2026-06-25")
    path = tmp_path / "tonghop.pdf"
    render_return(data, path)
    pages = pdf_pages(path)
    text = "\n".join(pages)
    words = flat(text)
    first = pages[0]
    assert "SỞ Y TẾ TỈNH THANH HÓA" in first  # the body that consolidates issues it
    assert "Thanh Hóa, ngày 25 tháng 6 năm 2026" in first and re.search(r"Số:\s+/BC-", first)
    assert CENTRES_TITLE in words
    for title in SECTIONS:
        assert title in words
    for ret in returns:
        row = line_with(text, vn(ret["residents"]["in_care"]) + " ", f"{ret['health']['tracked_pct']:.1f}"
                        .replace(".", ","))
        assert f"{ret['insurance']['coverage_pct']:.1f}".replace(".", ",") in row
    in_care = sum(r["residents"]["in_care"] for r in returns)
    tracked = sum(r["health"]["tracked"] for r in returns)
    valid = sum(r["insurance"]["valid"] for r in returns)
    turns = sum(r["training"]["turns"] for r in returns)
    total = line_with(text, "Tổng cộng", vn(in_care))
    assert total.split()[-5:] == [vn(in_care), vn1(tracked, in_care), vn1(valid, in_care), vn(turns),
                                  vn1(sum(r["facility"]["technical_done"] for r in returns),
                                      sum(r["facility"]["technical_total"] for r in returns))]
    assert "Toàn tỉnh" in words and "Mục tiêu 100%" in words
    # The narratives of every centre, each under its name.
    for ret in returns:
        assert f"{ret['centre']['name']}: {ret['narrative']['proposals']}" in words
    assert "báo cáo tổng hợp kết quả thực hiện Chương trình 6 tháng đầu năm 2026 của 3 cơ sở trên địa bàn tỉnh " \
           "Thanh Hóa./." in words


def test_a_long_consolidation_breaks_pages_with_the_header_repeated(tmp_path):
    returns = [make_return(f"Cơ sở số {i:02d}", code=f"TH-{i:02d}", seed=100 + i) for i in range(1, 46)]
    data = consolidate(returns, issued_on="2026-06-25")
    path = tmp_path / "dai.pdf"
    render_return(data, path)
    pages = pdf_pages(path)
    row = re.compile(r"^\s*(\d+)\s+Cơ sở số (\d\d)\s+([\d.]+)\s+([\d,]+)\s+([\d,]+)\s+(\d+)\s+([\d,]+)\s*$", re.M)
    rows_by_page = {i: row.findall(page) for i, page in enumerate(pages)}
    table_pages = [i for i, rows in rows_by_page.items() if rows]
    assert len(table_pages) >= 2  # the table of 45 centres does not fit one page
    seen = []
    for i in table_pages:
        head = pages[i][:row.search(pages[i]).start()]  # the text above the page's first row
        header_row = head[head.rindex("Đang"):]  # the repeated header row, wrapped over a few lines
        for word in ("STT", "Cơ sở", "Đang", "chăm sóc", "Theo dõi", "SK điện tử", "Có thẻ", "BHYT", "Lượt tập",
                     "Kỹ thuật"):
            assert word in header_row, (i, word)
        seen += rows_by_page[i]
    # Every centre once, in order, with its own figures.
    assert [int(stt) for stt, *_rest in seen] == list(range(1, 46))
    for (_stt, n, in_care, tracked, covered, turns, technical), ret in zip(seen, returns, strict=True):
        assert n == ret["centre"]["name"][-2:]
        assert (in_care, turns) == (vn(ret["residents"]["in_care"]), str(ret["training"]["turns"]))
        assert tracked == f"{ret['health']['tracked_pct']:.1f}".replace(".", ",")
        assert covered == f"{ret['insurance']['coverage_pct']:.1f}".replace(".", ",")
        assert technical == f"{ret['facility']['technical_pct']:.1f}".replace(".", ",")
    text = "\n".join(pages)
    in_care = sum(r["residents"]["in_care"] for r in returns)
    assert line_with(text, "Tổng cộng", vn(in_care))
    # Per-centre charts are split so each bar keeps a legible label.
    assert "(tiếp theo)" in text


def test_chart_labels_too_long_are_cut_and_lengths_must_match():
    from reports.layout import bar_chart

    long_name = "Trung tâm Bảo trợ xã hội và Phục hồi chức năng cho người khuyết tật, người tâm thần tỉnh Thanh Hóa"
    chart = bar_chart([long_name, "Toàn tỉnh"], [50.0, 60.0], percent=True, target=80, highlight=[1])
    names = chart.contents[0].categoryAxis.categoryNames
    assert names[0] == "Toàn tỉnh" and names[1].endswith("…") and long_name.startswith(names[1][:-1])
    with pytest.raises(ValueError):
        bar_chart(["a", "b"], [1])
