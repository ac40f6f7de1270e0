"""The home screen's figures, on small centres built by hand."""

from datetime import date, timedelta

import pytest

from caremgr import dashboard, resident_search, returns, settings, training
from caremgr.errors import PermissionDenied, ValidationError
from db.models import (
    HealthCheck,
    InsuranceCard,
    RehabPlan,
    Resident,
    Staff,
    TrainingAttendance,
    TrainingCourse,
)

TODAY = date(2026, 6, 30)


def resident(code, category="NCT", admitted=date(2025, 1, 1), discharged=None, **extra):
    return Resident.create(code=code, full_name=f"Người {code}", search_name=f"nguoi {code}", sort_key=code,
                           sex="female", birth_year=1950, category=category, admission_date=admitted,
                           discharge_date=discharged, status="in_care" if discharged is None else "discharged",
                           **extra)


def card(r, start, end):
    InsuranceCard.create(resident=r, number="BT2383812345678", valid_from=start, valid_to=end)


def test_counts_follow_the_in_care_rule(admin):
    resident("A")
    resident("B", category="TT")
    resident("C", admitted=TODAY)  # admitted on the day: in care
    resident("D", admitted=TODAY + timedelta(days=1))  # not yet
    resident("E", discharged=TODAY)  # discharged on the day: no longer in care
    resident("F", discharged=TODAY + timedelta(days=1))  # still in care on the day
    resident("G", deleted=True)  # entered by mistake
    d = dashboard.summary(admin, TODAY)
    assert d.in_care == 4
    assert d.by_category == {"NCC": 0, "NCT": 3, "TE": 0, "NKT": 0, "TT": 1, "CN": 0, "K": 0}


def test_insurance_statuses_and_coverage(admin):
    valid, expiring, expired, none = (resident(c) for c in "VXEN")
    card(valid, date(2026, 1, 1), date(2026, 12, 31))
    card(expiring, date(2025, 7, 30), TODAY + timedelta(days=30))
    card(expired, date(2025, 1, 1), TODAY - timedelta(days=1))
    d = dashboard.summary(admin, TODAY)
    assert d.insurance == {"valid": 1, "expiring": 1, "expired": 1, "none": 1}
    assert d.coverage_pct == 50.0
    assert d.admitted_without_card == 1
    kinds = {kind for kind, _level, _n in d.alerts}
    assert {"cards_expired", "cards_expiring", "no_card"} <= kinds


def test_tracking_and_overdue_checks(admin):
    settings.put(admin, {"care.check_interval_days": 30})
    recent, old = resident("R"), resident("O")
    resident("N")  # never checked
    HealthCheck.create(resident=recent, check_date=TODAY - timedelta(days=10))
    HealthCheck.create(resident=old, check_date=TODAY - timedelta(days=364))  # inside the 365-day window
    d = dashboard.summary(admin, TODAY)
    assert d.tracked == 2 and d.tracked_pct == pytest.approx(66.7)
    assert d.checks_overdue == 2  # the old one and the one never checked


def test_plans_licences_and_training(admin):
    settings.put(admin, {"target.training_turns": 50}, effective_from=date(2026, 1, 1))
    r = resident("P")
    RehabPlan.create(resident=r, start_date=date(2026, 1, 1), review_date=TODAY - timedelta(days=1), status="active")
    RehabPlan.create(resident=r, start_date=date(2026, 1, 1), review_date=TODAY + timedelta(days=5), status="active")
    RehabPlan.create(resident=r, start_date=date(2025, 1, 1), review_date=date(2025, 6, 1), status="closed")

    def staff(code, position, expiry, left=None):
        return Staff.create(code=code, full_name=code, search_name=code, sort_key=code, position=position,
                            start_date=date(2020, 1, 1), leave_date=left, licence_no=f"{code}/CCHN",
                            licence_expiry=expiry)

    nurse = staff("S1", "nurse", TODAY + timedelta(days=90))
    staff("S2", "doctor", TODAY - timedelta(days=1))
    staff("S3", "carer", TODAY + timedelta(days=10))  # carers need no licence
    staff("S4", "nurse", TODAY + timedelta(days=5), left=date(2026, 1, 1))  # has left
    course = TrainingCourse.create(code="K1", title="Sơ cấp cứu", field="care", start_date=date(2026, 3, 1),
                                   end_date=date(2026, 3, 2))
    old_course = TrainingCourse.create(code="K0", title="Cũ", field="care", start_date=date(2025, 3, 1),
                                       end_date=date(2025, 3, 2))
    TrainingAttendance.create(course=course, staff=nurse, completed=True)
    TrainingAttendance.create(course=old_course, staff=nurse, completed=True)
    d = dashboard.summary(admin, TODAY)
    assert d.plans_due_review == 1
    assert (d.licences_expiring, d.licences_expired) == (1, 1)
    assert (d.training_turns, d.training_target) == (1, 50)
    assert d.tracking_target is None  # programme defaults not seeded in this centre


