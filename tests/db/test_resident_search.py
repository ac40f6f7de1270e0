"""The residents list: search box, filters, Vietnamese order, paging — all done in SQL — and the
insurance filter, whose SQL must mean exactly what caremgr.bhyt.card_status means."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from caremgr import auth, residents
from caremgr import settings as centre_settings
from caremgr.bhyt import card_status
from caremgr.cccd import cccd_for
from caremgr.dates import BirthDate, age_on
from caremgr.errors import PermissionDenied, ValidationError
from caremgr.resident_search import (
    AGE_BANDS,
    age_condition,
    insurance_condition,
    name_words_condition,
    name_words_match,
)
from caremgr.text import name_sort_key, search_key
from db.models import InsuranceCard, Resident

ON = date(2026, 6, 30)
BIRTH = BirthDate(1950, date(1950, 3, 12))


def add(code, full_name, *, sex="female", birth=BIRTH, category="NCT",
        admitted=date(2020, 1, 1), status="in_care", discharged=None, room=None, disability=None, cccd=None,
        deleted=False):
    """A resident written straight to the table (the services' own tests are in test_residents.py)."""
    return Resident.create(
        code=code, full_name=full_name, search_name=search_key(full_name), sort_key=name_sort_key(full_name, birth),
        sex=sex, birth_year=birth.year, birth_date=birth.date, category=category, admission_date=admitted,
        status=status, discharge_date=discharged, room=room, disability_type=disability,
        disability_severity="severe" if disability else None, cccd=cccd, deleted=deleted,
        discharge_reason={"discharged": "reintegrated", "deceased": "deceased"}.get(status))


def card(resident, start, end, number=None):
    sin = f"38{resident.id:08d}"
    return InsuranceCard.create(resident=resident, number=number or f"BT238{sin}", social_insurance_no=sin,
                                valid_from=start, valid_to=end)


def codes(page):
    return [r.code for r in page.rows]


def find(actor, **kwargs):
    order = kwargs.pop("order", "name")
    kwargs.setdefault("on", ON)
    return residents.search(actor, residents.ResidentFilter(**kwargs), order=order, limit=200)


@pytest.fixture
def names(admin):
    add("DT0001", "Nguyễn Thị Hồng")
    add("DT0002", "Nguyễn Thị Hương")
    add("DT0003", "Nguyễn Văn Hùng", sex="male")
    add("DT0004", "Trần Thị Hoa")
    add("DT0005", "Lê Nguyên Hạnh")
    add("DT0010", "Phạm Hồng Nhung")
    add("DT0011", "Đặng Thị Đào")
    return admin


# --- the search box -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("nguyen thi h", ["DT0001", "DT0002"]),  # Hồng, Hương (given names in Vietnamese order)
    ("Nguyễn Thị H", ["DT0001", "DT0002"]),
    ("NGUYEN  thi   h", ["DT0001", "DT0002"]),
    ("nguyen h", ["DT0005", "DT0001", "DT0003", "DT0002"]),  # any later word: Hạnh, Hồng, Hùng, Hương
    ("thi hong", ["DT0001"]),
    ("hong thi", []),  # in the order typed
    ("hong", ["DT0001", "DT0010"]),
    ("ong", []),  # a word must start with what is typed
    ("dang dao", ["DT0011"]),  # đ is typed as d
    ("đặng", ["DT0011"]),
    ("nguyen", ["DT0005", "DT0001", "DT0003", "DT0002"]),  # "Nguyên" is a middle name too
])
def test_search_by_name(names, text, expected):
    page = find(names, text=text)
    assert codes(page) == expected and page.total == len(expected)


def test_search_by_code_prefix(names):
    assert codes(find(names, text="DT001", order="code")) == ["DT0010", "DT0011"]
    assert codes(find(names, text="dt000", order="code")) == ["DT0001", "DT0002", "DT0003", "DT0004", "DT0005"]
    assert codes(find(names, text="DT0003")) == ["DT0003"]
    assert find(names, text="DT9").total == 0


