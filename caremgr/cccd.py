"""Citizen identity numbers (CCCD / số định danh cá nhân), Circular 59/2021/TT-BCA.

Twelve digits ``PPP G YY RRRRRR``: province of birth registration, century-and-sex digit, last two
digits of the birth year, six random digits. There is no check digit, so a number can only be
checked for shape and for agreement with the person's birth year and sex.
"""

from __future__ import annotations

import datetime as _dt
import re

from caremgr import vocab
from caremgr.dates import BirthDate
from caremgr.errors import Findings
from caremgr.i18n import _

# The 63 pre-2025 provinces. Numbers already issued keep these codes after the 2025 merger into
# 34 provinces, so this list never changes and is never checked against today's provinces.
LEGACY_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh",
    "024": "Bắc Giang", "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương",
    "031": "Hải Phòng", "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình",
    "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam",
    "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên", "056": "Khánh Hòa",
    "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum", "064": "Gia Lai", "066": "Đắk Lắk",
    "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước", "072": "Tây Ninh",
    "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

FIRST_CENTURY = 1900  # G = 0/1 means born 1900–1999; each later century adds 2
_SEPARATORS = re.compile(r"[\s.\-]+")


def clean_cccd(value: object) -> tuple[str, bool]:
    """The number without spaces, dots or dashes, and whether leading zeros were put back.

    Spreadsheets store an unformatted number cell as a number, which drops the leading zeros of
    "038148001234". Only a numeric cell (int or float) is padded back to 12 digits: text shorter
    than 12 digits was typed that way and is reported, not silently repaired.
    """
    if value is None or isinstance(value, bool):
        return "", False
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value), False
        digits = str(int(value))
        if len(digits) < 12:
            return digits.zfill(12), True
        return digits, False
    return _SEPARATORS.sub("", str(value)), False


def _birth_year(birth: int | _dt.date | BirthDate | None) -> int | None:
    if birth is None or isinstance(birth, bool):
        return None
    if isinstance(birth, int):
        return birth
    return birth.year


def _century_digit(year: int, female: bool) -> int | None:
    index = (year - FIRST_CENTURY) // 100
    if not 0 <= index <= 4:
        return None
    return index * 2 + (1 if female else 0)


def check_cccd(
    value: object,
    *,
    birth_year: int | _dt.date | BirthDate | None = None,
    sex: str | None = None,
    field: str = "cccd",
) -> tuple[str, Findings]:
    """Cleans and checks a citizen ID number against the person's birth year and sex.

    Returns the cleaned digits (store these) and the findings. Empty is allowed without any
    finding: whether a missing number needs a reason is the caller's rule.
    """
    findings = Findings()
    digits, padded = clean_cccd(value)
    if not digits:
        return "", findings
    if not digits.isdigit() or not digits.isascii():
        findings.error(field, _("Số CCCD chỉ được gồm chữ số (nhận được \"{value}\")").format(value=digits))
        return digits, findings
    if len(digits) == 9:
        findings.warning(field, _("Số CMND cũ 9 chữ số: nên cập nhật số CCCD 12 chữ số khi có"))
        return digits, findings
    if len(digits) != 12:
        findings.error(field, _("Số CCCD phải có 12 chữ số (nhận được {n})").format(n=len(digits)))
        return digits, findings
    if padded:
        findings.warning(
            field,
            _("Số CCCD được lưu dạng số trong bảng tính: đã thêm số 0 ở đầu thành {number}").format(
                number=digits
            ),
        )

    province, g, yy = digits[:3], int(digits[3]), digits[4:6]
    if province not in LEGACY_PROVINCE_CODES:
        findings.warning(
            field,
            _("Số CCCD: mã tỉnh nơi đăng ký khai sinh {code} không có trong danh mục").format(code=province),
        )

    year = _birth_year(birth_year)
    sex_code = vocab.match(vocab.SEXES, sex) if sex else None
    century_wrong = year is not None and not (
        0 <= year - FIRST_CENTURY - 100 * (g // 2) < 100
    )
    sex_wrong = sex_code is not None and (g % 2 == 1) != (sex_code == "female")
    if century_wrong or sex_wrong:
        sex_label = vocab.label(vocab.SEXES, sex_code)
        if century_wrong and sex_wrong:
            message = _(
                "Số CCCD: mã thế kỷ/giới tính ({g}) không khớp với năm sinh {year} và giới tính {sex}"
            )
        elif century_wrong:
            message = _("Số CCCD: mã thế kỷ/giới tính ({g}) không khớp với năm sinh {year}")
        else:
            message = _("Số CCCD: mã thế kỷ/giới tính ({g}) không khớp với giới tính {sex}")
        findings.error(field, message.format(g=g, year=year, sex=sex_label))
    if year is not None and yy != f"{year % 100:02d}":
        findings.error(
            field,
            _("Số CCCD: hai số năm sinh ({yy}) không khớp với năm sinh {year}").format(yy=yy, year=year),
        )
    return digits, findings


def cccd_for(province_code: str | int, birth_year: int, sex: str, serial: int | str) -> str:
    """A number that passes ``check_cccd`` for this person (demo data and tests)."""
    province = f"{int(province_code):03d}"
    sex_code = vocab.match(vocab.SEXES, sex)
    if sex_code is None:
        raise ValueError(f"unknown sex {sex!r}")
    g = _century_digit(birth_year, sex_code == "female")
    if g is None:
        raise ValueError(f"no century code for birth year {birth_year}")
    number = f"{province}{g}{birth_year % 100:02d}{int(serial):06d}"
    if len(number) != 12:
        raise ValueError(f"province code or serial too long: {number}")
    return number
