"""Dates as Vietnamese users type and read them (dd/mm/yyyy), and births known only by year.

Many elderly residents and abandoned children have no known day of birth. A ``BirthDate`` keeps
the year and, only when known, the date; nothing ever stores a made-up 01/01 as if it were real.
Ages of a year-only birth count from 01/01 of that year (CODES.md).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from caremgr.i18n import _

MIN_BIRTH_YEAR = 1880  # older than any living person: an earlier year is a typing mistake

_DMY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR = re.compile(r"^\d{4}$")


def parse_date(text: object) -> _dt.date:
    """A date from ``dd/mm/yyyy`` (also ``d/m/yyyy``, ``-`` or ``.`` separators) or ISO ``yyyy-mm-dd``.

    Date and datetime objects (what spreadsheets give for real date cells) pass through as dates.
    Two-digit years are refused: "01/02/48" could be 1948 or 2048, and guessing wrong for a
    birth date is worse than asking.
    """
    if isinstance(text, _dt.datetime):
        return text.date()
    if isinstance(text, _dt.date):
        return text
    raw = " ".join(str(text).split()) if text is not None else ""
    if not raw:
        raise ValueError(_("Chưa nhập ngày"))
    match = _ISO.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY.match(raw)
        if not match:
            raise ValueError(_("Ngày không đúng dạng dd/mm/yyyy: {text}").format(text=raw))
        day, month, year_text = int(match[1]), int(match[3]), match[4]
        if len(year_text) != 4:
            raise ValueError(_("Năm phải có đủ 4 chữ số: {text}").format(text=raw))
        year = int(year_text)
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("Ngày không hợp lệ: {text}").format(text=raw)) from None


def format_date(d: _dt.date | BirthDate | None) -> str:
    """``dd/mm/yyyy``; a BirthDate shows as its ``display`` (possibly the year alone); None -> ""."""
    if d is None:
        return ""
    if isinstance(d, BirthDate):
        return d.display
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_long_date(d: _dt.date, place: str | None = None) -> str:
    """The date line of an official document: "Thanh Hóa, ngày 05 tháng 01 năm 2026".

    Decree 30/2020/NĐ-CP: days below 10 and months 1 and 2 take a leading zero, months 3–12 do
    not ("ngày 15 tháng 3 năm 2026"). Documents for Vietnamese agencies are always in
    Vietnamese, so this text is deliberately not translated with the UI language.
    """
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    line = f"ngày {d.day:02d} tháng {month} năm {d.year}"
    return f"{place}, {line}" if place else line


@dataclass(frozen=True)
class BirthDate:
    """A birth: the year always, the date only when it is known."""

    year: int
    date: _dt.date | None = None

    def __post_init__(self):
        if self.date is not None and self.date.year != self.year:
            raise ValueError(f"BirthDate year {self.year} differs from its date {self.date}")

    @property
    def display(self) -> str:
        return format_date(self.date) if self.date else f"{self.year:04d}"

    @property
    def basis(self) -> _dt.date:
        """The day ages count from: the real date, or 01/01 of the year when only that is known."""
        return self.date or _dt.date(self.year, 1, 1)

    @property
    def year_only(self) -> bool:
        return self.date is None

    def age_on(self, day: _dt.date) -> int:
        return age_on(self, day)


def age_on(birth: BirthDate | _dt.date, day: _dt.date) -> int:
    """Completed years on ``day``.

    Someone born on 29/02 turns a year older on 01/03 in common years (the birthday has not been
    reached on 28/02), which is how Python's date comparison and most civil registers count.
    """
    basis = birth.basis if isinstance(birth, BirthDate) else birth
    if isinstance(basis, _dt.datetime):
        basis = basis.date()
    if isinstance(day, _dt.datetime):
        day = day.date()
    return day.year - basis.year - ((day.month, day.day) < (basis.month, basis.day))


def parse_birth(value: object, today: _dt.date | None = None) -> BirthDate:
    """A BirthDate from anything ``parse_date`` accepts, or a 4-digit year alone (text or number).

    Refuses years before 1880 and births after ``today`` (default: the real today).
    """
    today = today or _dt.date.today()
    raw = " ".join(str(value).split()) if value is not None else ""
    # Both accepted forms are named: the year alone is what people most often have.
    bad_form = _("Ngày sinh không đúng dạng dd/mm/yyyy hoặc yyyy: {text}")
    if isinstance(value, BirthDate):
        birth = value
    elif isinstance(value, bool):
        raise ValueError(bad_form.format(text=raw))
    elif isinstance(value, int | float):
        # A spreadsheet cell holding only the year arrives as a number (1948 or 1948.0).
        if (isinstance(value, float) and not value.is_integer()) or not 1000 <= value <= 9999:
            raise ValueError(bad_form.format(text=raw))
        birth = BirthDate(int(value))
    elif _YEAR.match(raw):
        birth = BirthDate(int(raw))
    elif not raw:
        raise ValueError(_("Chưa nhập ngày sinh"))
    elif not isinstance(value, _dt.date) and not any(sep in raw for sep in "/-."):
        raise ValueError(bad_form.format(text=raw))
    else:
        day = parse_date(value)
        birth = BirthDate(day.year, day)
    if birth.year < MIN_BIRTH_YEAR:
        raise ValueError(_("Năm sinh {year} không hợp lệ (trước năm 1880)").format(year=birth.year))
    if birth.year > today.year or (birth.date is not None and birth.date > today):
        raise ValueError(_("Ngày sinh {text} ở tương lai").format(text=birth.display))
    return birth
