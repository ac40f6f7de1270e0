"""A resident's record (caremgr.records + reports.record) on the demo centre, read back from the PDF."""

from __future__ import annotations

import json
import subprocess
from datetime import date

import pytest

from caremgr import demo
from caremgr.dates import format_date
from caremgr.errors import NotFound, PermissionDenied
from caremgr.i18n import set_language
from caremgr.records import HEALTH_CHECKS_SHOWN, collect_record
from db.models import Condition, HealthCheck, InsuranceCard, Resident
from reports.layout import number
from reports.record import render_record

TODAY = date(2026, 1, 15)
BEFORE_REORGANISATION = date(2025, 1, 15)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def centre(database, admin):
    demo.load_demo(admin, today=TODAY)
    return admin


def rich_resident() -> Resident:
    """A resident in care with a CCCD, cards, checks and conditions."""
    for r in Resident.select().where(Resident.status == "in_care", Resident.cccd.is_null(False)).order_by(Resident.code):
        if (InsuranceCard.select().where(InsuranceCard.resident == r).exists()
                and HealthCheck.select().where(HealthCheck.resident == r).count() > HEALTH_CHECKS_SHOWN / 2
                and Condition.select().where(Condition.resident == r).count() >= 2):
            return r
    raise AssertionError("the demo centre has no resident with a full record")


def test_record_pdf_holds_identity_card_latest_check_and_icd_codes(centre, tmp_path):
    r = rich_resident()
    data = collect_record(centre, r.code, TODAY)
    json.dumps(data)  # plain data: it can be archived or exported as it is
    path = tmp_path / "record.pdf"
    render_record(data, path)
    text = pdf_text(path)
    words = flat(text)

    assert "HỒ SƠ ĐỐI TƯỢNG" in text
    for section in ("I. Thông tin cá nhân", "II. Chính sách và tiếp nhận", "III. Người thân liên hệ",
                    "IV. Bảo hiểm y tế", "V. Theo dõi sức khỏe", "VI. Bệnh lý (ICD-10)", "VII. Chuyển viện",
                    "VIII. Phục hồi chức năng"):
        assert section in text, section
    assert r.full_name in text
    assert r.cccd in text
    latest_card = (InsuranceCard.select().where(InsuranceCard.resident == r)
                   .order_by(InsuranceCard.valid_from.desc()).first())
    assert latest_card.number in text

    check = (HealthCheck.select().where(HealthCheck.resident == r)
             .order_by(HealthCheck.check_date.desc(), HealthCheck.id.desc()).first())
    row = next(line for line in text.splitlines() if format_date(check.check_date) in line
               and str(check.pulse) in line)
    assert str(check.pulse) in row
    if check.systolic:
        assert f"{check.systolic}/{check.diastolic}" in row
    assert number(check.temperature, 1) in row
    assert number(check.weight_kg, 1) in row
    assert str(check.spo2) in row
    assert check.examiner.split()[-1] in row
    assert check.findings.split(".")[0] in words

    for condition in Condition.select().where(Condition.resident == r):
        assert condition.icd10 in text
    assert "Lê Văn Thắng" in text  # the director signs
    assert "Thanh Hóa, ngày 15 tháng 01 năm 2026" in text


def test_header_shows_the_governing_body_of_the_day(centre, tmp_path):
    r = rich_resident()
    render_record(collect_record(centre, r.code, TODAY), tmp_path / "2026.pdf")
    render_record(collect_record(centre, r.code, BEFORE_REORGANISATION), tmp_path / "2025.pdf")
    now, then = pdf_text(tmp_path / "2026.pdf"), pdf_text(tmp_path / "2025.pdf")
    head_now, head_then = now.split("HỒ SƠ ĐỐI TƯỢNG")[0], then.split("HỒ SƠ ĐỐI TƯỢNG")[0]

    assert "SỞ Y TẾ TỈNH THANH HÓA" in head_now and "SỞ LAO ĐỘNG" not in head_now
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH" in head_then and "VÀ XÃ HỘI TỈNH THANH HÓA" in head_then
    assert "SỞ Y TẾ" not in head_then
    assert "ngày 15 tháng 01 năm 2025" in head_then
    assert "TRUNG TÂM BẢO TRỢ XÃ HỘI" in head_now and "TRUNG TÂM BẢO TRỢ XÃ HỘI" in head_then


def test_record_as_it_stood_on_an_earlier_day(centre):
    r = rich_resident()
    data = collect_record(centre, r.code, BEFORE_REORGANISATION)
    assert data["centre"]["governing_body"].startswith("SỞ LAO ĐỘNG")
    assert all(c["date"] <= BEFORE_REORGANISATION.isoformat() for c in data["health_checks"])
    assert all(c["valid_from"] <= BEFORE_REORGANISATION.isoformat() for c in data["insurance"]["cards"])


def test_record_data(centre):
    r = rich_resident()
    data = collect_record(centre, f"  {r.code.lower()} ", TODAY)
    person = data["resident"]
    assert person["code"] == r.code and person["cccd"] == r.cccd
    assert data["centre"]["governing_body"] == "SỞ Y TẾ TỈNH THANH HÓA"
    checks = data["health_checks"]
    assert 0 < len(checks) <= HEALTH_CHECKS_SHOWN
    assert [c["date"] for c in checks] == sorted(c["date"] for c in checks)
    total = HealthCheck.select().where(HealthCheck.resident == r, HealthCheck.check_date <= TODAY).count()
    assert data["health_checks_total"] == total
    assert any(c["bmi"] for c in checks)
    for c in checks:
        if c["bmi"] and c["height_cm"]:
            assert c["bmi"] == round(c["weight_kg"] / (c["height_cm"] / 100) ** 2, 1)
    assert data["insurance"]["status"] in ("valid", "expiring", "expired", "none")
    assert {c["icd10"] for c in data["conditions"]} == {
        c.icd10 for c in Condition.select().where(Condition.resident == r)}


def test_labels_are_vietnamese_whatever_the_ui_language(centre):
    r = rich_resident()
    try:
        set_language("en")
        data = collect_record(centre, r.code, TODAY)
    finally:
        set_language("vi")
    assert data["resident"]["sex_label"] in ("Nam", "Nữ")
    assert data["resident"]["status_label"] == "Đang chăm sóc"
    assert data["insurance"]["status_label"] in ("Còn hạn", "Sắp hết hạn", "Hết hạn", "Chưa có thẻ")


def test_year_only_birth_and_empty_sections(centre, tmp_path):
    r = (Resident.select().where(Resident.birth_date.is_null(), Resident.cccd.is_null()).order_by(Resident.code)
         .first())
    assert r is not None
    data = collect_record(centre, r.code, TODAY)
    assert data["resident"]["birth_year_only"] is True
    render_record(data, tmp_path / "r.pdf")
    text = pdf_text(tmp_path / "r.pdf")
    assert f"Năm sinh: {r.birth_year}" in flat(text)
    assert "Số CCCD: Chưa có" in flat(text)
    if not data["referrals"]:
        assert "Chưa có thông tin." in text


def test_unknown_code_and_permission(centre):
    with pytest.raises(NotFound, match="Không tìm thấy đối tượng có mã XX9999"):
        collect_record(centre, "XX9999", TODAY)
    with pytest.raises(NotFound):
        collect_record(centre, "", TODAY)
    with pytest.raises(PermissionDenied):
        collect_record(None, rich_resident().code, TODAY)
