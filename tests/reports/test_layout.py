"""The Decree 30/2020 layout (shared/domain/LAYOUT.md), checked on the PDF as an official would read it."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.units import mm

from reports import fonts
from reports.layout import (
    BOLD,
    HEADER_SIZE,
    DocumentHeader,
    Signature,
    balanced_lines,
    build_pdf,
    heading,
    key_value_table,
    number,
    number_text,
    paragraph,
    recipient_lines,
    table,
    text_width,
)

PROFILE_2026 = {
    "name": "Trung tâm Bảo trợ xã hội tỉnh Thanh Hóa",
    "governing_body": "SỞ Y TẾ TỈNH THANH HÓA",
    "province": "Thanh Hóa",
    "place": "Thanh Hóa",
    "symbol": "TTBTXH",
    "director": "Lê Văn Thắng",
    "deputies": ["Nguyễn Thị Thu Hà"],
    "recipients": ["Sở Y tế tỉnh Thanh Hóa (để b/c)", "Ban Giám đốc", "Lưu: VT, HC-TH"],
    "signer_title": "GIÁM ĐỐC",
    "deputy_title": "PHÓ GIÁM ĐỐC",
    "receiving_agency": "Sở Y tế tỉnh Thanh Hóa",
}
TABLE_HEADER = ["Họ và tên", "Nhóm đối tượng", "Số lượt", "Tỷ lệ (%)"]
SUBJECT = "Kết quả thực hiện Chương trình phục hồi chức năng 6 tháng đầu năm 2026"


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, as ``pdftotext -layout`` extracts it."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    return text.split("\f")[:-1]


def words_in_box(path: Path, page: int, top: float, bottom: float) -> list[tuple[str, float, float]]:
    """(word, x centre, y centre) of the words of one page between two heights (points from the top)."""
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(path), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    found = []
    for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        x, y = (float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2
        if top <= y <= bottom:
            found.append((word, x, y))
    return found


def make_document(path, *, deputy: bool = True, rows: int = 120, landscape: bool = False, subject=SUBJECT):
    profile = PROFILE_2026
    header = DocumentHeader.from_profile(profile, date(2026, 1, 5), number_text(5, "BC", profile["symbol"]))
    data = [[f"Nguyễn Văn Đối Tượng {i}", "Người cao tuổi", i * 3, round(12.5 + i / 10, 1)] for i in range(1, rows + 1)]
    body = [
        heading("I. Kết quả thực hiện"),
        paragraph("Thực hiện Quyết định số 1942/QĐ-TTg ngày 12 tháng 11 năm 2020 của Thủ tướng Chính phủ, "
                  "Trung tâm báo cáo kết quả như sau: <không phải markup> & ký tự đặc biệt."),
        table(TABLE_HEADER, data, [60 * mm, 45 * mm, 25 * mm, 25 * mm], numeric_cols=(2, 3),
              total_row=["Tổng cộng", "", sum(r[2] for r in data), ""],
              width=text_width(landscape)),
        heading("II. Phương hướng"),
        paragraph("Tiếp tục duy trì các hoạt động phục hồi chức năng."),
    ]
    signature = Signature.from_profile(profile, profile["deputies"][0] if deputy else None)
    build_pdf(path, header, "Báo cáo", subject, body, profile["recipients"], signature,
              addressee=profile["receiving_agency"], landscape=landscape)
    return path


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    return make_document(tmp_path_factory.mktemp("layout") / "report.pdf")


@pytest.fixture(scope="module")
def pages(document):
    return pdf_pages(document)


def test_first_page_header_per_decree_30(pages):
    first = pages[0]
    for line in ("SỞ Y TẾ TỈNH THANH HÓA", "TRUNG TÂM BẢO TRỢ XÃ HỘI", "TỈNH THANH HÓA",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Số: 05/BC-TTBTXH", "Thanh Hóa, ngày 05 tháng 01 năm 2026", "BÁO CÁO",
                 "Kính gửi: Sở Y tế tỉnh Thanh Hóa."):
        assert line in first, line
    # The issuing body breaks where a typist would, never inside "XÃ HỘI".
    assert re.search(r"TRUNG TÂM BẢO TRỢ XÃ HỘI\s", first) and "XÃ\n" not in first
    # The number and the date share one line (left and right column of the same row).
    assert re.search(r"Số: 05/BC-TTBTXH\s+Thanh Hóa, ngày 05 tháng 01 năm 2026", first)
    # Only the first page has the header.
    assert all("CỘNG HÒA XÃ HỘI" not in page for page in pages[1:])


def test_table_header_repeats_on_every_page_and_numbers_are_vietnamese(pages):
    assert len(pages) >= 3
    for page in pages:
        if re.search(r"Nguyễn Văn Đối Tượng \d+", page):
            assert re.search(r"STT\s+Họ và tên\s+Nhóm đối tượng\s+Số lượt\s+Tỷ lệ \(%\)", page), page[:300]
    second = pages[1]
    assert second.index("STT") < second.index("Nguyễn Văn Đối Tượng")
    all_text = "\f".join(pages)
    assert re.search(r"120\s+Nguyễn Văn Đối Tượng 120\s+Người cao tuổi\s+360\s+24,5", all_text)
    assert re.search(r"Tổng cộng\s+21\.780", all_text)


def test_page_numbers_centred_in_top_margin_from_page_two(document, pages):
    top_margin = 20 * mm
    assert words_in_box(document, 1, 0, top_margin) == []
    for page in range(2, len(pages) + 1):
        found = words_in_box(document, page, 0, top_margin)
        assert [w for w, _x, _y in found] == [str(page)]
        x = found[0][1]
        assert abs(x - (30 * mm + text_width() / 2)) < 1.5  # centred over the text, between the margins
        assert pages[page - 1].strip().splitlines()[0].strip() == str(page)


def test_closing_block_with_deputy_signing(pages):
    last = pages[-1]
    assert "Nơi nhận:" in last
    assert "- Sở Y tế tỉnh Thanh Hóa (để b/c);" in last
    assert "- Ban Giám đốc;" in last
    assert "- Lưu: VT, HC-TH." in last
    assert re.search(r"KT\. GIÁM ĐỐC\s*\n.*PHÓ GIÁM ĐỐC", last)
    assert last.index("PHÓ GIÁM ĐỐC") < last.index("Nguyễn Thị Thu Hà")


def test_director_signing_alone(tmp_path):
    last = pdf_pages(make_document(tmp_path / "d.pdf", deputy=False, rows=3))[-1]
    assert "GIÁM ĐỐC" in last and "KT." not in last and "PHÓ GIÁM ĐỐC" not in last
    assert "Lê Văn Thắng" in last


def test_vietnamese_text_is_extracted_as_nfc_even_from_nfd_input(tmp_path):
    decomposed = unicodedata.normalize("NFD", SUBJECT)
    assert decomposed != SUBJECT
    pages = pdf_pages(make_document(tmp_path / "nfd.pdf", rows=3, subject=decomposed))
    text = "\n".join(pages)
    assert unicodedata.normalize("NFC", text) == text
    assert "Kết quả thực hiện Chương trình phục hồi" in text
    assert "Nguyễn Văn Đối Tượng 1" in text
    assert "<không phải markup> & ký tự đặc biệt." in " ".join(text.split())  # escaped, not parsed


def test_fonts_are_embedded_and_no_base14_font_is_used(document):
    report = subprocess.run(["pdffonts", str(document)], capture_output=True, check=True, text=True).stdout
    rows = report.splitlines()[2:]
    assert len(rows) == 4, report
    for row in rows:
        assert "LiberationSerif" in row and re.search(r"\byes\s+yes\s+yes\b", row), row
    assert "Helvetica" not in report and "Times" not in report


def test_landscape_page(tmp_path):
    path = make_document(tmp_path / "l.pdf", rows=40, landscape=True)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height and round(width) == 842
    assert "Số: 05/BC-TTBTXH" in pdf_pages(path)[0]


def test_writes_to_a_buffer():
    buffer = io.BytesIO()
    build_pdf(buffer, DocumentHeader("", "Trung tâm A", None, "Hà Nội", date(2026, 3, 15)), "Danh sách", None,
              [key_value_table([("Họ và tên", "Nguyễn Văn A"), ("Ghi chú", "")])], None,
              Signature("GIÁM ĐỐC", "GIÁM ĐỐC", "Trần B"))
    assert buffer.getvalue().startswith(b"%PDF")


def test_number_text():
    assert number_text(5, "BC", "TTBTXH") == "Số: 05/BC-TTBTXH"
    assert number_text(12, "ds", "TTBTXH") == "Số: 12/DS-TTBTXH"
    assert number_text(None, "KH", "TTBTXH").endswith("/KH-TTBTXH")
    with pytest.raises(ValueError):
        number_text(0, "BC", "TTBTXH")


def test_signature_lines():
    assert Signature.from_profile(PROFILE_2026).lines() == ["GIÁM ĐỐC"]
    assert Signature.from_profile(PROFILE_2026, "Nguyễn Thị Thu Hà").lines() == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert Signature("Chủ tịch", "Chủ tịch", "X", collective="Ủy ban nhân dân").lines() == [
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_recipient_lines():
    assert recipient_lines(["- Sở Y tế;", "Lưu: VT, HC-TH", "Ban Giám đốc."]) == [
        "- Sở Y tế;", "- Ban Giám đốc;", "- Lưu: VT, HC-TH."]
    assert recipient_lines(["Sở Y tế"]) == ["- Sở Y tế;", "- Lưu: VT."]


def test_agency_names_break_where_a_typist_would():
    fonts.register_fonts()
    assert balanced_lines("TRUNG TÂM BẢO TRỢ XÃ HỘI TỈNH THANH HÓA", BOLD, HEADER_SIZE, 70 * mm) == [
        "TRUNG TÂM BẢO TRỢ XÃ HỘI", "TỈNH THANH HÓA"]
    lines = balanced_lines("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH THANH HÓA", "VNSerif", HEADER_SIZE, 70 * mm)
    assert lines == ["SỞ LAO ĐỘNG - THƯƠNG BINH", "VÀ XÃ HỘI TỈNH THANH HÓA"]
    assert balanced_lines("SỞ Y TẾ", BOLD, HEADER_SIZE, 70 * mm) == ["SỞ Y TẾ"]
    assert balanced_lines("DÒNG MỘT\nDÒNG HAI", BOLD, HEADER_SIZE, 70 * mm) == ["DÒNG MỘT", "DÒNG HAI"]


def test_numbers_the_vietnamese_way():
    assert number(1234) == "1.234"
    assert number(36.5) == "36,5"
    assert number(70.0, 1) == "70,0"
    assert number(1234567.891, 2) == "1.234.567,89"
    assert number(None) == "" and number("—") == "—"


def test_fonts_register_once_from_the_package_folder():
    assert fonts.register_fonts() == fonts.register_fonts() == "VNSerif"
    assert (fonts.font_dir() / "LICENSE").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") == 1
    for _name, file_name, _b, _i in fonts.FACES:
        assert (fonts.font_dir() / file_name).is_file()


def test_signature_never_stands_alone_on_a_page(tmp_path):
    header = DocumentHeader.from_profile(PROFILE_2026, date(2026, 1, 5), number_text(7, "TB", "TTBTXH"))
    signature = Signature.from_profile(PROFILE_2026)
    for count in range(30, 46):
        path = tmp_path / f"p{count}.pdf"
        body = [paragraph(f"Đoạn số {n}: nội dung thông báo.") for n in range(1, count + 1)]
        build_pdf(path, header, "Thông báo", "Lịch kiểm tra sức khỏe định kỳ", body, PROFILE_2026["recipients"],
                  signature)
        last = pdf_pages(path)[-1]
        assert f"Đoạn số {count}:" in last and "Nơi nhận:" in last and "Lê Văn Thắng" in last, count
