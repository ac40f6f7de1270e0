"""The year's training report (caremgr.training_report + reports.training), read back from the PDF:
the courses, the attendees and the totals against the target, computed here from the rows the test
creates, in the official layout; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date

import pytest

from caremgr import settings, training
from caremgr.dates import format_date
from caremgr.errors import PermissionDenied
from caremgr.text import name_sort_key, search_key
from caremgr.training_report import collect_training
from db.models import Staff
from reports.training import render_training

CENTRE = {
    "centre.name": "Trung tâm Bảo trợ xã hội tỉnh Thanh Hóa",
    "centre.symbol": "TTBTXH",
    "centre.director": "Lê Văn Thắng",
    "centre.province": "Thanh Hóa",
    "agency.governing_body": "SỞ Y TẾ TỈNH THANH HÓA",
    "agency.receiving": "Sở Y tế tỉnh Thanh Hóa",
    "agency.recipients": ["Sở Y tế tỉnh Thanh Hóa (để b/c)", "Ban Giám đốc", "Lưu: VT, HC-TH"],
}
# (code, full name, position, started)
STAFF = [
    ("NV001", "Nguyễn Thị An", "nurse", date(2015, 1, 1)),
    ("NV002", "Lê Văn Dũng", "carer", date(2018, 1, 1)),
    ("NV003", "Đỗ Thị Đào", "doctor", date(2019, 1, 1)),
    ("NV004", "Trần Văn Bình", "rehab_technician", date(2020, 1, 1)),
    ("NV005", "Hoàng Minh Hùng", "social_worker", date(2021, 1, 1)),
    ("NV006", "Phan Văn Khải", "other", date(2025, 12, 15)),  # only on the 2026 course
    ("NV007", "Mai Thị Quỳnh", "carer", date(2022, 1, 1)),  # never trained
]
# (code, title, field, organiser, start, end, hours, [(staff, completed, certificate)])
COURSES = [
    ("TH2024-09", "Khóa cuối năm trước", "care", "Sở Lao động - Thương binh và Xã hội", date(2024, 12, 31),
     date(2025, 1, 2), 16, [("NV001", True, "")]),
    ("TH2025-01", "Kỹ năng chăm sóc người cao tuổi", "care", "Sở Y tế tỉnh Thanh Hóa", date(2025, 3, 10),
     date(2025, 3, 12), 24, [("NV001", True, "001/2025/GCN"), ("NV002", False, ""), ("NV003", True, "003/2025/GCN")]),
    ("TH2025-02", "Phục hồi chức năng cho người khuyết tật", "rehabilitation", "Bệnh viện Phục hồi chức năng",
     date(2025, 5, 5), date(2025, 5, 5), 7.5, [("NV001", True, "PH-17"), ("NV004", True, "PH-18")]),
    ("TH2025-03", "Sơ cấp cứu ban đầu", "nursing", "Trung tâm Kiểm soát bệnh tật", date(2025, 12, 31),
     date(2026, 1, 2), 8, [("NV005", True, "")]),
    ("TH2026-01", "Vận hành phần mềm quản lý", "database", "", date(2026, 1, 1), date(2026, 1, 1), 4,
     [("NV006", True, ""), ("NV002", True, "")]),
]
YEAR = 2025


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


def vn(value: float) -> str:
    """A number as the report writes it: 39,5 / 6."""
    return (f"{value:g}").replace(".", ",")


def one_decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def expected(on: date = date(YEAR, 12, 31)) -> dict:
    courses = [c for c in COURSES if date(YEAR, 1, 1) <= c[4] <= on]
    done = [(c[0], s) for c in courses for s, ok, _cert in c[7] if ok]
    employed = {code for code, _n, _p, start in STAFF if start <= on}
    trained = {s for _c, s in done}
    return {"courses": courses, "turns": len(done), "staff_trained": len(trained),
            "hours": sum(c[6] for c in courses), "attendances": sum(len(c[7]) for c in courses),
            "staff_total": len(employed), "untrained": len(employed - trained)}


@pytest.fixture
def centre(admin):
    settings.put(admin, CENTRE, effective_from=date(2025, 1, 1))
    settings.put(admin, {"target.training_turns": 10}, effective_from=date(2021, 1, 1))
    people = {code: Staff.create(code=code, full_name=name, search_name=search_key(name), sort_key=name_sort_key(name),
                                 position=position, start_date=start)
              for code, name, position, start in STAFF}
    for code, title, field, organiser, start, end, hours, attendees in COURSES:
        row = training.create_course(admin, {"code": code, "title": title, "field": field, "organiser": organiser,
                                             "start_date": start, "end_date": end, "hours": hours})
        for staff_code, completed, certificate in attendees:
            training.add_attendee(admin, row.id, {"staff_id": people[staff_code].id, "completed": completed,
                                                   "certificate_no": certificate})
    return admin


def printed(actor, tmp_path, **kwargs) -> tuple[dict, str]:
    data = collect_training(actor, YEAR, **kwargs)
    path = tmp_path / "tap-huan.pdf"
    render_training(data, path)
    return data, pdf_text(path)


def test_data_is_plain_and_matches_the_rows(centre, tmp_path):
    data = collect_training(centre, YEAR)
    assert json.loads(json.dumps(data)) == data
    want = expected()
    t = data["totals"]
    assert (t["courses"], t["turns"], t["staff_trained"], t["course_hours"]) == (
        len(want["courses"]), want["turns"], want["staff_trained"], want["hours"])
    assert (t["staff_total"], t["untrained_staff"], t["attendances"]) == (
        want["staff_total"], want["untrained"], want["attendances"])
    assert [c["code"] for c in data["courses"]] == [c[0] for c in want["courses"]]
    assert data["centre"]["receiving_agency"] == "Sở Y tế tỉnh Thanh Hóa" and data["issued_on"] == "2025-12-31"
    first = data["courses"][0]
    assert [p["name"] for p in first["attendees"]] == ["Nguyễn Thị An", "Lê Văn Dũng", "Đỗ Thị Đào"]
    assert [p["position_label"] for p in first["attendees"]] == ["Điều dưỡng", "Nhân viên chăm sóc", "Bác sĩ"]
    assert {f["field"]: f["turns"] for f in data["by_field"] if f["turns"]} == {
        "care": 2, "rehabilitation": 2, "nursing": 1}


def test_pdf_holds_the_totals_computed_from_the_rows(centre, tmp_path):
    data, text = printed(centre, tmp_path)
    words = flat(text)
    want = expected()
    pct = want["turns"] * 100 / 10
    assert f"Số khóa đào tạo, tập huấn: {len(want['courses'])} khóa" in words
    assert f"Số lượt người hoàn thành: {want['turns']} lượt người" in words
    assert f"Số lượt tham gia chưa hoàn thành: {want['attendances'] - want['turns']} lượt người" in words
    assert f"Số người được tập huấn: {want['staff_trained']} người" in words
    assert f"Tổng số giờ các khóa: {vn(want['hours'])} giờ" in words
    assert f"Cán bộ, nhân viên chưa được tập huấn: {want['untrained']}/{want['staff_total']} người" in words
    assert "Chỉ tiêu năm: 10 lượt người" in words
    assert (f"Kết quả: Chưa đạt chỉ tiêu ({one_decimal(pct)}% chỉ tiêu; còn thiếu {10 - want['turns']} "
            f"lượt người)") in words
    # Section II: a row per course with its completed turns, then the bold totals row.
    section = flat(text.split("II. Các khóa tập huấn")[1].split("III. Danh sách")[0])
    for code, title, *_rest in want["courses"]:
        assert code in section and title.split()[0] in section
    assert re.search(rf"Tổng cộng {re.escape(vn(want['hours']))} {want['turns']}\b", section)
    assert "TH2026-01" not in words and "TH2024-09" not in words


def test_pdf_lists_every_attendee_of_the_years_courses(centre, tmp_path):
    _data, text = printed(centre, tmp_path)
    people = flat(text.split("III. Danh sách người tham gia")[1].split("IV. Kết quả theo lĩnh vực")[0])
    names = dict((code, name) for code, name, _p, _s in STAFF)
    courses = expected()["courses"]
    for index, (code, title, _f, _o, start, end, _h, attendees) in enumerate(courses, start=1):
        when = (format_date(start) if start == end else f"{start:%d/%m} - {format_date(end)}"
                if start.year == end.year else f"{format_date(start)} - {format_date(end)}")
        assert f"{index}. {title} (mã {code}, {when})" in people
        part = people.split(f"(mã {code}, ")[1]
        if index < len(courses):
            part = part.split(f"(mã {courses[index][0]}, ")[0]
        for staff_code, completed, certificate in attendees:
            # the name, its position (which may wrap in its cell), then Có/Không and the certificate
            done = "Có" if completed else "Không"
            assert re.search(re.escape(names[staff_code]) + r" (?:\S+ ){0,6}?" + done + r"\b", part), staff_code
            if certificate:
                assert certificate in part
        assert part.count("Không") == sum(1 for _s, ok, _c in attendees if not ok)
    assert "Phan Văn Khải" not in text  # only on a 2026 course
    assert "Mai Thị Quỳnh" not in text  # never trained
    fields = flat(text.split("IV. Kết quả theo lĩnh vực")[1])
    assert "Chăm sóc 1 2" in fields and "Phục hồi chức năng 1 2" in fields and "Điều dưỡng 1 1" in fields
    assert f"Tổng cộng {len(expected()['courses'])} {expected()['turns']}" in fields


def test_pdf_layout(centre, tmp_path):
    data, text = printed(centre, tmp_path)
    head = text.split("BÁO CÁO")[0]
    assert "SỞ Y TẾ TỈNH THANH HÓA" in head and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head
    assert re.search(r"Số:\s+/BC-TTBTXH", head) and "ngày 31 tháng 12 năm 2025" in head
    words = flat(text)
    assert "Kết quả đào tạo, tập huấn cán bộ, nhân viên năm 2025" in words
    assert "Kính gửi: Sở Y tế tỉnh Thanh Hóa." in words
    positions = [words.index(h) for h in ("I. Tổng hợp", "II. Các khóa tập huấn", "III. Danh sách người tham gia",
                                          "IV. Kết quả theo lĩnh vực")]
    assert positions == sorted(positions)
    assert "Nơi nhận:" in words and "- Như trên;" in words and "- Lưu: VT, HC-TH." in words
    assert "GIÁM ĐỐC" in words and "Lê Văn Thắng" in words


def test_target_met_and_no_target(centre, tmp_path):
    settings.put(centre, {"target.training_turns": 5}, effective_from=date(2025, 1, 1))
    turns = expected()["turns"]
    _data, text = printed(centre, tmp_path)
    assert f"Kết quả: Đạt chỉ tiêu ({one_decimal(turns * 100 / 5)}% chỉ tiêu)" in flat(text)
    settings.put(centre, {"target.training_turns": ""}, effective_from=date(2025, 1, 1))
    data, text = printed(centre, tmp_path)
    assert data["totals"]["target"] is None and "Chỉ tiêu năm: chưa đặt chỉ tiêu" in flat(text)


def test_up_to_a_day_of_the_year(centre, tmp_path):
    on = date(2025, 4, 30)
    data, text = printed(centre, tmp_path, on=on)
    want = expected(on)
    words = flat(text)
    assert [c["code"] for c in data["courses"]] == [c[0] for c in want["courses"]] == ["TH2025-01"]
    assert f"Tính đến ngày {format_date(on)}" in words and "ngày 30 tháng 4 năm 2025" in words
    assert f"Số lượt người hoàn thành: {want['turns']} lượt người" in words
    assert "TH2025-02" not in words


def test_a_year_without_courses_still_makes_a_document(centre, tmp_path):
    data = collect_training(centre, 2023)
    assert data["courses"] == [] and data["totals"]["turns"] == 0
    path = tmp_path / "trong.pdf"
    render_training(data, path)
    assert "Trong năm chưa có khóa đào tạo, tập huấn nào." in flat(pdf_text(path))


def test_needs_a_user_who_may_see_reports(centre):
    with pytest.raises(PermissionDenied):
        collect_training(None, YEAR)
