"""Reporting periods of the return to the Sở (RETURN.md "Periods").

``2026-H1`` = 01/01/2026–30/06/2026, ``2026-H2`` = 01/07/2026–31/12/2026, ``2026`` = the whole year,
``START:END`` = any inclusive range (dates as ``YYYY-MM-DD`` or ``dd/mm/yyyy``). A period knows the
phrase that ends the return's title ("6 tháng đầu năm 2026"); that phrase is part of a document for a
Vietnamese agency, so it is Vietnamese whatever the interface language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from caremgr.dates import format_date, parse_date
from caremgr.i18n import _

KINDS = ("H1", "H2", "year", "range")
MIN_YEAR, MAX_YEAR = 1950, 9999  # as the training report's --year

_HALF = re.compile(r"^(\d{4})-[Hh]([0-9]+)$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    kind: str  # one of KINDS
    title: str

    @property
    def is_half_year(self) -> bool:
        return self.kind in ("H1", "H2")

    def as_dict(self) -> dict:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "kind": self.kind, "title": self.title}


def _usage(text: str) -> ValueError:
    return ValueError(_("Kỳ báo cáo không hợp lệ: \"{text}\". Ghi 2026-H1 (6 tháng đầu năm), 2026-H2 (6 tháng "
                        "cuối năm), 2026 (cả năm) hoặc TỪ:ĐẾN (ví dụ 2026-03-01:2026-05-31 hoặc "
                        "01/03/2026:31/05/2026).").format(text=text))


def _year(text: str, raw: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_("Kỳ báo cáo \"{text}\": năm {year} không hợp lệ.").format(text=raw, year=year))
    return year


def half_year(year: int, half: int) -> Period:
    if half == 1:
        return Period(f"{year}-H1", date(year, 1, 1), date(year, 6, 30), "H1", f"6 tháng đầu năm {year}")
    return Period(f"{year}-H2", date(year, 7, 1), date(year, 12, 31), "H2", f"6 tháng cuối năm {year}")


def whole_year(year: int) -> Period:
    return Period(str(year), date(year, 1, 1), date(year, 12, 31), "year", f"năm {year}")


def date_range(start: date, end: date) -> Period:
    if end < start:
        raise ValueError(_("Kỳ báo cáo: ngày kết thúc {end} trước ngày bắt đầu {start}.").format(
            end=format_date(end), start=format_date(start)))
    return Period(f"{start.isoformat()}:{end.isoformat()}", start, end, "range",
                  f"từ ngày {format_date(start)} đến ngày {format_date(end)}")


def parse_period(text: object) -> Period:
    """A Period from "2026-H1", "2026-H2", "2026" or "START:END"; ValueError (Vietnamese) otherwise."""
    if isinstance(text, Period):
        return text
    raw = "".join(str(text or "").split())
    if not raw:
        raise ValueError(_("Chưa nhập kỳ báo cáo (ví dụ 2026-H1)."))
    match = _HALF.match(raw)
    if match:
        year = _year(match[1], raw)
        if match[2] not in ("1", "2"):
            raise _usage(raw)
        return half_year(year, int(match[2]))
    match = _YEAR.match(raw)
    if match:
        return whole_year(_year(match[1], raw))
    if raw.count(":") == 1:
        first, last = raw.split(":")
        days = []
        for part in (first, last):
            if not part:
                raise _usage(raw)
            try:
                day = parse_date(part)
            except ValueError as exc:
                raise ValueError(_("Kỳ báo cáo \"{text}\": {error}").format(text=raw, error=exc)) from None
            _year(str(day.year), raw)
            days.append(day)
        return date_range(days[0], days[1])
    raise _usage(raw)
