"""The return's figures (caremgr.returns.compute), one RETURN.md counting rule at a time, on small
centres built by hand, with the boundaries of each rule, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from caremgr import auth, returns, settings
from caremgr.errors import PermissionDenied, ValidationError
from caremgr.periods import parse_period
from db.models import (
    Assessment,
    Condition,
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

H1 = parse_period("2026-H1")
START, END = H1.start, H1.end  # 01/01/2026, 30/06/2026
DAY = timedelta(days=1)
ISSUED = date(2026, 7, 5)
SHARED_SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "domain" / "return.schema.json"

_codes = iter(range(1, 100_000))


def resident(admitted=date(2025, 1, 1), discharged=None, *, category="NCT", sex="female", born=1950,
             born_on=None, reason=None, **extra) -> Resident:
    code = f"DT{next(_codes):05d}"
    status = "in_care" if discharged is None else ("deceased" if reason == "deceased" else "discharged")
    return Resident.create(code=code, full_name=f"Người {code}", search_name=f"nguoi {code}", sort_key=code,
                           sex=sex, birth_year=born_on.year if born_on else born, birth_date=born_on,
                           category=category, admission_date=admitted, discharge_date=discharged,
                           discharge_reason=reason, status=status, **extra)


def employee(position="nurse", start=date(2020, 1, 1), leave=None, licence=None, expiry=None) -> Staff:
    code = f"NV{next(_codes):05d}"
    return Staff.create(code=code, full_name=f"Nhân viên {code}", search_name=code.lower(), sort_key=code,
                        position=position, start_date=start, leave_date=leave, licence_no=licence,
                        licence_expiry=expiry)


def figures(period=H1, **kw) -> dict:
    return returns.compute(period, issued_on=kw.pop("issued_on", ISSUED), **kw)


@pytest.fixture
def nurse(admin):
    return auth.create_user(admin, "lan", "mat-khau-2", "nurse", "Nguyễn Thị Lan")


# --- an empty centre -----------------------------------------------------------------------------

def test_an_empty_centre_gives_zeros_everywhere_and_valid_json(database):
    data = figures()
    returns.validate(data)
    r = data["residents"]
    assert r["in_care"] == r["children"] == r["elderly"] == r["admitted"] == 0
    assert set(r["by_category"]) == {"NCC", "NCT", "TE", "NKT", "TT", "CN", "K"}
    assert not any(r["by_category"].values()) and not any(r["by_sex"].values())
    assert r["with_disability"] == {"especially_severe": 0, "severe": 0, "mild": 0}
    assert r["discharged"] == {"reintegrated": 0, "transferred": 0, "deceased": 0, "other": 0, "total": 0}
    assert data["health"] == {"tracked": 0, "tracked_pct": 0.0, "checks": 0, "residents_checked": 0,
                              "referrals": 0, "chronic": 0, "mental": 0}
    assert data["insurance"] == {"valid": 0, "expiring_30": 0, "expired": 0, "none": 0, "coverage_pct": 0.0}
    assert data["rehab"] == {"active_plans": 0, "sessions": 0, "hours": 0.0, "assessed": 0, "improved": 0,
                             "goals_achieved": 0, "minutes": 0}
    assert data["staff"]["total"] == data["staff"]["medical"] == data["staff"]["licensed"] == 0
    assert set(data["staff"]["by_position"]) == {"doctor", "assistant_doctor", "nurse", "rehab_technician",
                                                 "social_worker", "carer", "manager", "other"}
    assert data["training"] == {"courses": 0, "turns": 0, "staff_trained": 0, "target": None}
    assert data["facility"] == {"phc_rehab_ready": False, "technical_pct": 0.0, "technical_target_pct": None,
                                "phc_total": 0, "phc_met": 0, "technical_total": 0, "technical_done": 0}
    assert data["narrative"] == {"results": "", "difficulties": "", "proposals": ""}
    # No settings at all: the insurance target keeps its built-in 100%, the others are unset.
    assert data["targets"] == {"tracking_pct": None, "insurance_pct": 100.0, "training_turns": None,
                               "technical_pct": None}
    assert data["met"] == {"tracking": None, "insurance": False, "training": None, "technical": None,
                           "phc_rehab": False}
    assert (data["schema"], data["number"], data["issued_on"]) == ("caremgr-return-v1", "", "2026-07-05")
    assert data["period"] == H1.as_dict()
    json.dumps(data)  # plain data all through


def test_the_shape_has_every_key_of_the_contract(database):
    data = figures()
    assert set(data) == {"schema", "centre", "period", "number", "issued_on", "residents", "health",
                         "insurance", "rehab", "staff", "training", "facility", "narrative", "targets", "met"}
    assert set(data["centre"]) == {"on", "name", "type", "code", "address", "province", "place", "symbol",
                                   "director", "deputies", "governing_body", "receiving_agency", "recipients",
                                   "signer_title", "deputy_title"}
    assert set(data["period"]) == {"label", "start", "end", "kind", "title"}


# --- residents -----------------------------------------------------------------------------------

def test_in_care_on_end_with_its_boundaries(database):
    resident()
    resident(admitted=END)                      # admitted on End: in care
    resident(admitted=END + DAY)                # admitted after End: not yet
    resident(discharged=END, reason="other")    # discharged on End: no longer in care
    resident(discharged=END + DAY, reason="other")  # discharged after End: still in care on End
    resident(deleted=True)                      # entered by mistake: nowhere
    assert figures()["residents"]["in_care"] == 3


def test_by_category_and_sex_include_every_code(database):
    for category, sex in [("TT", "male"), ("TT", "female"), ("NCC", "male"), ("K", "female")]:
        resident(category=category, sex=sex)
    resident(category="TE", discharged=START)
    r = figures()["residents"]
    assert r["by_category"] == {"NCC": 1, "NCT": 0, "TE": 0, "NKT": 0, "TT": 2, "CN": 0, "K": 1}
    assert r["by_sex"] == {"male": 2, "female": 2}


def test_children_and_elderly_by_age_on_end(database):
    resident(born_on=date(2010, 6, 30), category="TE")   # 16 on End exactly: not a child
    resident(born_on=date(2010, 7, 1), category="TE")    # 16 the day after End: a child
    resident(born=2010, category="TE")                   # year only: from 01/01/2010, 16 on End
    resident(born=2011, category="TE")                   # year only: 15 on End, a child
    resident(born_on=date(1966, 6, 30))                  # 60 on End exactly: elderly
    resident(born_on=date(1966, 7, 1))                   # 59 on End
    resident(born=1966)                                  # year only: 60 since 01/01/2026
    resident(born=1967)                                  # year only: 59
    resident(born=1930, admitted=END + DAY)              # elderly, but not in care on End
    r = figures()["residents"]
    assert (r["children"], r["elderly"]) == (2, 2)


def test_leap_day_births(database):
    resident(born_on=date(2008, 2, 29), category="TE", admitted=date(2023, 1, 1))
    resident(born_on=date(1964, 2, 29), admitted=date(2023, 1, 1))
    on_28 = figures(parse_period("2024-01-01:2024-02-28"))["residents"]
    on_29 = figures(parse_period("2024-01-01:2024-02-29"))["residents"]
    assert (on_28["children"], on_28["elderly"]) == (1, 0)  # 15 and 59 the day before the birthday
    assert (on_29["children"], on_29["elderly"]) == (0, 1)  # 16 and 60 on 29/02
    # In a common year the birthday is reached on 01/03, not on 28/02.
    on_feb = figures(parse_period("2025-01-01:2025-02-28"))["residents"]
    assert on_feb["elderly"] == 1  # 60 already (turned 60 on 29/02/2024)


def test_disability_by_severity(database):
    for severity in ("especially_severe", "severe", "severe", "mild", None):
        resident(disability_type="mobility" if severity else None, disability_severity=severity)
    resident(disability_type="vision", disability_severity="mild", discharged=START, reason="reintegrated")
    assert figures()["residents"]["with_disability"] == {"especially_severe": 1, "severe": 2, "mild": 1}


def test_admitted_and_discharged_in_the_period(database):
    resident(admitted=START)             # first day: in P
    resident(admitted=END)               # last day: in P
    resident(admitted=START - DAY)       # before P
    resident(admitted=END + DAY)         # after P
    resident(admitted=START, deleted=True)
    resident(discharged=START, reason="reintegrated")
    resident(discharged=END, reason="deceased")          # discharged on End: counted, and not in care
    resident(discharged=date(2026, 3, 1), reason="transferred")
    resident(discharged=date(2026, 3, 2), reason="transferred")
    resident(discharged=date(2026, 3, 3), reason=None)   # no reason recorded: "other"
    resident(discharged=START - DAY, reason="other")     # before P
    resident(discharged=END + DAY, reason="other")       # after P
    r = figures()["residents"]
    assert r["admitted"] == 2
    assert r["discharged"] == {"reintegrated": 1, "transferred": 2, "deceased": 1, "other": 1, "total": 5}


# --- health --------------------------------------------------------------------------------------

def test_tracked_is_a_check_within_the_365_days_ending_on_end(database):
    a, b, c, d, e = (resident() for _ in range(5))
    HealthCheck.create(resident=a, check_date=END)                        # on End
    HealthCheck.create(resident=b, check_date=END - timedelta(days=364))  # first day of the window
    HealthCheck.create(resident=c, check_date=END - timedelta(days=365))  # one day too old
    HealthCheck.create(resident=d, check_date=END + DAY)                  # after End
    HealthCheck.create(resident=a, check_date=END - DAY)                  # a second check: one person
    gone = resident(discharged=END, reason="other")
    HealthCheck.create(resident=gone, check_date=END - DAY)               # not in care on End
    h = figures()["health"]
    assert h["tracked"] == 2
    assert h["tracked_pct"] == round(2 * 100 / 5, 1) == 40.0
    assert e  # never checked


def test_checks_and_referrals_in_the_period(database):
    a, b = resident(), resident(discharged=date(2026, 3, 1), reason="other")
    for who, day in [(a, START), (a, END), (a, date(2026, 2, 1)), (b, date(2026, 2, 1)),
                     (a, START - DAY), (b, END + DAY)]:
        HealthCheck.create(resident=who, check_date=day)
    hidden = resident(deleted=True)
    HealthCheck.create(resident=hidden, check_date=START)
    for day in (START, END, START - DAY, END + DAY):
        Referral.create(resident=a, referral_date=day, facility="Bệnh viện tỉnh")
    Referral.create(resident=hidden, referral_date=START, facility="Bệnh viện tỉnh")
    h = figures()["health"]
    assert (h["checks"], h["residents_checked"], h["referrals"]) == (4, 2, 2)


def test_chronic_and_mental_conditions_active_on_end(database):
    a, b, c, d, e, f = (resident() for _ in range(6))
    Condition.create(resident=a, icd10="I10", title="Tăng huyết áp", chronic=True)
    Condition.create(resident=a, icd10="E11.9", title="Đái tháo đường", chronic=True)  # same person
    Condition.create(resident=b, icd10="F20.0", title="Tâm thần phân liệt", chronic=True)  # both
    Condition.create(resident=c, icd10="F32.9", title="Trầm cảm", chronic=False)        # mental only
    Condition.create(resident=d, icd10="I10", title="Tăng huyết áp", chronic=True, status="resolved",
                     resolved_date=END)                                                 # resolved by End
    Condition.create(resident=e, icd10="F99", title="Rối loạn tâm thần", chronic=True, status="resolved",
                     resolved_date=END + DAY)                                           # still active on End
    Condition.create(resident=f, icd10="G30.9", title="Alzheimer", chronic=True, onset_date=END + DAY)
    Condition.create(resident=f, icd10="G30.9", title="Alzheimer", chronic=False)  # not chronic, not F
    gone = resident(discharged=END, reason="other")
    Condition.create(resident=gone, icd10="F20.0", title="Tâm thần phân liệt", chronic=True)
    h = figures()["health"]
    assert (h["chronic"], h["mental"]) == (3, 3)  # a, b, e / b, c, e


# --- insurance -----------------------------------------------------------------------------------

def card(who, start, end):
    InsuranceCard.create(resident=who, number="BT2383812345678", valid_from=start, valid_to=end)


def test_insurance_statuses_on_end(database):
    on_end, in_30, in_31, renewed, expired, none, later = (resident() for _ in range(7))
    card(on_end, date(2026, 1, 1), END)                              # card ending on End: valid, expiring
    card(in_30, date(2026, 1, 1), END + timedelta(days=30))          # expiring
    card(in_31, date(2026, 1, 1), END + timedelta(days=31))          # valid, not expiring
    card(renewed, date(2026, 1, 1), END + timedelta(days=10))        # renewal already recorded:
    card(renewed, END + timedelta(days=11), date(2027, 6, 30))       # cover goes on
    card(expired, date(2025, 1, 1), END - DAY)                       # ended the day before End
    card(later, END + DAY, date(2027, 6, 30))                        # starts after End: none yet
    gone = resident(discharged=END, reason="other")
    card(gone, date(2026, 1, 1), date(2026, 12, 31))
    i = figures()["insurance"]
    assert i == {"valid": 4, "expiring_30": 2, "expired": 1, "none": 2,
                 "coverage_pct": round(4 * 100 / 7, 1)}
    assert none and i["valid"] + i["expired"] + i["none"] == 7


def test_expiring_is_always_30_days_whatever_the_alert_setting(admin):
    settings.put(admin, {"care.card_warning_days": 60})
    who = resident()
    card(who, date(2026, 1, 1), END + timedelta(days=45))
    assert figures()["insurance"]["expiring_30"] == 0


# --- rehabilitation ------------------------------------------------------------------------------

def test_active_plans_on_end(database):
    cases = [
        (date(2026, 1, 1), None, "active", True),
        (END, END, "draft", True),                     # starts and ends on End
        (date(2026, 1, 1), END - DAY, "closed", False),  # ended the day before End
        (END + DAY, None, "active", False),            # starts after End
        (date(2026, 1, 1), None, "cancelled", False),
    ]
    for start, stop, status, _counts in cases:
        RehabPlan.create(resident=resident(), start_date=start, end_date=stop, status=status)
    twice = resident()
    RehabPlan.create(resident=twice, start_date=date(2026, 1, 1), status="reviewed")
    RehabPlan.create(resident=twice, start_date=date(2026, 3, 1), status="active")  # one resident
    gone = resident(discharged=END, reason="other")
    RehabPlan.create(resident=gone, start_date=date(2026, 1, 1), status="active")
    assert figures()["rehab"]["active_plans"] == sum(1 for case in cases if case[3]) + 1


def test_sessions_hours_assessed_and_goals(database):
    a, b = resident(), resident(discharged=date(2026, 2, 1), reason="other")
    for who, day, minutes in [(a, START, 45), (a, END, 30), (b, date(2026, 1, 15), 50),
                              (a, START - DAY, 60), (a, END + DAY, 60)]:
        RehabSession.create(resident=who, session_date=day, minutes=minutes)
    RehabSession.create(resident=resident(deleted=True), session_date=START, minutes=60)
    for who, day, kind in [(a, START, "barthel"), (a, END, "barthel"), (b, date(2026, 1, 20), "barthel"),
                           (resident(), END, "functional"), (resident(), START - DAY, "barthel")]:
        Assessment.create(resident=who, kind=kind, assessed_on=day, total=50 if kind == "barthel" else None)
    plan = RehabPlan.create(resident=a, start_date=date(2025, 12, 1), status="active")
    for status, day in [("achieved", START), ("achieved", END), ("achieved", END + DAY), ("partly", END),
                        ("open", None), ("achieved", START - DAY)]:
        RehabGoal.create(plan=plan, domain="mobility", statement="Tự đi lại", status=status, achieved_date=day)
    rh = figures()["rehab"]
    assert (rh["sessions"], rh["minutes"], rh["assessed"], rh["goals_achieved"]) == (3, 125, 2, 2)
    assert rh["hours"] == round(125 / 60, 1) == 2.1


def test_improved_compares_the_latest_barthel_up_to_end_with_the_first(database):
    def barthel(who, day, total):
        Assessment.create(resident=who, kind="barthel", assessed_on=day, total=total)

    up, down, same_day, later_only, single, discharged = (resident() for _ in range(6))
    barthel(up, date(2025, 3, 1), 40)
    barthel(up, date(2026, 1, 10), 55)
    barthel(up, END + DAY, 20)                   # after End: not looked at
    barthel(down, date(2025, 3, 1), 60)
    barthel(down, END, 45)
    barthel(same_day, END, 30)                   # two on one day: not "different dates"
    barthel(same_day, END, 50)
    barthel(later_only, date(2025, 3, 1), 30)
    barthel(later_only, END + DAY, 90)           # its rise comes after End
    barthel(single, date(2026, 2, 1), 70)
    barthel(discharged, date(2025, 1, 1), 10)
    barthel(discharged, date(2025, 6, 1), 40)
    discharged.discharge_date, discharged.discharge_reason = date(2025, 7, 1), "reintegrated"
    discharged.save()
    assert figures()["rehab"]["improved"] == 2  # up, and the one discharged before P (RETURN.md: any resident)


# --- staff ---------------------------------------------------------------------------------------

def test_staff_employed_on_end_by_position_licensed_and_medical(database):
    employee("doctor", licence="BS-1", expiry=END)             # licence valid to End: licensed
    employee("nurse", licence="DD-1", expiry=END - DAY)        # expired the day before
    employee("nurse", licence=None, expiry=date(2030, 1, 1))   # no number: not licensed
    employee("rehab_technician", start=END, licence="KT-1", expiry=date(2030, 1, 1))  # starts on End
    employee("assistant_doctor", leave=END, licence="YS-1", expiry=date(2030, 1, 1))  # left on End
    employee("assistant_doctor", leave=END + DAY, licence="YS-2", expiry=date(2030, 1, 1))
    employee("carer", licence="X-1", expiry=date(2030, 1, 1))  # not a licensed position
    employee("manager")
    employee("social_worker", start=END + DAY)                 # not yet
    s = figures()["staff"]
    assert s["by_position"] == {"doctor": 1, "assistant_doctor": 1, "nurse": 2, "rehab_technician": 1,
                                "social_worker": 0, "carer": 1, "manager": 1, "other": 0}
    assert (s["total"], s["medical"], s["licensed"]) == (7, 5, 3)


# --- training ------------------------------------------------------------------------------------

def test_training_courses_turns_and_staff_trained(database):
    a, b, c = employee(), employee("carer"), employee("carer")

    def course(code, start, people):
        row = TrainingCourse.create(code=code, title=f"Khóa {code}", field="care", start_date=start,
                                    end_date=start + timedelta(days=2))
        for who, completed in people:
            TrainingAttendance.create(course=row, staff=who, completed=completed)

    course("K1", START, [(a, True), (b, True), (c, False)])
    course("K2", END, [(a, True)])                    # starts on End (ends after): in P
    course("K3", START - DAY, [(a, True), (b, True)])  # started before P
    course("K4", END + DAY, [(c, True)])
    t = figures()["training"]
    assert (t["courses"], t["turns"], t["staff_trained"]) == (2, 3, 2)


@pytest.mark.parametrize("text, expected", [("2026-H1", 13), ("2026-H2", 13), ("2026", 25),
                                            ("2026-03-01:2026-05-31", 25), ("2025-H1", None)])
def test_training_target_halved_only_for_a_half_year(admin, text, expected):
    settings.put(admin, {"target.training_turns": 25}, effective_from=date(2026, 1, 1))
    data = figures(parse_period(text))
    assert data["training"]["target"] == data["targets"]["training_turns"] == expected


# --- facility, targets, met ----------------------------------------------------------------------

def test_facility_items_met_by_end(admin):
    for met, met_on in [(True, START), (True, END)]:
        FacilityItem.create(checklist="phc_rehab", title="Điều kiện", met=met, met_on=met_on)
    for met, met_on in [(True, START), (True, END), (True, END + DAY), (False, None)]:
        FacilityItem.create(checklist="technical", title="Kỹ thuật", met=met, met_on=met_on)
    settings.put(admin, {"target.technical_pct": 50}, effective_from=date(2026, 1, 1))
    data = figures()
    assert data["facility"] == {"phc_rehab_ready": True, "technical_pct": 50.0, "technical_target_pct": 50.0,
                                "phc_total": 2, "phc_met": 2, "technical_total": 4, "technical_done": 2}
    assert data["met"]["technical"] is True and data["met"]["phc_rehab"] is True
    FacilityItem.update(met_on=END + DAY).where(FacilityItem.met_on == END).execute()
    data = figures()
    assert data["facility"]["phc_rehab_ready"] is False and data["facility"]["technical_pct"] == 25.0
    assert data["met"]["technical"] is False and data["met"]["phc_rehab"] is False


def test_targets_and_whether_they_are_met(admin):
    settings.put(admin, {"target.tracking_pct": 80, "target.insurance_pct": 100, "target.training_turns": 4},
                 effective_from=date(2026, 1, 1))
    people = [resident() for _ in range(5)]
    for who in people[:4]:
        HealthCheck.create(resident=who, check_date=date(2026, 5, 1))
        card(who, date(2026, 1, 1), date(2026, 12, 31))
    nurse = employee()
    course = TrainingCourse.create(code="K1", title="Khóa", field="care", start_date=START, end_date=START)
    TrainingAttendance.create(course=course, staff=nurse, completed=True)
    data = figures()
    assert data["targets"] == {"tracking_pct": 80.0, "insurance_pct": 100.0, "training_turns": 2,
                               "technical_pct": None}
    assert data["met"] == {"tracking": True, "insurance": False, "training": False, "technical": None,
                           "phc_rehab": False}
    other = employee()
    TrainingAttendance.create(course=course, staff=other, completed=True)
    card(people[4], date(2026, 1, 1), date(2026, 12, 31))
    met = figures()["met"]
    assert met["training"] is True and met["insurance"] is True


def test_a_target_is_met_on_the_exact_share_not_the_rounded_one(admin):
    settings.put(admin, {"target.tracking_pct": 66.7}, effective_from=date(2026, 1, 1))
    people = [resident() for _ in range(3)]
    for who in people[:2]:  # 66.66…% tracked, shown as 66.7
        HealthCheck.create(resident=who, check_date=END)
    data = figures()
    assert data["health"]["tracked_pct"] == 66.7 and data["met"]["tracking"] is False
    settings.put(admin, {"target.tracking_pct": 66.6}, effective_from=date(2026, 1, 1))
    assert figures()["met"]["tracking"] is True


# --- the rest of the dict ------------------------------------------------------------------------

def test_centre_as_on_the_issue_date_and_the_narrative(admin):
    settings.put(admin, {"centre.name": "Trung tâm A", "centre.province": "Thanh Hóa", "centre.symbol": "TTA",
                         "agency.governing_body": "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"},
                 effective_from=date(2025, 1, 1))
    settings.put(admin, {"agency.governing_body": "SỞ Y TẾ TỈNH THANH HÓA"}, effective_from=date(2026, 7, 1))
    data = figures(narrative={"results": "  Hoàn thành kế hoạch.\r\nĐạt 95%.  ", "proposals": "Bổ sung biên chế"},
                   number="05/BC-TTA")
    assert data["centre"]["governing_body"] == "SỞ Y TẾ TỈNH THANH HÓA" and data["centre"]["on"] == "2026-07-05"
    assert figures(issued_on=date(2026, 6, 30))["centre"]["governing_body"].startswith("SỞ LAO ĐỘNG")
    assert data["narrative"] == {"results": "Hoàn thành kế hoạch.\nĐạt 95%.", "difficulties": "",
                                 "proposals": "Bổ sung biên chế"}
    assert data["number"] == "05/BC-TTA"
    returns.validate(data)


def test_an_unknown_narrative_part_is_refused(database):
    with pytest.raises(ValidationError) as err:
        figures(narrative={"result": "x"})
    assert "result" in str(err.value) and err.value.problems[0].field == "result"
    with pytest.raises(ValidationError, match="Kết quả"):
        figures(narrative={"results": 5})


def test_a_period_may_be_given_as_text(database):
    assert returns.compute("2026", issued_on=ISSUED)["period"]["kind"] == "year"
    with pytest.raises(ValueError, match="2026-H3"):
        returns.compute("2026-H3")


def test_preview_needs_reports_view_and_has_no_number(admin, nurse):
    assert returns.preview(nurse, H1)["number"] == ""
    outsider = auth.Actor(99, "khach", "Khách", "guest")
    with pytest.raises(PermissionDenied):
        returns.preview(outsider, H1)


# --- schema --------------------------------------------------------------------------------------

def test_the_packaged_schema_is_the_shared_contract():
    if not SHARED_SCHEMA.exists():
        pytest.skip(f"shared contract not found at {SHARED_SCHEMA}")
    assert returns.SCHEMA_FILE.read_bytes() == SHARED_SCHEMA.read_bytes()


def test_validate_lists_every_problem_in_vietnamese(database):
    data = figures()
    data["residents"]["in_care"] = -1
    data["health"]["tracked_pct"] = "94"
    data["issued_on"] = "05/07/2026"
    del data["insurance"]["none"]
    data["schema"] = "v0"
    with pytest.raises(ValidationError) as err:
        returns.validate(data)
    fields = {p.field for p in err.value.problems}
    assert fields == {"residents.in_care", "health.tracked_pct", "issued_on", "insurance", "schema"}
    message = str(err.value)
    for words in ("residents.in_care: không được nhỏ hơn 0", "health.tracked_pct: phải là số",
                  "issued_on: không phải ngày dạng yyyy-mm-dd", "insurance: thiếu mục none",
                  "schema: phải là \"caremgr-return-v1\""):
        assert words in message, message


def test_a_narrative_that_is_not_a_mapping_is_refused(database):
    with pytest.raises(ValidationError, match="results, difficulties, proposals"):
        figures(narrative=["Kết quả tốt"])
