"""The home screen's figures, on small centres built by hand."""

from datetime import date, timedelta

import pytest

from caremgr import dashboard, settings
from caremgr.errors import PermissionDenied
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
