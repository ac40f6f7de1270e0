"""Rehabilitation services (caremgr.rehab): plans and the one-active rule, goals, interventions, copying a
plan, reviews (all or nothing), Barthel and functional assessments, sessions one by one and a whole
day at once (all or nothing), the day sheet, attendance arithmetic, plans due for review (equal to the
dashboard's count), audit entries, read-only records of the deceased and permissions.

Every test runs once on SQLite and once on PostgreSQL. Dates are placed relative to the real today,
because the services refuse dates in the future.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from caremgr import audit, auth, dashboard, demo, rehab
from caremgr.dates import format_date
from caremgr.errors import Conflict, NotFound, PermissionDenied, ValidationError
from caremgr.text import name_sort_key, search_key
from db.models import (
    Assessment,
    AuditLog,
    RehabGoal,
    RehabIntervention,
    RehabPlan,
    RehabSession,
    Resident,
    Staff,
)

TODAY = date.today()
ADMITTED = TODAY - timedelta(days=400)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def dmy(day: date) -> str:
    return format_date(day)


def resident(code="DT001", name=None, *, status="in_care", admission=ADMITTED, **extra) -> Resident:
    name = name or f"Người {code}"
    return Resident.create(code=code, full_name=name, search_name=search_key(name), sort_key=name_sort_key(name, 1950),
                           sex="female", birth_year=1950, category="NKT", admission_date=admission, status=status,
                           **extra)


def staff(code, name, position="rehab_technician", *, start=date(2015, 1, 1), leave=None) -> Staff:
    return Staff.create(code=code, full_name=name, search_name=search_key(name), sort_key=name_sort_key(name),
                        position=position, start_date=start, leave_date=leave)


def fields(err) -> set[str]:
    return {p.field for p in err.value.problems if p.is_error}


def messages(err, field=None) -> list[str]:
    return [p.message for p in err.value.problems if p.is_error and (field is None or p.field == field)]


def audit_entries(entity=None) -> list[AuditLog]:
    query = AuditLog.select().order_by(AuditLog.id)
    if entity:
        query = query.where(AuditLog.entity == entity)
    return list(query)


def full_barthel(**overrides) -> dict:
    items = {"feeding": 5, "bathing": 0, "grooming": 5, "dressing": 5, "bowels": 10, "bladder": 5,
             "toilet_use": 5, "transfers": 10, "mobility": 10, "stairs": 0}
    items.update(overrides)
    return items


@pytest.fixture
def nurse(admin):
    return auth.create_user(admin, "lan", "mat-khau-2", "nurse", "Nguyễn Thị Lan")


@pytest.fixture
def director(admin):
    return auth.create_user(admin, "giamdoc", "mat-khau-3", "director", "Lê Văn Thắng")


@pytest.fixture
def kt(admin):
    return staff("NV01", "Trịnh Thị Yến")


def active_plan(actor, r, *, start=None, review=None, **extra):
    start = start or ago(100)
    review = review or start + timedelta(days=180)
    return rehab.create_plan(actor, r.id, {"start_date": dmy(start), "review_date": dmy(review),
                                           "status": "active", **extra})


# --- plans -------------------------------------------------------------------------------------------

def test_create_plan_reads_back_with_labels_and_audit(admin, kt):
    r = resident()
    plan = rehab.create_plan(admin, r.id, {"start_date": dmy(ago(10)), "review_date": dmy(ago(10) + timedelta(90)),
                                           "responsible_id": str(kt.id), "summary": "  Tập  đi lại\n  "})
    assert (plan.status, plan.status_label, plan.version) == ("draft", "Nháp", 1)
    assert (plan.start_date, plan.review_date, plan.end_date) == (ago(10), ago(10) + timedelta(90), None)
    assert (plan.resident_code, plan.resident_name, plan.responsible_name) == ("DT001", "Người DT001", "Trịnh Thị Yến")
    assert plan.summary == "Tập đi lại" and plan.goals == () and plan.interventions == ()
    assert plan.review_overdue is False
    assert rehab.get_plan(admin, plan.id) == plan
    entry = audit_entries("rehab_plan")[-1]
    assert (entry.action, entry.username, entry.entity_id, entry.resident_id) == ("create", "admin", str(plan.id), r.id)
    assert entry.changes["start_date"] == [None, ago(10).isoformat()]
    assert audit.verify_chain().ok


@pytest.mark.parametrize("data, field, message", [
    ({"review_date": "01/01/2030"}, "start_date", "Ngày bắt đầu: không được để trống."),
    ({"start_date": "01/01/2030"}, "review_date", "Ngày đánh giá lại: không được để trống."),
    ({"start_date": "10/05/2026", "review_date": "10/05/2026"}, "review_date",
     "Ngày đánh giá lại: phải sau ngày bắt đầu (10/05/2026)."),
    ({"start_date": "10/05/2026", "review_date": "09/05/2026"}, "review_date",
     "Ngày đánh giá lại: phải sau ngày bắt đầu (10/05/2026)."),
    ({"start_date": "31/02/2026", "review_date": "01/06/2026"}, "start_date", "Ngày bắt đầu: ngày không hợp lệ"),
    ({"start_date": "01/06/2026", "review_date": "01/09/2026", "status": "closed"}, "status",
     "Tình trạng: kế hoạch mới chỉ có thể là nháp hoặc đang thực hiện."),
    ({"start_date": "01/06/2026", "review_date": "01/09/2026", "status": "xyz"}, "status", "Tình trạng: giá trị"),
    ({"start_date": "01/06/2026", "review_date": "01/09/2026", "responsible_id": 9999}, "responsible_id",
     "Người phụ trách: không tìm thấy nhân viên này."),
])
def test_create_plan_refusals_name_the_field(admin, data, field, message):
    r = resident()
    with pytest.raises(ValidationError) as err:
        rehab.create_plan(admin, r.id, data)
    assert any(m.startswith(message) for m in messages(err, field)), messages(err)
    assert RehabPlan.select().count() == 0 and audit_entries("rehab_plan") == []


def test_create_plan_refuses_a_start_before_admission_and_staff_who_had_left(admin):
    r = resident()
    gone = staff("NV09", "Lê Văn Đi", leave=ago(30))
    with pytest.raises(ValidationError) as err:
        rehab.create_plan(admin, r.id, {"start_date": dmy(ADMITTED - timedelta(1)), "review_date": dmy(ago(1)),
                                        "responsible_id": gone.id})
    assert messages(err, "start_date") == [f"Ngày bắt đầu: không được trước ngày tiếp nhận ({dmy(ADMITTED)})."]
    assert messages(err, "responsible_id") == []  # still working when that plan would have started
    with pytest.raises(ValidationError) as err:
        rehab.create_plan(admin, r.id, {"start_date": dmy(ago(10)), "review_date": dmy(ago(1)),
                                        "responsible_id": gone.id})
    assert messages(err) == [f"Người phụ trách: Lê Văn Đi đã nghỉ việc từ {dmy(ago(30))}."]


def test_one_active_plan_per_resident(admin):
    r = resident()
    first = active_plan(admin, r, start=ago(200))
    with pytest.raises(ValidationError) as err:
        active_plan(admin, r, start=ago(20))
    assert fields(err) == {"status"}
    assert dmy(ago(200)) in messages(err, "status")[0] and "DT001" in messages(err, "status")[0]
    second = rehab.create_plan(admin, r.id, {"start_date": dmy(ago(20)), "review_date": dmy(ago(20) + timedelta(90))})
    with pytest.raises(ValidationError) as err:
        rehab.set_status(admin, second.id, "active", version=second.version)
    assert dmy(ago(200)) in messages(err, "status")[0]
    with pytest.raises(ValidationError):
        rehab.update_plan(admin, second.id, {"status": "active"}, version=second.version)
    assert rehab.get_plan(admin, second.id).status == "draft"
    # another resident is not affected
    assert active_plan(admin, resident("DT002")).status == "active"

    closed = rehab.set_status(admin, first.id, "closed", version=first.version, on=ago(21))
    assert (closed.status, closed.end_date, closed.version) == ("closed", ago(21), 2)
    now_active = rehab.set_status(admin, second.id, "active", version=second.version)
    assert now_active.status == "active" and now_active.end_date is None
    assert rehab.current_plan(admin, r.id).id == second.id
    assert [p.id for p in rehab.list_plans(admin, r.id)] == [second.id, first.id]  # newest first


def test_set_status_closing_and_cancelling(admin):
    r = resident()
    plan = active_plan(admin, r, start=ago(50))
    with pytest.raises(ValidationError) as err:
        rehab.set_status(admin, plan.id, "closed", version=plan.version, on=ago(60))
    assert fields(err) == {"end_date"}
    closed = rehab.set_status(admin, plan.id, "closed", version=plan.version)
    assert closed.end_date == TODAY  # today when not given
    with pytest.raises(Conflict):
        rehab.set_status(admin, plan.id, "reviewed", version=plan.version)  # stale version
    future = rehab.create_plan(admin, r.id, {"start_date": dmy(TODAY + timedelta(7)),
                                             "review_date": dmy(TODAY + timedelta(97))})
    cancelled = rehab.set_status(admin, future.id, "cancelled", version=future.version)
    assert cancelled.status == "cancelled" and cancelled.end_date == TODAY + timedelta(7)
    assert rehab.current_plan(admin, r.id).id == plan.id  # latest not cancelled


def test_update_plan_partial_conflict_and_nothing_changed(admin, kt):
    r = resident()
    plan = active_plan(admin, r, summary="Cũ")
    updated = rehab.update_plan(admin, plan.id, {"summary": "Mới", "responsible_id": kt.id}, version=plan.version)
    assert (updated.summary, updated.responsible_id, updated.version) == ("Mới", kt.id, 2)
    assert (updated.start_date, updated.review_date) == (plan.start_date, plan.review_date)
    entry = audit_entries("rehab_plan")[-1]
    assert entry.action == "update" and entry.changes["summary"] == ["Cũ", "Mới"] and entry.resident_id == r.id
    with pytest.raises(Conflict):
        rehab.update_plan(admin, plan.id, {"summary": "Khác"}, version=plan.version)
    assert rehab.get_plan(admin, plan.id).summary == "Mới"
    same = rehab.update_plan(admin, plan.id, {"summary": "Mới"}, version=2)
    assert same.version == 2
    with pytest.raises(ValidationError) as err:
        rehab.update_plan(admin, plan.id, {"review_date": dmy(plan.start_date)}, version=2)
    assert fields(err) == {"review_date"}


def test_review_overdue_flag(admin):
    r = resident()
    plan = active_plan(admin, r, start=ago(120), review=ago(1))
    assert plan.review_overdue is True
    draft = rehab.create_plan(admin, resident("DT002").id, {"start_date": dmy(ago(120)), "review_date": dmy(ago(1))})
    assert draft.review_overdue is False


# --- goals -------------------------------------------------------------------------------------------

def test_goals_rules(admin):
    r = resident()
    plan = active_plan(admin, r, start=ago(100))
    goal = rehab.add_goal(admin, plan.id, {"domain": "mobility", "statement": " Tự đi 10 m với khung ",
                                           "target_date": dmy(ago(10))})
    assert (goal.domain_label, goal.statement, goal.status, goal.status_label) == (
        "Vận động", "Tự đi 10 m với khung", "open", "Đang thực hiện")
    assert rehab.add_goal(admin, plan.id, {"domain": "Tự chăm sóc", "statement": "Tự ăn"}).domain == "self_care"

    def refused(data, field):
        with pytest.raises(ValidationError) as err:
            rehab.add_goal(admin, plan.id, {"domain": "mobility", "statement": "x", **data})
        assert field in fields(err), messages(err)
        return messages(err, field)[0]

    assert refused({"domain": ""}, "domain") == "Lĩnh vực: không được để trống."
    assert refused({"domain": "nấu ăn"}, "domain").startswith("Lĩnh vực: giá trị không hợp lệ")
    assert refused({"statement": "  "}, "statement") == "Mục tiêu: không được để trống."
    assert refused({"status": "achieved"}, "achieved_date") == "Ngày đạt: cần ghi ngày đạt khi mục tiêu đã đạt."
    assert refused({"status": "open", "achieved_date": dmy(ago(5))}, "achieved_date") == (
        "Ngày đạt: chỉ ghi khi mục tiêu đạt hoặc đạt một phần.")
    assert refused({"status": "not_achieved", "achieved_date": dmy(ago(5))}, "achieved_date").startswith("Ngày đạt")
    assert refused({"status": "achieved", "achieved_date": dmy(TODAY + timedelta(1))}, "achieved_date") == (
        "Ngày đạt: không được sau ngày hôm nay.")
    assert refused({"status": "achieved", "achieved_date": dmy(ago(101))}, "achieved_date").startswith(
        "Ngày đạt: không được trước ngày bắt đầu kế hoạch")
    assert refused({"target_date": dmy(ago(101))}, "target_date").startswith("Thời hạn: không được trước")
    assert refused({"status": "done"}, "status").startswith("Tình trạng: giá trị không hợp lệ")

    partly = rehab.add_goal(admin, plan.id, {"domain": "social", "statement": "Sinh hoạt nhóm", "status": "partly",
                                             "achieved_date": dmy(ago(3))})
    assert partly.achieved_date == ago(3)
    achieved = rehab.update_goal(admin, goal.id, {"status": "achieved", "achieved_date": dmy(ago(2)),
                                                  "outcome_note": "Đạt"}, version=goal.version)
    assert (achieved.status, achieved.achieved_date, achieved.version) == ("achieved", ago(2), 2)
    reopened = rehab.update_goal(admin, goal.id, {"status": "open"}, version=2)
    assert reopened.achieved_date is None and reopened.statement == "Tự đi 10 m với khung"
    with pytest.raises(Conflict):
        rehab.update_goal(admin, goal.id, {"statement": "y"}, version=1)
    rehab.delete_goal(admin, goal.id, version=3)
    assert [g.statement for g in rehab.get_plan(admin, plan.id).goals] == ["Tự ăn", "Sinh hoạt nhóm"]
    actions = [(e.action, e.resident_id) for e in audit_entries("rehab_goal")]
    assert actions == [("create", r.id)] * 3 + [("update", r.id)] * 2 + [("delete", r.id)]


# --- interventions -----------------------------------------------------------------------------------

def test_interventions_rules(admin, kt):
    r = resident()
    plan = active_plan(admin, r)
    item = rehab.add_intervention(admin, plan.id, {"kind": "physiotherapy", "description": "Tập đi",
                                                   "per_week": "3", "minutes": "45", "responsible_id": kt.id})
    assert (item.kind_label, item.per_week, item.minutes, item.responsible_name) == (
        "Vật lý trị liệu", 3, 45, "Trịnh Thị Yến")
    defaults = rehab.add_intervention(admin, plan.id, {"kind": "Y học cổ truyền"})
    assert (defaults.kind, defaults.per_week, defaults.minutes, defaults.responsible_id) == ("traditional", 1, 30, None)

    def refused(data, field):
        with pytest.raises(ValidationError) as err:
            rehab.add_intervention(admin, plan.id, {"kind": "speech", **data})
        assert fields(err) == {field}, messages(err)
        return messages(err, field)[0]

    assert refused({"kind": ""}, "kind") == "Loại can thiệp: không được để trống."
    assert refused({"kind": "bơi"}, "kind").startswith("Loại can thiệp: giá trị không hợp lệ")
    for bad in (0, 15, "-1"):
        assert refused({"per_week": bad}, "per_week") == "Số buổi/tuần: phải từ 1 đến 14."
    assert refused({"per_week": "2,5"}, "per_week") == "Số buổi/tuần: phải là số nguyên."
    assert refused({"per_week": "hai"}, "per_week") == "Số buổi/tuần: phải là một số."
    for bad in (4, 241):
        assert refused({"minutes": bad}, "minutes") == "Số phút/buổi: phải từ 5 đến 240."
    for ok in ((1, 5), (14, 240)):
        row = rehab.add_intervention(admin, plan.id, {"kind": "speech", "per_week": ok[0], "minutes": ok[1]})
        assert (row.per_week, row.minutes) == ok
    changed = rehab.update_intervention(admin, item.id, {"per_week": 5}, version=1)
    assert (changed.per_week, changed.minutes, changed.version) == (5, 45, 2)
    with pytest.raises(Conflict):
        rehab.update_intervention(admin, item.id, {"per_week": 4}, version=1)
    rehab.delete_intervention(admin, defaults.id, version=1)
    assert [i.kind for i in rehab.get_plan(admin, plan.id).interventions] == ["physiotherapy", "speech", "speech"]
    assert [e.action for e in audit_entries("rehab_intervention")] == ["create"] * 4 + ["update", "delete"]


# --- copy --------------------------------------------------------------------------------------------

def test_copy_plan_starts_the_next_one(admin, kt):
    r = resident()
    gone = staff("NV08", "Phạm Văn Nghỉ", leave=ago(25))
    start, review = ago(200), ago(20)
    old = active_plan(admin, r, start=start, review=review, responsible_id=kt.id, summary="Mục tiêu chung")
    done = rehab.add_goal(admin, old.id, {"domain": "mobility", "statement": "Đứng 2 phút", "status": "achieved",
                                          "achieved_date": dmy(ago(60))})
    partly = rehab.add_goal(admin, old.id, {"domain": "self_care", "statement": "Tự mặc áo", "status": "partly",
                                            "achieved_date": dmy(ago(30)), "outcome_note": "Tiến bộ",
                                            "target_date": dmy(start + timedelta(120))})
    rehab.add_goal(admin, old.id, {"domain": "social", "statement": "Chào hỏi"})
    rehab.add_intervention(admin, old.id, {"kind": "physiotherapy", "per_week": 3, "minutes": 45,
                                           "responsible_id": kt.id})
    rehab.add_intervention(admin, old.id, {"kind": "psychological", "per_week": 1, "responsible_id": gone.id})
    before = len(audit_entries())

    new = rehab.copy_plan(admin, old.id)
    assert (new.status, new.previous_id, new.resident_id, new.summary) == ("draft", old.id, r.id, "Mục tiêu chung")
    assert new.start_date == review + timedelta(days=1)
    assert new.review_date - new.start_date == review - start
    assert new.responsible_id == kt.id
    assert [(g.statement, g.status, g.achieved_date, g.outcome_note) for g in new.goals] == [
        ("Tự mặc áo", "open", None, None), ("Chào hỏi", "open", None, None)]
    assert new.goals[0].target_date == new.start_date + timedelta(120)
    assert done.statement not in [g.statement for g in new.goals]
    assert [(i.kind, i.per_week, i.minutes, i.responsible_id) for i in new.interventions] == [
        ("physiotherapy", 3, 45, kt.id), ("psychological", 1, 30, None)]  # who left is not carried over
    # the old plan is untouched
    again = rehab.get_plan(admin, old.id)
    assert again.status == "active" and [g.status for g in again.goals] == ["achieved", "partly", "open"]
    assert partly.id in [g.id for g in again.goals]
    new_entries = audit_entries()[before:]
    assert [(e.entity, e.action) for e in new_entries] == [("rehab_plan", "create")] + [
        ("rehab_goal", "create")] * 2 + [("rehab_intervention", "create")] * 2
    assert {e.resident_id for e in new_entries} == {r.id}

    chosen = rehab.copy_plan(admin, old.id, start_date=dmy(TODAY))
    assert (chosen.start_date, chosen.review_date) == (TODAY, TODAY + (review - start))
    with pytest.raises(ValidationError) as err:
        rehab.copy_plan(admin, old.id, start_date=dmy(ADMITTED - timedelta(1)))
    assert fields(err) == {"start_date"}


# --- review ------------------------------------------------------------------------------------------

def _review_setup(admin, kt):
    r = resident()
    plan = active_plan(admin, r, start=ago(150), review=ago(5), summary="Phục hồi vận động")
    g1 = rehab.add_goal(admin, plan.id, {"domain": "mobility", "statement": "Tự đi 10 m"})
    g2 = rehab.add_goal(admin, plan.id, {"domain": "self_care", "statement": "Tự ăn"})
    g3 = rehab.add_goal(admin, plan.id, {"domain": "social", "statement": "Đi chợ", "status": "achieved",
                                         "achieved_date": dmy(ago(40))})
    return r, rehab.get_plan(admin, plan.id), (g1, g2, g3)


def _state():
    return ([(g.status, g.achieved_date, g.version) for g in RehabGoal.select().order_by(RehabGoal.id)],
            [(p.status, p.version, p.end_date, p.review_date, p.summary) for p in RehabPlan.select()],
            Assessment.select().count(), AuditLog.select().count())


def test_review_plan_is_all_or_nothing(admin, kt):
    r, plan, (g1, g2, g3) = _review_setup(admin, kt)
    state = _state()
    good_outcomes = {g1.id: {"status": "achieved", "achieved_date": dmy(ago(2)), "outcome_note": "Đạt"},
                     str(g2.id): {"status": "partly", "outcome_note": "Tiến bộ"}}
    good_barthel = {"items": full_barthel(), "assessor_id": kt.id, "note": "Đánh giá lại"}

    def refused(data, *expected_fields):
        with pytest.raises(ValidationError) as err:
            rehab.review_plan(admin, plan.id, data, version=plan.version)
        assert set(expected_fields) <= fields(err), messages(err)
        assert _state() == state  # nothing written
        return err

    base = {"reviewed_on": dmy(ago(1)), "outcomes": good_outcomes, "barthel": good_barthel}
    err = refused({**base, "barthel": None}, "barthel")
    assert messages(err, "barthel") == ["Chỉ số Barthel: cần đánh giá lại chỉ số Barthel khi đánh giá kế hoạch."]
    refused({**base, "barthel": {"items": {}, "assessor_id": kt.id}}, "barthel")
    err = refused({**base, "outcomes": {g1.id: {"status": "achieved"}}}, f"outcomes.{g2.id}.status")
    assert messages(err, f"outcomes.{g2.id}.status")[0].startswith("Mục tiêu 2 (Tự ăn): cần ghi kết quả")
    err = refused({**base, "barthel": {**good_barthel, "items": full_barthel(mobility=7)}}, "barthel.mobility")
    assert messages(err, "barthel.mobility") == ["Đi lại: điểm 7 không hợp lệ, chỉ được 0, 5, 10 hoặc 15."]
    refused({**base, "barthel": {"items": full_barthel()}}, "barthel.assessor_name")
    refused({**base, "reviewed_on": dmy(TODAY + timedelta(1))}, "reviewed_on")
    refused({**base, "reviewed_on": dmy(ago(151))}, "reviewed_on")
    refused({**base, "outcomes": {**good_outcomes, g1.id: {"status": "open"}}}, f"outcomes.{g1.id}.status")
    refused({**base, "outcomes": {**good_outcomes, 99999: {"status": "achieved"}}}, "outcomes.99999")
    refused({**base, "outcomes": {**good_outcomes, g2.id: {"status": "not_achieved", "achieved_date": dmy(ago(1))}}},
            f"outcomes.{g2.id}.achieved_date")
    refused({**base, "next_review_date": dmy(ago(1))}, "next_review_date")
    with pytest.raises(Conflict):
        rehab.review_plan(admin, plan.id, base, version=plan.version - 1 if plan.version > 1 else 99)
    assert _state() == state

    reviewed = rehab.review_plan(admin, plan.id, {**base, "summary": "Tiến bộ rõ"}, version=plan.version)
    assert (reviewed.status, reviewed.end_date, reviewed.version) == ("reviewed", ago(1), plan.version + 1)
    assert reviewed.summary == f"Phục hồi vận động\nĐánh giá ngày {dmy(ago(1))}: Tiến bộ rõ"
    goals = {g.id: g for g in reviewed.goals}
    assert (goals[g1.id].status, goals[g1.id].achieved_date, goals[g1.id].outcome_note) == ("achieved", ago(2), "Đạt")
    assert (goals[g2.id].status, goals[g2.id].achieved_date) == ("partly", None)
    assert (goals[g3.id].status, goals[g3.id].achieved_date, goals[g3.id].version) == ("achieved", ago(40), 1)
    [assessment] = rehab.list_assessments(admin, r.id, "barthel")
    assert (assessment.plan_id, assessment.assessed_on, assessment.assessor_name) == (plan.id, ago(1), "Trịnh Thị Yến")
    assert assessment.total == sum(full_barthel().values())
    new = audit_entries()[state[3]:]
    assert [(e.entity, e.action) for e in new] == [("rehab_goal", "update")] * 2 + [
        ("assessment", "create"), ("rehab_plan", "review")]
    assert {e.resident_id for e in new} == {r.id}
    with pytest.raises(ValidationError) as err:  # a reviewed plan is not reviewed again
        rehab.review_plan(admin, plan.id, base, version=reviewed.version)
    assert fields(err) == {"status"}


def test_review_with_a_next_review_date_keeps_the_plan_active(admin, kt):
    _r, plan, (g1, g2, _g3) = _review_setup(admin, kt)
    result = rehab.review_plan(admin, plan.id, {
        "reviewed_on": dmy(ago(1)), "next_review_date": dmy(TODAY + timedelta(90)),
        "outcomes": {g1.id: {"status": "achieved"}, g2.id: {"status": "dropped"}},
        "barthel": {"items": full_barthel(), "assessor_name": "BS. Lan"}}, version=plan.version)
    assert (result.status, result.review_date, result.end_date) == ("active", TODAY + timedelta(90), None)
    assert result.summary == "Phục hồi vận động" and result.review_overdue is False
    assert {g.id: (g.status, g.achieved_date) for g in result.goals}[g1.id] == ("achieved", ago(1))  # dated the review


# --- assessments -------------------------------------------------------------------------------------

def test_barthel_assessments_rules_trend_and_delete(admin, kt):
    r = resident()
    first = rehab.add_barthel(admin, r.id, {"assessed_on": dmy(ago(90)), "items": full_barthel(feeding="0"),
                                            "assessor_id": str(kt.id), "note": "Ban đầu"})
    expected = sum(full_barthel(feeding=0).values())
    assert (first.kind, first.total, first.assessor_id, first.assessor_name) == ("barthel", expected, kt.id,
                                                                                 "Trịnh Thị Yến")
    assert (first.band, first.band_label) == ("severe", "Phụ thuộc nặng")
    assert list(first.items) == ["feeding", "bathing", "grooming", "dressing", "bowels", "bladder", "toilet_use",
                                 "transfers", "mobility", "stairs"]
    best = {"feeding": 10, "bathing": 5, "grooming": 5, "dressing": 10, "bowels": 10, "bladder": 10,
            "toilet_use": 10, "transfers": 15, "mobility": 15, "stairs": 10}
    second = rehab.add_barthel(admin, r.id, {"assessed_on": dmy(ago(5)), "items": best, "assessor_name": "BS. Hà"})
    assert (second.total, second.band, second.assessor_id, second.assessor_name) == (100, "independent", None, "BS. Hà")
    assert rehab.barthel_series(admin, r.id) == [(ago(90), expected), (ago(5), 100)]
    assert [a.id for a in rehab.list_assessments(admin, r.id)] == [second.id, first.id]

    def refused(data, *expected):
        with pytest.raises(ValidationError) as err:
            rehab.add_barthel(admin, r.id, {"assessed_on": dmy(ago(1)), "items": full_barthel(),
                                            "assessor_name": "X", **data})
        assert fields(err) == set(expected), messages(err)
        return err

    refused({"assessed_on": dmy(TODAY + timedelta(1))}, "assessed_on")
    err = refused({"assessed_on": dmy(ADMITTED - timedelta(1))}, "assessed_on")
    assert messages(err)[0] == f"Ngày đánh giá: không được trước ngày tiếp nhận ({dmy(ADMITTED)})."
    refused({"assessed_on": ""}, "assessed_on")
    err = refused({"assessor_name": " "}, "assessor_name")
    assert messages(err)[0].startswith("Người đánh giá: ")
    refused({"assessor_id": 9999}, "assessor_id")
    refused({"items": full_barthel(stairs=15, bathing=10)}, "stairs", "bathing")
    refused({"plan_id": 9999}, "plan_id")
    assert Assessment.select().count() == 2
    rehab.delete_assessment(admin, first.id, version=1)
    assert rehab.barthel_series(admin, r.id) == [(ago(5), 100)]
    assert [e.action for e in audit_entries("assessment")] == ["create", "create", "delete"]


def test_functional_assessment(admin, kt):
    r = resident()
    plan = active_plan(admin, r)
    row = rehab.add_functional(admin, r.id, {
        "assessed_on": dmy(ago(3)), "notes": {"cognition": " Nhớ tên người chăm sóc ", "mobility": "Đi với khung",
                                               "social": ""},
        "assessor_id": kt.id, "plan_id": plan.id})
    assert (row.kind, row.total, row.band, row.band_label, row.plan_id) == ("functional", None, None, "", plan.id)
    assert row.items == {"mobility": "Đi với khung", "cognition": "Nhớ tên người chăm sóc"}
    with pytest.raises(ValidationError) as err:
        rehab.add_functional(admin, r.id, {"assessed_on": dmy(ago(3)), "notes": {"mobility": " "},
                                           "assessor_name": "A"})
    assert messages(err, "notes") == ["Nhận xét chức năng: cần ghi nhận xét cho ít nhất một lĩnh vực."]
    with pytest.raises(ValidationError) as err:
        rehab.add_functional(admin, r.id, {"assessed_on": dmy(ago(3)), "notes": {"hearing": "kém"},
                                           "assessor_name": "A"})
    assert "notes.hearing" in fields(err)
    assert [a.kind for a in rehab.list_assessments(admin, r.id)] == ["functional"]
    assert rehab.barthel_series(admin, r.id) == []


# --- sessions ----------------------------------------------------------------------------------------

def test_sessions_rules_and_list(admin, kt):
    r = resident()
    other = resident("DT002")
    plan = active_plan(admin, r, start=ago(30))
    item = rehab.add_intervention(admin, plan.id, {"kind": "physiotherapy", "per_week": 3, "minutes": 45})
    theirs = rehab.add_intervention(admin, active_plan(admin, other).id, {"kind": "speech"})
    s1 = rehab.add_session(admin, {"resident_id": r.id, "intervention_id": item.id, "session_date": dmy(ago(2)),
                                   "staff_id": kt.id, "note": "Tốt"})
    assert (s1.plan_id, s1.intervention_id, s1.minutes, s1.kind_label, s1.staff_name) == (
        plan.id, item.id, 45, "Vật lý trị liệu", "Trịnh Thị Yến")
    s2 = rehab.add_session(admin, {"resident_id": str(r.id), "plan_id": plan.id, "session_date": dmy(ago(1)),
                                   "minutes": "20"})
    assert (s2.intervention_id, s2.kind_label, s2.minutes) == (None, "", 20)

    def refused(data, field):
        with pytest.raises(ValidationError) as err:
            rehab.add_session(admin, {"resident_id": r.id, "intervention_id": item.id, "session_date": dmy(ago(1)),
                                      **data})
        assert field in fields(err), messages(err)
        return messages(err, field)[0]

    assert refused({"session_date": dmy(TODAY + timedelta(1))}, "session_date").endswith("không được sau ngày hôm nay.")
    assert refused({"session_date": dmy(ago(31))}, "session_date").startswith(
        "Ngày thực hiện: không được trước ngày bắt đầu kế hoạch")
    assert refused({"minutes": 0}, "minutes") == "Số phút: phải từ 1 đến 480."
    assert refused({"minutes": 481}, "minutes") == "Số phút: phải từ 1 đến 480."
    assert "DT001" in refused({"intervention_id": theirs.id}, "intervention_id")
    refused({"intervention_id": None}, "intervention_id")
    refused({"staff_id": staff("NV07", "Mới Vào", start=TODAY).id}, "staff_id")
    draft = rehab.create_plan(admin, resident("DT003").id, {"start_date": dmy(ago(9)), "review_date": dmy(ago(1))})
    draft_item = rehab.add_intervention(admin, draft.id, {"kind": "other"})
    with pytest.raises(ValidationError) as err:
        rehab.add_session(admin, {"resident_id": draft.resident_id, "intervention_id": draft_item.id,
                                  "session_date": dmy(ago(1))})
    assert fields(err) == {"plan_id"}

    changed = rehab.update_session(admin, s1.id, {"minutes": 50}, version=1)
    assert (changed.minutes, changed.version, changed.session_date) == (50, 2, ago(2))
    with pytest.raises(Conflict):
        rehab.update_session(admin, s1.id, {"minutes": 55}, version=1)
    assert [s.id for s in rehab.list_sessions(admin, resident_id=r.id)] == [s2.id, s1.id]
    assert [s.id for s in rehab.list_sessions(admin, plan_id=plan.id, on=ago(2))] == [s1.id]
    rehab.delete_session(admin, s2.id, version=1)
    assert [s.id for s in rehab.list_sessions(admin, resident_id=r.id)] == [s1.id]
    assert [(e.action, e.resident_id) for e in audit_entries("rehab_session")] == [
        ("create", r.id), ("create", r.id), ("update", r.id), ("delete", r.id)]


def _day_centre(admin, kt):
    """Three residents with plans in different states, one discharged, on a day in the past."""
    day = ago(3)
    an = resident("DT010", "Trần Văn An")
    binh = resident("DT011", "Nguyễn Thị Bình")
    cuong = resident("DT012", "Lê Văn Cường")
    left = resident("DT013", "Phạm Thị Ánh", status="discharged", discharge_date=ago(10), discharge_reason="other")
    p_an = active_plan(admin, an, start=ago(60))
    p_binh = active_plan(admin, binh, start=ago(60))
    p_cuong = rehab.create_plan(admin, cuong.id, {"start_date": dmy(ago(60)), "review_date": dmy(ago(1))})  # draft
    p_left = active_plan(admin, left, start=ago(60))
    later = active_plan(admin, resident("DT014", "Đỗ Văn Sau"), start=ago(1))  # starts after the day
    items = {
        "an_pt": rehab.add_intervention(admin, p_an.id, {"kind": "physiotherapy", "minutes": 45, "responsible_id": kt.id}),
        "an_ot": rehab.add_intervention(admin, p_an.id, {"kind": "occupational", "minutes": 30}),
        "binh": rehab.add_intervention(admin, p_binh.id, {"kind": "speech", "minutes": 20}),
        "cuong": rehab.add_intervention(admin, p_cuong.id, {"kind": "other"}),
        "left": rehab.add_intervention(admin, p_left.id, {"kind": "other"}),
        "later": rehab.add_intervention(admin, later.id, {"kind": "other"}),
    }
    return day, (an, binh, cuong), items


def test_day_sheet_lists_the_active_plans_of_residents_in_care_in_name_order(admin, kt):
    day, (an, binh, _cuong), items = _day_centre(admin, kt)
    sheet = rehab.day_sheet(admin, day)
    # Vietnamese order by given name: An, Bình
    assert [(row.resident_code, row.intervention_id) for row in sheet] == [
        ("DT010", items["an_pt"].id), ("DT010", items["an_ot"].id), ("DT011", items["binh"].id)]
    first = sheet[0]
    assert (first.resident_name, first.kind_label, first.minutes, first.responsible_name, first.recorded) == (
        "Trần Văn An", "Vật lý trị liệu", 45, "Trịnh Thị Yến", 0)
    rehab.record_day(admin, day, [{"resident_id": an.id, "intervention_id": items["an_pt"].id, "minutes": 45},
                                  {"resident_id": an.id, "intervention_id": items["an_pt"].id, "minutes": 30}])
    rehab.add_session(admin, {"resident_id": binh.id, "intervention_id": items["binh"].id,
                              "session_date": dmy(day - timedelta(1))})
    assert [row.recorded for row in rehab.day_sheet(admin, day)] == [2, 0, 0]
    assert [row.resident_code for row in rehab.day_sheet(admin, ago(1))] == ["DT010", "DT010", "DT011", "DT014"]


def test_record_day_is_all_or_nothing_with_per_row_fields(admin, kt):
    day, (an, binh, cuong), items = _day_centre(admin, kt)
    entries = [
        {"resident_id": an.id, "intervention_id": items["an_pt"].id, "minutes": "45", "staff_id": kt.id},
        {"resident_id": binh.id, "intervention_id": items["binh"].id, "minutes": "0"},
        {"resident_id": an.id, "intervention_id": items["binh"].id, "minutes": 30},
        {"resident_id": 99999, "intervention_id": items["binh"].id},
        {"resident_id": cuong.id, "intervention_id": items["cuong"].id, "minutes": 30},
    ]
    before = (RehabSession.select().count(), AuditLog.select().count())
    with pytest.raises(ValidationError) as err:
        rehab.record_day(admin, day, entries)
    assert fields(err) == {"1.minutes", "2.intervention_id", "3.resident_id", "4.plan_id"}
    assert messages(err, "1.minutes") == ["DT011: Số phút: phải từ 1 đến 480."]
    assert messages(err, "2.intervention_id")[0].startswith("DT010: ")
    assert messages(err, "4.plan_id")[0].startswith("DT012: ")
    assert (RehabSession.select().count(), AuditLog.select().count()) == before

    good = [entries[0], {"resident_id": binh.id, "intervention_id": items["binh"].id, "minutes": "",
                         "note": "Hợp tác"}, {"resident_id": an.id, "intervention_id": items["an_ot"].id,
                                              "minutes": 25}]
    rows = rehab.record_day(admin, dmy(day), good)
    assert [(s.resident_id, s.intervention_id, s.minutes, s.session_date) for s in rows] == [
        (an.id, items["an_pt"].id, 45, day), (binh.id, items["binh"].id, 20, day), (an.id, items["an_ot"].id, 25, day)]
    assert rows[1].note == "Hợp tác" and rows[0].staff_name == "Trịnh Thị Yến"
    new = audit_entries()[before[1]:]
    assert [(e.entity, e.action, e.resident_id) for e in new] == [
        ("rehab_session", "create", an.id), ("rehab_session", "create", binh.id), ("rehab_session", "create", an.id)]
    with pytest.raises(ValidationError) as err:
        rehab.record_day(admin, TODAY + timedelta(1), [good[0]])
    assert fields(err) == {"0.session_date"}


# --- attendance --------------------------------------------------------------------------------------

@pytest.mark.parametrize("offset, weeks", [(-1, 0), (0, 1), (6, 1), (7, 2), (13, 2), (14, 3), (69, 10), (70, 11)])
def test_planned_sessions_count_weeks_begun(offset, weeks):
    start = date(2026, 3, 2)
    assert rehab.planned_sessions(3, start, None, start + timedelta(offset)) == 3 * weeks
    # an end date caps it
    assert rehab.planned_sessions(3, start, start + timedelta(6), start + timedelta(offset)) == 3 * min(weeks, 1)


def test_attendance_arithmetic(admin, kt):
    r = resident()
    start = ago(20)
    plan = active_plan(admin, r, start=start)
    pt = rehab.add_intervention(admin, plan.id, {"kind": "physiotherapy", "per_week": 3, "minutes": 45})
    ot = rehab.add_intervention(admin, plan.id, {"kind": "occupational", "per_week": 2})
    speech = rehab.add_intervention(admin, plan.id, {"kind": "speech", "per_week": 1})
    days = [ago(19), ago(15), ago(8), ago(1)]
    for day, minutes in zip(days, (45, 40, 50, 30), strict=True):
        rehab.add_session(admin, {"resident_id": r.id, "intervention_id": pt.id, "session_date": dmy(day),
                                  "minutes": minutes})
    rehab.add_session(admin, {"resident_id": r.id, "intervention_id": ot.id, "session_date": dmy(ago(10))})
    rows = {a.intervention_id: a for a in rehab.attendance(admin, plan.id, TODAY)}
    weeks = math.ceil(((TODAY - start).days + 1) / 7)
    assert rows[pt.id].planned == 3 * weeks and rows[pt.id].delivered == 4 and rows[pt.id].minutes == 165
    assert rows[pt.id].pct == round(4 / (3 * weeks) * 100, 1)
    assert (rows[ot.id].planned, rows[ot.id].delivered, rows[ot.id].minutes) == (2 * weeks, 1, 30)
    assert (rows[speech.id].delivered, rows[speech.id].pct) == (0, 0.0)
    assert rows[pt.id].kind_label == "Vật lý trị liệu" and rows[pt.id].per_week == 3
    # on an earlier day only the sessions up to it count
    early = {a.intervention_id: a for a in rehab.attendance(admin, plan.id, ago(15))}
    assert (early[pt.id].planned, early[pt.id].delivered) == (3, 2)
    assert early[pt.id].pct == round(2 / 3 * 100, 1)
    # before the start nothing is planned
    assert all((a.planned, a.pct) == (0, 0.0) for a in rehab.attendance(admin, plan.id, ago(21)))
    # closing the plan stops the planned count at its end
    closed = rehab.set_status(admin, plan.id, "closed", version=plan.version, on=ago(9))
    rows = {a.intervention_id: a for a in rehab.attendance(admin, closed.id, TODAY)}
    assert rows[pt.id].planned == 3 * math.ceil(((ago(9) - start).days + 1) / 7)
    assert rows[pt.id].delivered == 4  # sessions are counted up to the day asked


# --- the demo centre ---------------------------------------------------------------------------------

DEMO_TODAY = date(2026, 5, 14)


def test_plans_due_review_equal_the_dashboard_on_the_demo_centre(admin):
    demo.load_demo(admin, today=DEMO_TODAY)
    for day in (DEMO_TODAY, DEMO_TODAY - timedelta(days=60), DEMO_TODAY + timedelta(days=30),
                DEMO_TODAY + timedelta(days=200)):
        due = rehab.plans_due_review(admin, day)
        assert len(due) == dashboard.summary(admin, day).plans_due_review
        # independently: every active plan of a resident in care that day whose review date has passed
        expected = {p.id for p in RehabPlan.select() if p.status == "active" and p.review_date < day
                    and (r := Resident.get_by_id(p.resident_id)).admission_date <= day
                    and (r.discharge_date is None or r.discharge_date > day) and not r.deleted}
        assert {p.id for p in due} == expected
        assert all(p.review_overdue for p in due)
        assert [p.review_date for p in due] == sorted(p.review_date for p in due)
    assert rehab.plans_due_review(admin, DEMO_TODAY)
    sheet = rehab.day_sheet(admin, DEMO_TODAY)
    active = {p.id for p in RehabPlan.select() if p.status == "active" and p.start_date <= DEMO_TODAY}
    assert {row.plan_id for row in sheet} == active
    assert len(sheet) == RehabIntervention.select().where(RehabIntervention.plan.in_(active)).count()
    keys = [Resident.get_by_id(row.resident_id).sort_key for row in sheet]
    assert keys == sorted(keys)


# --- deceased, permissions, not found ----------------------------------------------------------------

def test_records_of_the_deceased_are_read_only(admin, kt):
    r = resident()
    plan = active_plan(admin, r)
    item = rehab.add_intervention(admin, plan.id, {"kind": "speech"})
    Resident.update(status="deceased", discharge_date=ago(1), discharge_reason="deceased").where(
        Resident.id == r.id).execute()
    for call in (
        lambda: rehab.create_plan(admin, r.id, {"start_date": dmy(ago(5)), "review_date": dmy(TODAY)}),
        lambda: rehab.update_plan(admin, plan.id, {"summary": "x"}, version=plan.version),
        lambda: rehab.add_goal(admin, plan.id, {"domain": "mobility", "statement": "x"}),
        lambda: rehab.add_barthel(admin, r.id, {"assessed_on": dmy(ago(2)), "items": full_barthel(),
                                                "assessor_name": "A"}),
        lambda: rehab.add_session(admin, {"resident_id": r.id, "intervention_id": item.id,
                                          "session_date": dmy(ago(2))}),
        lambda: rehab.copy_plan(admin, plan.id),
    ):
        with pytest.raises(ValidationError, match="Hồ sơ người đã mất chỉ được xem"):
            call()
    with pytest.raises(ValidationError) as err:
        rehab.record_day(admin, ago(2), [{"resident_id": r.id, "intervention_id": item.id}])
    assert fields(err) == {"0.resident_id"}
    assert rehab.list_plans(admin, r.id)[0].id == plan.id  # still readable


def test_permissions_director_reads_but_cannot_edit(admin, nurse, director, kt):
    r = resident()
    plan = active_plan(nurse, r)  # a nurse may edit
    goal = rehab.add_goal(nurse, plan.id, {"domain": "mobility", "statement": "Đi"})
    item = rehab.add_intervention(nurse, plan.id, {"kind": "speech"})
    assert audit_entries("rehab_plan")[-1].username == "lan"
    assert [p.id for p in rehab.list_plans(director, r.id)] == [plan.id]
    assert rehab.staff_choices(director)[0][0] == kt.id
    rehab.day_sheet(director, TODAY)
    rehab.attendance(director, plan.id)
    before = AuditLog.select().count()
    for call in (
        lambda: rehab.create_plan(director, r.id, {"start_date": dmy(ago(5)), "review_date": dmy(TODAY)}),
        lambda: rehab.update_plan(director, plan.id, {"summary": "x"}, version=plan.version),
        lambda: rehab.set_status(director, plan.id, "closed", version=plan.version),
        lambda: rehab.add_goal(director, plan.id, {"domain": "mobility", "statement": "x"}),
        lambda: rehab.update_goal(director, goal.id, {"statement": "x"}, version=goal.version),
        lambda: rehab.delete_goal(director, goal.id),
        lambda: rehab.add_intervention(director, plan.id, {"kind": "speech"}),
        lambda: rehab.delete_intervention(director, item.id),
        lambda: rehab.add_barthel(director, r.id, {"assessed_on": dmy(ago(2)), "items": full_barthel(),
                                                   "assessor_name": "A"}),
        lambda: rehab.add_functional(director, r.id, {"assessed_on": dmy(ago(2)), "notes": {"mobility": "x"},
                                                      "assessor_name": "A"}),
        lambda: rehab.add_session(director, {"resident_id": r.id, "intervention_id": item.id,
                                             "session_date": dmy(ago(2))}),
        lambda: rehab.record_day(director, ago(2), []),
        lambda: rehab.copy_plan(director, plan.id),
        lambda: rehab.review_plan(director, plan.id, {}, version=plan.version),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert AuditLog.select().count() == before
    with pytest.raises(PermissionDenied):
        rehab.list_plans(None, r.id)


def test_unknown_records_are_not_found(admin):
    with pytest.raises(NotFound):
        rehab.get_plan(admin, 12345)
    with pytest.raises(NotFound):
        rehab.list_plans(admin, 12345)
    with pytest.raises(NotFound):
        rehab.update_goal(admin, 12345, {}, version=1)
    with pytest.raises(NotFound):
        rehab.delete_session(admin, 12345)
    assert rehab.current_plan(admin, resident().id) is None


def test_staff_choices_put_rehabilitation_staff_first(admin):
    staff("S1", "Nguyễn Văn Bảo", "carer")
    staff("S2", "Lê Thị An", "nurse")
    staff("S3", "Trần Văn Đức", "rehab_technician")
    staff("S4", "Phạm Thị Cúc", "rehab_technician")
    staff("S5", "Hoàng Văn Em", "doctor")
    staff("S6", "Vũ Thị Gấm", "rehab_technician", leave=ago(1))
    staff("S7", "Đinh Văn Hải", "rehab_technician", start=TODAY + timedelta(days=3))
    labels = [label for _id, label in rehab.staff_choices(admin)]
    assert labels == ["Phạm Thị Cúc — Kỹ thuật viên PHCN", "Trần Văn Đức — Kỹ thuật viên PHCN",
                      "Hoàng Văn Em — Bác sĩ", "Lê Thị An — Điều dưỡng", "Nguyễn Văn Bảo — Nhân viên chăm sóc"]
    on_earlier = [label for _id, label in rehab.staff_choices(admin, ago(2))]
    assert "Vũ Thị Gấm — Kỹ thuật viên PHCN" in on_earlier
    Staff.update(licence_no="0001/CCHN", licence_expiry=ago(1)).where(Staff.code == "S4").execute()
    labels = [label for _id, label in rehab.staff_choices(admin)]
    assert labels[0] == "Phạm Thị Cúc — Kỹ thuật viên PHCN (CCHN hết hạn)", "an expired certificate is shown"
