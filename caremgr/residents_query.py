"""Query building blocks about residents that several services share."""

from __future__ import annotations

from datetime import date, timedelta

from peewee import fn

from db.models import HealthCheck, Resident


def in_care_on(day: date):
    """RETURN.md: admitted on or before d, and not discharged, or discharged after d."""
    return (
        (Resident.deleted == False)  # noqa: E712 - peewee needs the comparison
        & (Resident.admission_date <= day)
        & (Resident.discharge_date.is_null() | (Resident.discharge_date > day))
    )


TRACKING_DAYS = 365  # RETURN.md health.tracked: a check within the 365 days ending on (and including) the day


def tracked_on(day: date):
    """RETURN.md "managed and monitored electronically": at least one health check dated within the
    365 days ending on ``day``. A correlated EXISTS on the resident, so it combines with any filter."""
    window_start = day - timedelta(days=TRACKING_DAYS - 1)
    recent = HealthCheck.select(HealthCheck.id).where(
        (HealthCheck.resident == Resident.id) & (HealthCheck.check_date >= window_start)
        & (HealthCheck.check_date <= day))
    return fn.EXISTS(recent)
