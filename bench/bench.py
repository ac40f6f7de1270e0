"""How fast is caremgr on a big centre? The one benchmark of issue 10 (a script, not a test).

    .venv/bin/python bench/bench.py                        # centres of 1,000, 10,000 and 100,000 residents
    .venv/bin/python bench/bench.py --sizes 1000,10000     # fewer sizes
    .venv/bin/python bench/bench.py --quick                # a quick check of the script (small, few runs)
    .venv/bin/python bench/bench.py --keep /tmp/centres    # keep (and reuse) the built centres

Each centre is built in a temporary folder (SQLite) with bulk inserts, not through the services:
residents with realistic Vietnamese names, codes and CCCDs, 1–2 insurance cards, a contact for most,
monthly health checks over the last year (five residents with five years of them, the profiles
opened), conditions and referrals, rehabilitation plans for a third of those in care with goals,
interventions, sessions twice a week and Barthel scores, consents, one staff member per five
residents, twenty training courses with their attendance, the facility checklists and the targets.

Every figure is measured in a child process of its own (cold caches, and its peak memory is the
child's ``ru_maxrss`` from ``resource.getrusage``: the resident set of the app's work, interpreter
and libraries included). The SELECTs the services ran for the list page, the search and the profile
are recorded and run again raw through ``sqlite3`` in the same run; "ratio" is our time ÷ raw time,
the cost of peewee and of building the rows. The table is printed and written to
docs/BENCHMARKS.md (``--out``) with the machine it ran on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TODAY = date.today()
TARGETS = {  # figure -> (limit, unit); the targets
    "cold_start": (2000.0, "ms"), "first_page": (300.0, "ms"), "search_median": (50.0, "ms"),
    "search_p95": (150.0, "ms"), "profile": (200.0, "ms"), "return_5000": (5000.0, "ms"),
    "import": (15.0, "s"), "memory": (300.0, "MB"),
}
PROFILE_RESIDENTS = 5  # residents 1..5 have five years of monthly checks: the profiles opened


# --- building a centre (bulk: sqlite3 executemany, not the services) ------------------------------

def _row_sql(model, fields: list[str]) -> tuple[str, tuple]:
    """INSERT text for ``fields`` plus the model's defaults for the other columns (version,
    created_at …), already converted as peewee converts them."""
    meta = model._meta
    defaults = meta.get_default_dict()
    extra = [name for name in defaults if name not in fields and name != meta.primary_key.name]
    columns = [meta.fields[name].column_name for name in fields + extra]
    values = tuple(meta.fields[name].db_value(defaults[name]) for name in extra)
    quoted = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{meta.table_name}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
    return sql, values


class Writer:
    """Rows per table, written with executemany every ``flush`` rows."""

    def __init__(self, conn: sqlite3.Connection, flush: int = 50_000):
        self.conn, self.flush_at, self.pending, self.counts = conn, flush, {}, {}

    def add(self, model, fields: list[str], row: tuple) -> None:
        key = (model, tuple(fields))
        if key not in self.pending:
            self.pending[key] = (_row_sql(model, fields), [])
        (_sql, extra), rows = self.pending[key]
        rows.append(row + extra)
        if len(rows) >= self.flush_at:
            self._write(key)

    def _write(self, key) -> None:
        (sql, _extra), rows = self.pending[key]
        if rows:
            self.conn.executemany(sql, rows)
            name = key[0]._meta.table_name
            self.counts[name] = self.counts.get(name, 0) + len(rows)
            rows.clear()

    def close(self) -> dict:
        for key in list(self.pending):
            self._write(key)
        return self.counts


def build_centre(path: str, n: int, seed: int = 1942) -> dict:
    """A centre of ``n`` residents in a new SQLite file; returns what it holds and a sample of
    names, codes, CCCDs and card numbers to type into the search box."""
    import residents_bench as rb

    from caremgr import auth
    from caremgr.bhyt import decode_card
    from caremgr.cccd import cccd_for
    from caremgr.facility import STARTER_PHC_REHAB, STARTER_TECHNICAL
    from caremgr.text import name_sort_key
    from db.connection import close_database, open_database
    from db.models import (
        Assessment,
        Condition,
        Consent,
        Contact,
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

    rng = random.Random(seed)
    database = open_database(path)
    auth.create_user(None, "bench", "mat-khau-bench-1", "administrator", "Đo tốc độ")
    settings_rows = [
        ("centre.name", date(1900, 1, 1), "Trung tâm Bảo trợ xã hội (đo tốc độ)"),
        ("centre.province", date(1900, 1, 1), "Thanh Hóa"), ("centre.symbol", date(1900, 1, 1), "TTBTXH"),
        ("target.tracking_pct", date(2021, 1, 1), 80), ("target.insurance_pct", date(2021, 1, 1), 100),
        ("target.training_turns", date(2021, 1, 1), max(10, n // 4)), ("target.technical_pct", date(2021, 1, 1), 60),
    ]
    with database.atomic():
        Setting.insert_many(settings_rows, fields=[Setting.key, Setting.effective_from, Setting.value]).execute()
    close_database()

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=off")
    conn.execute("PRAGMA foreign_keys=off")
    conn.execute("BEGIN")
    w = Writer(conn)
    n_staff = max(10, n // 5)
    positions = [("carer", 30), ("nurse", 20), ("social_worker", 10), ("rehab_technician", 10), ("doctor", 6),
                 ("assistant_doctor", 6), ("manager", 10), ("other", 8)]
    staff_fields = ["id", "code", "full_name", "search_name", "sort_key", "sex", "position", "start_date",
                    "leave_date", "licence_no", "licence_expiry"]
    for i in range(1, n_staff + 1):
        sex = rng.choice(["male", "female"])
        full_name = f"{rb.weighted(rng, rb.FAMILIES)} {rng.choice(rb.MIDDLE[sex])} {rng.choice(rb.GIVEN[sex])}"
        key, sort_prefix = rb._name_keys(full_name)
        position = rb.weighted(rng, positions)
        start = TODAY - timedelta(days=rng.randint(0, 365 * 15))
        leave = start + timedelta(days=rng.randint(100, 3000)) if rng.random() < 0.1 else None
        licensed = position in ("doctor", "assistant_doctor", "nurse", "rehab_technician")
        expiry = TODAY + timedelta(days=rng.randint(-200, 1800)) if licensed and rng.random() < 0.9 else None
        w.add(Staff, staff_fields, (i, f"NV{i:06d}", full_name, key, sort_prefix + "00000000", sex, position, start,
                                    leave if leave and leave < TODAY else None, f"CCHN-{i}" if expiry else None,
                                    expiry))

    resident_fields = ["id", "code", "full_name", "search_name", "sort_key", "sex", "birth_year", "birth_date",
                       "ethnicity", "cccd", "cccd_note", "address", "province", "commune", "category", "merit_type",
                       "disability_type", "disability_severity", "admission_date", "admission_decision", "room",
                       "status", "discharge_date", "discharge_reason", "deleted"]
    card_fields = ["resident", "number", "group_code", "benefit_level", "province_code", "social_insurance_no",
                   "valid_from", "valid_to"]
    check_fields = ["resident", "check_date", "pulse", "systolic", "diastolic", "temperature", "weight_kg", "height_cm",
                    "spo2", "examiner"]
    icd = [("I10", "Tăng huyết áp vô căn", True), ("E11.9", "Đái tháo đường típ 2", True),
           ("J44.9", "Bệnh phổi tắc nghẽn mạn tính", True), ("M17.9", "Thoái hóa khớp gối", True),
           ("F20.0", "Tâm thần phân liệt thể paranoid", True), ("F03", "Sa sút trí tuệ", True),
           ("K29.7", "Viêm dạ dày", False), ("H25.9", "Đục thủy tinh thể tuổi già", False)]
    used_cccd: set[str] = set()
    used_sin: set[str] = set()
    sample: dict[str, list] = {"names": [], "codes": [], "cccds": [], "cards": [], "sins": []}
    plan_id = 0
    year_ago = TODAY - timedelta(days=365)
    for i in range(1, n + 1):
        profile = i <= PROFILE_RESIDENTS
        sex = "female" if rng.random() < 0.55 else "male"
        category = "NCT" if profile else rb.weighted(rng, rb.CATEGORIES)
        age = {"NCT": rng.randint(60, 99), "TE": rng.randint(1, 15), "NCC": rng.randint(70, 99)}.get(
            category, rng.randint(16, 75))
        born = TODAY - timedelta(days=age * 365 + rng.randint(1, 364))
        year_only = rng.random() < 0.12
        full_name = f"{rb.weighted(rng, rb.FAMILIES)} {rng.choice(rb.MIDDLE[sex])} {rng.choice(rb.GIVEN[sex])}"
        key, sort_prefix = rb._name_keys(full_name)
        sort_key = sort_prefix + rb._birth_part(born, year_only)
        cccd = None
        if rng.random() < 0.9:
            while cccd is None or cccd in used_cccd:
                cccd = rb._cccd(rng.choice(rb.PROVINCES), born.year, sex == "female", rng.randint(0, 999_999))
            used_cccd.add(cccd)
        if i <= 20:  # the shortcuts give what the real functions give
            assert sort_key == name_sort_key(full_name, born.year if year_only else born), full_name
            assert cccd is None or cccd == cccd_for(cccd[:3], born.year, sex, cccd[6:])
        admitted = TODAY - timedelta(days=6 * 365) if profile else min(
            TODAY, max(born + timedelta(days=30), TODAY - timedelta(days=rng.randint(0, 365 * 12))))
        roll = 0.0 if profile else rng.random()
        status = "in_care" if roll < 0.8 else "discharged" if roll < 0.95 else "deceased"
        left = None
        if status != "in_care":
            left = min(TODAY, admitted + timedelta(days=rng.randint(1, 2000)))
        disability = rng.choice([None, None, "mobility", "intellectual", "vision", "mental_neuro"])
        code = f"DT{i:06d}"
        w.add(Resident, resident_fields, (
            i, code, full_name, key, sort_key, sex, born.year, None if year_only else born, "Kinh", cccd,
            None if cccd else "chưa có", f"Thôn {rng.randint(1, 12)}, xã Hoằng Hóa, tỉnh Thanh Hóa", "Thanh Hóa",
            "Xã Hoằng Hóa", category, "war_invalid" if category == "NCC" else None, disability,
            "severe" if disability else None, admitted, f"{rng.randint(1, 300)}/QĐ-TTBTXH",
            f"{rng.choice('ABCD')}{rng.randint(1, 3)}{rng.randint(1, 20):02d}" if status == "in_care" else None,
            status, left, None if status == "in_care" else ("deceased" if status == "deceased" else "reintegrated"),
            not profile and rng.random() < 0.002))
        sin = None
        while sin is None or sin in used_sin:
            sin = rng.choice(["38", "38", "38", "40", "37", "01"]) + f"{rng.randint(0, 99_999_999):08d}"
        used_sin.add(sin)
        group = {"TE": "TE1", "NCC": "CC1"}.get(category, "BT2")
        end = date(TODAY.year, 12, 31) if rng.random() < 0.8 else TODAY + timedelta(days=rng.randint(-400, 40))
        periods = [(date(end.year, 1, 1) if end.month > 6 else end - timedelta(days=364), end)]
        if rng.random() < 0.5:
            periods.insert(0, (periods[0][0] - timedelta(days=365), periods[0][0] - timedelta(days=1)))
        number = f"{group}38{sin}"
        decoded = decode_card(number)
        for start, stop in periods:
            w.add(InsuranceCard, card_fields, (i, number, decoded.group, decoded.level, decoded.province_code, sin,
                                               start, stop))
        if rng.random() < 0.7:
            w.add(Contact, ["resident", "full_name", "relationship", "phone"],
                  (i, f"{rb.weighted(rng, rb.FAMILIES)} Văn {rng.choice(rb.GIVEN['male'])}", "con",
                   f"09{rng.randint(0, 99_999_999):08d}"))
        if rng.random() < 0.5:
            w.add(Consent, ["resident", "given_on", "given_by", "scope"],
                  (i, admitted, full_name, "Lưu trữ và xử lý hồ sơ chăm sóc"))
        # health checks: monthly over the last year (five years for the profiles opened)
        last = left or TODAY
        day = max(admitted, TODAY - timedelta(days=5 * 365) if profile else year_ago)
        weight = rng.uniform(38, 70)
        while day <= last:
            w.add(HealthCheck, check_fields, (i, day, rng.randint(60, 100), rng.randint(100, 160), rng.randint(60, 95),
                                              round(rng.uniform(36.2, 37.4), 1), round(weight, 1), 155.0,
                                              rng.randint(93, 99), "Bác sĩ trực"))
            weight += rng.uniform(-0.6, 0.6)
            day += timedelta(days=rng.randint(26, 35) if profile else rng.randint(25, 45))
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            code10, title, chronic = rng.choice(icd)
            onset = admitted + timedelta(days=rng.randint(0, 400))
            resolved = onset + timedelta(days=rng.randint(30, 300)) if not chronic and rng.random() < 0.5 else None
            w.add(Condition, ["resident", "icd10", "title", "chronic", "onset_date", "status", "resolved_date"],
                  (i, code10, title, chronic, min(onset, TODAY), "resolved" if resolved else "active",
                   min(resolved, TODAY) if resolved else None))
        if rng.random() < 0.15:
            w.add(Referral, ["resident", "referral_date", "facility", "reason"],
                  (i, max(admitted, TODAY - timedelta(days=rng.randint(0, 700))), "Bệnh viện Đa khoa tỉnh",
                   "Khám chuyên khoa"))
        # a rehabilitation plan for a third of those in care
        if status == "in_care" and (profile or rng.random() < 0.35):
            plan_id += 1
            start = max(admitted, TODAY - timedelta(days=rng.randint(30, 300)))
            review = start + timedelta(days=180)
            plan_status = "active" if review > TODAY - timedelta(days=30) else "reviewed"
            staff = rng.randint(1, n_staff)
            w.add(RehabPlan, ["id", "resident", "start_date", "review_date", "end_date", "status", "responsible"],
                  (plan_id, i, start, review, None if plan_status == "active" else review, plan_status, staff))
            for _ in range(3):
                achieved = start + timedelta(days=rng.randint(30, 200)) if rng.random() < 0.4 else None
                done = achieved is not None and achieved <= TODAY
                w.add(RehabGoal, ["plan", "domain", "statement", "target_date", "status", "achieved_date"],
                      (plan_id, "mobility", "Tự đi lại trong phòng", review, "achieved" if done else "open",
                       achieved if done else None))
            for kind in ("physiotherapy", "occupational"):
                w.add(RehabIntervention, ["plan", "kind", "per_week", "minutes"], (plan_id, kind, 2, 45))
            day = start
            while day <= min(review, TODAY):
                w.add(RehabSession, ["resident", "plan", "session_date", "minutes", "staff"],
                      (i, plan_id, day, rng.choice([30, 45, 60]), staff))
                day += timedelta(days=rng.choice([3, 4]))
            score = rng.randrange(10, 70, 5)
            for day in (start, start + timedelta(days=90), review):
                if day <= TODAY:
                    w.add(Assessment, ["resident", "plan", "kind", "assessed_on", "total"],
                          (i, plan_id, "barthel", day, score))
                    score = min(100, max(0, score + rng.choice([-10, 0, 5, 10, 15])))
        if i % max(1, n // 60) == 0:
            sample["names"].append(full_name)
            sample["codes"].append(code)
            if cccd:
                sample["cccds"].append(cccd)
            sample["cards"].append(number)
            sample["sins"].append(sin)
    course_id = 0
    for year in (TODAY.year - 1, TODAY.year):
        for k in range(10):
            course_id += 1
            start = date(year, 1, 15) + timedelta(days=35 * k)
            w.add(TrainingCourse, ["id", "code", "title", "field", "start_date", "end_date", "hours"],
                  (course_id, f"K{year}-{k:02d}", f"Khóa tập huấn {k + 1}/{year}", "care", start,
                   start + timedelta(days=2), 16.0))
            for staff in rng.sample(range(1, n_staff + 1), min(n_staff, max(10, n_staff // 8))):
                w.add(TrainingAttendance, ["course", "staff", "completed"], (course_id, staff, rng.random() < 0.9))
    for checklist, titles, share in (("phc_rehab", STARTER_PHC_REHAB, 0.85), ("technical", STARTER_TECHNICAL, 0.7)):
        for k, title in enumerate(titles, 1):
            w.add(FacilityItem, ["checklist", "position", "title", "met", "met_on"],
                  (checklist, k, title, rng.random() < share, TODAY - timedelta(days=rng.randint(0, 900))))
    counts = w.close()
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"counts": counts, "sample": sample}


# --- recording the SQL the services run, to run it raw --------------------------------------------

class Recorder:
    """Keeps the (sql, params) of every statement the open peewee database runs while active."""

    def __init__(self, database):
        self.database, self.statements = database, []

    def __enter__(self):
        original = type(self.database).execute_sql

        def execute_sql(sql, params=None, *args, **kwargs):
            self.statements.append((sql, list(params or ())))
            return original(self.database, sql, params, *args, **kwargs)

        self.database.execute_sql = execute_sql
        return self

    def __exit__(self, *exc):
        del self.database.execute_sql


def raw_ms(conn: sqlite3.Connection, statements, repeats: int) -> float:
    """Median time to run the recorded SELECTs through sqlite3 and fetch every row."""
    selects = [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for sql, params in selects:
            conn.execute(sql, params).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KB


# --- the tasks, each run in a child process ---------------------------------------------------------

def _actor():
    from caremgr.auth import Actor

    return Actor(1, "bench", "Đo tốc độ", "administrator")


def _open_profile(actor, resident_id: int) -> None:
    """What the profile screen (ui/screens/resident_profile.py and its tabs) asks when it opens."""
    from caremgr import audit, consent, health, insurance, photos, places, rehab, residents

    detail = residents.get(actor, resident_id)
    places.provinces()
    if detail.province:
        places.communes(detail.province)
    photos.photo(actor, resident_id)
    residents.insurance_status(resident_id)
    insurance.card_history(actor, resident_id)
    health.next_check_due(resident_id)
    health.is_overdue(resident_id)
    health.list_checks(actor, resident_id)
    health.list_conditions(actor, resident_id)
    health.list_referrals(actor, resident_id)
    health.series(actor, resident_id)
    rehab.staff_choices(actor)
    rehab.list_plans(actor, resident_id)
    current = rehab.current_plan(actor, resident_id)
    if current is not None:
        rehab.get_plan(actor, current.id)
        rehab.attendance(actor, current.id)
        rehab.list_sessions(actor, plan_id=current.id)
    rehab.list_assessments(actor, resident_id, kind="barthel")
    rehab.barthel_series(actor, resident_id)
    rehab.list_assessments(actor, resident_id, kind="functional")
    consent.list_consents(actor, resident_id)
    audit.record_view(actor, resident_id)


def task_app(db: str, sample: dict, repeats: int) -> dict:
    """The residents list (first page, search as you type) and opening profiles, with raw ratios."""
    import residents_bench as rb

    from caremgr.residents import ResidentFilter, search
    from db.connection import open_database

    started = time.perf_counter()
    database = open_database(db)
    open_ms = (time.perf_counter() - started) * 1000
    actor = _actor()
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA cache_size=-32000")
    out: dict = {"open_db_ms": open_ms}

    started = time.perf_counter()
    search(actor, ResidentFilter(), order="name")
    out["first_page_cold"] = (time.perf_counter() - started) * 1000
    warm = []
    for _ in range(max(3, repeats * 3)):
        started = time.perf_counter()
        search(actor, ResidentFilter(), order="name")
        warm.append((time.perf_counter() - started) * 1000)
    out["first_page_warm"] = statistics.median(warm)
    with Recorder(database) as rec:
        search(actor, ResidentFilter(), order="name")
    out["first_page_raw"] = raw_ms(raw, rec.statements, max(3, repeats * 3))

    ours, raws, slow = [], [], []
    for _kind, text in rb.typed_queries(sample):
        flt = ResidentFilter(text=text)
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            page = search(actor, flt)
            runs.append((time.perf_counter() - started) * 1000)
        ours.append(statistics.median(runs))
        slow.append((ours[-1], text, page.total))
        with Recorder(database) as rec:
            search(actor, flt)
        raws.append(raw_ms(raw, rec.statements, repeats))
    out.update(search_n=len(ours), search_median=statistics.median(ours), search_p95=pct(ours, 95),
               search_max=max(ours), search_raw_median=statistics.median(raws), search_raw_p95=pct(raws, 95),
               search_slowest=[(round(ms, 1), t, total) for ms, t, total in sorted(slow)[-3:]])

    opens, raw_opens = [], []
    for resident_id in range(1, PROFILE_RESIDENTS + 1):
        started = time.perf_counter()
        _open_profile(actor, resident_id)
        opens.append((time.perf_counter() - started) * 1000)
        with Recorder(database) as rec:
            _open_profile(actor, resident_id)
        raw_opens.append(raw_ms(raw, rec.statements, repeats))
    from caremgr import health

    out.update(profile=statistics.median(opens), profile_max=max(opens), profile_raw=statistics.median(raw_opens),
               profile_checks=len(health.list_checks(actor, 1)), peak_mb=_peak_mb())
    return out


def _period():
    """The last whole half-year."""
    from caremgr.periods import parse_period

    return parse_period(f"{TODAY.year}-H1" if TODAY.month > 6 else f"{TODAY.year - 1}-H2")


def task_return(db: str, folder: str) -> dict:
    from caremgr import returns
    from db.connection import open_database
    from reports.returns_pdf import render_return

    open_database(db)
    period = _period()
    started = time.perf_counter()
    data = returns.compute(period, issued_on=TODAY)
    collect = (time.perf_counter() - started) * 1000
    returns.validate(data)
    started = time.perf_counter()
    render_return(data, Path(folder) / "return.pdf")
    pdf = (time.perf_counter() - started) * 1000
    return {"collect_ms": collect, "pdf_ms": pdf, "period": data["period"]["title"], "peak_mb": _peak_mb()}


def task_export(db: str, path: str) -> dict:
    from caremgr import resident_io
    from db.connection import open_database

    open_database(db)
    started = time.perf_counter()
    rows = resident_io.export_residents(_actor(), path)
    return {"rows": rows, "export_ms": (time.perf_counter() - started) * 1000, "peak_mb": _peak_mb()}


def task_import(xlsx: str, db: str) -> dict:
    """The file into an empty centre, then the same file again (nothing changes the second time)."""
    from caremgr import audit, auth, resident_io
    from db.connection import open_database

    open_database(db)
    actor = auth.create_user(None, "bench", "mat-khau-bench-1", "administrator", "Đo tốc độ")
    started, cpu = time.perf_counter(), time.process_time()
    first = resident_io.import_residents(actor, xlsx)
    first_s, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    again = resident_io.import_residents(actor, xlsx)
    again_s = time.perf_counter() - started
    chain = audit.verify_chain()
    return {"rows": first.total_rows, "added": first.added, "rejected": len(first.rejected), "seconds": first_s,
            "cpu_seconds": first_cpu, "again_seconds": again_s, "again_unchanged": again.unchanged,
            "chain_ok": chain.ok, "peak_mb": _peak_mb()}


def task_backup(db: str, folder: str) -> dict:
    from caremgr import backup
    from db.connection import open_database

    open_database(db)
    started = time.perf_counter()
    info = backup.make_backup(_actor(), folder=folder)
    return {"seconds": time.perf_counter() - started, "size_mb": info.size / 2**20,
            "db_mb": os.path.getsize(db) / 2**20, "peak_mb": _peak_mb()}


def child(task: str, *args) -> dict:
    """Runs ``task`` in a new Python process and returns its JSON result."""
    done = subprocess.run([sys.executable, __file__, "--task", task, json.dumps(args)], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"task {task} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


TASKS = {"build": lambda path, n: build_centre(path, n), "app": task_app, "return": task_return,
         "export": task_export, "import": task_import, "backup": task_backup}


# --- cold start ----------------------------------------------------------------------------------

def _can_draw(env: dict) -> bool:
    probe = subprocess.run([sys.executable, "-c", "import tkinter; tkinter.Tk().destroy()"], env=env,
                           capture_output=True, timeout=60)
    return probe.returncode == 0


def _display() -> tuple[dict, subprocess.Popen | None]:
    """The environment for the window: the current DISPLAY if a window opens there, else a private
    Xvfb (Linux, when installed)."""
    env = dict(os.environ)
    if sys.platform != "linux" or (env.get("DISPLAY") and _can_draw(env)):
        return env, None
    xvfb = shutil.which("Xvfb")
    for _attempt in range(3):  # another program may take the display number Xvfb chose
        if xvfb is None:
            break
        read, write = os.pipe()
        server = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1440x900x24", "-nolisten",
                                   "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        number = os.read(read, 32).decode().strip()
        os.close(read)
        env["DISPLAY"] = f":{number}"
        if number and _can_draw(env):
            return env, server
        server.terminate()
        server.wait()
    env.pop("DISPLAY", None)
    return env, None


def cold_start(db: str, runs: int) -> dict:
    """``python -m ui.cli --db DB`` until the login window is drawn (CAREMGR_EXIT_AFTER_START=1):
    the time the app reports (from its process start) and the wall time of the whole run."""
    env, server = _display()
    env["CAREMGR_EXIT_AFTER_START"] = "1"
    walls, reported, shown = [], [], ""
    try:
        if not env.get("DISPLAY") and sys.platform == "linux":
            return {"error": "no DISPLAY and no Xvfb"}
        subprocess.run([sys.executable, "-m", "ui.cli", "--db", db], cwd=ROOT, env=env, capture_output=True,
                       timeout=120)  # once unmeasured: the first run compiles and caches the .pyc files
        for _ in range(runs):
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "ui.cli", "--db", db], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=120)
            walls.append((time.perf_counter() - started) * 1000)
            found = re.search(r"start-up (\d+) ms \((\w+)", done.stdout + done.stderr)
            if done.returncode != 0 or not found:
                return {"error": (done.stdout + done.stderr)[-500:] or f"exit {done.returncode}"}
            reported.append(float(found[1]))
            shown = found[2]
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    return {"wall_ms": statistics.median(walls), "reported_ms": statistics.median(reported), "view": shown}


# --- the report ----------------------------------------------------------------------------------

def _status(figure: str, value: float | None) -> str:
    if value is None or figure not in TARGETS:
        return "—"
    return "Đạt" if value < TARGETS[figure][0] else "Vượt"


def _target(figure: str) -> str:
    if figure not in TARGETS:
        return "—"
    limit, unit = TARGETS[figure]
    return f"< {limit:,.0f} {unit}".replace(",", ".")


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import peewee

    return {"date": dt.datetime.now().strftime("%d/%m/%Y %H:%M"), "cores": os.cpu_count(), "cpu": cpu,
            "os": platform.platform(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "peewee": peewee.__version__, "load": os.getloadavg() if hasattr(os, "getloadavg") else None}


# Why a figure is over its target (printed only when it is).
EXPLANATIONS = {
    "cold_start": "Khởi động: phần lớn là nạp Python, Tk/ttkbootstrap và dựng giao diện; cơ sở dữ liệu "
                  "chỉ được mở và kiểm tra phiên bản cấu trúc.",
    "first_page": "Trang đầu danh sách: đếm tổng số dòng khớp (COUNT trên toàn bảng) cộng tình trạng thẻ "
                  "BHYT của 50 dòng.",
    "search_median": "Tìm khi gõ ở 100.000 đối tượng: tỉ lệ với SQL thô gần 1, tức thời gian nằm ở chính câu "
                     "SQL — tiền tố ngắn (\"n\", \"ng\", \"nguyen\") khớp hàng chục nghìn người và COUNT tổng "
                     "số khớp phải duyệt cả đoạn chỉ mục đó. Sát ngưỡng và đo trên máy đang tải nặng (xem tải "
                     "trung bình ở trên); trên máy rảnh trung vị dưới 50 ms. Muốn chắc chắn hơn: đếm tối đa "
                     "1.000 (\"hơn 1.000 người\") thay vì đếm hết.",
    "search_p95": "Tìm khi gõ: các truy vấn chậm nhất là tiền tố ngắn khớp hàng chục nghìn người "
                  "(COUNT duyệt cả chỉ mục).",
    "profile": "Mở hồ sơ ở cơ sở lớn: phần lớn là danh sách nhân viên cho ô \"người phụ trách\" của thẻ PHCN "
               "(caremgr.rehab.staff_choices, nay đọc dạng tuple chỉ các cột cần; trước đó 714 ms ở 100.000 đối "
               "tượng) — bộ dữ liệu có 1 nhân viên/5 đối tượng, tức 20.000 người; một cơ sở thật có vài chục đến "
               "vài trăm. Phần còn lại (hồ sơ, 60 lần khám, biểu đồ, thẻ, kế hoạch) dưới 100 ms.",
    "return_5000": "Báo cáo định kỳ: tính lại mọi chỉ tiêu RETURN.md trên toàn bộ dữ liệu của kỳ.",
    "import": "Nhập 10.000 dòng: 53–82 s trên máy này trước khi tối ưu, nay khoảng 15–16 s. Phần còn lại: "
              "đọc tệp .xlsx bằng openpyxl ~3–4 s; mỗi dòng vẫn đi qua đúng các dịch vụ như khi nhập tay (kiểm "
              "tra hồ sơ với 2 câu SELECT trùng mã/CCCD, ghi đối tượng, người liên hệ, thẻ BHYT, hai dòng nhật ký "
              "có chuỗi băm SHA-256 trên JSON, một savepoint mỗi dòng) ~1,2 ms CPU mỗi dòng. Cả lần nhập là một "
              "giao dịch (tắt ngang thì không ghi gì) và chạy nền với thanh tiến trình và nút Hủy; một cơ sở nhập "
              "danh sách lớn một lần khi bắt đầu dùng. Xuống hẳn dưới 15 s cần ghi theo lô (nhiều dòng một câu "
              "INSERT, nhật ký ghi nhiều dòng một lần) — một thay đổi lớn hơn của các dịch vụ.",
    "memory": "Bộ nhớ: trình thông dịch, thư viện và dữ liệu của tác vụ lớn nhất.",
}


def report(results: dict, info: dict, notes: list[str]) -> tuple[str, list[str]]:
    rows: list[tuple] = []  # (figure, measure, size, ours, raw, ratio, target key, value for status)
    over: list[str] = []

    def add(figure, label, size, ours, raw=None, unit="ms", digits=1, value=None):
        ratio = f"{ours / raw:.1f}×".replace(".", ",") if raw else "—"
        value = ours if value is None else value
        rows.append((label, size, f"{_num(ours, digits)} {unit}", f"{_num(raw, 2)} {unit}" if raw else "—", ratio,
                     _target(figure), _status(figure, value)))
        if _status(figure, value) == "Vượt" and figure not in over:
            over.append(figure)

    start = results.get("cold_start") or {}
    if "wall_ms" in start:
        add("cold_start", f"Khởi động đến cửa sổ đăng nhập (đo trong tiến trình; cả tiến trình "
                          f"{_num(start['wall_ms'], 0)} ms)", results.get("cold_start_size", ""), start["reported_ms"],
            digits=0)
    elif start:
        rows.append(("Khởi động đến cửa sổ đăng nhập", "", start.get("error", "?")[:80], "—", "—",
                     _target("cold_start"), "—"))
    for n, app in results.get("app", {}).items():
        size = f"{int(n):,}".replace(",", ".")
        add("first_page", "Trang đầu danh sách đối tượng (lần đầu)", size, app["first_page_cold"])
        add("first_page", "Trang đầu danh sách đối tượng (các lần sau, trung vị)", size, app["first_page_warm"],
            app["first_page_raw"])
        add("search_median", f"Tìm khi gõ — trung vị ({app['search_n']} truy vấn)", size, app["search_median"],
            app["search_raw_median"])
        add("search_p95", "Tìm khi gõ — phân vị 95", size, app["search_p95"], app["search_raw_p95"])
        add("profile", f"Mở hồ sơ ({app['profile_checks']} lần khám, trung vị {PROFILE_RESIDENTS} hồ sơ)", size,
            app["profile"], app["profile_raw"])
    for n, ret in results.get("return", {}).items():
        size = f"{int(n):,}".replace(",", ".")
        add("", f"Báo cáo định kỳ {ret['period']} — thu thập số liệu", size, ret["collect_ms"])
        add("", f"Báo cáo định kỳ {ret['period']} — in PDF", size, ret["pdf_ms"])
        figure = "return_5000" if int(n) >= 5000 else ""
        add(figure, "Báo cáo định kỳ — tổng", size, ret["collect_ms"] + ret["pdf_ms"])
    imp = results.get("import")
    if imp:
        rows_text = f"{imp['rows']:,}".replace(",", ".")
        add("import", f"Nhập {rows_text} dòng vào cơ sở trống ({imp['added']} thêm, {imp['rejected']} bị từ chối; "
                      f"CPU {_num(imp['cpu_seconds'])} s)", "", imp["seconds"], unit="s")
        add("", "Nhập lại đúng tệp đó (không có gì thay đổi)", "", imp["again_seconds"], unit="s")
    bk = results.get("backup")
    if bk:
        add("", f"Sao lưu CSDL lớn nhất ({_num(bk['db_mb'])} MB → tệp {_num(bk['size_mb'])} MB)",
            results.get("backup_size", ""), bk["seconds"], unit="s", digits=2)
    peaks = {name: value for name, value in results.get("peaks", {}).items()}
    if peaks:
        name, peak = max(peaks.items(), key=lambda item: item[1])
        add("memory", f"Bộ nhớ đỉnh (ru_maxrss của tiến trình con; lớn nhất: {name})", "", peak, unit="MB")

    headers = ("Số đo", "Số đối tượng", "caremgr", "SQL thô (sqlite3)", "Tỉ lệ", "Mục tiêu", "Kết quả")
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(["---"] * len(headers)) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    head = [
        "# Đo tốc độ / Benchmarks",
        "",
        "Tạo bởi `python bench/bench.py` (đừng sửa tay: chạy lại để cập nhật). Mỗi số đo chạy trong một tiến trình",
        "con riêng trên cơ sở dữ liệu SQLite dựng sẵn trong thư mục tạm. \"SQL thô\": cùng các câu SELECT mà",
        "các dịch vụ đã chạy, ghi lại rồi chạy trực tiếp qua `sqlite3`; \"Tỉ lệ\" = thời gian của caremgr ÷ SQL thô.",
        "Bộ nhớ: `resource.getrusage(RUSAGE_SELF).ru_maxrss` của tiến trình con làm việc đó (gồm cả trình thông",
        "dịch và thư viện).",
        "",
        f"Máy: {info['cpu']} — {info['cores']} nhân; {info['os']}; Python {info['python']}; SQLite {info['sqlite']};"
        f" peewee {info['peewee']}. Ngày đo: {info['date']}."
        + (f" Tải trung bình lúc bắt đầu: {info['load'][0]:.2f}." if info.get("load") else ""),
        "",
    ]
    tail = ["", "## Vượt mục tiêu", ""]
    if over:
        tail += [f"- **{figure}**: {EXPLANATIONS.get(figure, '')}" for figure in over]
    else:
        tail.append("Không có số đo nào vượt mục tiêu.")
    if notes:
        tail += ["", "## Ghi chú", ""] + [f"- {note}" for note in notes]
    return "\n".join(head + lines + tail) + "\n", over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="centre sizes, comma-separated (default 1000,10000,100000)")
    parser.add_argument("--quick", action="store_true", help="small and few runs: checks that the script works")
    parser.add_argument("--keep", help="build the centres in this folder, keep them and reuse them next time")
    parser.add_argument("--out", default=str(ROOT / "docs" / "BENCHMARKS.md"), help="where to write the table")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(TASKS[args.task](*json.loads(args.args)), ensure_ascii=False, default=str))
        return 0

    default_sizes = "1000" if args.quick else "1000,10000,100000"
    sizes = sorted(int(s) for s in (args.sizes or default_sizes).split(","))
    return_sizes = [500] if args.quick else [500, 5000]
    import_rows = 1000 if args.quick else 10_000
    repeats = 1 if args.quick else 3
    info = machine()
    temp = tempfile.TemporaryDirectory(prefix="caremgr-bench-")
    folder = Path(args.keep) if args.keep else Path(temp.name)
    folder.mkdir(parents=True, exist_ok=True)
    results: dict = {"app": {}, "return": {}, "peaks": {}}
    notes: list[str] = []

    def centre(n: int) -> tuple[str, dict]:
        path, meta = folder / f"centre-{n}.sqlite", folder / f"centre-{n}.json"
        if path.exists() and meta.exists():
            return str(path), json.loads(meta.read_text())
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        built = child("build", str(path), n)
        built["seconds"] = time.perf_counter() - started
        meta.write_text(json.dumps(built, ensure_ascii=False))
        counts = ", ".join(f"{v} {k}" for k, v in sorted(built["counts"].items()))
        print(f"built {n} residents in {built['seconds']:.0f} s: {counts}", flush=True)
        return str(path), built

    try:
        for n in sizes:
            path, built = centre(n)
            notes.append(f"Cơ sở {n:,} đối tượng: dựng trong {built['seconds']:.0f} s, ".replace(",", ".")
                         + ", ".join(f"{v:,} {k}".replace(",", ".") for k, v in sorted(built["counts"].items())))
            app = child("app", path, built["sample"], repeats)
            results["app"][n] = app
            results["peaks"][f"danh sách, tìm, hồ sơ ({n})"] = app["peak_mb"]
            print(f"{n}: first page {app['first_page_warm']:.1f} ms, search median {app['search_median']:.1f} / "
                  f"p95 {app['search_p95']:.1f} ms, profile {app['profile']:.1f} ms", flush=True)
        largest, _built = centre(max(sizes))
        results["cold_start"] = cold_start(largest, 1 if args.quick else 3)
        results["cold_start_size"] = f"{max(sizes):,}".replace(",", ".")
        print(f"cold start: {results['cold_start']}", flush=True)
        for n in return_sizes:
            path, _built = centre(n)
            ret = child("return", path, str(folder))
            results["return"][n] = ret
            results["peaks"][f"báo cáo định kỳ ({n})"] = ret["peak_mb"]
            print(f"return {n}: collect {ret['collect_ms']:.0f} ms, pdf {ret['pdf_ms']:.0f} ms", flush=True)
        source, _built = centre(import_rows)
        xlsx = folder / f"import-{import_rows}.xlsx"
        if not xlsx.exists():
            child("export", source, str(xlsx))
        target = folder / "import-target.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        results["import"] = imp = child("import", str(xlsx), str(target))
        results["peaks"][f"nhập {import_rows} dòng"] = imp["peak_mb"]
        if not imp["chain_ok"]:
            notes.append("Nhật ký sau khi nhập KHÔNG nguyên vẹn (audit.verify_chain)!")
        print(f"import {imp['rows']} rows: {imp['seconds']:.1f} s (again {imp['again_seconds']:.1f} s)", flush=True)
        largest, _built = centre(max(sizes))
        backups = folder / "backups"
        backups.mkdir(exist_ok=True)
        results["backup"] = child("backup", largest, str(backups))
        results["backup_size"] = f"{max(sizes):,}".replace(",", ".")
        results["peaks"]["sao lưu"] = results["backup"]["peak_mb"]
    finally:
        temp.cleanup()
    text, over = report(results, info, notes)
    print()
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"written to {args.out}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