def test_search_by_cccd_and_card(admin):
    number = cccd_for("038", 1950, "female", 123456)
    a = add("DT0001", "Nguyễn Thị Hồng", cccd=number)
    b = add("DT0002", "Trần Thị Hoa")
    card(b, date(2026, 1, 1), date(2026, 12, 31))
    assert codes(find(admin, text=number)) == ["DT0001"]
    assert codes(find(admin, text=f"{number[:4]} {number[4:8]} {number[8:]}")) == ["DT0001"]  # typed with spaces
    assert codes(find(admin, text=number[:6])) == ["DT0001"]  # while typing
    sin = f"38{b.id:08d}"
    assert codes(find(admin, text=f"BT238{sin}")) == ["DT0002"]
    assert codes(find(admin, text=f"bt2 38 {sin}")) == ["DT0002"]
    assert codes(find(admin, text=f"BT238{sin[:6]}")) == ["DT0002"]
    assert codes(find(admin, text=sin)) == ["DT0002"]  # the new 10-digit card / social-insurance number
    assert codes(find(admin, text=f"HN238{sin}")) == []
    assert a.id != b.id


def test_deleted_residents_never_appear(admin):
    add("DT0001", "Nguyễn Thị Hồng", cccd=cccd_for("038", 1950, "female", 1))
    add("DT0002", "Nguyễn Thị Hương", deleted=True, cccd=cccd_for("038", 1950, "female", 2))
    assert codes(find(admin)) == ["DT0001"]
    assert codes(find(admin, text="nguyen")) == ["DT0001"]
    assert codes(find(admin, text="DT0002")) == []
    assert codes(find(admin, text=cccd_for("038", 1950, "female", 2))) == []
    assert residents.counts_by_status(admin) == {"in_care": 1, "discharged": 0, "deceased": 0}


# --- filters ------------------------------------------------------------------------------------

def test_each_filter(admin):
    add("DT0001", "Nguyễn Thị An", category="NCT", disability="mobility")
    add("DT0002", "Lê Văn Bình", sex="male", category="NKT", disability="vision")
    add("DT0003", "Trần Thị Cúc", category="TT", status="discharged", discharged=date(2025, 1, 1))
    add("DT0004", "Phạm Văn Dũng", sex="male", category="NCT", status="deceased", discharged=date(2025, 2, 1))
    assert codes(find(admin, category="NCT")) == ["DT0001", "DT0004"]
    assert codes(find(admin, status="in_care")) == ["DT0001", "DT0002"]
    assert codes(find(admin, status="discharged")) == ["DT0003"]
    assert codes(find(admin, status="deceased")) == ["DT0004"]
    assert codes(find(admin, sex="male")) == ["DT0002", "DT0004"]
    assert codes(find(admin, sex="female", category="NCT")) == ["DT0001"]
    assert codes(find(admin, disability="any")) == ["DT0001", "DT0002"]
    assert codes(find(admin, disability="none")) == ["DT0003", "DT0004"]
    assert codes(find(admin, disability="vision")) == ["DT0002"]
    assert codes(find(admin, text="van", status="in_care")) == ["DT0002"]
    for wrong in ({"category": "XYZ"}, {"status": "gone"}, {"sex": "Nam"}, {"age_band": "1-2"},
                  {"disability": "blind"}, {"insurance": "ok"}):
        with pytest.raises(ValidationError):
            find(admin, **wrong)
    with pytest.raises(ValidationError):
        residents.search(admin, order="random")


