"""Every figure of the return on the demo centre against an independent count: plain Python over all
the rows of each table, written from RETURN.md's wording, sharing no query or helper with
caremgr.returns. On SQLite and PostgreSQL, for half-years, a year and a free range."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta

import pytest

from caremgr import demo, returns, settings
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
    Setting,
    Staff,
    TrainingAttendance,
    TrainingCourse,
)

TODAY = date(2026, 5, 14)
PERIODS = ["2026-H1", "2025-H2", "2025", "2025-10-01:2026-03-31", "2026-01-01:2026-05-14"]
CATEGORY_CODES = ["NCC", "NCT", "TE", "NKT", "TT", "CN", "K"]
POSITIONS = ["doctor", "assistant_doctor", "nurse", "rehab_technician", "social_worker", "carer", "manager",
             "other"]
MEDICAL = {"doctor", "assistant_doctor", "nurse", "rehab_technician"}


def within(day, start, end) -> bool:
    return day is not None and start <= day <= end


def age(resident, on: date) -> int:
    born = resident.birth_date or date(resident.birth_year, 1, 1)
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def share(part, whole) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def target_in_force(key: str, year: int):
    """The setting's value on 1 January of ``year``, read from the Setting rows themselves."""
    rows = [s for s in Setting.select() if s.key == key and s.effective_from <= date(year, 1, 1)]
    if not rows:
        return settings.definition(key).default
    return max(rows, key=lambda s: s.effective_from).value


def count_by_hand(period) -> dict:
    start, end = period.start, period.end
    people = {r.id: r for r in Resident.select() if not r.deleted}

    def cared(r) -> bool:
        return r.admission_date <= end and (r.discharge_date is None or r.discharge_date > end)

    in_care = [r for r in people.values() if cared(r)]
    care_ids = {r.id for r in in_care}
    n = len(in_care)

    residents = {
        "in_care": n,
        "by_category": {c: len([r for r in in_care if r.category == c]) for c in CATEGORY_CODES},
        "by_sex": {s: len([r for r in in_care if r.sex == s]) for s in ("male", "female")},
        "children": len([r for r in in_care if age(r, end) < 16]),
        "elderly": len([r for r in in_care if age(r, end) >= 60]),
        "with_disability": {s: len([r for r in in_care if r.disability_severity == s])
                            for s in ("especially_severe", "severe", "mild")},
        "admitted": len([r for r in people.values() if within(r.admission_date, start, end)]),
    }
    gone = [r for r in people.values() if within(r.discharge_date, start, end)]
    discharged = {k: len([r for r in gone if r.discharge_reason == k])
                  for k in ("reintegrated", "transferred", "deceased")}
    discharged["other"] = len(gone) - sum(discharged.values())
    discharged["total"] = len(gone)
    residents["discharged"] = discharged

    checks = [c for c in HealthCheck.select() if c.resident_id in people]
    tracked = {c.resident_id for c in checks
               if c.resident_id in care_ids and 0 <= (end - c.check_date).days <= 364}
    in_p = [c for c in checks if within(c.check_date, start, end)]

    def active(c) -> bool:
        began = c.onset_date is None or c.onset_date <= end
        still = c.status == "active" or (c.resolved_date is not None and c.resolved_date > end)
        return began and still

    live = [c for c in Condition.select() if c.resident_id in care_ids and active(c)]
    health = {
        "tracked": len(tracked), "tracked_pct": share(len(tracked), n), "checks": len(in_p),
        "residents_checked": len({c.resident_id for c in in_p}),
        "referrals": len([x for x in Referral.select()
                          if x.resident_id in people and within(x.referral_date, start, end)]),
        "chronic": len({c.resident_id for c in live if c.chronic}),
        "mental": len({c.resident_id for c in live if c.icd10[:1] == "F" and c.icd10[1:3].isdigit()}),
    }

    cards = defaultdict(list)
    for c in InsuranceCard.select():
        cards[c.resident_id].append((c.valid_from, c.valid_to))
    valid = expiring = expired = none = 0
    for rid in care_ids:
        mine = [(f, t) for f, t in cards[rid] if f <= end]  # cards not yet started are not "had"
        current = [t for f, t in mine if t >= end]
        if current:
            valid += 1
            cover = max(current)
            moved = True
            while moved:  # a renewal starting by the day after the cover ends continues it
                later = [t for f, t in cards[rid] if f <= cover + timedelta(days=1) and t > cover]
                moved = bool(later)
                if later:
                    cover = max(later)
            expiring += cover <= end + timedelta(days=30)
        elif mine:
            expired += 1
        else:
            none += 1
    insurance = {"valid": valid, "expiring_30": expiring, "expired": expired, "none": none,
                 "coverage_pct": share(valid, n)}

    plans = [p for p in RehabPlan.select() if p.resident_id in care_ids and p.start_date <= end
             and (p.end_date is None or p.end_date >= end) and p.status != "cancelled"]
    sessions = [s for s in RehabSession.select() if s.resident_id in people and within(s.session_date, start, end)]
    minutes = sum(s.minutes for s in sessions)
    barthels = [a for a in Assessment.select() if a.kind == "barthel" and a.resident_id in people]
    series = defaultdict(list)
    for a in barthels:
        if a.total is not None and a.assessed_on <= end:
            series[a.resident_id].append(a)
    improved = 0
    for items in series.values():
        first = min(items, key=lambda a: (a.assessed_on, a.id))
        last = max(items, key=lambda a: (a.assessed_on, a.id))
        if first.assessed_on != last.assessed_on and last.total > first.total:
            improved += 1
    plan_owner = {p.id: p.resident_id for p in RehabPlan.select()}
    rehab = {
        "active_plans": len({p.resident_id for p in plans}), "sessions": len(sessions),
        "hours": round(minutes / 60, 1), "minutes": minutes,
        "assessed": len({a.resident_id for a in barthels if within(a.assessed_on, start, end)}),
        "improved": improved,
        "goals_achieved": len([g for g in RehabGoal.select() if plan_owner[g.plan_id] in people
                               and g.status == "achieved" and within(g.achieved_date, start, end)]),
    }

    working = [s for s in Staff.select() if s.start_date <= end and (s.leave_date is None or s.leave_date > end)]
    staff = {
        "total": len(working),
        "by_position": {p: len([s for s in working if s.position == p]) for p in POSITIONS},
        "medical": len([s for s in working if s.position in MEDICAL]),
        "licensed": len([s for s in working if s.position in MEDICAL and s.licence_no
                         and s.licence_expiry is not None and s.licence_expiry >= end]),
    }

    courses = {c.id for c in TrainingCourse.select() if within(c.start_date, start, end)}
    done = [a for a in TrainingAttendance.select() if a.course_id in courses and a.completed]
    yearly = target_in_force("target.training_turns", end.year)
    if yearly is not None and period.kind in ("H1", "H2"):
        yearly = math.ceil(yearly / 2)
    training = {"courses": len(courses), "turns": len(done), "staff_trained": len({a.staff_id for a in done}),
                "target": yearly}

    items = list(FacilityItem.select())
    phc = [i for i in items if i.checklist == "phc_rehab"]
    tech = [i for i in items if i.checklist == "technical"]

    def met_by_end(i) -> bool:
        return i.met and (i.met_on is None or i.met_on <= end)

    technical_target = target_in_force("target.technical_pct", end.year)
    facility = {
        "phc_rehab_ready": bool(phc) and all(met_by_end(i) for i in phc),
        "technical_pct": share(len([i for i in tech if met_by_end(i)]), len(tech)),
        "technical_target_pct": None if technical_target is None else float(technical_target),
        "phc_total": len(phc), "phc_met": len([i for i in phc if met_by_end(i)]),
        "technical_total": len(tech), "technical_done": len([i for i in tech if met_by_end(i)]),
    }

    tracking_target = target_in_force("target.tracking_pct", end.year)
    insurance_target = target_in_force("target.insurance_pct", end.year)
    targets = {
        "tracking_pct": None if tracking_target is None else float(tracking_target),
        "insurance_pct": None if insurance_target is None else float(insurance_target),
        "training_turns": yearly, "technical_pct": facility["technical_target_pct"],
    }
    met = {
        "tracking": None if tracking_target is None else (n > 0 and len(tracked) / n * 100 >= tracking_target),
        "insurance": None if insurance_target is None else (n > 0 and valid / n * 100 >= insurance_target),
        "training": None if yearly is None else len(done) >= yearly,
        "technical": None if technical_target is None else (
            bool(tech) and facility["technical_done"] / len(tech) * 100 >= technical_target),
        "phc_rehab": facility["phc_rehab_ready"],
    }
    return {"residents": residents, "health": health, "insurance": insurance, "rehab": rehab, "staff": staff,
            "training": training, "facility": facility, "targets": targets, "met": met}


