"""Shared hypothesis strategies and checks for the fuzz tests (bad input never crashes the app).

Every validator and parser is fed random and hostile values: control characters, right-to-left and
combining marks, 20,000-character strings, formula-like text, and values of the wrong type (None,
numbers, NaN, infinity, dates, bytes, lists, dicts, booleans). A validator may return normally or
refuse with a ``CaremgrError`` whose messages are non-empty Vietnamese text; nothing else may escape.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from caremgr.errors import CaremgrError, Findings, Problem, ValidationError

FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)", "=1+1", "+SUM(1)", "-1+1", "@x", "=HYPERLINK(\"x\")"]
CONTROL = "".join(chr(c) for c in range(0x20)) + "\x7f"
HUGE = "x" * 20_000
HUGE_VI = "Nguyễn Thị Hồng " * 1_300  # ~20,800 characters of real Vietnamese
RTL_COMBINING = "\u202e\u200f\u0301\u0300\u0323\ufeff\u200b" + "مرحبا" + "שלום"
HOSTILE_TEXTS = FORMULAS + [
    CONTROL, "\x00", "\x00DT01", "\r\n", "\t=1", HUGE, HUGE_VI, RTL_COMBINING, "a\u0301\u0301\u0301",
    "   ", "", "NaN", "inf", "-inf", "1e400", "-1e400", "9" * 400, "0" * 30, "١٢٣", "１２３",
    "31/02/2020", "00/00/0000", "99/99/99999", "01/01/0001", "01/01/9999", "2026-13-45",
    "'=1", "None", "null", "True", "[]", "{}", "%s%d{0}{x}", "\\", "\"", "'; DROP TABLE residents; --",
]
WRONG_TYPES = [
    None, 0, -1, 1, 10**30, -(10**30), 10**400, 1.5, -0.0, float("nan"), float("inf"), float("-inf"), 1e308,
    dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2020, 2, 29), dt.datetime(2020, 1, 2, 3, 4, 5),
    dt.datetime(9999, 12, 31, 23, 59), b"", b"\x00\xff", b"abc", [], [1, "a"], {}, {"a": 1}, True, False,
    dt.time(12, 0), dt.timedelta(days=1), (1, 2), {1, 2}, object(),
]
HOSTILE_VALUES = HOSTILE_TEXTS + WRONG_TYPES
# The values the issue names, one of each kind (for the slower, database-backed checks).
ISSUE_VALUES = FORMULAS[:4] + [CONTROL, RTL_COMBINING, HUGE, HUGE_VI, "9" * 10_001, None, 7, -1, 1.5, float("nan"),
                               float("inf"), 10**400, dt.date(2020, 2, 29), dt.datetime(2020, 1, 2, 3, 4), b"\x00\xff",
                               [1, "a"], {"a": 1}, True, False]

VIETNAMESE_LETTERS = set(
    "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    "ĂÂĐÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
)

FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                  HealthCheck.data_too_large, HealthCheck.filter_too_much])


def fuzz_settings(max_examples: int):
    return settings(max_examples=max_examples, **FUZZ)


# --- strategies ------------------------------------------------------------------------------------

unicode_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
control_text = st.text(alphabet=st.sampled_from(CONTROL + "aĐ0/ "), max_size=20)
marks_text = st.text(alphabet=st.sampled_from(RTL_COMBINING + "aeĐ09/,."), max_size=20)
huge_text = st.builds(lambda n, ch: ch * n, st.integers(10_001, 20_000), st.sampled_from("xĐ9 =\u0301"))
date_text = st.dates(min_value=dt.date(1, 1, 1)).map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}")
plausible_date_text = st.dates(min_value=dt.date(1880, 1, 1), max_value=dt.date(2030, 12, 31)).map(
    lambda d: f"{d.day}/{d.month}/{d.year}")
number_text = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: repr(f).replace(".", ",")),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
)
wrong_type = st.one_of(
    st.sampled_from(WRONG_TYPES),
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(), st.binary(max_size=16),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXTS), unicode_text, control_text, marks_text, huge_text, date_text,
    plausible_date_text, number_text,
)
any_value = st.one_of(hostile_text, wrong_type)


def mappings(keys, extra_keys: bool = True, **plausible):
    """Dicts over ``keys`` (each present or not) with hostile values; ``plausible`` gives, per key, a
    strategy of sensible values mixed in so that the cross-field checks also run."""
    optional = {}
    for key in keys:
        value = any_value
        if key in plausible:
            value = st.one_of(plausible[key], plausible[key], any_value)
        optional[key] = value
    base = st.fixed_dictionaries({}, optional=optional)
    if not extra_keys:
        return base
    return st.builds(lambda d, extra: {**extra, **d}, base,
                     st.dictionaries(st.sampled_from(["", "x", "__class__", "\x00", "id", "version"]), any_value,
                                     max_size=2))


# --- checks ----------------------------------------------------------------------------------------

def is_vietnamese(text: str) -> bool:
    return any(ch in VIETNAMESE_LETTERS for ch in text)


def check_problems(problems: list[Problem], labels: dict[str, str] | None = None, *, where: str = "") -> None:
    """Every problem has a non-empty Vietnamese message and names its field (``Problem.field``, ""
    only for a problem about the whole record); with ``labels`` (field -> label), the message names
    that field's label."""
    for problem in problems:
        assert isinstance(problem.message, str) and problem.message.strip(), (where, problem)
        assert is_vietnamese(problem.message), (where, problem.message[:300])
        if not problem.is_error:
            continue
        # A field is named, or "" for a problem about the record as a whole ("at least one measure").
        assert isinstance(problem.field, str), (where, problem)
        if labels is not None and problem.field in labels:
            label = labels[problem.field].casefold()
            assert label in problem.message.casefold(), (where, problem.field, label, problem.message[:300])


