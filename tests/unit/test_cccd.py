import datetime as dt

import pytest

from caremgr.cccd import LEGACY_PROVINCE_CODES, cccd_for, check_cccd, clean_cccd
from caremgr.dates import BirthDate

# Century for each G digit pair: 0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 2300s.
CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 2300, 9: 2300}


def number(g: int, yy: str, province: str = "038", serial: str = "001234") -> str:
    return f"{province}{g}{yy}{serial}"


def messages(findings, severity=None):
    return [p.message for p in findings.problems if severity is None or p.severity == severity]


def test_province_list():
    assert len(LEGACY_PROVINCE_CODES) == 63
    assert LEGACY_PROVINCE_CODES["001"] == "Hà Nội"
    assert LEGACY_PROVINCE_CODES["038"] == "Thanh Hóa"
    assert LEGACY_PROVINCE_CODES["079"] == "Hồ Chí Minh"
    assert LEGACY_PROVINCE_CODES["096"] == "Cà Mau"
    assert all(len(code) == 3 and "001" <= code <= "096" for code in LEGACY_PROVINCE_CODES)
    assert "003" not in LEGACY_PROVINCE_CODES


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("038148001234", ("038148001234", False)),
        (" 038 148 001 234 ", ("038148001234", False)),
        ("038.148.001.234", ("038148001234", False)),
        ("038-148-001234", ("038148001234", False)),
        ("38148001234", ("38148001234", False)),  # text is not padded
        (38148001234, ("038148001234", True)),
        (38148001234.0, ("038148001234", True)),
        (1148001234, ("001148001234", True)),  # 10 digits: province 001 lost two zeros
        (123456789012, ("123456789012", False)),
        (None, ("", False)),
        ("", ("", False)),
    ],
)
def test_clean_cccd(value, expected):
    assert clean_cccd(value) == expected


@pytest.mark.parametrize("g", range(10))
def test_every_century_sex_digit_matches(g):
    century = CENTURY[g]
    sex = "Nữ" if g % 2 else "Nam"
    year = century + 48
    digits, findings = check_cccd(number(g, "48"), birth_year=year, sex=sex)
    assert digits == number(g, "48")
    assert findings.problems == []
    # The English codes work too.
    _, findings = check_cccd(number(g, "48"), birth_year=year, sex="female" if g % 2 else "male")
    assert findings.problems == []


@pytest.mark.parametrize("g", range(10))
def test_every_century_sex_digit_wrong_sex(g):
    wrong_sex = "Nam" if g % 2 else "Nữ"
    _, findings = check_cccd(number(g, "48"), birth_year=CENTURY[g] + 48, sex=wrong_sex)
    assert messages(findings, "error") == [
        f"Số CCCD: mã thế kỷ/giới tính ({g}) không khớp với giới tính {wrong_sex}"
    ]


@pytest.mark.parametrize("g", range(10))
def test_every_century_sex_digit_wrong_century(g):
    year = CENTURY[g] + 100 + 48 if CENTURY[g] < 2300 else 1948
    sex = "Nữ" if g % 2 else "Nam"
    _, findings = check_cccd(number(g, "48"), birth_year=year, sex=sex)
    assert messages(findings, "error") == [f"Số CCCD: mã thế kỷ/giới tính ({g}) không khớp với năm sinh {year}"]


def test_century_and_sex_both_wrong_message():
    _, findings = check_cccd("038248001234", birth_year=1948, sex="Nữ")
    assert messages(findings, "error") == [
        "Số CCCD: mã thế kỷ/giới tính (2) không khớp với năm sinh 1948 và giới tính Nữ"
    ]
    assert findings.errors[0].field == "cccd"


def test_year_digits_mismatch():
    _, findings = check_cccd("038147001234", birth_year=1948, sex="Nữ")
    assert messages(findings, "error") == ["Số CCCD: hai số năm sinh (47) không khớp với năm sinh 1948"]


def test_year_boundaries():
    assert check_cccd("038099001234", birth_year=1999, sex="Nam")[1].problems == []
    assert check_cccd("038199001234", birth_year=1999, sex="Nữ")[1].problems == []
    assert check_cccd("038200001234", birth_year=2000, sex="Nam")[1].problems == []
    assert check_cccd("038300001234", birth_year=2000, sex="Nữ")[1].problems == []
    _, findings = check_cccd("038100001234", birth_year=2000, sex="Nữ")
    assert messages(findings) == ["Số CCCD: mã thế kỷ/giới tính (1) không khớp với năm sinh 2000"]


