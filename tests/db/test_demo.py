"""The demo centre: realistic, valid, deterministic, and loaded only into an empty centre."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from caremgr import auth, bhyt, cccd, demo, settings, vocab
from caremgr.dates import BirthDate, age_on
from caremgr.errors import PermissionDenied, ValidationError
from caremgr.text import name_sort_key, search_key
from db.connection import close_database, open_database
from db.models import (
    Assessment,
    AuditLog,
    Condition,
    Contact,
    FacilityItem,
    HealthCheck,
    InsuranceCard,
    Referral,
    RehabGoal,
    RehabPlan,
    RehabSession,
    Resident,
    Staff,
    TrainingAttendance,
    TrainingCourse,
)

TODAY = date(2026, 5, 14)
HALF_START = date(2026, 1, 1)


@pytest.fixture
def loaded(admin):
    return demo.load_demo(admin, today=TODAY)


def _birth(resident) -> BirthDate:
    return BirthDate(resident.birth_year, resident.birth_date)


def _in_care(on: date = TODAY) -> list[Resident]:
    return [r for r in Resident.select()
            if r.admission_date <= on and (r.discharge_date is None or r.discharge_date > on)]


def _card_statuses(on: date) -> Counter:
    cards = defaultdict(list)
    for card in InsuranceCard.select():
        cards[card.resident_id].append((card.valid_from, card.valid_to))
    return Counter(bhyt.card_status(cards[r.id], on, 30) for r in _in_care(on))


def test_counts_are_in_the_requested_ranges(loaded):
    assert 110 <= loaded.residents == Resident.select().count() <= 130
    assert 12 <= loaded.discharged <= 18
    assert loaded.in_care == len(_in_care()) == loaded.residents - loaded.discharged
    assert 22 <= loaded.staff == Staff.select().count() <= 30
    assert 6 <= loaded.training_courses == TrainingCourse.select().count() <= 10
    assert 15 <= loaded.referrals == Referral.select().count() <= 25
    assert 35 <= loaded.rehab_plans == RehabPlan.select().count() <= 48
    assert loaded.contacts == Contact.select().count() >= 80
    assert loaded.insurance_cards == InsuranceCard.select().count() >= 100
    assert loaded.health_checks == HealthCheck.select().count() >= 1000
    assert loaded.conditions == Condition.select().count() >= 100
    assert loaded.rehab_sessions == RehabSession.select().count() > 0
    for course in TrainingCourse.select():
        assert 5 <= course.attendance.count() <= 15, course.code
    for plan in RehabPlan.select():
        assert 2 <= plan.goals.count() <= 4
        assert 1 <= plan.interventions.count() <= 3
    checklists = Counter(item.checklist for item in FacilityItem.select())
    assert checklists == {"phc_rehab": len(demo.STARTER_PHC_REHAB), "technical": len(demo.STARTER_TECHNICAL)}
    assert loaded.facility_items == sum(checklists.values())


def test_residents_cover_every_category_and_look_right(loaded):
    residents = list(Resident.select())
    categories = Counter(r.category for r in residents)
    assert set(categories) == set(vocab.codes(vocab.CATEGORIES))
    assert categories["NCT"] > categories["NCC"] and categories["NKT"] > categories["CN"]
    for r in residents:
        age = age_on(_birth(r), TODAY)
        if r.category == "NCT":
            assert age >= 60, r.code
        if r.category == "TE":
            assert age < 16, r.code
        if r.category == "NCC":
            assert age >= 60 and r.merit_type in vocab.codes(vocab.MERIT_TYPES), r.code
        assert r.search_name == search_key(r.full_name)
        assert r.sort_key == name_sort_key(r.full_name, _birth(r))
        assert r.admission_date <= TODAY and r.admission_date >= _birth(r).basis
        if r.disability_type:
            assert r.disability_type in vocab.codes(vocab.DISABILITY_TYPES)
            assert r.disability_severity in vocab.codes(vocab.DISABILITY_SEVERITIES)
        if r.category in ("NKT", "TT"):
            assert r.disability_severity, r.code
        if r.cccd is None:
            assert r.cccd_note in ("chưa có", "đang làm thủ tục"), r.code
    te_ages = [age_on(_birth(r), TODAY) for r in residents if r.category == "TE"]
    assert any(a < 6 for a in te_ages) and any(6 <= a < 16 for a in te_ages)
    year_only = sum(1 for r in residents if r.birth_date is None)
    assert 0.08 * len(residents) <= year_only <= 0.25 * len(residents)
    assert 0 < sum(1 for r in residents if r.cccd is None) <= 0.15 * len(residents)
    assert any(HALF_START <= r.admission_date <= TODAY for r in residents)
    assert {"Kinh", "Thái", "Mường"} <= {r.ethnicity for r in residents}


def test_discharges_have_every_reason_and_the_matching_status(loaded):
    discharged = [r for r in Resident.select() if r.discharge_date is not None]
    assert {r.discharge_reason for r in discharged} == set(vocab.codes(vocab.DISCHARGE_REASONS))
    for r in discharged:
        assert TODAY - timedelta(days=731) <= r.discharge_date < TODAY
        assert r.admission_date < r.discharge_date
        assert r.status == ("deceased" if r.discharge_reason == "deceased" else "discharged")
    assert {r.status for r in _in_care()} == {"in_care"}


def test_every_cccd_agrees_with_birth_year_and_sex(loaded):
    numbers = [r for r in Resident.select() if r.cccd]
    assert len(numbers) >= 100
    for r in numbers:
        cleaned, findings = cccd.check_cccd(r.cccd, birth_year=r.birth_year, sex=r.sex)
        assert cleaned == r.cccd and not findings.errors, (r.code, r.cccd, findings.problems)
    assert len({r.cccd for r in numbers}) == len(numbers)


def test_every_card_number_is_valid_and_decoded(loaded):
    cards = list(InsuranceCard.select())
    for card in cards:
        decoded, findings = bhyt.check_card_number(card.number, on=card.valid_from)
        assert decoded is not None and not findings.errors, (card.number, findings.problems)
        assert (card.group_code, card.benefit_level, card.province_code, card.social_insurance_no) == (
            decoded.group, decoded.level, decoded.province_code, decoded.social_insurance_no)
        assert card.valid_from <= card.valid_to
        assert not bhyt.check_facility_code(card.facility_code).errors
    groups = {card.group_code for card in cards}
    assert {"BT", "TE", "CC"} <= groups
    assert any(card.group_code is None for card in cards)  # some cards in the new 10-digit form
    per_resident = Counter(card.resident_id for card in cards)
    assert max(per_resident.values()) >= 3


def test_card_statuses_include_valid_expiring_expired_and_none(loaded):
    statuses = _card_statuses(TODAY)
    assert statuses["valid"] >= 0.6 * loaded.in_care
    assert 6 <= statuses["expiring"] <= 14
    assert 5 <= statuses["expired"] <= 11
    assert 3 <= statuses["none"] <= 9


def test_barthel_totals_are_sums_of_allowed_item_scores(loaded):
    assessments = list(Assessment.select())
    assert len(assessments) >= 40
    for a in assessments:
        assert a.kind == "barthel"
        assert set(a.items) == set(demo.BARTHEL_ITEMS)
        for item, score in a.items.items():
            assert score in demo.BARTHEL_ITEMS[item], (item, score)
        assert a.total == sum(a.items.values())
        assert a.assessor_id is not None
    by_resident = defaultdict(list)
    for a in sorted(assessments, key=lambda a: a.assessed_on):
        by_resident[a.resident_id].append(a.total)
    improved = sum(1 for totals in by_resident.values() if len(totals) > 1 and totals[-1] > totals[0])
    assert improved >= 10


def test_most_residents_in_care_are_checked_within_a_year_but_not_all(loaded):
    window_start = TODAY - timedelta(days=364)
    in_care = _in_care()
    tracked = [r for r in in_care
               if r.health_checks.where((HealthCheck.check_date >= window_start)
                                        & (HealthCheck.check_date <= TODAY)).exists()]
    assert 0.8 * len(in_care) <= len(tracked) < len(in_care)
    for check in HealthCheck.select().limit(300):
        assert 60 <= check.pulse <= 100
        assert 36.2 <= check.temperature <= 37.6
        assert check.check_date <= TODAY


def test_conditions_use_icd10_codes_and_mental_categories_have_f_codes(loaded):
    by_resident = defaultdict(set)
    for condition in Condition.select():
        by_resident[condition.resident_id].add(condition.icd10)
        assert condition.status in ("active", "resolved")
    for r in Resident.select().where(Resident.category.in_(["TT", "CN"])):
        assert any(code.startswith("F") for code in by_resident[r.id]), r.code
    for r in Resident.select().where(Resident.category == "CN"):
        assert by_resident[r.id] & {"F11", "F15"}, r.code
    chronic_ncd = Condition.select().where((Condition.icd10 == "I10") & Condition.chronic & Condition.ncd)
    assert chronic_ncd.count() >= 10


def test_staff_cover_every_position_with_licences_to_watch(loaded):
    staff = list(Staff.select())
    assert {s.position for s in staff} == set(vocab.codes(vocab.STAFF_POSITIONS))
    assert sum(1 for s in staff if s.leave_date) == 2
    employed = [s for s in staff if s.start_date <= TODAY and (s.leave_date is None or s.leave_date > TODAY)]
    medical = [s for s in employed if s.position in demo.LICENSED_POSITIONS]
    assert all(s.licence_no and s.licence_expiry for s in medical)
    assert sum(1 for s in medical if TODAY <= s.licence_expiry <= TODAY + timedelta(days=90)) >= 2
    assert sum(1 for s in medical if s.licence_expiry < TODAY) >= 1
    for s in staff:
        assert s.sort_key == name_sort_key(s.full_name, s.birth_date)
        assert s.contract_type in vocab.codes(vocab.CONTRACT_TYPES)


def test_training_turns_this_year_fall_short_of_the_target(loaded):
    assert settings.year_target("target.training_turns", TODAY.year) == 50
    turns = (TrainingAttendance.select().join(TrainingCourse)
             .where(TrainingAttendance.completed
                    & (TrainingCourse.start_date >= date(TODAY.year, 1, 1))
                    & (TrainingCourse.start_date <= TODAY)).count())
    assert 20 <= turns < 50
    assert TrainingAttendance.select().where(~TrainingAttendance.completed).exists()
    assert {c.field for c in TrainingCourse.select()} <= set(vocab.codes(vocab.TRAINING_FIELDS))


def test_rehab_plans_show_due_reviews_and_goals_achieved_this_half_year(loaded):
    statuses = Counter(p.status for p in RehabPlan.select())
    assert statuses["active"] >= 25 and statuses["draft"] and statuses["closed"]
    assert RehabPlan.select().where((RehabPlan.status == "active") & (RehabPlan.review_date < TODAY)).exists()
    achieved = RehabGoal.select().where((RehabGoal.status == "achieved")
                                        & (RehabGoal.achieved_date >= HALF_START)
                                        & (RehabGoal.achieved_date <= TODAY))
    assert achieved.count() >= 5
    kinds = {i.kind for p in RehabPlan.select() for i in p.interventions}
    assert kinds <= set(vocab.codes(vocab.INTERVENTION_TYPES))
    sessions = RehabSession.select(RehabSession, RehabPlan).join(RehabPlan)
    assert all(s.plan.start_date <= s.session_date <= min(s.plan.end_date or TODAY, TODAY)
               and TODAY - timedelta(days=400) <= s.session_date and 20 <= s.minutes <= 60 for s in sessions)
    due = RehabPlan.select().where((RehabPlan.status == "active") & (RehabPlan.review_date < TODAY))
    assert 2 <= due.count() <= 12, "a few reviews are overdue, not most"


def test_facility_checklists_are_partly_met(loaded):
    phc = list(FacilityItem.select().where(FacilityItem.checklist == "phc_rehab"))
    technical = list(FacilityItem.select().where(FacilityItem.checklist == "technical"))
    assert all(item.starter for item in phc + technical)
    assert not all(item.met for item in phc)
    pct = 100 * sum(item.met for item in technical) / len(technical)
    assert 50 <= pct <= 90
    assert all(item.met_on is not None for item in phc + technical if item.met)


def test_settings_show_the_2025_reorganisation(loaded):
    before = settings.centre_profile(date(2024, 12, 31))
    after = settings.centre_profile(TODAY)
    assert before.governing_body == "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH THANH HÓA"
    assert after.governing_body == "SỞ Y TẾ TỈNH THANH HÓA"
    assert after.receiving_agency == "Sở Y tế tỉnh Thanh Hóa"
    assert after.recipients[-1].startswith("Lưu: VT,")
    assert after.name == demo.CENTRE_NAME and after.symbol == "TTBTXH" and len(after.deputies) == 2
    assert settings.year_target("target.tracking_pct", TODAY.year) == 80  # programme defaults seeded


def test_loading_twice_is_refused(loaded, admin):
    with pytest.raises(ValidationError) as caught:
        demo.load_demo(admin, today=TODAY)
    assert "dữ liệu mẫu" in str(caught.value)
    assert Resident.select().count() == loaded.residents


def test_loading_is_audited_as_one_entry(loaded):
    entries = list(AuditLog.select().where((AuditLog.action == "demo") & (AuditLog.entity == "centre")))
    assert len(entries) == 1
    assert entries[0].username == "admin"
    assert f"{loaded.residents} residents" in entries[0].summary


def test_a_nurse_may_not_load_the_demo(admin):
    nurse = auth.create_user(admin, "dieuduong", "mat-khau-2", "nurse", "Điều dưỡng")
    with pytest.raises(PermissionDenied):
        demo.load_demo(nurse, today=TODAY)
    assert Resident.select().count() == 0


def _load_into(path, today, seed=demo.DEFAULT_SEED):
    open_database(str(path))
    try:
        admin = auth.create_user(None, "admin", "mat-khau-1", "administrator")
        demo.load_demo(admin, today=today, seed=seed)
        return [(r.code, r.full_name, r.cccd, r.admission_date) for r in Resident.select().order_by(Resident.code)]
    finally:
        close_database()


def test_same_seed_and_day_give_the_same_centre(tmp_path):
    first = _load_into(tmp_path / "a.sqlite", TODAY)
    second = _load_into(tmp_path / "b.sqlite", TODAY)
    other_seed = _load_into(tmp_path / "c.sqlite", TODAY, seed=7)
    assert first == second
    assert first != other_seed


@pytest.mark.parametrize("today", [date(2027, 1, 1), date(2026, 7, 1), date(2026, 12, 31), date(2028, 2, 29)])
def test_statuses_look_current_on_any_day(tmp_path, today):
    open_database(str(tmp_path / "demo.sqlite"))
    try:
        admin = auth.create_user(None, "admin", "mat-khau-1", "administrator")
        demo.load_demo(admin, today=today)
        statuses = _card_statuses(today)
        assert all(statuses[s] > 0 for s in ("valid", "expiring", "expired", "none")), statuses
        assert any(r.admission_date >= date(today.year, 1 if today.month <= 6 else 7, 1) for r in _in_care(today))
        assert HealthCheck.select().where(HealthCheck.check_date > today).count() == 0
    finally:
        close_database()
