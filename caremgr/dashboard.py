"""The figures on the home screen: what is true today and what needs attention.

Every figure that the periodic return also reports is counted by the return's own building blocks,
on the day shown instead of the period's end: residents in care (``residents_query.in_care_on``),
card status (``bhyt.card_status``; coverage = cards valid today, expiring ones included, as the
return's ``insurance.coverage_pct``), electronic health tracking (``residents_query.tracked_on``,
RETURN.md ``health.tracked``) and the year's training turns (``training.compute_year_totals``).
Targets come from the settings ("Chỉ tiêu") in force on 1 January of the day's year, and a target is
met when the exact share (not the rounded one) reaches it, the rule of the return.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import fn

from caremgr import settings, staff, training
from caremgr.auth import Actor, require
from caremgr.bhyt import card_status
from caremgr.residents_query import in_care_on, tracked_on
from caremgr.vocab import CATEGORIES
from db.models import (
    HealthCheck,
    InsuranceCard,
    RehabPlan,
    Resident,
)

LICENCE_WARNING = timedelta(days=staff.LICENCE_WARNING_DAYS)
INSURANCE_STATUSES = ("valid", "expiring", "expired", "none")


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
    insured: int = 0  # in care with a card valid on the day (expiring ones included)
    insurance_target: float | None = None  # setting "target.insurance_pct" (100 by default)
    coverage_met: bool | None = None
    untracked: int = 0  # in care without a health check in the 365 days ending on the day
    tracking_met: bool | None = None
    training_met: bool | None = None
    alerts: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, level, count)


def _pct(part: int, whole: int) -> float:
    return round(part * 100.0 / whole, 1) if whole else 0.0


def reaches(part: int, whole: int, target) -> bool | None:
    """Whether part/whole × 100 reaches ``target`` %, exactly; None without a target (the return's rule)."""
    if target is None:
        return None
    share = part * 100.0 / whole if whole else 0.0
    return share >= float(target)


def _float_or_none(value) -> float | None:
    return None if value is None else float(value)


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
    insurance = {s: statuses.get(s, 0) for s in INSURANCE_STATUSES}
    holding = insurance["valid"] + insurance["expiring"]

    last_check = dict(
        HealthCheck.select(HealthCheck.resident, fn.MAX(HealthCheck.check_date))
        .join(Resident).where(in_care_on(on) & (HealthCheck.check_date <= on))
        .group_by(HealthCheck.resident).tuples()
    )
    tracked = Resident.select(fn.COUNT(Resident.id)).where(in_care_on(on) & tracked_on(on)).scalar() or 0
    interval = timedelta(days=settings.get("care.check_interval_days", on) or 30)
    overdue = sum(1 for rid in ids if rid not in last_check or last_check[rid] + interval < on)

    plans_due = (RehabPlan.select(RehabPlan.id).join(Resident)
                 .where(in_care_on(on) & (RehabPlan.status == "active") & (RehabPlan.review_date < on)).count())

    licence_rows = staff.licence_alert_rows(on)  # one rule with the staff screen's alerts
    expired = sum(1 for row in licence_rows if row.licence_status == "expired")
    expiring = len(licence_rows) - expired

    year = training.compute_year_totals(on.year, on)
    tracking_target = _float_or_none(settings.year_target("target.tracking_pct", on.year))
    insurance_target = _float_or_none(settings.year_target("target.insurance_pct", on.year))

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
        tracking_target=tracking_target, checks_overdue=overdue,
        plans_due_review=plans_due, licences_expiring=expiring, licences_expired=expired,
        training_turns=year.turns, training_target=year.target,
        admitted_without_card=no_card, insured=holding, insurance_target=insurance_target,
        coverage_met=reaches(holding, len(ids), insurance_target), untracked=len(ids) - tracked,
        tracking_met=reaches(tracked, len(ids), tracking_target), training_met=year.met,
        alerts=[a for a in alerts if a[2]],
    )
