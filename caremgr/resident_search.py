"""Finding residents: the list screen's filters, order and paging, done by the database.

Everything that decides which residents are on a page (filters, order, OFFSET/LIMIT, the total)
is SQL, so a centre with 100,000 residents pages as fast as one with 100. Only the rows of the page
are turned into Python objects, and only their insurance cards are read to show a card status.

The insurance filter is SQL with the exact meaning of ``caremgr.bhyt.card_status`` (a property test
compares the two): a card is *current* on day d when valid_from ≤ d ≤ valid_to; cover from d is
the unbroken run of covered days through d, followed across renewals; the status is *expiring*
when that run ends within the warning days, which is the same as "some day of d … d+N+1 is not
covered by any card".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from peewee import SQL, NodeList, PostgresqlDatabase, Value, fn

from caremgr import settings, vocab
from caremgr.auth import Actor, require
from caremgr.bhyt import card_status
from caremgr.dates import BirthDate, age_on
from caremgr.errors import ValidationError
from caremgr.i18n import N_, _
from caremgr.residents_query import in_care_on, tracked_on
from caremgr.text import normalize, search_key
from db.connection import current_database
from db.models import InsuranceCard, Resident

# --- the filter -----------------------------------------------------------------------------

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-5": (0, 5),
    "6-15": (6, 15),
    "16-59": (16, 59),
    "60-79": (60, 79),
    "80+": (80, None),
}
AGE_BAND_LABELS: dict[str, str] = {
    "0-5": N_("Dưới 6 tuổi"),
    "6-15": N_("Từ 6 đến 15 tuổi"),
    "16-59": N_("Từ 16 đến 59 tuổi"),
    "60-79": N_("Từ 60 đến 79 tuổi"),
    "80+": N_("Từ 80 tuổi trở lên"),
}
STATUS_FILTERS = ("in_care", "discharged", "deceased")
INSURANCE_FILTERS = ("valid", "expiring", "expired", "none")
TRACKING_FILTERS = ("tracked", "untracked")  # residents_query.tracked_on on ``on``
DISABILITY_ANY, DISABILITY_NONE = "any", "none"
ORDERS = ("name", "code", "admission", "age", "room")
MAX_LIMIT = 1000
MAX_TEXT = 100  # longer text is cut: nobody types a longer name, and it keeps the SQL small


@dataclass(frozen=True)
class ResidentFilter:
    """What the list screen asks for; every field left at its default means "any"."""

    text: str = ""  # name words (prefixes, in order, no diacritics needed), code prefix, CCCD, card number
    category: str | None = None  # a vocab.CATEGORIES code
    status: str | None = None  # "in_care" | "discharged" | "deceased"
    sex: str | None = None  # "male" | "female"
    age_band: str | None = None  # an AGE_BANDS key; age on ``on``
    disability: str | None = None  # a vocab.DISABILITY_TYPES code, "any" or "none"
    insurance: str | None = None  # "valid" | "expiring" | "expired" | "none", as bhyt.card_status on ``on``
    tracking: str | None = None  # "tracked" | "untracked": a health check in the 365 days ending on ``on``
    on: date | None = None  # the day ages and card status refer to; default today


@dataclass(frozen=True)
class ResidentRow:
    """One line of the list."""

    id: int
    code: str
    full_name: str
    birth_display: str  # dd/mm/yyyy, or yyyy when only the year is known
    age: int
    sex: str  # code
    category: str  # code
    room: str
    status: str  # code
    insurance_status: str  # "valid" | "expiring" | "expired" | "none"
    admission_date: date
    discharge_date: date | None


@dataclass(frozen=True)
class Page:
    rows: list[ResidentRow]
    total: int  # all residents matching the filter
    offset: int
    limit: int


def age_band_label(band: str) -> str:
    return _(AGE_BAND_LABELS[band]) if band in AGE_BAND_LABELS else band


# --- SQL building blocks --------------------------------------------------------------------

def _is_postgres() -> bool:
    return isinstance(current_database(), PostgresqlDatabase)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_condition(column, prefix: str):
    """``column`` starts with ``prefix``, exactly (case-sensitive) on both backends.

    SQLite: a range on the column, which its (BINARY) index answers directly. PostgreSQL: LIKE,
    because a range would follow the server's collation, which may ignore spaces and punctuation.
    """
    if _is_postgres():
        return NodeList((column, SQL("LIKE"), Value(_escape_like(prefix) + "%")), parens=True)
    return (column >= prefix) & (column < prefix + "\U0010ffff")


def name_words_condition(words: list[str]):
    """Every word typed starts a word of ``search_name``, in the order typed.

    The first typed word starts either the name (``"w1* w2*"``) or a later word (``"* w1* w2*"``);
    each following `` w`` must begin a later word than the one before. SQLite spells it with GLOB
    (case-sensitive, like PostgreSQL's LIKE; search keys are lower case), on ``+search_name`` so
    the planner never tries the search_name index for a pattern that may start with a wildcard;
    words come from ``search_key`` and hold no wildcard characters of either syntax.
    """
    if _is_postgres():
        pattern = "% ".join(words) + "%"
        return (NodeList((Resident.search_name, SQL("LIKE"), Value(pattern)), parens=True)
                | NodeList((Resident.search_name, SQL("LIKE"), Value("% " + pattern)), parens=True))
    pattern = "* ".join(words) + "*"
    column = NodeList((SQL("+"), Resident.search_name), glue="")
    return (NodeList((column, SQL("GLOB"), Value(pattern)), parens=True)
            | NodeList((column, SQL("GLOB"), Value("* " + pattern)), parens=True))


def name_words_match(words: list[str], name_key: str) -> bool:
    """The same rule in Python (for tests and for rows already in memory)."""
    name_words = name_key.split()
    position = 0
    for word in words:
        while position < len(name_words) and not name_words[position].startswith(word):
            position += 1
        if position == len(name_words):
            return False
        position += 1
    return True


_CARD_PREFIX = re.compile(r"^[A-Z]{2}[1-5][0-9]{2}([0-9]{1,10})$")
_COMPACT = re.compile(r"[\s.\-]")


def text_condition(text: str):
    """The search box: name words, a code prefix, a CCCD prefix, a card number or social-insurance
    number prefix. None when nothing was typed.

    Text with a digit in it is never a name; then every part of the condition is answered by an
    index (code, CCCD, social-insurance number), so it costs a few index look-ups at any size.
    """
    raw = normalize(text)[:MAX_TEXT]
    if not raw:
        return None
    terms = []
    for variant in dict.fromkeys((raw, raw.upper(), raw.lower())):
        terms.append(prefix_condition(Resident.code, variant))
    compact = _COMPACT.sub("", raw).upper()
    if compact.isdigit() and len(compact) >= 4:
        terms.append(prefix_condition(Resident.cccd, compact))
        if len(compact) <= 10:
            cards = InsuranceCard.select(InsuranceCard.resident).where(
                prefix_condition(InsuranceCard.social_insurance_no, compact))
            terms.append(Resident.id.in_(cards))
    match = _CARD_PREFIX.match(compact)
    if match:
        cards = InsuranceCard.select(InsuranceCard.resident).where(
            prefix_condition(InsuranceCard.social_insurance_no, match[1])
            & prefix_condition(InsuranceCard.number, compact))
        terms.append(Resident.id.in_(cards))
    key = search_key(raw)
    if key and not any(ch.isdigit() for ch in key):
        terms.insert(0, name_words_condition(key.split()))
    condition = terms[0]
    for term in terms[1:]:
        condition = condition | term
    return condition


def _years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; 29/02 becomes 28/02 in a common year."""
    year = day.year - years
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def _basis_on_or_before(cutoff: date):
    """The birth's age basis (the date, or 01/01 of a year-only birth) is ≤ cutoff: never NULL, so
    that its negation is the complement."""
    return ((Resident.birth_date.is_null(False) & (Resident.birth_date <= cutoff))
            | (Resident.birth_date.is_null() & (Resident.birth_year <= cutoff.year)))


def age_condition(band: str, on: date):
    """Age on ``on`` (caremgr.dates.age_on) within the band: age ≥ k ⇔ basis ≤ the day k years before."""
    low, high = AGE_BANDS[band]
    condition = _basis_on_or_before(_years_before(on, low))
    if high is not None:
        condition = condition & ~_basis_on_or_before(_years_before(on, high + 1))
    return condition


def _next_day(column):
    if _is_postgres():
        return column + 1  # date + integer is a date
    return fn.date(column, "+1 day")


def _has_card(*conditions, alias: str):
    card = InsuranceCard.alias(alias)
    condition = card.resident == Resident.id
    for c in conditions:
        condition = condition & c(card)
    return fn.EXISTS(card.select(SQL("1")).where(condition))


def insurance_condition(status: str, on: date, warn_days: int):
    """Residents whose ``bhyt.card_status(cards, on, warn_days)`` is ``status``, as SQL."""
    if status not in INSURANCE_FILTERS:
        raise ValueError(status)
    current = _has_card(lambda c: c.valid_from <= on, lambda c: c.valid_to >= on, alias="ic_now")
    if status in ("expired", "none"):
        past = _has_card(lambda c: c.valid_to < on, alias="ic_past")
        return ~current & (past if status == "expired" else ~past)
    # A gap: a card ending in on … on+N whose next day no card covers (cards that end before
    # they start cover nothing, so they cannot end a run of cover).
    horizon = on + timedelta(days=warn_days)
    later = InsuranceCard.alias("ic_next")

    def uncovered_after(c):
        following = later.select(SQL("1")).where(
            (later.resident == Resident.id) & (later.valid_from <= _next_day(c.valid_to))
            & (later.valid_to > c.valid_to))
        return ~fn.EXISTS(following)

    gap = _has_card(lambda c: c.valid_from <= c.valid_to, lambda c: c.valid_to >= on,
                    lambda c: c.valid_to <= horizon, uncovered_after, alias="ic_end")
    return current & (gap if status == "expiring" else ~gap)


def warning_days(on: date) -> int:
    days = settings.get("care.card_warning_days", on)
    return 30 if days is None else int(days)


def _check_choice(value, allowed, field: str) -> None:
    if value is not None and value not in allowed:
        raise ValidationError(_("Bộ lọc {field}: giá trị không hợp lệ \"{value}\"").format(field=field, value=value),
                              field)


def filter_condition(flt: ResidentFilter, on: date, warn_days: int | None = None):
    """The WHERE clause of a filter (always excluding residents deleted by mistake)."""
    _check_choice(flt.category, vocab.codes(vocab.CATEGORIES), "category")
    _check_choice(flt.status, STATUS_FILTERS, "status")
    _check_choice(flt.sex, vocab.codes(vocab.SEXES), "sex")
    _check_choice(flt.age_band, AGE_BANDS, "age_band")
    _check_choice(flt.disability, [*vocab.codes(vocab.DISABILITY_TYPES), DISABILITY_ANY, DISABILITY_NONE],
                  "disability")
    _check_choice(flt.insurance, INSURANCE_FILTERS, "insurance")
    _check_choice(flt.tracking, TRACKING_FILTERS, "tracking")
    condition = Resident.deleted == False  # noqa: E712 - peewee needs the comparison
    text = text_condition(flt.text)
    if text is not None:
        condition = condition & text
    if flt.category:
        condition = condition & (Resident.category == flt.category)
    if flt.status:
        condition = condition & (Resident.status == flt.status)
    if flt.sex:
        condition = condition & (Resident.sex == flt.sex)
    if flt.age_band:
        condition = condition & age_condition(flt.age_band, on)
    if flt.disability == DISABILITY_ANY:
        condition = condition & Resident.disability_type.is_null(False)
    elif flt.disability == DISABILITY_NONE:
        condition = condition & Resident.disability_type.is_null()
    elif flt.disability:
        condition = condition & (Resident.disability_type == flt.disability)
    if flt.insurance:
        days = warning_days(on) if warn_days is None else warn_days
        condition = condition & insurance_condition(flt.insurance, on, days)
    if flt.tracking == "tracked":
        condition = condition & tracked_on(on)
    elif flt.tracking == "untracked":
        condition = condition & ~tracked_on(on)
    return condition


def ordering(order: str) -> list:
    if order == "name":  # codes are unique: equal names and births follow their codes
        return [Resident.sort_key, Resident.code]
    if order == "code":
        return [Resident.code]
    if order == "admission":
        return [Resident.admission_date.desc(), Resident.sort_key, Resident.code]
    if order == "age":  # oldest first: a year-only birth counts from 01/01, before dates of that year
        return [Resident.birth_year, Resident.birth_date.asc(nulls="first"), Resident.sort_key, Resident.code]
    if order == "room":
        return [Resident.room.asc(nulls="last"), Resident.sort_key, Resident.code]
    raise ValidationError(_("Thứ tự sắp xếp không hợp lệ: {order}").format(order=order), "order")


# --- rows ------------------------------------------------------------------------------------

ROW_COLUMNS = (
    Resident.id, Resident.code, Resident.full_name, Resident.birth_year, Resident.birth_date, Resident.sex,
    Resident.category, Resident.room, Resident.status, Resident.admission_date, Resident.discharge_date,
)


def insurance_statuses(resident_ids: list[int], on: date, warn_days: int | None = None) -> dict[int, str]:
    """``card_status`` of each resident on ``on``, reading only these residents' cards."""
    days = warning_days(on) if warn_days is None else warn_days
    cards: dict[int, list[tuple[date, date]]] = {rid: [] for rid in resident_ids}
    for start in range(0, len(resident_ids), 500):
        chunk = resident_ids[start:start + 500]
        query = (InsuranceCard.select(InsuranceCard.resident, InsuranceCard.valid_from, InsuranceCard.valid_to)
                 .where(InsuranceCard.resident.in_(chunk)).tuples())
        for resident_id, valid_from, valid_to in query:
            cards[resident_id].append((valid_from, valid_to))
    return {rid: card_status(periods, on, days) for rid, periods in cards.items()}


def make_rows(tuples: list[tuple], on: date, warn_days: int | None = None) -> list[ResidentRow]:
    """Rows from ``ROW_COLUMNS`` tuples, in the order given."""
    statuses = insurance_statuses([t[0] for t in tuples], on, warn_days)
    rows = []
    for (rid, code, full_name, birth_year, birth_date, sex, category, room, status, admitted,
         discharged) in tuples:
        birth = BirthDate(birth_year, birth_date)
        rows.append(ResidentRow(
            id=rid, code=code, full_name=full_name, birth_display=birth.display, age=age_on(birth, on),
            sex=sex, category=category, room=room or "", status=status, insurance_status=statuses[rid],
            admission_date=admitted, discharge_date=discharged,
        ))
    return rows


def search(actor: Actor, flt: ResidentFilter = ResidentFilter(), *, offset: int = 0, limit: int = 50,
           order: str = "name") -> Page:
    """One page of residents matching ``flt``, in ``order``, with the total count."""
    require(actor, "residents.view")
    on = flt.on or date.today()
    offset = max(0, int(offset))
    limit = max(1, min(int(limit), MAX_LIMIT))
    warn_days = warning_days(on)
    condition = filter_condition(flt, on, warn_days)
    query = (Resident.select(*ROW_COLUMNS).where(condition).order_by(*ordering(order))
             .offset(offset).limit(limit).tuples())
    tuples = list(query)
    if tuples and len(tuples) < limit:
        total = offset + len(tuples)  # the last page: no need to count
    elif not tuples and offset == 0:
        total = 0
    else:
        total = Resident.select(fn.COUNT(Resident.id)).where(condition).scalar() or 0
    return Page(rows=make_rows(tuples, on, warn_days), total=total, offset=offset, limit=limit)


def counts_by_status(actor: Actor, on: date | None = None) -> dict[str, int]:
    """How many residents are in care, discharged and deceased.

    Without ``on``: by their current status. With ``on``: as things stood that day (in care by
    the rule of caremgr.residents_query.in_care_on; discharged/deceased when the discharge date
    is on or before the day); residents admitted later are not counted.
    """
    require(actor, "residents.view")
    counts = dict.fromkeys(STATUS_FILTERS, 0)
    alive = Resident.deleted == False  # noqa: E712
    if on is None:
        query = Resident.select(Resident.status, fn.COUNT(Resident.id)).where(alive).group_by(Resident.status)
        for status, n in query.tuples():
            counts[status] = counts.get(status, 0) + n
        return counts
    counts["in_care"] = Resident.select().where(in_care_on(on)).count()
    left = alive & (Resident.admission_date <= on) & (Resident.discharge_date <= on)
    counts["deceased"] = Resident.select().where(left & (Resident.discharge_reason == "deceased")).count()
    counts["discharged"] = Resident.select().where(
        left & ((Resident.discharge_reason != "deceased") | Resident.discharge_reason.is_null())).count()
    return counts