def test_only_users_with_the_dashboard_permission(admin):
    from caremgr.auth import Actor

    with pytest.raises(PermissionDenied):
        dashboard.summary(Actor(99, "khach", "Khách", "guest"), TODAY)


# --- the figures the charts draw, against the return's and the training service's own -------------

def check(r, day):
    HealthCheck.create(resident=r, check_date=day)


def small_centre(admin):
    """Eight residents in care on TODAY with every card status and tracking edge, one who has left,
    and a year of training: enough for every figure of the charts to be something other than 0 or 100%."""
    settings.put(admin, {"target.training_turns": 3, "target.tracking_pct": 60},
                 effective_from=date(2026, 1, 1))
    people = {code: resident(code) for code in ("A", "B", "C", "D", "E", "F", "G", "H")}
    resident("X", discharged=TODAY - timedelta(days=5))  # left: counts nowhere
    card(people["A"], date(2026, 1, 1), date(2026, 12, 31))
    card(people["B"], date(2026, 1, 1), date(2026, 12, 31))
    card(people["C"], date(2025, 7, 30), TODAY + timedelta(days=10))  # expiring
    card(people["D"], date(2025, 1, 1), TODAY - timedelta(days=1))  # expired
    card(people["E"], TODAY + timedelta(days=1), date(2027, 6, 30))  # starts tomorrow: no card yet
    for code in "FGH":
        card(people[code], date(2026, 1, 1), date(2026, 12, 31))
    check(people["A"], TODAY)
    check(people["B"], TODAY - timedelta(days=364))  # the first day of the 365-day window
    check(people["C"], TODAY - timedelta(days=365))  # one day too old
    check(people["D"], TODAY + timedelta(days=1))  # after the day: not yet
    check(people["F"], TODAY - timedelta(days=30))
    nurse = Staff.create(code="S1", full_name="Y tá", search_name="y ta", sort_key="y ta", position="nurse",
                         start_date=date(2020, 1, 1))
    carer = Staff.create(code="S2", full_name="Hộ lý", search_name="ho ly", sort_key="ho ly", position="carer",
                         start_date=date(2020, 1, 1))
    k1 = TrainingCourse.create(code="K1", title="Sơ cứu", field="care", start_date=date(2026, 2, 1),
                               end_date=date(2026, 2, 2))
    k2 = TrainingCourse.create(code="K2", title="PHCN", field="care", start_date=date(2026, 5, 1),
                               end_date=date(2026, 5, 2))
    later = TrainingCourse.create(code="K3", title="Sau", field="care", start_date=TODAY + timedelta(days=3),
                                  end_date=TODAY + timedelta(days=4))
    TrainingAttendance.create(course=k1, staff=nurse, completed=True)
    TrainingAttendance.create(course=k1, staff=carer, completed=False)  # not a turn
    TrainingAttendance.create(course=k2, staff=nurse, completed=True)
    TrainingAttendance.create(course=later, staff=carer, completed=True)  # after the day
    return people


def test_chart_figures_are_the_returns(admin):
    small_centre(admin)
    d = dashboard.summary(admin, TODAY)
    ret = returns.compute(f"{date(TODAY.year, 1, 1).isoformat()}:{TODAY.isoformat()}", issued_on=TODAY)
    assert d.in_care == ret["residents"]["in_care"] == 8
    assert d.by_category == ret["residents"]["by_category"]
    # BHYT: the return's valid cards (expiring ones included) are the chart's insured residents.
    assert d.insured == ret["insurance"]["valid"] == 6
    assert d.coverage_pct == ret["insurance"]["coverage_pct"] == 75.0
    assert d.insurance["expiring"] == ret["insurance"]["expiring_30"] == 1  # warning days 30 = the return's 30
    assert (d.insurance["expired"], d.insurance["none"]) == (ret["insurance"]["expired"], ret["insurance"]["none"])
    assert sum(d.insurance.values()) == d.in_care
    assert d.insurance_target == ret["targets"]["insurance_pct"] == 100.0
    assert d.coverage_met is ret["met"]["insurance"] is False
    # Electronic tracking: RETURN.md health.tracked on the day.
    assert d.tracked == ret["health"]["tracked"] == 3  # A, B, F
    assert d.tracked_pct == ret["health"]["tracked_pct"] == 37.5
    assert d.untracked == d.in_care - d.tracked == 5
    assert d.tracking_target == ret["targets"]["tracking_pct"] == 60.0
    assert d.tracking_met is ret["met"]["tracking"] is False
    # Training: the training service's year totals up to the day (the return's turns for 01/01 … the day).
    year = training.compute_year_totals(TODAY.year, TODAY)
    assert d.training_turns == year.turns == ret["training"]["turns"] == 2
    assert d.training_target == year.target == 3
    assert d.training_met is year.met is False