def check_error(exc: CaremgrError, labels: dict[str, str] | None = None, *, where: str = "") -> None:
    message = str(exc)
    assert message.strip(), (where, repr(exc))
    assert is_vietnamese(message), (where, message[:300])
    if isinstance(exc, ValidationError):
        assert exc.problems, where
        check_problems(exc.problems, labels, where=where)


def check_validator(call, labels: dict[str, str] | None = None, *, where: str = ""):
    """Runs ``call()``: it returns (clean, Findings) or similar, or raises CaremgrError. Returns the
    result (None after a refusal)."""
    try:
        result = call()
    except CaremgrError as exc:
        check_error(exc, labels, where=where)
        return None
    findings = None
    if isinstance(result, Findings):
        findings = result
    elif isinstance(result, tuple) and result and isinstance(result[-1], Findings):
        findings = result[-1]
    elif isinstance(result, list) and all(isinstance(p, Problem) for p in result):
        findings = Findings(result)
    if findings is not None:
        check_problems(findings.problems, labels, where=where)
    return result


def check_parser(call, *, where: str = ""):
    """A low-level parser whose documented refusal is ``ValueError`` with a Vietnamese message (its
    callers turn that message into a Problem naming the field): returns or raises exactly that."""
    try:
        return call()
    except CaremgrError as exc:
        check_error(exc, where=where)
    except ValueError as exc:
        assert type(exc) is ValueError, (where, repr(exc))  # not UnicodeError & co. from deep inside
        message = str(exc)
        assert message.strip() and is_vietnamese(message), (where, message[:300])
    return None


def finite(value) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


# --- the validators and parsers ----------------------------------------------------------------------
# (the validators that look at the database — resident and staff profiles, rehabilitation — and the
# service functions that write are fuzzed in tests/db/test_fuzz_services.py)

from hypothesis import example, given  # noqa: E402

from caremgr import (  # noqa: E402
    auth,
    barthel,
    bhyt,
    cccd,
    consent,
    dates,
    facility,
    health,
    icd10,
    import_common,
    insurance,
    periods,
    phones,
    resident_forms,
    returns,
    sheets,
    training,
    vocab,
)
from caremgr import settings as app_settings  # noqa: E402

TODAY = dt.date(2026, 6, 15)


def hostile_examples(fn=None, *, name="value", **others):
    """@example for every hostile value listed in the issue, as the argument ``name`` (``others``
    fixed)."""
    def wrap(fn):
        for value in HOSTILE_VALUES:
            fn = example(**{name: value}, **others)(fn)
        return fn
    return wrap(fn) if fn is not None else wrap


