"""The roster of residents in care (caremgr.roster + reports.roster) on SQLite and PostgreSQL: who is in
care on the day (RETURN.md's rule), in Vietnamese name order, with labels and card status as of that
day, the counts by group, and the landscape PDF in the official layout read back with pdftotext."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date

import pytest

from caremgr import auth, insurance, residents, settings
from caremgr.errors import PermissionDenied
from caremgr.roster import collect_roster, disability_text
from caremgr.text import name_sort_key
from reports.roster import render_roster

AT = date(2025, 6, 30)
CENTRE = {
    "centre.name": "Trung tâm Công tác xã hội tỉnh Nghệ An",
    "centre.symbol": "TTCTXH",
    "centre.director": "Hồ Thị Minh Nguyệt",
    "centre.province": "Nghệ An",
    "agency.governing_body": "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH NGHỆ AN",
    "agency.recipients": ["Sở Lao động - Thương binh và Xã hội tỉnh Nghệ An", "Lưu: VT, CTXH"],
}
LATER = {"agency.governing_body": "SỞ Y TẾ TỈNH NGHỆ AN", "agency.recipients": ["Sở Y tế tỉnh Nghệ An", "Lưu: VT"]}

# code, name, sex, birth, category, admitted, disability (type, severity), card (from, to) or None
PEOPLE = [
    ("DT01", "Nguyễn Văn Bình", "Nam", "12/03/1941", "NCC", "01/02/2019", (None, None), ("01/01/2025", "31/12/2025")),
    ("DT02", "Trần Thị Ánh", "Nữ", "1950", "NCT", "15/05/2020", ("mobility", "severe"), ("01/08/2024", "15/07/2025")),
    ("DT03", "Lê Văn An", "Nam", "03/09/2012", "TE", "20/08/2021", (None, None), ("01/01/2024", "31/03/2025")),
    ("DT04", "Phạm Thị Bình", "Nữ", "22/11/1988", "NKT", "10/10/2018", ("intellectual", "especially_severe"), None),
    ("DT05", "Đỗ Minh Đức", "Nam", "05/05/1979", "TT", "02/01/2023", ("mental_neuro", "mild"),
     ("01/01/2025", "31/12/2025")),
    ("DT06", "Hoàng Văn Ân", "Nam", "1960", "K", "01/04/2017", (None, None), None),
]
DISCHARGED_BEFORE = ("DT07", "Vũ Thị Cúc", "Nữ", "1945", "NCT", "01/01/2018")  # left on 10/03/2025
DISCHARGED_AFTER = ("DT08", "Bùi Văn Chiến", "Nam", "1948", "NCC", "01/01/2016")  # left on 15/09/2025
ADMITTED_AFTER = ("DT09", "Mai Thị Dung", "Nữ", "1952", "NCT", "01/08/2025")
DELETED = ("DT10", "Ngô Văn Sai", "Nam", "1970", "K", "01/01/2020")


def form(code, name, sex, birth, category, admitted, disability=(None, None)) -> dict:
    kind, severity = disability
    return {"code": code, "full_name": name, "sex": sex, "birth": birth, "category": category,
            "admission_date": admitted, "province": "Nghệ An", "disability_type": kind or "",
            "disability_severity": severity or ""}


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


@pytest.fixture
def centre(admin):
    settings.put(admin, CENTRE, effective_from=date(2021, 1, 1))
    settings.put(admin, LATER, effective_from=date(2025, 9, 1))
    for number, (code, name, sex, birth, category, admitted, disability, card) in enumerate(PEOPLE, start=1):
        rid = residents.create(admin, form(code, name, sex, birth, category, admitted, disability)).id
        if card:
            insurance.add_card(admin, rid, {"number": f"BT24001234567{number:02d}", "valid_from": card[0],
                                            "valid_to": card[1], "facility": "40001 - Trạm Y tế phường Vinh"})
    before = residents.create(admin, form(*DISCHARGED_BEFORE)).id
    residents.discharge(admin, before, on=date(2025, 3, 10), reason="reintegrated")
    after = residents.create(admin, form(*DISCHARGED_AFTER)).id
    residents.discharge(admin, after, on=date(2025, 9, 15), reason="deceased")
    residents.create(admin, form(*ADMITTED_AFTER))
    mistake = residents.create(admin, form(*DELETED)).id
    residents.delete_by_mistake(admin, mistake, reason="nhập nhầm")
    return admin


def in_care_at_at() -> list[tuple]:
    """(code, name, sex, category) of everyone in care on AT, computed from the lists above."""
    people = [(p[0], p[1], p[2], p[4]) for p in PEOPLE]
    people.append((DISCHARGED_AFTER[0], DISCHARGED_AFTER[1], DISCHARGED_AFTER[2], DISCHARGED_AFTER[4]))
    return sorted(people, key=lambda p: (name_sort_key(p[1]), p[0]))


def test_rows_are_the_residents_in_care_on_the_day_in_vietnamese_name_order(centre):
    data = collect_roster(centre, AT)
    assert json.loads(json.dumps(data)) == data
    expected = in_care_at_at()
    assert [r["code"] for r in data["rows"]] == [p[0] for p in expected]
    # Given name first, in the Vietnamese alphabet (a < ă < â, đ after d); then the middle name.
    assert [r["full_name"] for r in data["rows"]] == [
        "Lê Văn An", "Trần Thị Ánh", "Hoàng Văn Ân", "Phạm Thị Bình", "Nguyễn Văn Bình", "Bùi Văn Chiến", "Đỗ Minh Đức"]
    by_code = {r["code"]: r for r in data["rows"]}
    assert by_code["DT01"]["birth_display"] == "12/03/1941" and by_code["DT02"]["birth_display"] == "1950"
    assert by_code["DT01"]["sex_label"] == "Nam" and by_code["DT02"]["sex_label"] == "Nữ"
    assert by_code["DT03"]["category_label"] == "Trẻ em có hoàn cảnh đặc biệt"
    assert by_code["DT04"]["admission_date"] == "2018-10-10"
    assert by_code["DT02"]["disability"] == "Vận động, nặng"
    assert by_code["DT04"]["disability"] == "Trí tuệ, đặc biệt nặng" and by_code["DT01"]["disability"] == ""
    # Card status on AT: valid, expiring within 30 days, expired, none.
    assert [by_code[c]["insurance_label"] for c in ("DT01", "DT02", "DT03", "DT04")] == [
        "Còn hạn", "Sắp hết hạn", "Hết hạn", "Chưa có thẻ"]
    counts = data["counts"]
    assert counts["total"] == len(expected)
    assert {c["code"]: c["count"] for c in counts["by_category"]} == {
        code: sum(1 for p in expected if p[3] == code) for code in ("NCC", "NCT", "TE", "NKT", "TT", "CN", "K")}
    assert counts["by_sex"] == {"male": sum(1 for p in expected if p[2] == "Nam"),
                                "female": sum(1 for p in expected if p[2] == "Nữ")}
    assert data["centre"]["governing_body"] == CENTRE["agency.governing_body"] and data["at"] == AT.isoformat()


def test_a_later_day_sees_the_admissions_and_discharges_since(centre):
    codes = [r["code"] for r in collect_roster(centre, date(2025, 10, 1))["rows"]]
    assert "DT09" in codes and "DT08" not in codes and "DT07" not in codes and "DT10" not in codes
    assert [r["code"] for r in collect_roster(centre, date(2016, 6, 1))["rows"]] == ["DT08"]


def test_the_pdf_lists_every_row_with_totals_and_the_header_of_the_day(centre, tmp_path):
    data = collect_roster(centre, AT)
    path = tmp_path / "danh-sach.pdf"
    render_roster(data, path)
    text = pdf_text(path)
    words = " ".join(text.split())
    assert "DANH SÁCH" in text and "Số:" in text and "/DS-TTCTXH" in text
    assert "Đối tượng đang được chăm sóc, nuôi dưỡng tại cơ sở đến ngày 30/06/2025" in words
    head = text.split("DANH SÁCH")[0]  # the governing body in force on AT wraps in its column
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" in head and "TỈNH NGHỆ AN" in head and "SỞ Y TẾ" not in text
    assert "Nghệ An, ngày 30 tháng 6 năm 2025" in text
    for stt, row in enumerate(data["rows"], start=1):
        line = next(line for line in text.splitlines() if re.match(rf"\s*{stt}\s+{row['code']}\s", line))
        assert row["full_name"] in line and row["birth_display"] in line and row["insurance_label"] in line
        assert f"{row['admission_date'][8:10]}/{row['admission_date'][5:7]}/{row['admission_date'][:4]}" in line
    total = len(data["rows"])
    counts = [c["count"] for c in data["counts"]["by_category"]]
    people = next(line for line in text.splitlines() if "Số người" in line).split()
    assert [int(v) for v in people[-8:]] == [*counts, total]
    assert f"Danh sách gồm {total} đối tượng./." in words
    assert "GIÁM ĐỐC" in text and "Hồ Thị Minh Nguyệt" in text and "- Lưu: VT, CTXH." in text


def test_needs_the_residents_view_permission(centre):
    with pytest.raises(PermissionDenied):
        collect_roster(None, AT)
    with pytest.raises(PermissionDenied):
        collect_roster(auth.Actor(99, "khach", "Khách", "guest"), AT)
    nurse = auth.create_user(centre, "dieuduong", "mat-khau-2", "nurse", "Điều dưỡng Lan")
    assert len(collect_roster(nurse, AT)["rows"]) == len(in_care_at_at())


def test_disability_text():
    assert disability_text("hearing_speech", "mild") == "Nghe, nói, nhẹ"
    assert disability_text(None, "severe") == "Mức độ nặng"
    assert disability_text("vision", None) == "Nhìn" and disability_text(None, None) == ""
