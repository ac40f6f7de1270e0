"""How fast is the residents list at 100,000 residents? (a script, not a test)

    .venv/bin/python bench/residents_bench.py              # 100,000 residents
    .venv/bin/python bench/residents_bench.py --n 20000 --keep /tmp/centre.sqlite

Builds a SQLite centre in a temporary file with bulk ``insert_many`` (realistic Vietnamese names,
codes, CCCDs, 1–2 insurance cards each), then measures through ``caremgr.residents.search`` exactly
as the list screen calls it:

- time to the first page (no filter, Vietnamese name order), cold and warm;
- search-as-you-type: typed prefixes of real names ("n", "ng", "ngu", "nguyen", "nguyen t",
  "nguyen thi h" …), code prefixes, CCCDs and card numbers — each the whole Page (rows, total,
  card status of the page's rows);
- the same SQL statements run raw through ``sqlite3``, and the ratio ours/raw (the cost of peewee
  and of building the rows).

It runs twice: with the indexes of ``db/models.py`` as they are, then after adding the indexes
proposed in ``PROPOSED_INDEXES`` (which only this script creates), so the effect of each shows.
"""

from __future__ import annotations

import argparse
import functools
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from peewee import fn  # noqa: E402

from caremgr import resident_search  # noqa: E402
from caremgr.auth import Actor  # noqa: E402
from caremgr.bhyt import decode_card  # noqa: E402
from caremgr.cccd import cccd_for  # noqa: E402
from caremgr.residents import ResidentFilter, search  # noqa: E402
from caremgr.text import name_sort_key, search_key  # noqa: E402
from db.connection import close_database, open_database  # noqa: E402
from db.models import InsuranceCard, Resident  # noqa: E402

TARGETS = {"search_median": 50.0, "search_p95": 150.0, "first_page": 300.0}
REPEATS = 3  # each typed query is timed this many times; its latency is the median

# Indexes this benchmark proposes for db/models.py (see the report it prints).
# The covering index (deleted, sort_key, code, search_name) proposed by the first runs of this
# script is now part of the schema (db/models.py, migration 3); add new candidates here to compare.
PROPOSED_INDEXES: list[str] = []

FAMILIES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 10), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 2), ("Phan", 4),
            ("Vũ", 3), ("Võ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1), ("Ngô", 1), ("Dương", 1),
            ("Lý", 1), ("Trịnh", 1), ("Mai", 1), ("Đinh", 1), ("Cao", 1), ("Hà", 1), ("Lưu", 1), ("Lò", 1),
            ("Giàng", 1), ("Triệu", 1), ("Quách", 1)]
MIDDLE = {"male": ["Văn"] * 8 + ["Hữu", "Đức", "Đình", "Xuân", "Ngọc", "Công", "Quang", "Minh", "Thành", "Gia",
                                 "Bá", "Mạnh", "Tuấn", "Quốc", "Anh", "Hoàng"],
          "female": ["Thị"] * 10 + ["Thị Thu", "Thị Ngọc", "Thị Kim", "Thị Thanh", "Thị Hồng", "Thu", "Ngọc",
                                    "Hồng", "Minh", "Bảo", "Khánh", "Phương", "Thanh", "Kim"]}
GIVEN = {"male": ["Thắng", "Lợi", "Hùng", "Dũng", "Cường", "Sơn", "Hải", "Bình", "Tâm", "Thành", "Hòa", "Lâm",
                  "Quý", "Đông", "Hưng", "Phúc", "Tài", "Lộc", "Khải", "Trọng", "Nghĩa", "Tuấn", "Long", "Quân",
                  "Nam", "Trung", "Tùng", "Hiếu", "Đạt", "Việt", "Tiến", "Phong", "Kiên", "Huy", "Mạnh", "Bảo",
                  "Khôi", "Minh", "An", "Khang", "Duy", "Vũ", "Anh", "Toàn", "Thịnh", "Chiến", "Páo", "Chư"],
         "female": ["Lan", "Hoa", "Hồng", "Huệ", "Cúc", "Mai", "Đào", "Nhung", "Hương", "Liên", "Hằng", "Thảo",
                    "Loan", "Lý", "Tâm", "Thơm", "Nụ", "Vân", "Yến", "Nga", "Tuyết", "Sen", "Nhàn", "Quế",
                    "Nguyệt", "Hà", "Trang", "Linh", "Huyền", "Thủy", "Oanh", "Hạnh", "Ngân", "Giang", "Quỳnh",
                    "Dung", "Vy", "Hân", "Nhi", "Anh", "Thư", "My", "Châu", "Trâm", "Chi", "Mỷ", "Sua"]}