def hostile_mapping_examples(keys, **others):
    """@example: each hostile value under every key at once (``data``)."""
    def wrap(fn):
        for value in HOSTILE_VALUES:
            fn = example(data={key: value for key in keys}, **others)(fn)
        return fn
    return wrap


# --- parsers whose refusal is ValueError with a Vietnamese message (callers name the field) --------

@given(value=any_value)
@hostile_examples
@fuzz_settings(150)
def test_parse_date(value):
    result = check_parser(lambda: dates.parse_date(value), where="parse_date")
    assert result is None or isinstance(result, dt.date)


@given(value=any_value, today=st.dates(min_value=dt.date(1900, 1, 1)))
@hostile_examples(today=TODAY)
@example(value="1948", today=TODAY)
@fuzz_settings(150)
def test_parse_birth(value, today):
    result = check_parser(lambda: dates.parse_birth(value, today), where="parse_birth")
    assert result is None or 1880 <= result.year <= today.year


@given(value=any_value)
@hostile_examples
@fuzz_settings(100)
def test_parse_period(value):
    result = check_parser(lambda: periods.parse_period(value), where="parse_period")
    assert result is None or result.start <= result.end


@given(value=any_value)
@hostile_examples
@fuzz_settings(100)
def test_icd10_normalise_and_lookups(value):
    result = check_parser(lambda: icd10.normalise(value), where="icd10.normalise")
    assert result is None or icd10.is_valid(result)
    assert isinstance(icd10.is_valid(value), bool)
    check_parser(lambda: icd10.title(value), where="icd10.title")
    icd10.is_mental(value), icd10.is_chronic_hint(value), icd10.is_ncd_hint(value)
    if isinstance(value, str):
        assert isinstance(icd10.search(value[:200]), list)


@given(value=any_value)
@hostile_examples
@fuzz_settings(100)
def test_training_parse_hours_and_completed(value):
    # Documented "ValueError when not a number / not Có-Không": the course and attendee validators turn
    # it into "Số giờ: phải là một số." (checked in test_validate_course).
    for parse in (training.parse_hours, training.parse_completed):
        try:
            result = parse(value)
        except ValueError as exc:
            assert type(exc) is ValueError, repr(exc)
        else:
            assert result is None or isinstance(result, bool | float)
            if parse is training.parse_hours and result is not None:
                assert math.isfinite(result)


# --- single-value checkers returning Findings ---------------------------------------------------

@given(value=any_value, birth=st.one_of(st.none(), st.integers(-10**6, 10**6), st.dates()),
       sex=st.one_of(st.none(), st.sampled_from(["Nam", "Nữ", "female", "x"]), unicode_text))
@hostile_examples(birth=1948, sex="Nữ")
@hostile_examples(birth=None, sex=None)
@fuzz_settings(150)
def test_check_cccd(value, birth, sex):
    result = check_validator(lambda: cccd.check_cccd(value, birth_year=birth, sex=sex),
                             {"cccd": "Số CCCD"}, where="check_cccd")
    digits, findings = result
    assert isinstance(digits, str)
    if not findings.errors and digits:
        assert digits.isdigit() and len(digits) in (9, 12)


@given(value=any_value)
@hostile_examples
@example(value="0912 345 678")
@fuzz_settings(150)
def test_check_phone(value):
    number, findings = check_validator(lambda: phones.check_phone(value), {"phone": "Số điện thoại"},
                                       where="check_phone")
    assert isinstance(number, str)
    if number and not findings.errors:
        assert number.lstrip("+").isdigit() and 10 <= len(number) <= 12


@given(value=any_value, on=st.one_of(st.none(), st.dates()), birth=st.one_of(st.none(), st.integers(1880, 2026)))
@hostile_examples(on=None, birth=None)
@hostile_examples(on=TODAY, birth=2024)
@fuzz_settings(150)
def test_bhyt_card_number(value, on, birth):
    birth_date = dates.BirthDate(birth) if birth else None
    card, findings = check_validator(lambda: bhyt.check_card_number(value, on=on, birth=birth_date),
                                     {"bhyt": "thẻ BHYT"}, where="check_card_number")
    assert (card is None) or not findings.errors
    decoded = bhyt.decode_card(value)
    assert decoded is None or decoded.social_insurance_no.isdigit()
    check_validator(lambda: bhyt.check_facility_code(value), {"kcb_code": "nơi đăng ký KCB"},
                    where="check_facility_code")