@pytest.fixture
def centre(admin):
    demo.load_demo(admin, today=TODAY)
    return admin


def test_every_figure_matches_an_independent_count(centre):
    seen = defaultdict(set)
    for text in PERIODS:
        period = parse_period(text)
        data = returns.compute(period, issued_on=TODAY)
        returns.validate(data)
        expected = count_by_hand(period)
        for section, figures in expected.items():
            assert data[section] == figures, f"{text} {section}"
        for section, figures in data.items():
            if isinstance(figures, dict):
                for key, value in figures.items():
                    seen[(section, key)].add(repr(value))
    # The demo is rich enough that the comparison means something: the main counts are not all zero.
    for key in [("residents", "in_care"), ("residents", "admitted"), ("health", "checks"),
                ("health", "chronic"), ("health", "mental"), ("insurance", "expired"), ("rehab", "sessions"),
                ("rehab", "improved"), ("rehab", "goals_achieved"), ("training", "turns"), ("staff", "licensed")]:
        assert seen[key] - {"0", "0.0"}, key


def test_the_sections_add_up(centre):
    for text in PERIODS:
        data = returns.compute(text, issued_on=TODAY)
        r, i = data["residents"], data["insurance"]
        assert sum(r["by_category"].values()) == sum(r["by_sex"].values()) == r["in_care"]
        assert i["valid"] + i["expired"] + i["none"] == r["in_care"] and i["expiring_30"] <= i["valid"]
        assert data["health"]["tracked"] <= r["in_care"]
        assert sum(data["staff"]["by_position"].values()) == data["staff"]["total"]
        assert data["staff"]["licensed"] <= data["staff"]["medical"] <= data["staff"]["total"]
        assert r["discharged"]["total"] == sum(v for k, v in r["discharged"].items() if k != "total")
