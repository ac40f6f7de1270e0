import datetime as dt

import pytest

from caremgr.dates import BirthDate, age_on, format_date, format_long_date, parse_birth, parse_date

TODAY = dt.date(2026, 3, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/01/2026", dt.date(2026, 1, 5)),
        ("5/1/2026", dt.date(2026, 1, 5)),
        ("05-01-2026", dt.date(2026, 1, 5)),
        ("05.01.2026", dt.date(2026, 1, 5)),
        ("2026-01-05", dt.date(2026, 1, 5)),
        (" 29/02/2024 ", dt.date(2024, 2, 29)),
        (dt.date(2026, 1, 5), dt.date(2026, 1, 5)),
        (dt.datetime(2026, 1, 5, 13, 45), dt.date(2026, 1, 5)),
    ],
)
def test_parse_date_accepts(text, expected):
    result = parse_date(text)
    assert result == expected
    assert type(result) is dt.date


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2026", "Ngày không hợp lệ: 31/02/2026"),
        ("29/02/2025", "Ngày không hợp lệ: 29/02/2025"),
        ("05/13/2026", "Ngày không hợp lệ: 05/13/2026"),
        ("2026-02-30", "Ngày không hợp lệ: 2026-02-30"),
        ("05/01/26", "Năm phải có đủ 4 chữ số: 05/01/26"),
        ("05/01/02026", "Năm phải có đủ 4 chữ số"),
        ("05/01-2026", "dd/mm/yyyy"),
        ("hôm qua", "dd/mm/yyyy"),
        ("2026/01/05", "dd/mm/yyyy"),
        ("", "Chưa nhập ngày"),
        (None, "Chưa nhập ngày"),
    ],
)
def test_parse_date_rejects_with_vietnamese_message(text, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        parse_date(text)


def test_format_date():
    assert format_date(dt.date(1948, 1, 5)) == "05/01/1948"
    assert format_date(None) == ""
    assert format_date(BirthDate(1948)) == "1948"
    assert parse_date(format_date(dt.date(2026, 12, 31))) == dt.date(2026, 12, 31)


def test_format_long_date():
    assert format_long_date(dt.date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert format_long_date(dt.date(2026, 2, 28)) == "ngày 28 tháng 02 năm 2026"
    assert format_long_date(dt.date(2026, 3, 15)) == "ngày 15 tháng 3 năm 2026"
    assert format_long_date(dt.date(2026, 12, 9)) == "ngày 09 tháng 12 năm 2026"
    assert format_long_date(dt.date(2026, 1, 5), "Thanh Hóa") == "Thanh Hóa, ngày 05 tháng 01 năm 2026"


def test_birth_date_full_and_year_only():
    full = BirthDate(1948, dt.date(1948, 1, 5))
    assert full.display == "05/01/1948"
    assert full.basis == dt.date(1948, 1, 5)
    assert not full.year_only
    year = BirthDate(1948)
    assert year.display == "1948"
    assert year.basis == dt.date(1948, 1, 1)
    assert year.year_only
    with pytest.raises(ValueError):
        BirthDate(1949, dt.date(1948, 1, 5))


def test_ages():
    full = BirthDate(1948, dt.date(1948, 6, 10))
    assert age_on(full, dt.date(2026, 6, 9)) == 77
    assert age_on(full, dt.date(2026, 6, 10)) == 78
    assert full.age_on(dt.date(2026, 6, 10)) == 78
    # Year only: counted from 01/01 of the year.
    year = BirthDate(1948)
    assert age_on(year, dt.date(2025, 12, 31)) == 77
    assert age_on(year, dt.date(2026, 1, 1)) == 78
    assert age_on(dt.date(2020, 5, 1), dt.date(2026, 4, 30)) == 5
    assert age_on(full, dt.datetime(2026, 6, 10, 8, 0)) == 78


def test_leap_day_birth():
    leap = BirthDate(2000, dt.date(2000, 2, 29))
    assert age_on(leap, dt.date(2001, 2, 28)) == 0
    assert age_on(leap, dt.date(2001, 3, 1)) == 1
    assert age_on(leap, dt.date(2004, 2, 28)) == 3
    assert age_on(leap, dt.date(2004, 2, 29)) == 4
    assert age_on(leap, dt.date(2006, 2, 28)) == 5
    assert age_on(leap, dt.date(2006, 3, 1)) == 6


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/01/1948", BirthDate(1948, dt.date(1948, 1, 5))),
        ("1948-01-05", BirthDate(1948, dt.date(1948, 1, 5))),
        ("1948", BirthDate(1948)),
        (" 1948 ", BirthDate(1948)),
        (1948, BirthDate(1948)),
        (1948.0, BirthDate(1948)),
        (dt.date(1948, 1, 5), BirthDate(1948, dt.date(1948, 1, 5))),
        (dt.datetime(1948, 1, 5), BirthDate(1948, dt.date(1948, 1, 5))),
        (BirthDate(1950), BirthDate(1950)),
        ("1880", BirthDate(1880)),
        ("15/03/2026", BirthDate(2026, TODAY)),
    ],
)
def test_parse_birth_accepts(value, expected):
    assert parse_birth(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1879", "trước năm 1880"),
        (1700, "trước năm 1880"),
        ("01/01/1850", "trước năm 1880"),
        ("2027", "ở tương lai"),
        ("16/03/2026", "16/03/2026 ở tương lai"),
        ("48", "dd/mm/yyyy hoặc yyyy"),
        (1948.5, "dd/mm/yyyy hoặc yyyy"),
        (17536, "dd/mm/yyyy hoặc yyyy"),  # an Excel serial number is not a year
        ("31/02/1948", "Ngày không hợp lệ"),
        ("05/01/48", "4 chữ số"),
        ("", "Chưa nhập ngày sinh"),
        (None, "Chưa nhập ngày sinh"),
        (True, "dd/mm/yyyy hoặc yyyy"),
    ],
)
def test_parse_birth_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        parse_birth(value, today=TODAY)


def test_parse_birth_default_today():
    assert parse_birth("1948") == BirthDate(1948)
    with pytest.raises(ValueError):
        parse_birth(str(dt.date.today().year + 1))