@given(start=st.one_of(st.none(), st.dates()), end=st.one_of(st.none(), st.dates()))
@fuzz_settings(50)
def test_bhyt_card_dates(start, end):
    findings = check_validator(lambda: bhyt.check_card_dates(start, end), {"bhyt_valid_to": "Thẻ BHYT"},
                               where="check_card_dates")
    assert bool(findings.errors) == (start is not None and end is not None and start > end)


@given(password=any_value, username=st.one_of(st.none(), unicode_text, st.sampled_from(HOSTILE_TEXTS)))
@hostile_examples(name="password", username=None)
@hostile_examples(name="password", username="admin")
@example(password="mat-khau-1", username="mat-khau-1")
@fuzz_settings(100)
def test_password_rules(password, username):
    check_validator(lambda: auth.check_password_rules(password, username=username), {"password": "Mật khẩu"},
                    where="check_password_rules")


@given(data=mappings([item.key for item in barthel.ITEMS],
                     **{item.key: st.sampled_from(item.scores).map(str) for item in barthel.ITEMS}))
@hostile_mapping_examples([item.key for item in barthel.ITEMS])
@example(data=None)
@fuzz_settings(150)
def test_barthel_items(data):
    labels = {item.key: barthel._(item.label) for item in barthel.ITEMS}
    clean, findings = check_validator(lambda: barthel.validate_items(data), labels, where="barthel")
    for key, score in clean.items():
        assert score in barthel.BY_KEY[key].scores


# --- form validators (a Mapping of strings as typed, or of cells as read from a file) --------------

def _labels(module, keys) -> dict[str, str]:
    label = getattr(module, "field_label", None) or module._label
    return {key: label(key) for key in keys}


CHECK_KEYS = ["check_date", "pulse", "blood_pressure", "systolic", "diastolic", "temperature", "weight_kg",
              "height_cm", "spo2", "glucose", "examiner", "findings"]
CONDITION_KEYS = ["icd10", "title", "onset_date", "status", "resolved_date", "chronic", "ncd", "notes"]
REFERRAL_KEYS = ["referral_date", "facility", "reason", "result", "return_date"]
DATE_KEYS = {"check_date", "onset_date", "resolved_date", "referral_date", "return_date", "given_on", "met_on",
             "start_date", "end_date", "valid_from", "valid_to", "birth", "birth_date", "admission_date",
             "leave_date", "licence_expiry"}


def _plausible(keys):
    return {key: plausible_date_text for key in keys if key in DATE_KEYS}


def _health_labels(keys):
    labels = {}
    for key in keys:
        if key in health.LABELS:
            labels[key] = health._label(key)
        elif key in ("systolic", "diastolic"):
            labels[key] = "Huyết áp"  # "Huyết áp: cần nhập cả huyết áp tâm thu và tâm trương."
        elif key in health.BY_KEY:
            labels[key] = health._(health.BY_KEY[key].label)
    return labels


@given(data=mappings(CHECK_KEYS, **_plausible(CHECK_KEYS), pulse=number_text, temperature=number_text,
                     blood_pressure=st.sampled_from(["120/80", "80/120", "300/10", "1/1", "120 / 80 mmHg"])))
@hostile_mapping_examples(CHECK_KEYS)
@fuzz_settings(150)
def test_validate_check(data):
    result = check_validator(lambda: health.validate_check(data, today=TODAY), _health_labels(CHECK_KEYS),
                             where="validate_check")
    clean, findings = result
    if not findings.errors:
        assert clean["check_date"] <= TODAY
        assert all(finite(clean[k]) for k in ("pulse", "temperature", "weight_kg", "height_cm", "spo2", "glucose"))


@given(data=mappings(CONDITION_KEYS, **_plausible(CONDITION_KEYS),
                     icd10=st.sampled_from(["I10", "e119", "F20.0", "Z99.99", "U07.1"]),
                     status=st.sampled_from(["active", "resolved", "Đang điều trị"])))
