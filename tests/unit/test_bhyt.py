import datetime as dt
from collections import namedtuple

import pytest

from caremgr.bhyt import (
    BENEFIT_LEVELS,
    GROUPS,
    STATUS_LABELS,
    DecodedCard,
    card_status,
    check_card_dates,
    check_card_number,
    check_facility_code,
    decode_card,
    group_description,
    group_level,
    level_description,
    status_label,
)
from caremgr.dates import BirthDate

ON = dt.date(2026, 3, 15)
Card = namedtuple("Card", "valid_from valid_to")

EXPECTED_LEVELS = {
    1: "CC TE",
    2: "CK CB KC HN DT DK XD BT TS",
    3: "HT TC CN",
    4: "DN HX CH NN TK HC XK TB NO CT XB TN CS XN MS HD TQ TA TY HG LS PV HS SV GB GD",
    5: "QN CA CY",
}


def test_group_table_matches_codes_md_before_the_2024_amendment():
    day = dt.date(2025, 6, 30)
    for level, codes in EXPECTED_LEVELS.items():
        for code in codes.split():
            assert group_level(code, day) == level, code
    assert len(GROUPS) == sum(len(codes.split()) for codes in EXPECTED_LEVELS.values())
    assert all(group_description(code) for code in GROUPS)
    assert group_description("BT") == "Người thuộc diện hưởng trợ cấp bảo trợ xã hội hằng tháng"
    assert group_description("TE") == "Trẻ em dưới 6 tuổi"
    assert group_description("ZZ") == ""
    assert group_level("ZZ") is None


def test_near_poor_moves_up_a_level_on_2025_07_01():
    assert group_level("CN", dt.date(2025, 6, 30)) == 3
    assert group_level("CN", dt.date(2025, 7, 1)) == 2
    assert group_level("CN", dt.date(2030, 1, 1)) == 2
    # Other level-3 groups stay.
    assert group_level("HT", dt.date(2025, 7, 1)) == 3
    _, before = check_card_number("CN3380123456789", on=dt.date(2025, 6, 30))
    assert before.problems == []
    _, after = check_card_number("CN3380123456789", on=dt.date(2025, 7, 1))
    assert [p.severity for p in after.problems] == ["warning"]
    _, after = check_card_number("CN2380123456789", on=dt.date(2025, 7, 1))
    assert after.problems == []
    _, before = check_card_number("CN2380123456789", on=dt.date(2025, 6, 30))
    assert len(before.warnings) == 1


def test_benefit_levels_described():
    assert set(BENEFIT_LEVELS) == {1, 2, 3, 4, 5}
    assert level_description(3) == "95% chi phí KCB"
    assert level_description(4) == "80% chi phí KCB"
    assert level_description(9) == ""


def test_decode_legacy_card():
    card = decode_card(" bt 2 79 7925012345 ")
    assert card == DecodedCard("BT2797925012345", "BT", 2, "79", "7925012345", True)


def test_decode_new_card():
    assert decode_card("7925012345") == DecodedCard("7925012345", None, None, None, "7925012345", False)
    assert decode_card("BT27979250123") is None
    assert decode_card("") is None


def test_valid_legacy_card_has_no_findings():
    card, findings = check_card_number("BT2797925012345", on=ON)
    assert card.group == "BT" and card.level == 2 and card.province_code == "79"
    assert findings.problems == []


def test_province_code_is_never_checked_against_todays_provinces():
    for province in ("01", "99", "00", "63"):
        card, findings = check_card_number(f"BT2{province}7925012345", on=ON)
        assert card is not None and findings.problems == []


def test_ten_digit_form_alone_is_a_card():
    card, findings = check_card_number("79 2501 2345", on=ON)
    assert card == DecodedCard("7925012345", None, None, None, "7925012345", False)
    assert findings.problems == []


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("1T2797925012345", "2 ký tự đầu (mã đối tượng)"),
        ("B12797925012345", "2 ký tự đầu (mã đối tượng)"),
        ("ĐT2797925012345", "2 ký tự đầu (mã đối tượng)"),
        ("BT0797925012345", "ký tự thứ 3 (mức hưởng)"),
        ("BT6797925012345", "ký tự thứ 3 (mức hưởng)"),
        ("BTX797925012345", "ký tự thứ 3 (mức hưởng)"),
        ("BT2A97925012345", "ký tự thứ 4–5 (mã tỉnh)"),
        ("BT27A7925012345", "ký tự thứ 4–5 (mã tỉnh)"),
        ("BT279792501234X", "10 ký tự cuối (mã số BHXH)"),
        ("BT279A925012345", "10 ký tự cuối (mã số BHXH)"),
    ],
)
def test_each_part_wrong_in_turn(text, part):
    card, findings = check_card_number(text, on=ON)
    assert card is None
    assert len(findings.errors) == 1
    assert part in findings.errors[0].message
    assert findings.errors[0].field == "bhyt"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("BT279792501234", "15 ký tự"),
        ("BT27979250123456", "15 ký tự"),
        ("792501234", "10 chữ số"),
        ("79250123456", "10 chữ số"),
    ],
)
def test_wrong_length(text, words):
    card, findings = check_card_number(text, on=ON)
    assert card is None
    assert words in findings.errors[0].message


def test_empty_card_is_not_a_finding():
    assert check_card_number("", on=ON)[1].problems == []
    assert check_card_number(None, on=ON) == (None, check_card_number("", on=ON)[1])


