"""The rehabilitation plan document (caremgr.rehab_report + reports.plan) on the demo centre, read back
from the PDF: every goal, the Barthel totals computed from the item scores, interventions with
attendance, sessions so far, and the official layout with two signatures."""

from __future__ import annotations

import json
import math
import re
import subprocess
from datetime import date, timedelta

import pytest

from caremgr import auth, demo, rehab
from caremgr.dates import format_date
from caremgr.errors import NotFound, PermissionDenied
from caremgr.rehab_report import SESSIONS_LISTED, collect_plan
from db.models import Assessment, RehabGoal, RehabIntervention, RehabPlan, RehabSession, Resident, Staff
from reports.plan import render_plan

TODAY = date(2026, 5, 14)
BARTHEL_KEYS = ("feeding", "bathing", "grooming", "dressing", "bowels", "bladder", "toilet_use", "transfers",
                "mobility", "stairs")
# Shah et al. (1989), written out independently of caremgr.barthel.
BANDS = [(20, "Phụ thuộc hoàn toàn"), (60, "Phụ thuộc nặng"), (90, "Phụ thuộc trung bình"), (99, "Phụ thuộc nhẹ"),
         (100, "Độc lập")]


def band(total: int) -> str:
    return next(label for top, label in BANDS if total <= top)