@hostile_mapping_examples(CONDITION_KEYS)
@fuzz_settings(150)
def test_validate_condition(data):
    clean, findings = check_validator(lambda: health.validate_condition(data, today=TODAY),
                                      _health_labels(CONDITION_KEYS), where="validate_condition")
    if not findings.errors:
        assert icd10.is_valid(clean["icd10"])


@given(data=mappings(REFERRAL_KEYS, **_plausible(REFERRAL_KEYS)))
@hostile_mapping_examples(REFERRAL_KEYS)
@fuzz_settings(120)
def test_validate_referral(data):
    clean, findings = check_validator(lambda: health.validate_referral(data, today=TODAY),
                                      _health_labels(REFERRAL_KEYS), where="validate_referral")
    if not findings.errors:
        assert clean["referral_date"] <= TODAY and clean["facility"]


CARD_DATA_KEYS = list(insurance.CARD_KEYS)


@given(data=mappings(CARD_DATA_KEYS, **_plausible(CARD_DATA_KEYS),
                     number=st.sampled_from(["BT2790123456789", "0123456789", "CC1380123456789", "TE1"]),
                     facility=st.sampled_from(["38001 - Bệnh viện tỉnh", "38001", "Trạm y tế"])),
       birth=st.one_of(st.none(), st.dates(min_value=dt.date(1880, 1, 1), max_value=TODAY)),
       category=st.one_of(st.none(), st.sampled_from([code for code, _l in vocab.CATEGORIES]), unicode_text))
@hostile_mapping_examples(CARD_DATA_KEYS, birth=None, category=None)
@hostile_mapping_examples(CARD_DATA_KEYS, birth=dt.date(1948, 3, 5), category="NCC")
@fuzz_settings(150)
def test_validate_card(data, birth, category):
    # "BHYT đến ngày: ..." or "Thẻ BHYT: ngày hết hạn ... trước ngày bắt đầu ..." both name the field
    labels = {"number": "số thẻ", "valid_from": "BHYT", "valid_to": "BHYT", "facility": "KCB"}
    clean, findings = check_validator(
        lambda: insurance.validate_card(data, birth=birth, today=TODAY, category=category), labels,
        where="validate_card")
    if clean and not findings.errors:
        assert clean["valid_from"] <= clean["valid_to"]


FACILITY_KEYS = list(facility.FIELD_LABELS)


@given(data=mappings(FACILITY_KEYS, **_plausible(FACILITY_KEYS), met=st.sampled_from(["Có", "x", "Không", "✓"])),
       date_required=st.booleans())
@hostile_mapping_examples(FACILITY_KEYS, date_required=True)
@hostile_mapping_examples(FACILITY_KEYS, date_required=False)
@fuzz_settings(120)
def test_validate_facility_item(data, date_required):
    clean, findings = check_validator(
        lambda: facility.validate_item(data, today=TODAY, date_required=date_required),
        _labels(facility, FACILITY_KEYS), where="facility.validate_item")
    if not findings.errors:
        assert clean["title"] and (clean["met_on"] is None or clean["met_on"] <= TODAY)


CONSENT_KEYS = ["given_on", "given_by", "relation", "scope", "document", "note"]


@given(data=mappings(CONSENT_KEYS, **_plausible(CONSENT_KEYS), relation=st.sampled_from(list(consent.RELATIONS))))
@hostile_mapping_examples(CONSENT_KEYS)
@fuzz_settings(120)
def test_validate_consent(data):
    clean, findings = check_validator(lambda: consent.validate(data, today=TODAY), _labels(consent, CONSENT_KEYS),
                                      where="consent.validate")
    if not findings.errors:
        assert clean["given_on"] <= TODAY and clean["relation"] in consent.RELATIONS


COURSE_KEYS = list(training.COURSE_KEYS)


@given(data=mappings(COURSE_KEYS, **_plausible(COURSE_KEYS), hours=number_text,
                     field=st.sampled_from([code for code, _l in vocab.TRAINING_FIELDS] + ["Chăm sóc"])))
