"""The insurance list (caremgr.insurance_report + reports.insurance) on the demo centre, read back from
the PDF and the .xlsx: exactly the residents needing a card, in the official layout."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from caremgr import auth, demo, insurance
from caremgr.dates import format_date
from caremgr.errors import PermissionDenied
from caremgr.insurance_report import collect_insurance_list, default_addressee
from caremgr.residents_query import in_care_on
from db.models import Resident
from reports.insurance import HEADERS, list_rows, render_insurance_list, write_insurance_xlsx

TODAY = date(2026, 1, 15)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


def has_exactly(words: str, name: str) -> bool:
    return re.search(r"(?<!\S)" + re.escape(name) + r"(?!\S)", words) is not None


def shows_name(words: str, name: str) -> bool:
    """The name is in the flattened text, on one line or wrapped in its cell (with -layout, the
    rest of the name comes after the other cells of the row's first line)."""
    parts = name.split()
    if has_exactly(words, name):
        return True
    for k in range(1, len(parts)):
        head, tail = " ".join(parts[:k]), " ".join(parts[k:])
        if re.search(r"(?<!\S)" + re.escape(head) + r" (?:\S+ ){0,12}?" + re.escape(tail) + r"(?!\S)", words):
            return True
    return False


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    from db.connection import close_database, open_database

    open_database(str(tmp_path_factory.mktemp("insurance") / "demo.sqlite"))
    admin = auth.create_user(None, "admin", "mat-khau-1", "administrator", "Quản trị viên")
    demo.load_demo(admin, today=TODAY)
    yield admin
    close_database()


@pytest.fixture(scope="module")
def printed(centre, tmp_path_factory):
    data = collect_insurance_list(centre, TODAY)
    folder = tmp_path_factory.mktemp("out")
    render_insurance_list(data, folder / "ds.pdf")
    write_insurance_xlsx(data, folder / "ds.xlsx")
    return data, pdf_text(folder / "ds.pdf"), folder / "ds.xlsx"


def test_data_is_plain_and_counts_agree(centre, printed):
    data, _text, _xlsx = printed
    assert json.loads(json.dumps(data)) == data
    counts = insurance.status_counts(centre, TODAY)
    assert data["counts"] == {k: counts[k] for k in ("in_care", "valid", "expiring", "expired", "none",
                                                     "coverage_pct")}
    assert len(data["rows"]) == counts["none"] + counts["expired"] + counts["expiring"] > 0
    assert data["centre"]["on"] == TODAY.isoformat()
    assert data["addressee"] == "Cơ quan Bảo hiểm xã hội tỉnh Thanh Hóa"


def test_pdf_lists_exactly_the_residents_needing_a_card(centre, printed):
    data, text, _xlsx = printed
    needing = {r.code for r in insurance.needing_cards(centre, TODAY)}
    listed, others = [], []
    for r in Resident.select().where(in_care_on(TODAY)):
        (listed if r.code in needing else others).append(r)
    words = flat(text)
    for r in listed:
        assert shows_name(words, r.full_name), r.full_name
    names_listed = {r.full_name for r in listed}
    # No one else: not on one line, and not wrapped either, since the table has exactly one row per
    # listed resident (counted by STT below) and each of them is found above.
    for r in others:  # a namesake of a listed resident cannot be told apart by name
        if r.full_name not in names_listed:
            assert not has_exactly(words, r.full_name), r.full_name
    # Each table row starts with its STT; the rows are 1..n, in the data's order.
    numbers = [int(m) for m in re.findall(r"^\s{0,12}(\d{1,3})\s{2,}\S", text, re.M)]
    assert numbers == list(range(1, len(data["rows"]) + 1))


def test_pdf_layout(printed):
    data, text, _xlsx = printed
    head = text.split("DANH SÁCH")[0]
    assert "SỞ Y TẾ TỈNH THANH HÓA" in head and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head
    assert re.search(r"Số:\s+/DS-" + re.escape(data["centre"]["symbol"]), head)
    assert "ngày 15 tháng 01 năm 2026" in head
    words = flat(text)
    assert "Đối tượng cần cấp mới, gia hạn thẻ bảo hiểm y tế tính đến ngày 15/01/2026" in words
    assert "Kính gửi: Cơ quan Bảo hiểm xã hội tỉnh Thanh Hóa." in words
    table_head = flat(re.split(r"\n\s*1\s{2,}", text.split("Kính gửi")[1])[0])
    for header in HEADERS:  # a header may wrap in its cell ("Giới / tính")
        assert all(has_exactly(table_head, word) for word in header.split()), header
    c = data["counts"]
    assert (f"{len(data['rows'])} người, trong đó chưa có thẻ: {c['none']} người; thẻ đã hết hạn: "
            f"{c['expired']} người; thẻ sắp hết hạn: {c['expiring']} người") in words
    assert "Nơi nhận:" in words and "- Như trên;" in words and "GIÁM ĐỐC" in words
    assert data["centre"]["director"] in words
    # The header row is repeated on every page of the table.
    pages = text.split("\f")
    assert len([p for p in pages if "Tình trạng" in p]) == len([p for p in pages if p.strip()]) > 1


def test_xlsx_rows_equal_the_pdf_rows(printed):
    data, text, path = printed
    ws = load_workbook(path).active
    rows = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert tuple(rows[0]) == HEADERS
    body = rows[1:]
    expected = list_rows(data)
    assert len(body) == len(expected) == len(data["rows"])
    for got, want in zip(body, expected, strict=True):
        got = [v.date() if hasattr(v, "date") and callable(v.date) else v for v in got]
        assert got == [v if v != "" else None for v in want]
    words = flat(text)
    for row in body:  # each .xlsx row shows in the PDF: name, birth, CCCD, status
        birth = row[2] if isinstance(row[2], int) else format_date(row[2].date())
        assert shows_name(words, row[1]) and str(birth) in words and row[9] in words
        if row[4]:
            assert row[4] in words
        if row[8]:
            assert format_date(row[8].date()) in words
    assert ws["E2"].number_format == "@" and isinstance(ws["E2"].value, str)


def test_an_empty_list_still_makes_a_document(centre, tmp_path):
    data = collect_insurance_list(centre, TODAY)
    data["rows"] = []
    path = tmp_path / "empty.pdf"
    render_insurance_list(data, path)
    assert "Không có đối tượng nào cần cấp mới" in flat(pdf_text(path))


def test_needs_reports_view_and_addressee_fallback(centre):
    with pytest.raises(PermissionDenied):
        collect_insurance_list(None, TODAY)
    assert default_addressee("Hà Nội") == "Cơ quan Bảo hiểm xã hội thành phố Hà Nội"
    assert default_addressee("") == "Cơ quan Bảo hiểm xã hội"
