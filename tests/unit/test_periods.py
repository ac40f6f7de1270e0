"""Reporting periods (RETURN.md "Periods"): the accepted forms, their dates and titles, refusals."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from caremgr.periods import Period, parse_period


@pytest.mark.parametrize("text, start, end, kind, title", [
    ("2026-H1", date(2026, 1, 1), date(2026, 6, 30), "H1", "6 tháng đầu năm 2026"),
    ("2026-h2", date(2026, 7, 1), date(2026, 12, 31), "H2", "6 tháng cuối năm 2026"),
    ("2026", date(2026, 1, 1), date(2026, 12, 31), "year", "năm 2026"),
    (" 2024 ", date(2024, 1, 1), date(2024, 12, 31), "year", "năm 2024"),
    ("2026-03-01:2026-05-31", date(2026, 3, 1), date(2026, 5, 31), "range",
     "từ ngày 01/03/2026 đến ngày 31/05/2026"),
    ("01/03/2026:31/05/2026", date(2026, 3, 1), date(2026, 5, 31), "range",
     "từ ngày 01/03/2026 đến ngày 31/05/2026"),
    ("1/3/2026 : 2026-05-31", date(2026, 3, 1), date(2026, 5, 31), "range",
     "từ ngày 01/03/2026 đến ngày 31/05/2026"),
    ("2024-02-29:2024-02-29", date(2024, 2, 29), date(2024, 2, 29), "range",
     "từ ngày 29/02/2024 đến ngày 29/02/2024"),
])
def test_accepted_forms(text, start, end, kind, title):
    period = parse_period(text)
    assert (period.start, period.end, period.kind, period.title) == (start, end, kind, title)
    assert period.is_half_year == (kind in ("H1", "H2"))


def test_labels_are_canonical_and_as_dict_is_json_ready():
    assert parse_period("2026-h1").label == "2026-H1"
    assert parse_period("2026").label == "2026"
    ranged = parse_period("01/03/2026:31/05/2026")
    assert ranged.label == "2026-03-01:2026-05-31"
    assert ranged.as_dict() == {"label": "2026-03-01:2026-05-31", "start": "2026-03-01", "end": "2026-05-31",
                                "kind": "range", "title": "từ ngày 01/03/2026 đến ngày 31/05/2026"}
    assert parse_period(ranged.label) == ranged  # the label reads back as the same period


def test_a_period_is_frozen_and_passes_through():
    period = parse_period("2025-H2")
    assert parse_period(period) is period
    with pytest.raises(FrozenInstanceError):
        period.end = date(2025, 12, 1)  # type: ignore[misc]
    assert isinstance(period, Period)


def test_halves_cover_the_year_without_gap_or_overlap():
    for year in (2024, 2025, 2100):
        first, second, whole = parse_period(f"{year}-H1"), parse_period(f"{year}-H2"), parse_period(str(year))
        assert first.start == whole.start and second.end == whole.end
        assert (second.start - first.end).days == 1


@pytest.mark.parametrize("text, words", [
    ("2026-H3", ["2026-H3", "2026-H1", "TỪ:ĐẾN"]),
    ("2026-H0", ["2026-H0"]),
    ("H1", ["H1"]),
    ("26", ["26"]),
    ("2026-Q1", ["2026-Q1"]),
    ("2026-05-31:2026-03-01", ["31/05/2026", "01/03/2026", "trước"]),
    ("2026-02-30:2026-03-01", ["2026-02-30"]),
    ("01/03/26:31/05/26", ["4 chữ số"]),
    ("2026-03-01:", ["2026-03-01:"]),
    ("2026-03-01:2026-04-01:2026-05-01", ["2026-03-01:2026-04-01:2026-05-01"]),
    ("", ["Chưa nhập kỳ báo cáo"]),
    ("1900", ["1900"]),
])
def test_refusals_are_vietnamese_and_name_the_input(text, words):
    with pytest.raises(ValueError) as err:
        parse_period(text)
    message = str(err.value)
    assert all(word in message for word in words), message
    assert "Kỳ báo cáo" in message or "kỳ báo cáo" in message