def test_age_bands_at_their_boundaries(admin):
    births = {
        "A": BirthDate(2020, date(2020, 6, 30)),  # 6 on ON
        "B": BirthDate(2020, date(2020, 7, 1)),  # 5
        "C": BirthDate(2020),  # year only: counts from 01/01/2020 -> 6
        "D": BirthDate(2021),  # 5
        "E": BirthDate(2010, date(2010, 7, 1)),  # 15
        "F": BirthDate(2010, date(2010, 6, 30)),  # 16
        "G": BirthDate(1966, date(1966, 6, 30)),  # 60
        "H": BirthDate(1966, date(1966, 7, 1)),  # 59
        "I": BirthDate(1946, date(1946, 6, 30)),  # 80
        "J": BirthDate(1946, date(1946, 7, 1)),  # 79
        "K": BirthDate(1946),  # 80
        "L": BirthDate(1947),  # 79
    }
    for code, birth in births.items():
        add(code, f"Người {code}", birth=birth)
    expected = {
        "0-5": ["B", "D"], "6-15": ["A", "C", "E"], "16-59": ["F", "H"], "60-79": ["G", "J", "L"],
        "80+": ["I", "K"],
    }
    for band, wanted in expected.items():
        assert sorted(codes(find(admin, age_band=band))) == wanted, band
    ages = {r.code: r.age for r in find(admin).rows}
    assert ages == {code: age_on(birth, ON) for code, birth in births.items()}
    assert {r.code: r.birth_display for r in find(admin).rows}["C"] == "2020"


def test_age_of_someone_born_on_29_february(admin):
    add("X", "Người X", birth=BirthDate(2020, date(2020, 2, 29)))
    assert codes(find(admin, age_band="0-5", on=date(2026, 2, 28))) == ["X"]
    assert codes(find(admin, age_band="6-15", on=date(2026, 3, 1))) == ["X"]


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(births=st.lists(st.tuples(st.dates(date(1925, 1, 1), date(2026, 12, 31)), st.booleans()),
                       min_size=1, max_size=8),
       on=st.dates(date(2024, 1, 1), date(2028, 12, 31)))
def test_age_band_sql_agrees_with_age_on(database, births, on):
    Resident.delete().execute()
    expected = {band: set() for band in AGE_BANDS}
    for n, (day, year_only) in enumerate(births):
        birth = BirthDate(day.year) if year_only else BirthDate(day.year, day)
        resident = add(f"R{n}", f"Người {n}", birth=birth)
        age = age_on(birth, on)
        for band, (low, high) in AGE_BANDS.items():
            if age >= low and (high is None or age <= high):
                expected[band].add(resident.id)
    for band in AGE_BANDS:
        found = {r.id for r in Resident.select(Resident.id).where(age_condition(band, on))}
        assert found == expected[band], band


def test_insurance_filter_and_row_status(admin):
    centre_settings.put(admin, {"care.card_warning_days": 30})
    valid, expiring, expired, none, renewed = (add(f"DT000{i}", f"Người {i}") for i in range(1, 6))
    card(valid, date(2026, 1, 1), date(2026, 12, 31))
    card(expiring, date(2025, 7, 31), ON + timedelta(days=30))
    card(expired, date(2025, 1, 1), ON - timedelta(days=1))
    card(renewed, date(2025, 7, 31), ON + timedelta(days=10))  # about to end, but already renewed:
    card(renewed, ON + timedelta(days=11), date(2027, 6, 30))
    for status, wanted in {"valid": ["DT0001", "DT0005"], "expiring": ["DT0002"], "expired": ["DT0003"],
                           "none": ["DT0004"]}.items():
        assert codes(find(admin, insurance=status)) == wanted, status
    assert {r.code: r.insurance_status for r in find(admin).rows} == {
        "DT0001": "valid", "DT0002": "expiring", "DT0003": "expired", "DT0004": "none", "DT0005": "valid"}
    assert residents.insurance_status(expiring.id, ON) == "expiring"
    assert none.id  # used


# A card history: (start, end) offsets in days from the day looked at; some end before they start.
_cards = st.lists(st.tuples(st.integers(-400, 120), st.integers(0, 400)).map(lambda t: (t[0], t[0] + t[1] - 20)),
                  max_size=4)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=st.lists(_cards, min_size=1, max_size=6), warn_days=st.integers(0, 60),
       on=st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_insurance_sql_means_card_status(database, histories, warn_days, on):
    InsuranceCard.delete().execute()
    Resident.delete().execute()
    expected = {status: set() for status in ("valid", "expiring", "expired", "none")}
    for n, history in enumerate(histories):
        resident = add(f"R{n}", f"Người {n}")
        periods = [(on + timedelta(days=start), on + timedelta(days=end)) for start, end in history]
        for start, end in periods:
            card(resident, start, end)
        expected[card_status(periods, on, warn_days)].add(resident.id)
    for status, ids in expected.items():
        found = {r.id for r in Resident.select(Resident.id).where(insurance_condition(status, on, warn_days))}
        assert found == ids, status


