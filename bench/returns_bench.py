"""How long does the periodic return take to compute? (a script, not a test)

    .venv/bin/python bench/returns_bench.py                 # centres of 500 and 5,000 residents
    .venv/bin/python bench/returns_bench.py --n 500 20000 --runs 3

For each size it builds a SQLite centre in a temporary folder with bulk ``insert_many``: residents of
every category (about 15% discharged, some with disabilities, some born year-only), 1–2 insurance
cards each, health checks every one to two months over two years, conditions and referrals, a
rehabilitation plan for a third of them with goals, interventions, sessions twice a week and Barthel
assessments, one staff member per five residents with practising certificates, ten training courses
a year with their attendance, the facility checklists and the targets. Then it times
``caremgr.returns.compute`` — the whole return, every figure of RETURN.md — for a half-year and for a
whole year (median of ``--runs`` runs, after one warm-up) and prints a small table.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caremgr import returns  # noqa: E402
from caremgr.facility import STARTER_PHC_REHAB, STARTER_TECHNICAL  # noqa: E402
from caremgr.periods import parse_period  # noqa: E402
from db.connection import close_database, open_database  # noqa: E402
from db.models import (  # noqa: E402
    Assessment,
    Condition,
    FacilityItem,
    HealthCheck,
    InsuranceCard,
    Referral,
    RehabGoal,
    RehabIntervention,
    RehabPlan,
    RehabSession,
    Resident,
    Setting,
    Staff,
    TrainingAttendance,
    TrainingCourse,
)

TODAY = date(2026, 6, 30)  # fixed, so every run builds the same centre
PERIODS = ("2026-H1", "2025")
CATEGORIES = [("NCT", 40), ("NKT", 20), ("TT", 15), ("TE", 12), ("NCC", 5), ("CN", 4), ("K", 4)]
POSITIONS = [("carer", 30), ("nurse", 20), ("social_worker", 10), ("rehab_technician", 10), ("doctor", 6),
             ("assistant_doctor", 6), ("manager", 10), ("other", 8)]
ICD = [("I10", True), ("E11.9", True), ("J44.9", True), ("M17.9", True), ("F20.0", True), ("F03", True),
       ("F32.9", False), ("G40.9", True), ("K29.7", False), ("H25.9", False)]
REASONS = ["reintegrated", "transferred", "deceased", "other"]
BATCH = 500


def weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def insert(database, model, fields: list[str], rows: list[tuple]) -> None:
    columns = [getattr(model, name) for name in fields]
    with database.atomic():
        for start in range(0, len(rows), BATCH):
            model.insert_many(rows[start:start + BATCH], fields=columns).execute()


def ids(model) -> list[int]:
    return [row_id for (row_id,) in model.select(model.id).order_by(model.id).tuples()]


def build(path: str, n: int, seed: int = 1942) -> dict:
    """A centre of ``n`` residents in a new SQLite file; returns how many rows each table holds."""
    rng = random.Random(seed)
    database = open_database(path)
    settings_rows = [
        ("centre.name", date(1900, 1, 1), "Trung tâm Bảo trợ xã hội (đo tốc độ)"),
        ("centre.province", date(1900, 1, 1), "Thanh Hóa"), ("centre.symbol", date(1900, 1, 1), "TTBTXH"),
        ("target.tracking_pct", date(2021, 1, 1), 80), ("target.insurance_pct", date(2021, 1, 1), 100),
        ("target.training_turns", date(2021, 1, 1), max(10, n // 4)),
        ("target.technical_pct", date(2021, 1, 1), 60),
    ]
    insert(database, Setting, ["key", "effective_from", "value"], settings_rows)

    people = []
    for i in range(1, n + 1):
        category = weighted(rng, CATEGORIES)
        age = {"NCT": rng.randint(60, 98), "TE": rng.randint(1, 15), "NCC": rng.randint(70, 98)}.get(
            category, rng.randint(16, 80))
        born = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
        year_only = rng.random() < 0.12
        admitted = max(born + timedelta(days=30), TODAY - timedelta(days=rng.randint(0, 365 * 8)))
        discharged = reason = None
        if rng.random() < 0.15:
            discharged = min(TODAY + timedelta(days=rng.randint(0, 60)), admitted + timedelta(days=rng.randint(1, 1500)))
            reason = rng.choice(REASONS)
        severity = rng.choice([None, None, "especially_severe", "severe", "mild"])
        code = f"DT{i:06d}"
        people.append((code, f"Người {code}", f"nguoi {code}", code, rng.choice(["male", "female"]), born.year,
                       None if year_only else born, category, "mobility" if severity else None, severity,
                       admitted, "discharged" if discharged else "in_care", discharged, reason))
    insert(database, Resident, ["code", "full_name", "search_name", "sort_key", "sex", "birth_year", "birth_date",
                                "category", "disability_type", "disability_severity", "admission_date", "status",
                                "discharge_date", "discharge_reason"], people)
    resident_ids = ids(Resident)
    stays = {rid: (row[10], row[12]) for rid, row in zip(resident_ids, people, strict=True)}

    def days_in_stay(rid: int, every: tuple[int, int], since: date) -> list[date]:
        admitted, discharged = stays[rid]
        day, last = max(admitted, since), min(discharged or TODAY, TODAY)
        found = []
        while day <= last:
            found.append(day)
            day += timedelta(days=rng.randint(*every))
        return found

    cards, checks, conditions, referrals = [], [], [], []
    two_years = TODAY - timedelta(days=730)
    for rid in resident_ids:
        if rng.random() < 0.95:
            end = date(TODAY.year, 12, 31) if rng.random() < 0.8 else TODAY + timedelta(days=rng.randint(-300, 40))
            cards.append((rid, f"BT238{rid:010d}", end - timedelta(days=364), end))
            if rng.random() < 0.5:
                cards.append((rid, f"BT238{rid:010d}", end - timedelta(days=729), end - timedelta(days=365)))
        for day in days_in_stay(rid, (25, 70), two_years):
            checks.append((rid, day, rng.randint(60, 100), rng.randint(100, 160), rng.randint(60, 95)))
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            code, chronic = rng.choice(ICD)
            onset = stays[rid][0] + timedelta(days=rng.randint(0, 400))
            resolved = onset + timedelta(days=rng.randint(30, 300)) if not chronic and rng.random() < 0.5 else None
            conditions.append((rid, code, code, chronic, onset, "resolved" if resolved else "active", resolved))
        for day in days_in_stay(rid, (200, 900), two_years)[1:]:
            referrals.append((rid, day, "Bệnh viện Đa khoa tỉnh"))
    insert(database, InsuranceCard, ["resident", "number", "valid_from", "valid_to"], cards)
    insert(database, HealthCheck, ["resident", "check_date", "pulse", "systolic", "diastolic"], checks)
    insert(database, Condition, ["resident", "icd10", "title", "chronic", "onset_date", "status", "resolved_date"],
           conditions)
    insert(database, Referral, ["resident", "referral_date", "facility"], referrals)

    staff_rows = []
    for i in range(1, max(10, n // 5) + 1):
        position = weighted(rng, POSITIONS)
        start = TODAY - timedelta(days=rng.randint(0, 365 * 15))
        leave = start + timedelta(days=rng.randint(100, 3000)) if rng.random() < 0.1 else None
        licensed = position in ("doctor", "assistant_doctor", "nurse", "rehab_technician")
        expiry = TODAY + timedelta(days=rng.randint(-200, 1800)) if licensed and rng.random() < 0.9 else None
        code = f"NV{i:05d}"
        staff_rows.append((code, f"Nhân viên {code}", code.lower(), code, position, start, leave,
                           f"CCHN-{i}" if expiry else None, expiry))
    insert(database, Staff, ["code", "full_name", "search_name", "sort_key", "position", "start_date", "leave_date",
                             "licence_no", "licence_expiry"], staff_rows)
    staff_ids = ids(Staff)

    plan_rows, plan_owners = [], []
    for rid in resident_ids:
        if rng.random() < 0.35:
            admitted, discharged = stays[rid]
            start = max(admitted, TODAY - timedelta(days=rng.randint(30, 500)))
            if discharged and start > discharged:
                continue
            review = start + timedelta(days=180)
            status = "active" if review > TODAY - timedelta(days=30) else "reviewed"
            plan_rows.append((rid, start, review, None if status == "active" else review, status,
                              rng.choice(staff_ids)))
            plan_owners.append(rid)
    insert(database, RehabPlan, ["resident", "start_date", "review_date", "end_date", "status", "responsible"],
           plan_rows)
    plan_ids = ids(RehabPlan)
    goals, interventions, sessions, assessments = [], [], [], []
    for plan_id, rid, row in zip(plan_ids, plan_owners, plan_rows, strict=True):
        start, review = row[1], row[2]
        for _ in range(3):
            achieved = start + timedelta(days=rng.randint(30, 200)) if rng.random() < 0.4 else None
            goals.append((plan_id, "mobility", "Tự đi lại trong phòng", review,
                          "achieved" if achieved and achieved <= TODAY else "open",
                          achieved if achieved and achieved <= TODAY else None))
        for kind in ("physiotherapy", "occupational"):
            interventions.append((plan_id, kind, 2, 45))
        last = min(review, TODAY, stays[rid][1] or TODAY)
        day = start
        while day <= last:
            sessions.append((rid, plan_id, day, rng.choice([30, 45, 60]), rng.choice(staff_ids)))
            day += timedelta(days=rng.choice([3, 4]))
        score = rng.randrange(10, 70, 5)
        for day in (start, start + timedelta(days=90), review):
            if day <= TODAY:
                assessments.append((rid, plan_id, "barthel", day, score))
                score = min(100, max(0, score + rng.choice([-10, 0, 5, 10, 15])))
    insert(database, RehabGoal, ["plan", "domain", "statement", "target_date", "status", "achieved_date"], goals)
    insert(database, RehabIntervention, ["plan", "kind", "per_week", "minutes"], interventions)
    insert(database, RehabSession, ["resident", "plan", "session_date", "minutes", "staff"], sessions)
    insert(database, Assessment, ["resident", "plan", "kind", "assessed_on", "total"], assessments)

    course_rows = []
    for year in (TODAY.year - 1, TODAY.year):
        for k in range(10):
            start = date(year, 1, 15) + timedelta(days=35 * k)
            course_rows.append((f"K{year}-{k:02d}", f"Khóa tập huấn {k + 1}/{year}", "care", start,
                                start + timedelta(days=2), 16.0))
    insert(database, TrainingCourse, ["code", "title", "field", "start_date", "end_date", "hours"], course_rows)
    attendance = []
    for course_id in ids(TrainingCourse):
        for staff_id in rng.sample(staff_ids, min(len(staff_ids), rng.randint(10, 30))):
            attendance.append((course_id, staff_id, rng.random() < 0.9))
    insert(database, TrainingAttendance, ["course", "staff", "completed"], attendance)

    items = [("phc_rehab", k, title, rng.random() < 0.85, TODAY - timedelta(days=rng.randint(0, 900)))
             for k, title in enumerate(STARTER_PHC_REHAB, 1)]
    items += [("technical", k, title, rng.random() < 0.7, TODAY - timedelta(days=rng.randint(0, 900)))
              for k, title in enumerate(STARTER_TECHNICAL, 1)]
    insert(database, FacilityItem, ["checklist", "position", "title", "met", "met_on"], items)
    database.execute_sql("ANALYZE")
    return {"residents": n, "cards": len(cards), "checks": len(checks), "conditions": len(conditions),
            "plans": len(plan_rows), "sessions": len(sessions), "assessments": len(assessments),
            "staff": len(staff_rows), "attendance": len(attendance)}


def measure(period_text: str, runs: int) -> tuple[float, float, float, dict]:
    period = parse_period(period_text)
    data = returns.compute(period, issued_on=TODAY)  # warm-up (and a check that it is a valid return)
    returns.validate(data)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        returns.compute(period, issued_on=TODAY)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), max(times), data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[500, 5000], help="centre sizes (default 500 5000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per period (default 5; the median shows)")
    args = parser.parse_args(argv)
    lines = []
    with tempfile.TemporaryDirectory(prefix="caremgr-returns-bench-") as folder:
        for n in args.n:
            path = str(Path(folder) / f"centre-{n}.sqlite")
            started = time.perf_counter()
            rows = build(path, n)
            built = time.perf_counter() - started
            print(f"built {n} residents in {built:.1f} s: " + ", ".join(f"{v} {k}" for k, v in rows.items()))
            for text in PERIODS:
                median, low, high, data = measure(text, args.runs)
                lines.append((n, text, median, low, high, data["residents"]["in_care"], data["rehab"]["sessions"]))
            close_database()
    print()
    print(f"returns.compute (SQLite, median of {args.runs} runs after a warm-up)")
    print(f"{'residents':>9}  {'period':8}  {'median ms':>9}  {'min ms':>7}  {'max ms':>7}  {'in care':>7}  "
          f"{'sessions':>8}")
    for n, text, median, low, high, in_care, sessions in lines:
        print(f"{n:>9}  {text:8}  {median:9.1f}  {low:7.1f}  {high:7.1f}  {in_care:>7}  {sessions:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