def test_birth_as_date_or_birthdate():
    assert check_cccd("038148001234", birth_year=dt.date(1948, 5, 1), sex="Nữ")[1].problems == []
    assert check_cccd("038148001234", birth_year=BirthDate(1948), sex="nu")[1].problems == []
    assert check_cccd("038148001234", birth_year=BirthDate(1949), sex="Nữ")[1].errors


def test_without_birth_or_sex_only_shape_is_checked():
    assert check_cccd("038948001234")[1].problems == []
    _, findings = check_cccd("038148001234", sex="Nam")
    assert messages(findings) == ["Số CCCD: mã thế kỷ/giới tính (1) không khớp với giới tính Nam"]
    _, findings = check_cccd("038148001234", birth_year=2048)
    assert messages(findings) == ["Số CCCD: mã thế kỷ/giới tính (1) không khớp với năm sinh 2048"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("03814800123", "Số CCCD phải có 12 chữ số (nhận được 11)"),
        ("0381480012345", "Số CCCD phải có 12 chữ số (nhận được 13)"),
        ("12345", "Số CCCD phải có 12 chữ số (nhận được 5)"),
        ("03814800123A", "chỉ được gồm chữ số"),
        ("０３８１４８００１２３４", "chỉ được gồm chữ số"),  # full-width digits
    ],
)
def test_shape_errors(value, message):
    _, findings = check_cccd(value, birth_year=1948, sex="Nữ")
    assert len(findings.errors) == 1
    assert message in findings.errors[0].message


def test_empty_is_allowed():
    assert check_cccd("") == ("", check_cccd(None)[1])
    digits, findings = check_cccd("   ", birth_year=1948, sex="Nam")
    assert digits == "" and findings.problems == []


def test_old_cmnd_accepted_with_warning():
    digits, findings = check_cccd("172345678", birth_year=1948, sex="Nam")
    assert digits == "172345678"
    assert findings.errors == []
    assert len(findings.warnings) == 1
    assert "CMND" in findings.warnings[0].message


def test_numeric_cell_is_padded_and_noted():
    digits, findings = check_cccd(38148001234, birth_year=1948, sex="Nữ")
    assert digits == "038148001234"
    assert findings.errors == []
    assert len(findings.warnings) == 1
    assert "đã thêm số 0" in findings.warnings[0].message
    # The same digits typed as text are not padded: 11 digits is an error.
    assert check_cccd("38148001234", birth_year=1948, sex="Nữ")[1].errors


@pytest.mark.parametrize("province", ["099", "003", "000", "097", "500"])
def test_unknown_province_is_a_warning(province):
    digits, findings = check_cccd(f"{province}148001234", birth_year=1948, sex="Nữ")
    assert findings.errors == []
    assert messages(findings, "warning") == [
        f"Số CCCD: mã tỉnh nơi đăng ký khai sinh {province} không có trong danh mục"
    ]


def test_custom_field_name():
    _, findings = check_cccd("12345", field="so_cccd")
    assert findings.errors[0].field == "so_cccd"


@pytest.mark.parametrize(
    ("province", "year", "sex", "serial", "expected"),
    [
        ("038", 1948, "Nữ", 1234, "038148001234"),
        (1, 2005, "Nam", "999999", "001205999999"),
        ("079", 2010, "female", 7, "079310000007"),
        ("096", 1900, "male", 0, "096000000000"),
    ],
)
def test_cccd_for_builds_valid_numbers(province, year, sex, serial, expected):
    number_ = cccd_for(province, year, sex, serial)
    assert number_ == expected
    assert check_cccd(number_, birth_year=year, sex=sex)[1].problems == []


def test_cccd_for_rejects_impossible_input():
    with pytest.raises(ValueError):
        cccd_for("038", 1850, "Nam", 1)
    with pytest.raises(ValueError):
        cccd_for("038", 1948, "?", 1)
    with pytest.raises(ValueError):
        cccd_for("038", 1948, "Nam", 1234567)
