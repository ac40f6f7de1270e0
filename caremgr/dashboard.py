"""The figures on the home screen: what is true today and what needs attention."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import fn

from caremgr import settings, staff
from caremgr.auth import Actor, require
from caremgr.bhyt import card_status
from caremgr.residents_query import in_care_on
from caremgr.vocab import CATEGORIES
from db.models import (
    HealthCheck,
    InsuranceCard,
    RehabPlan,
    Resident,
    TrainingAttendance,
    TrainingCourse,
)

LICENCE_WARNING = timedelta(days=staff.LICENCE_WARNING_DAYS)
TRACKING_WINDOW = timedelta(days=364)  # 365 days ending on (and including) the day


@dataclass(frozen=True)
class Dashboard:
    on: date
    in_care: int
    by_category: dict[str, int]
    insurance: dict[str, int]
    coverage_pct: float
    tracked: int
    tracked_pct: float
    tracking_target: float | None
    checks_overdue: int
    plans_due_review: int
    licences_expiring: int
    licences_expired: int
    training_turns: int
    training_target: int | None
    admitted_without_card: int
    alerts: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, level, count)


def _pct(part: int, whole: int) -> float:
    return round(part * 100.0 / whole, 1) if whole else 0.0


def summary(actor: Actor, on: date | None = None) -> Dashboard:
    require(actor, "dashboard.view")
    on = on or date.today()
    in_care = Resident.select(Resident.id, Resident.category).where(in_care_on(on))
    ids = [r.id for r in in_care]
    by_category = {code: 0 for code, _label in CATEGORIES}
    by_category.update(Counter(r.category for r in in_care))

    warn_days = settings.get("care.card_warning_days", on) or 30
    cards = defaultdict(list)
    card_rows = (InsuranceCard.select(InsuranceCard.resident, InsuranceCard.valid_from, InsuranceCard.valid_to)
                 .join(Resident).where(in_care_on(on)).tuples())
    for resident_id, valid_from, valid_to in card_rows:
        cards[resident_id].append((valid_from, valid_to))
    statuses = Counter(card_status(cards.get(rid, []), on, warn_days) for rid in ids)
    insurance = {s: statuses.get(s, 0) for s in ("valid", "expiring", "expired", "none")}
    holding = insurance["valid"] + insurance["expiring"]

    last_check = dict(
        HealthCheck.select(HealthCheck.resident, fn.MAX(HealthCheck.check_date))
        .join(Resident).where(in_care_on(on) & (HealthCheck.check_date <= on))
        .group_by(HealthCheck.resident).tuples()
    )
    tracked = sum(1 for rid in ids if rid in last_check and last_check[rid] >= on - TRACKING_WINDOW)
    interval = timedelta(days=settings.get("care.check_interval_days", on) or 30)
    overdue = sum(1 for rid in ids if rid not in last_check or last_check[rid] + interval < on)

    plans_due = (RehabPlan.select(RehabPlan.id).join(Resident)
                 .where(in_care_on(on) & (RehabPlan.status == "active") & (RehabPlan.review_date < on)).count())

    licence_rows = staff.licence_alert_rows(on)  # one rule with the staff screen's alerts
    expired = sum(1 for row in licence_rows if row.licence_status == "expired")
    expiring = len(licence_rows) - expired

    year_start = date(on.year, 1, 1)
    turns = (TrainingAttendance.select().join(TrainingCourse)
             .where((TrainingAttendance.completed == True)  # noqa: E712
                    & (TrainingCourse.start_date >= year_start) & (TrainingCourse.start_date <= on)).count())

    no_card = sum(1 for rid in ids if not cards.get(rid))
    alerts = [
        ("cards_expired", "danger", insurance["expired"]),
        ("cards_expiring", "warning", insurance["expiring"]),
        ("no_card", "danger", no_card),
        ("checks_overdue", "warning", overdue),
        ("plans_due", "warning", plans_due),
        ("licences_expired", "danger", expired),
        ("licences_expiring", "warning", expiring),
    ]
    return Dashboard(
        on=on, in_care=len(ids), by_category=by_category, insurance=insurance,
        coverage_pct=_pct(holding, len(ids)), tracked=tracked, tracked_pct=_pct(tracked, len(ids)),
        tracking_target=settings.year_target("target.tracking_pct", on.year), checks_overdue=overdue,
        plans_due_review=plans_due, licences_expiring=expiring, licences_expired=expired,
        training_turns=turns, training_target=settings.year_target("target.training_turns", on.year),
        admitted_without_card=no_card, alerts=[a for a in alerts if a[2]],
    )