def test_targets_come_from_the_settings_of_the_days_year(admin):
    settings.seed_programme_defaults(admin)  # 80% from 2021, 100% from 2030; BHYT 100%
    settings.put(admin, {"target.training_turns": 2}, effective_from=date(2026, 1, 1))
    a, b = resident("A"), resident("B")
    for r in (a, b):
        card(r, date(2020, 1, 1), date(2031, 12, 31))
    check(a, TODAY)
    check(b, TODAY - timedelta(days=10))
    d = dashboard.summary(admin, TODAY)
    assert (d.tracking_target, d.tracking_met) == (80.0, True)
    assert (d.insurance_target, d.coverage_met) == (100.0, True)
    later = date(2030, 3, 1)
    check(a, later)  # b's last check is years old by then
    d2030 = dashboard.summary(admin, later)
    assert (d2030.tracked, d2030.tracking_target, d2030.tracking_met) == (1, 100.0, False)
    assert d2030.training_target == 2  # a target set for 2026 stays until changed
    ret = returns.compute("2030-01-01:2030-03-01", issued_on=later)
    assert d2030.tracking_met is ret["met"]["tracking"]


def test_a_share_just_under_the_target_is_not_met(admin):
    settings.put(admin, {"target.tracking_pct": 66.7}, effective_from=date(2026, 1, 1))
    people = [resident(c) for c in "ABC"]
    for r in people[:2]:
        check(r, TODAY)
    d = dashboard.summary(admin, TODAY)
    assert d.tracked_pct == 66.7  # shown rounded ...
    assert d.tracking_met is False  # ... but 66.666…% does not reach 66.7%
    assert d.tracking_met is returns.compute(f"2026-01-01:{TODAY.isoformat()}", issued_on=TODAY)["met"]["tracking"]


def test_untracked_filter_lists_the_residents_behind_the_tracking_chart(admin):
    people = small_centre(admin)
    d = dashboard.summary(admin, TODAY)
    flt = resident_search.ResidentFilter(status="in_care", tracking="untracked", on=TODAY)
    page = resident_search.search(admin, flt, limit=100)
    window = (TODAY - timedelta(days=364), TODAY)
    expected = {code for code, r in people.items()
                if not any(window[0] <= c.check_date <= window[1]
                           for c in HealthCheck.select().where(HealthCheck.resident == r))}
    assert {row.code for row in page.rows} == expected == {"C", "D", "E", "G", "H"}
    assert page.total == d.untracked
    tracked = resident_search.search(admin, resident_search.ResidentFilter(status="in_care", tracking="tracked",
                                                                           on=TODAY))
    assert {row.code for row in tracked.rows} == {"A", "B", "F"} and tracked.total == d.tracked
    with_text = resident_search.search(admin, resident_search.ResidentFilter(text="c", tracking="untracked",
                                                                             on=TODAY))
    assert [row.code for row in with_text.rows] == ["C"]  # combines with the other filters


def test_unknown_tracking_filter_is_refused(admin):
    with pytest.raises(ValidationError) as caught:
        resident_search.search(admin, resident_search.ResidentFilter(tracking="sometimes"))
    assert "tracking" in str(caught.value)


def test_category_and_card_filters_list_the_residents_behind_the_bars(admin):
    small_centre(admin)
    resident("T1", category="TT")
    d = dashboard.summary(admin, TODAY)
    for status, count in d.insurance.items():
        page = resident_search.search(admin, resident_search.ResidentFilter(status="in_care", insurance=status,
                                                                            on=TODAY))
        assert page.total == count, status
    page = resident_search.search(admin, resident_search.ResidentFilter(status="in_care", category="TT", on=TODAY))
    assert page.total == d.by_category["TT"] == 1