CATEGORIES = [("NCT", 40), ("NKT", 20), ("TT", 15), ("TE", 12), ("NCC", 5), ("CN", 4), ("K", 4)]
PROVINCES = ["038"] * 12 + ["001", "040", "037", "036", "017", "014", "079", "031", "048"]
TODAY = date.today()


def weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


@functools.cache
def _name_keys(full_name: str) -> tuple[str, str]:
    """(search key, sort key without its 8-digit birth part): names repeat, so compute them once."""
    return search_key(full_name), name_sort_key(full_name)[:-8]


def _birth_part(born: date, year_only: bool) -> str:
    return f"{born.year:04d}0000" if year_only else born.strftime("%Y%m%d")


def _cccd(province: str, year: int, female: bool, serial: int) -> str:
    """What caremgr.cccd.cccd_for gives, without its vocabulary look-up (checked on the first rows)."""
    return f"{province}{(year - 1900) // 100 * 2 + female}{year % 100:02d}{serial:06d}"


def _bulk_insert(database, model, fields: list[str], rows: list[tuple], batch: int) -> None:
    """insert_many compiled once per batch size, then run with each batch's values (peewee spends
    ~10 µs per value building the SQL; building it once keeps 100,000 residents under a minute)."""
    columns = [getattr(model, name) for name in fields]
    compiled: dict[int, str] = {}
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        if len(chunk) not in compiled:
            compiled[len(chunk)] = model.insert_many(chunk, fields=columns).sql()[0]
        database.execute_sql(compiled[len(chunk)], [value for row in chunk for value in row])


RESIDENT_FIELDS = ["code", "full_name", "search_name", "sort_key", "sex", "birth_year", "birth_date", "ethnicity",
                   "cccd", "cccd_note", "address", "province", "commune", "category", "merit_type",
                   "disability_type", "disability_severity", "admission_date", "admission_decision", "room",
                   "status", "discharge_date", "discharge_reason", "deleted", "version", "created_at",
                   "updated_at"]
CARD_FIELDS = ["resident", "number", "group_code", "benefit_level", "province_code", "social_insurance_no",
               "valid_from", "valid_to", "version", "created_at", "updated_at"]