def test_unknown_group_is_a_warning():
    card, findings = check_card_number("ZZ4797925012345", on=ON, field="so_the")
    assert card.group == "ZZ"
    assert findings.errors == []
    assert [p.message for p in findings.warnings] == ["Số thẻ BHYT: mã đối tượng ZZ không có trong danh mục"]
    assert findings.warnings[0].field == "so_the"


def test_level_mismatch_is_a_warning():
    card, findings = check_card_number("BT4797925012345", on=ON)
    assert card.level == 4
    assert findings.errors == []
    assert [p.message for p in findings.warnings] == [
        "Số thẻ BHYT: mức hưởng 4 khác mức thường gặp của nhóm BT (2)"
    ]


def test_te_card_for_child_aged_six_or_more():
    start = dt.date(2026, 1, 1)
    five = BirthDate(2020, dt.date(2020, 1, 2))  # 5 on the start date, 6 the day after
    six = BirthDate(2020, dt.date(2020, 1, 1))
    assert check_card_number("TE1797925012345", on=start, birth=five)[1].problems == []
    _, findings = check_card_number("TE1797925012345", on=start, birth=six)
    assert findings.errors == []
    assert [p.message for p in findings.warnings] == [
        "Thẻ BHYT nhóm TE (trẻ em dưới 6 tuổi) nhưng đối tượng đã 6 tuổi vào ngày 01/01/2026"
    ]
    # Year-only births count from 01/01.
    assert check_card_number("TE1797925012345", on=start, birth=BirthDate(2020))[1].warnings
    assert not check_card_number("TE1797925012345", on=start, birth=BirthDate(2021))[1].warnings
    # No birth known: nothing to compare.
    assert check_card_number("TE1797925012345", on=start)[1].problems == []


def test_check_card_dates():
    assert check_card_dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).problems == []
    assert check_card_dates(dt.date(2026, 1, 1), dt.date(2026, 1, 1)).problems == []
    findings = check_card_dates(dt.date(2026, 1, 2), dt.date(2026, 1, 1), field="bhyt_to")
    assert [p.message for p in findings.errors] == ["Thẻ BHYT: ngày hết hạn 01/01/2026 trước ngày bắt đầu 02/01/2026"]
    assert findings.errors[0].field == "bhyt_to"
    assert check_card_dates(None, dt.date(2026, 1, 1)).problems == []


@pytest.mark.parametrize("code", ["38001", "79123", " 01001 ", "", None])
def test_facility_code_shape_ok(code):
    assert check_facility_code(code).problems == []


@pytest.mark.parametrize("code", ["3800", "380011", "38A01", "BV001"])
def test_facility_code_shape_wrong(code):
    findings = check_facility_code(code)
    assert len(findings.errors) == 1
    assert "5 chữ số" in findings.errors[0].message


# --- status -----------------------------------------------------------------------------------

def one_card(to, start=dt.date(2025, 1, 1)):
    return [Card(start, to)]


def test_status_boundaries():
    assert card_status(one_card(ON), ON) == "expiring"  # last day still valid
    assert card_status(one_card(ON - dt.timedelta(days=1)), ON) == "expired"  # the day after
    assert card_status(one_card(ON + dt.timedelta(days=30)), ON) == "expiring"
    assert card_status(one_card(ON + dt.timedelta(days=31)), ON) == "valid"
    assert card_status(one_card(ON + dt.timedelta(days=7)), ON, warn_days=7) == "expiring"
    assert card_status(one_card(ON + dt.timedelta(days=8)), ON, warn_days=7) == "valid"
    assert card_status(one_card(ON + dt.timedelta(days=59)), ON, warn_days=60) == "expiring"
    assert card_status(one_card(dt.date(2026, 12, 31), start=ON), ON) == "valid"  # first day


def test_status_none_and_future_cards():
    assert card_status([], ON) == "none"
    # Only a card that starts later: never covered yet, so "none" rather than "expired".
    assert card_status(one_card(dt.date(2026, 12, 31), start=ON + dt.timedelta(days=1)), ON) == "none"
    # An old card ended and the next one starts later: a gap in cover is "expired".
    cards = [Card(dt.date(2025, 1, 1), dt.date(2025, 12, 31)), Card(dt.date(2026, 4, 1), dt.date(2026, 12, 31))]
    assert card_status(cards, ON) == "expired"


def test_status_with_renewal_recorded():
    old = Card(dt.date(2025, 4, 1), ON + dt.timedelta(days=10))
    renewal = Card(ON + dt.timedelta(days=11), dt.date(2027, 3, 31))
    assert card_status([old], ON) == "expiring"
    assert card_status([old, renewal], ON) == "valid"
    # A gap of one day breaks the cover: the alert stays.
    late = Card(ON + dt.timedelta(days=12), dt.date(2027, 3, 31))
    assert card_status([old, late], ON) == "expiring"
    # Chained renewals that still end soon keep the alert.
    short = Card(ON + dt.timedelta(days=11), ON + dt.timedelta(days=20))
    assert card_status([old, short], ON) == "expiring"


def test_status_accepts_tuples_and_open_ends():
    assert card_status([(dt.date(2025, 1, 1), dt.date(2027, 1, 1))], ON) == "valid"
    assert card_status([(None, None)], ON) == "valid"
    assert card_status([(dt.date(2025, 1, 1), None)], ON) == "valid"


def test_status_labels():
    assert STATUS_LABELS == {
        "valid": "Còn hạn",
        "expiring": "Sắp hết hạn",
        "expired": "Hết hạn",
        "none": "Chưa có thẻ",
    }
    assert status_label("expired") == "Hết hạn"
