"""Query building blocks about residents that several services share."""

from __future__ import annotations

from datetime import date

from db.models import Resident


def in_care_on(day: date):
    """RETURN.md: admitted on or before d, and not discharged, or discharged after d."""
    return (
        (Resident.deleted == False)  # noqa: E712 - peewee needs the comparison
        & (Resident.admission_date <= day)
        & (Resident.discharge_date.is_null() | (Resident.discharge_date > day))
    )