def build(path: str, n: int, seed: int = 1942) -> dict:
    """A centre of ``n`` residents in a new SQLite file; returns a sample of what it holds."""
    rng = random.Random(seed)
    database = open_database(path)
    now = datetime.now().replace(microsecond=0).isoformat(sep=" ")
    used_cccd: set[str] = set()
    used_sin: set[str] = set()
    residents, cards = [], []
    sample = {"names": [], "codes": [], "cccds": [], "cards": [], "sins": []}
    for i in range(1, n + 1):
        sex = "female" if rng.random() < 0.55 else "male"
        category = weighted(rng, CATEGORIES)
        age = {"NCT": rng.randint(60, 99), "TE": rng.randint(0, 15), "NCC": rng.randint(70, 99)}.get(
            category, rng.randint(16, 75))
        born = TODAY - timedelta(days=age * 365 + rng.randint(1, 364))
        year_only = rng.random() < 0.12
        full_name = f"{weighted(rng, FAMILIES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        name_key, sort_prefix = _name_keys(full_name)
        sort_key = sort_prefix + _birth_part(born, year_only)
        cccd = None
        if rng.random() < 0.9:
            while cccd is None or cccd in used_cccd:
                cccd = _cccd(rng.choice(PROVINCES), born.year, sex == "female", rng.randint(0, 999_999))
            used_cccd.add(cccd)
        if i <= 20:  # the shortcuts above give what the real functions give
            assert sort_key == name_sort_key(full_name, born.year if year_only else born), full_name
            assert cccd is None or cccd == cccd_for(cccd[:3], born.year, sex, cccd[6:])
        admitted = max(born + timedelta(days=30), TODAY - timedelta(days=rng.randint(0, 365 * 12)))
        roll = rng.random()
        status = "in_care" if roll < 0.8 else "discharged" if roll < 0.95 else "deceased"
        discharged = None
        if status != "in_care":
            discharged = min(TODAY, admitted + timedelta(days=rng.randint(1, 2000)))
        disability = rng.choice([None, None, "mobility", "intellectual", "vision", "mental_neuro"])
        code = f"DT{i:06d}"
        residents.append((
            code, full_name, name_key, sort_key, sex, born.year, None if year_only else born.isoformat(), "Kinh",
            cccd, None if cccd else "chưa có", f"Thôn {rng.randint(1, 12)}, xã Hoằng Hóa, tỉnh Thanh Hóa",
            "Thanh Hóa", "xã Hoằng Hóa", category, "war_invalid" if category == "NCC" else None, disability,
            "severe" if disability else None, admitted.isoformat(), f"{rng.randint(1, 300)}/QĐ-TTBTXH",
            f"{rng.choice('ABCD')}{rng.randint(1, 3)}{rng.randint(1, 20):02d}" if status == "in_care" else None,
            status, discharged.isoformat() if discharged else None,
            None if status == "in_care" else ("deceased" if status == "deceased" else "reintegrated"),
            rng.random() < 0.002, 1, now, now,
        ))
        sin = None
        while sin is None or sin in used_sin:
            sin = rng.choice(["38", "38", "38", "40", "37", "01"]) + f"{rng.randint(0, 99_999_999):08d}"
        used_sin.add(sin)
        group = {"TE": "TE1", "NCC": "CC1"}.get(category, "BT2")
        end = date(TODAY.year, 12, 31) if rng.random() < 0.8 else TODAY + timedelta(days=rng.randint(-400, 40))
        periods = [(date(end.year, 1, 1) if end.month > 6 else end - timedelta(days=364), end)]
        if rng.random() < 0.5:
            start = periods[0][0]
            periods.insert(0, (start - timedelta(days=365), start - timedelta(days=1)))
        number = f"{group}38{sin}"
        decoded = decode_card(number)
        for start, stop in periods:
            cards.append((i, number, decoded.group, decoded.level, decoded.province_code, sin,
                          start.isoformat(), stop.isoformat(), 1, now, now))
        if i % max(1, n // 60) == 0:
            sample["names"].append(full_name)
            sample["codes"].append(code)
            if cccd:
                sample["cccds"].append(cccd)
            sample["cards"].append(number)
            sample["sins"].append(sin)
    with database.atomic():
        _bulk_insert(database, Resident, RESIDENT_FIELDS, residents, 1000)
        _bulk_insert(database, InsuranceCard, CARD_FIELDS, cards, 2000)
    database.execute_sql("ANALYZE")
    return sample


def typed_queries(sample: dict) -> list[tuple[str, str]]:
    """(kind, text) as someone types into the search box."""
    queries = []
    for text in ("n", "ng", "ngu", "nguyen", "nguyen t", "nguyen thi h", "tran van", "le thi h", "h", "hong",
                 "thi hong", "nguyen van a", "pham", "vu thi"):
        queries.append(("name (fixed)", text))
    for name in sample["names"][:30]:
        key = search_key(name)
        words = key.split()
        queries.append(("name prefix", key[:1]))
        queries.append(("name prefix", key[:3]))
        queries.append(("name prefix", words[0]))
        queries.append(("name prefix", f"{words[0]} {words[1][:1]}"))
        queries.append(("name full", " ".join(words[:-1]) + " " + words[-1][:2]))
        queries.append(("name full", name))
    for code in sample["codes"][:20]:
        queries += [("code", code[:4]), ("code", code[:6]), ("code", code.lower())]
    for cccd in sample["cccds"][:15]:
        queries += [("cccd", cccd), ("cccd", cccd[:6])]
    for card, sin in zip(sample["cards"][:15], sample["sins"][:15], strict=True):
        queries += [("card", card), ("card", card[:10]), ("card", sin)]
    return queries


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def raw_statements(flt: ResidentFilter, order: str = "name", limit: int = 50):
    """The SQL that ``search`` runs for this filter, to run through sqlite3 directly."""
    on = flt.on or date.today()
    condition = resident_search.filter_condition(flt, on, 30)
    page = (Resident.select(*resident_search.ROW_COLUMNS).where(condition)
            .order_by(*resident_search.ordering(order)).limit(limit))
    count = Resident.select(fn.COUNT(Resident.id)).where(condition)
    return page.sql(), count.sql()


def run_raw(conn: sqlite3.Connection, flt: ResidentFilter) -> float:
    (page_sql, page_params), (count_sql, count_params) = raw_statements(flt)
    params = [p.isoformat() if isinstance(p, date) else p for p in page_params]
    started = time.perf_counter()
    rows = conn.execute(page_sql, params).fetchall()
    if len(rows) == 50:
        conn.execute(count_sql, [p.isoformat() if isinstance(p, date) else p for p in count_params]).fetchone()
    ids = [r[0] for r in rows]
    if ids:
        conn.execute(f"SELECT resident_id, valid_from, valid_to FROM insurance_card WHERE resident_id IN "
                     f"({','.join('?' * len(ids))})", ids).fetchall()
    return (time.perf_counter() - started) * 1000


def measure(path: str, queries, actor: Actor, label: str) -> dict:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA cache_size=-32000")
    started = time.perf_counter()
    first = search(actor, ResidentFilter(), order="name")
    first_ms = (time.perf_counter() - started) * 1000
    warm = []
    for _ in range(10):
        started = time.perf_counter()
        search(actor, ResidentFilter(), order="name")
        warm.append((time.perf_counter() - started) * 1000)
    ours, raw, by_kind, slowest = [], [], {}, []
    for kind, text in queries:
        flt = ResidentFilter(text=text)
        runs = []
        for _ in range(REPEATS):  # the median of a few runs: other work on the machine adds noise
            started = time.perf_counter()
            page = search(actor, flt)
            runs.append((time.perf_counter() - started) * 1000)
        ms = statistics.median(runs)
        ours.append(ms)
        by_kind.setdefault(kind, []).append(ms)
        slowest.append((ms, text, page.total))
        raw.append(statistics.median(run_raw(conn, flt) for _ in range(REPEATS)))
    conn.close()
    print(f"\n== {label}")
    print(f"first page (no filter, name order): cold {first_ms:7.1f} ms, warm median {statistics.median(warm):6.1f} ms"
          f"   target < {TARGETS['first_page']:.0f} ms   total={first.total}")
    print(f"search-as-you-type, {len(ours)} queries: median {statistics.median(ours):6.1f} ms "
          f"(target < {TARGETS['search_median']:.0f}), p95 {pct(ours, 95):6.1f} ms "
          f"(target < {TARGETS['search_p95']:.0f}), max {max(ours):6.1f} ms")
    print(f"same SQL raw via sqlite3:          median {statistics.median(raw):6.1f} ms, "
          f"p95 {pct(raw, 95):6.1f} ms; ratio ours/raw median {statistics.median(ours) / statistics.median(raw):.2f}, "
          f"p95 {pct(ours, 95) / pct(raw, 95):.2f}")
    for kind, values in by_kind.items():
        print(f"   {kind:14s} n={len(values):3d}  median {statistics.median(values):6.1f} ms  p95 {pct(values, 95):6.1f} ms")
    print("   slowest: " + "; ".join(f"{t!r} {ms:.0f} ms ({total} found)" for ms, t, total in sorted(slowest)[-5:]))
    filters = {
        "in care, 80+": ResidentFilter(status="in_care", age_band="80+"),
        "insurance expiring": ResidentFilter(insurance="expiring"),
        "insurance expired": ResidentFilter(insurance="expired"),
        "text 'nguyen thi' + NCT": ResidentFilter(text="nguyen thi", category="NCT"),
    }
    for name, flt in filters.items():
        started = time.perf_counter()
        page = search(actor, flt)
        print(f"   filter {name:24s} {(time.perf_counter() - started) * 1000:7.1f} ms  ({page.total} found)")
    for order in ("code", "admission", "age", "room"):
        started = time.perf_counter()
        search(actor, ResidentFilter(), order=order)
        print(f"   order {order:10s} first page {(time.perf_counter() - started) * 1000:7.1f} ms")
    return {"first": first_ms, "median": statistics.median(ours), "p95": pct(ours, 95)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of residents (default 100,000)")
    parser.add_argument("--keep", help="build the centre in this file and keep it")
    parser.add_argument("--no-proposed", action="store_true", help="skip the run with the proposed indexes")
    args = parser.parse_args(argv)
    folder = tempfile.TemporaryDirectory(prefix="caremgr-bench-")
    path = args.keep or str(Path(folder.name) / "centre.sqlite")
    started = time.perf_counter()
    sample = build(path, args.n)
    print(f"built {args.n} residents and {InsuranceCard.select().count()} cards in "
          f"{time.perf_counter() - started:.1f} s ({path})")
    actor = Actor(1, "bench", "Bench", "administrator")
    queries = typed_queries(sample)
    results = [measure(path, queries, actor, "indexes of db/models.py")]
    if PROPOSED_INDEXES and not args.no_proposed:
        database = open_database(path)
        for statement in PROPOSED_INDEXES:
            database.execute_sql(statement)
        database.execute_sql("ANALYZE")
        results.append(measure(path, queries, actor, "with PROPOSED_INDEXES"))
    close_database()
    final = results[-1]
    ok = (final["median"] < TARGETS["search_median"] and final["p95"] < TARGETS["search_p95"]
          and final["first"] < TARGETS["first_page"])
    print("\nall targets met" if ok else "\nsome target missed")
    folder.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