_words = st.sampled_from(["an", "anh", "nguyen", "nguyet", "thi", "thu", "hong", "hoa", "h", "ba"])


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.lists(_words, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=6),
       typed=st.lists(_words.map(lambda w: w[:2]) | _words, min_size=1, max_size=3))
def test_name_search_sql_agrees_with_the_rule(database, names, typed):
    Resident.delete().execute()
    expected = set()
    for n, name in enumerate(names):
        resident = add(f"R{n}", name)
        if name_words_match(typed, search_key(name)):
            expected.add(resident.id)
    found = {r.id for r in Resident.select(Resident.id).where(name_words_condition(typed))}
    assert found == expected


# --- order and paging ---------------------------------------------------------------------------

def test_vietnamese_order(admin):
    add("V1", "Lê Thị Bình")
    add("V2", "Lê Thị Ánh")
    add("V3", "Nguyễn Văn Anh")
    add("V4", "Trần Văn An")  # given name first: An < Anh although Trần > Nguyễn
    add("V5", "Võ Thị Ăn")  # ă after a
    add("V6", "Lê Thị Anh", birth=BirthDate(1940))  # same name as a later one: the older first
    add("V7", "Lê Thị Anh", birth=BirthDate(1960, date(1960, 1, 5)))
    add("V8", "Đỗ Văn Dũng")
    add("V9", "Đinh Văn Đức")  # đ after d
    # Letters first (given name, middle, family), tones only between otherwise equal names, then birth.
    assert [r.full_name for r in find(admin).rows] == [
        "Trần Văn An", "Lê Thị Anh", "Lê Thị Anh", "Lê Thị Ánh", "Nguyễn Văn Anh", "Võ Thị Ăn", "Lê Thị Bình",
        "Đỗ Văn Dũng", "Đinh Văn Đức"]
    assert codes(find(admin, text="le thi anh")) == ["V6", "V7", "V2"]  # diacritics are not typed


def test_other_orders(admin):
    add("C3", "Lê Văn Ba", birth=BirthDate(1950, date(1950, 5, 1)), admitted=date(2021, 1, 1), room="B2")
    add("C1", "Lê Văn Ca", birth=BirthDate(1950), admitted=date(2023, 1, 1), room=None)
    add("C2", "Lê Văn Đa", birth=BirthDate(1940, date(1940, 12, 1)), admitted=date(2022, 1, 1), room="A1")
    assert codes(find(admin, order="code")) == ["C1", "C2", "C3"]
    assert codes(find(admin, order="admission")) == ["C1", "C2", "C3"]  # newest first
    assert codes(find(admin, order="age")) == ["C2", "C1", "C3"]  # oldest first; 1950 counts from 01/01
    assert codes(find(admin, order="room")) == ["C2", "C3", "C1"]  # no room last


def test_paging(admin):
    for n in range(1, 8):
        add(f"P{n}", f"Nguyễn Văn {chr(ord('A') + n)}")
    everything = codes(find(admin))
    assert len(everything) == 7
    pages = [residents.search(admin, residents.ResidentFilter(on=ON), offset=o, limit=3) for o in (0, 3, 6, 9)]
    assert [codes(p) for p in pages] == [everything[:3], everything[3:6], everything[6:], []]
    assert [(p.total, p.offset, p.limit) for p in pages] == [(7, 0, 3), (7, 3, 3), (7, 6, 3), (7, 9, 3)]
    narrowed = residents.search(admin, residents.ResidentFilter(text="nguyen van b", on=ON), limit=3)
    assert narrowed.total == 1 and codes(narrowed) == ["P1"]


def test_search_needs_permission(admin):
    with pytest.raises(PermissionDenied):
        residents.search(None)
    director = auth.create_user(admin, "hung", "mat-khau-3", "director")
    assert residents.search(director).total == 0