@hostile_mapping_examples(COURSE_KEYS)
@fuzz_settings(150)
def test_validate_course(data):
    clean, findings = check_validator(lambda: training.validate_course(data, today=TODAY),
                                      _labels(training, COURSE_KEYS), where="validate_course")
    if not findings.errors:
        assert clean["start_date"] <= clean["end_date"]
        assert clean["hours"] is None or 0 < clean["hours"] <= training.MAX_HOURS


@given(data=mappings(list(resident_forms.CONTACT_KEYS) + ["id"], phone=st.sampled_from(["0912345678", "+84912345678"])),
       index=st.integers(0, 50))
@hostile_mapping_examples(list(resident_forms.CONTACT_KEYS) + ["id"], index=0)
@fuzz_settings(120)
def test_validate_contact(data, index):
    try:
        clean, findings = resident_forms.validate_contact(data, index)
    except CaremgrError as exc:
        check_error(exc, where="validate_contact")
        return
    check_problems(findings.problems, where="validate_contact")
    for problem in findings.errors:
        assert problem.field.startswith(f"contacts[{index}].")
        assert f"Người liên hệ {index + 1}" in problem.message


@given(key=st.sampled_from([d.key for d in app_settings.DEFINITIONS]), value=any_value)
@example(key="centre.capacity", value=float("nan"))
@example(key="centre.capacity", value="inf")
@example(key="centre.capacity", value="1e400")
@example(key="target.tracking_pct", value="nan")
@example(key="centre.deputies", value=5)
@example(key="centre.name", value=HUGE)
@fuzz_settings(250)
def test_settings_coerce(key, value):
    definition = app_settings.definition(key)
    labels = {key: app_settings._(definition.label)}
    try:
        result = app_settings.coerce(key, value)
    except CaremgrError as exc:
        check_error(exc, labels, where=f"settings.coerce({key})")
        return
    if definition.kind in ("int", "percent") and result is not None:
        assert finite(result) and result >= 0
    if definition.kind == "bool":
        assert isinstance(result, bool)


@pytest.mark.parametrize("key", [d.key for d in app_settings.DEFINITIONS])
def test_settings_coerce_every_hostile_value(key):
    definition = app_settings.definition(key)
    for value in HOSTILE_VALUES:
        try:
            app_settings.coerce(key, value)
        except CaremgrError as exc:
            check_error(exc, {key: app_settings._(definition.label)}, where=f"settings.coerce({key}, {value!r:.40})")


@given(data=st.one_of(any_value, st.dictionaries(unicode_text, any_value, max_size=4),
                      st.recursive(st.one_of(st.none(), st.integers(), unicode_text, st.floats()),
                                   lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                       st.text(max_size=5), inner, max_size=3), max_leaves=10)))
@hostile_examples(name="data")
@fuzz_settings(60)
def test_returns_validate(data):
    try:
        returns.validate(data)
    except CaremgrError as exc:
        check_error(exc, where="returns.validate")


# --- the cell helpers the importers use ----------------------------------------------------------

@given(value=any_value)
@hostile_examples
@fuzz_settings(150)
def test_cell_helpers(value):
    cleaned = sheets.clean_cell(value)
    assert cleaned is None or not isinstance(cleaned, float) or math.isfinite(cleaned)
    for from_csv in (False, True):
        sheets.clean_cell(value, from_csv=from_csv)
    assert isinstance(sheets.clean_header(value), str)
    assert isinstance(sheets.header_key(value), str)
    assert isinstance(import_common.cell_text(value), str)
    import_common.cell_date(value)
    assert import_common.yes_no(value) in (True, False, None)
    import_common.cell_choice(value, vocab.SEXES)
    neutral = sheets.neutralise(value)
    if isinstance(value, str) and value.startswith(sheets.FORMULA_STARTS):
        assert neutral == "'" + value


@given(name=st.one_of(unicode_text, st.sampled_from(HOSTILE_TEXTS)),
       suffix=st.sampled_from([".xlsx", ".csv", ".XLSX", ".xls", ".txt", "", ".xlsx.exe", ". "]))
@fuzz_settings(60)
def test_check_suffix(name, suffix):
    name = name.replace("/", "_").replace("\x00", "_")
    check_validator(lambda: import_common.check_suffix(name + suffix), {"path": "đuôi"}, where="check_suffix")