def pdf_text(path, *, raw: bool = True) -> str:
    mode = "-raw" if raw else "-layout"
    return subprocess.run(["pdftotext", "-enc", "UTF-8", mode, str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


def dmy(day: date) -> str:
    return format_date(day)


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    from db.connection import close_database, open_database

    open_database(str(tmp_path_factory.mktemp("plan") / "demo.sqlite"))
    admin = auth.create_user(None, "admin", "mat-khau-1", "administrator", "Quản trị viên")
    demo.load_demo(admin, today=TODAY)
    yield admin
    close_database()


def _barthel_plans() -> list[RehabPlan]:
    """Active plans with two Barthel assessments of their own, most sessions first."""
    plans = []
    for plan in RehabPlan.select().where(RehabPlan.status == "active"):
        own = Assessment.select().where((Assessment.plan == plan.id) & (Assessment.kind == "barthel")).count()
        if own >= 2:
            plans.append(plan)
    plans.sort(key=lambda p: -RehabSession.select().where(RehabSession.plan == p.id).count())
    return plans


@pytest.fixture(scope="module")
def printed(centre, tmp_path_factory):
    plan = _barthel_plans()[0]
    code = Resident.get_by_id(plan.resident_id).code
    data = collect_plan(centre, code, on=TODAY)
    path = tmp_path_factory.mktemp("out") / "kh.pdf"
    render_plan(data, path)
    return plan, data, pdf_text(path), pdf_text(path, raw=False)


def test_data_is_plain_and_is_the_current_plan(centre, printed):
    plan, data, _text, _layout = printed
    assert json.loads(json.dumps(data)) == data
    assert data["plan"]["id"] == plan.id == rehab.current_plan(centre, plan.resident_id).id
    assert data["resident"]["code"] == Resident.get_by_id(plan.resident_id).code
    assert data["centre"]["on"] == TODAY.isoformat()
    assert [g["statement"] for g in data["goals"]] == [
        g.statement for g in RehabGoal.select().where(RehabGoal.plan == plan.id).order_by(RehabGoal.id)]


def test_pdf_holds_every_goal_statement(printed):
    plan, _data, text, _layout = printed
    words = flat(text)
    goals = list(RehabGoal.select().where(RehabGoal.plan == plan.id))
    assert goals
    for goal in goals:
        assert flat(goal.statement) in words, goal.statement
        if goal.target_date:
            assert dmy(goal.target_date) in words


def test_pdf_holds_the_barthel_totals_computed_from_the_items(printed):
    plan, data, text, _layout = printed
    words = flat(text)
    own = list(Assessment.select().where((Assessment.plan == plan.id) & (Assessment.kind == "barthel"))
               .order_by(Assessment.assessed_on, Assessment.id))
    earlier = list(Assessment.select().where((Assessment.resident == plan.resident_id) & (Assessment.kind == "barthel")
                                             & (Assessment.assessed_on < plan.start_date))
                   .order_by(Assessment.assessed_on, Assessment.id))
    series = earlier[-1:] + [a for a in own if a.assessed_on <= TODAY]
    first, latest = series[0], series[-1]
    first_total = sum(first.items[k] for k in BARTHEL_KEYS)  # from the items, not the stored total
    latest_total = sum(latest.items[k] for k in BARTHEL_KEYS)
    assert (data["barthel"]["first"]["total"], data["barthel"]["latest"]["total"]) == (first_total, latest_total)
    assert data["barthel"]["change"] == latest_total - first_total
    assert data["barthel"]["latest"]["band_label"] == band(latest_total)
    assert (f"Lần đánh giá gần nhất ngày {dmy(latest.assessed_on)}: {latest_total}/100 điểm, "
            f"{band(latest_total).lower()}") in words
    assert f"lần đầu ngày {dmy(first.assessed_on)}: {first_total}/100 điểm" in words
    change = latest_total - first_total
    trend = f"tăng {change} điểm" if change > 0 else f"giảm {-change} điểm" if change < 0 else "không thay đổi"
    assert f"({trend})" in words
    assert f"Tổng điểm {first_total} {latest_total}/100 {band(latest_total)}" in words
    labels = ["Ăn uống", "Tắm", "Vệ sinh cá nhân", "Mặc quần áo", "Kiểm soát đại tiện", "Kiểm soát tiểu tiện",
              "Sử dụng nhà vệ sinh", "Di chuyển giường - ghế", "Đi lại", "Lên xuống cầu thang"]
    tops = [10, 5, 5, 10, 10, 10, 10, 15, 15, 10]
    for n, (key, label, top) in enumerate(zip(BARTHEL_KEYS, labels, tops, strict=True), start=1):
        assert f"{n} {label} {first.items[key]} {latest.items[key]}/{top}" in words, label


def test_pdf_interventions_with_attendance_and_sessions(centre, printed):
    plan, data, text, _layout = printed
    words = flat(text)
    sessions = list(RehabSession.select().where((RehabSession.plan == plan.id) & (RehabSession.session_date <= TODAY)))
    minutes = sum(s.minutes for s in sessions)
    assert (data["sessions"]["count"], data["sessions"]["minutes"]) == (len(sessions), minutes)
    assert f"{len(sessions)} buổi, tổng " + f"{minutes:,}".replace(",", ".") + " phút" in words
    hours = f"{minutes / 60:.1f}".replace(".", ",")
    assert f"({hours} giờ)" in words
    for item in RehabIntervention.select().where(RehabIntervention.plan == plan.id):
        delivered = sum(1 for s in sessions if s.intervention_id == item.id)
        days = (TODAY - plan.start_date).days + 1
        planned = item.per_week * math.ceil(days / 7)
        pct = f"{delivered * 100 / planned:.1f}".replace(".", ",")
        assert f"{delivered}/{planned:,}".replace(",", ".") + f" ({pct}%)" in words
    listed = min(len(sessions), SESSIONS_LISTED)
    assert len(data["sessions"]["rows"]) == listed
    newest = max(sessions, key=lambda s: (s.session_date, s.id))
    assert data["sessions"]["rows"][0]["date"] == newest.session_date.isoformat()
    if len(sessions) > SESSIONS_LISTED:
        assert f"… và {len(sessions) - SESSIONS_LISTED} buổi trước đó." in words


def test_layout_title_sections_and_two_signatures(printed):
    plan, data, text, layout = printed
    head = text.split("KẾ HOẠCH")[0]
    assert "SỞ Y TẾ TỈNH THANH HÓA" in head and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head
    assert re.search(r"Số:\s*/KH-TTBTXH", head) and "ngày 14 tháng 5 năm 2026" in head
    words = flat(text)
    assert f"Phục hồi chức năng cho đối tượng {data['resident']['full_name']}" in words
    positions = [words.index(h) for h in ("I. Thông tin đối tượng", "II. Đánh giá chức năng", "III. Mục tiêu",
                                          "IV. Can thiệp", "V. Các buổi đã thực hiện")]
    assert positions == sorted(positions)
    responsible = Staff.get_by_id(plan.responsible_id).full_name
    # the two signatures sit side by side: same lines of the laid-out text
    line = next(ln for ln in layout.splitlines() if "NGƯỜI LẬP KẾ HOẠCH" in ln)
    assert "GIÁM ĐỐC" in line and line.index("NGƯỜI LẬP KẾ HOẠCH") < line.index("GIÁM ĐỐC")
    names = next(ln for ln in layout.splitlines() if responsible in ln and "Lê Văn Thắng" in ln)
    assert names.index(responsible) < names.index("Lê Văn Thắng")
    assert "Nơi nhận" not in words


def test_a_plan_without_assessments_or_sessions_and_with_functional_notes(centre, tmp_path):
    r = Resident.select().where((Resident.status == "in_care")
                                & ~Resident.id.in_(RehabPlan.select(RehabPlan.resident))).first()
    start = TODAY - timedelta(days=10)
    plan = rehab.create_plan(centre, r.id, {"start_date": dmy(start), "review_date": dmy(start + timedelta(90))})
    rehab.add_goal(centre, plan.id, {"domain": "communication", "statement": "Nói câu 3 từ & gọi tên <người thân>"})
    rehab.add_functional(centre, r.id, {"assessed_on": dmy(TODAY - timedelta(days=2)), "plan_id": plan.id,
                                        "notes": {"communication": "Hiểu lời nói đơn giản"}, "assessor_name": "KTV Hà"})
    data = collect_plan(centre, r.code.lower(), on=TODAY)
    assert data["plan"]["id"] == plan.id and data["barthel"]["count"] == 0 and data["sessions"]["count"] == 0
    path = tmp_path / "kh.pdf"
    render_plan(data, path)
    words = flat(pdf_text(path))
    assert "Nói câu 3 từ & gọi tên <người thân>" in words
    assert "Chưa có đánh giá chỉ số Barthel." in words and "Chưa có buổi nào được ghi" in words
    assert "Giao tiếp: Hiểu lời nói đơn giản" in words and "(KTV Hà)" in words
    # a Barthel of this plan: its total is computed from the items
    items = {"feeding": 10, "bathing": 0, "grooming": 5, "dressing": 5, "bowels": 10, "bladder": 10,
             "toilet_use": 5, "transfers": 15, "mobility": 10, "stairs": 5}
    rehab.add_barthel(centre, r.id, {"assessed_on": dmy(TODAY - timedelta(days=1)), "items": items,
                                     "assessor_name": "KTV Hà", "plan_id": plan.id})
    data = collect_plan(centre, r.code, plan_id=plan.id, on=TODAY)
    render_plan(data, path)
    words = flat(pdf_text(path))
    total = sum(items.values())
    assert f"Tổng điểm {total}/100 {band(total)}" in words


def test_no_plan_unknown_plan_and_permissions(centre):
    r = Resident.select().where((Resident.status == "in_care")
                                & ~Resident.id.in_(RehabPlan.select(RehabPlan.resident))).first()
    with pytest.raises(NotFound, match=f"Đối tượng {r.code} chưa có kế hoạch phục hồi chức năng"):
        collect_plan(centre, r.code, on=TODAY)
    other = RehabPlan.select().where(RehabPlan.resident != r.id).first()
    with pytest.raises(NotFound, match=f"số {other.id} của đối tượng {r.code}"):
        collect_plan(centre, r.code, plan_id=other.id, on=TODAY)
    with pytest.raises(NotFound):
        collect_plan(centre, "DT9999", on=TODAY)
    with pytest.raises(PermissionDenied):
        collect_plan(None, r.code)
    director = auth.create_user(centre, "giamdoc", "mat-khau-3", "director", "Lê Văn Thắng")
    plan = _barthel_plans()[0]
    assert collect_plan(director, Resident.get_by_id(plan.resident_id).code, on=TODAY)["plan"]["id"] == plan.id


def test_as_of_a_day_before_a_goal_was_reached(centre):
    goal = (RehabGoal.select().join(RehabPlan)
            .where((RehabGoal.status == "achieved") & (RehabPlan.status == "active")
                   & (RehabGoal.achieved_date > RehabPlan.start_date)).first())
    plan = RehabPlan.get_by_id(goal.plan_id)
    code = Resident.get_by_id(plan.resident_id).code
    by_statement = {g["statement"]: g for g in collect_plan(centre, code, on=TODAY)["goals"]}
    assert (by_statement[goal.statement]["status"], by_statement[goal.statement]["achieved_date"]) == (
        "achieved", goal.achieved_date.isoformat())
    earlier = goal.achieved_date - timedelta(days=1)
    by_statement = {g["statement"]: g for g in collect_plan(centre, code, on=earlier)["goals"]}
    assert by_statement[goal.statement]["status"] == "open"
    assert by_statement[goal.statement]["achieved_date"] is None
