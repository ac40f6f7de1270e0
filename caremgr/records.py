"""One resident's record ("hồ sơ đối tượng") as plain data, ready for ``reports.record``.

``collect_record`` gathers what the printed record shows, as it stood on one day: identity and
policy, relatives, insurance cards with their status, the latest health checks, conditions,
referrals, rehabilitation plans and Barthel totals, and the centre profile in force that day (so a
record printed for 15/01/2025 carries the governing body of 2025, not today's).

Everything is JSON-able (dates as ISO text) and every code comes with its Vietnamese label
already resolved. The record is a document for Vietnamese agencies and families, so the labels
are Vietnamese whatever the UI language (like ``dates.format_long_date``).
"""

from __future__ import annotations

from datetime import date

from caremgr import bhyt, settings, vocab
from caremgr.auth import Actor, require
from caremgr.dates import BirthDate, age_on
from caremgr.errors import NotFound
from caremgr.i18n import _
from caremgr.text import normalize
from db.models import (
    Assessment,
    Condition,
    Contact,
    HealthCheck,
    InsuranceCard,
    Referral,
    RehabGoal,
    RehabPlan,
    Resident,
    Staff,
)

HEALTH_CHECKS_SHOWN = 24
BARTHEL_SHOWN = 6
# A child's height goes stale quickly: BMI uses a height measured within this many days (adults: any).
CHILD_HEIGHT_DAYS = 120
ADULT_AGE = 18

# The labels of caremgr.health.CONDITION_STATUSES, untranslated.
CONDITION_STATUSES = {
    "active": "Đang theo dõi",
    "resolved": "Đã khỏi",
}
CARD_STATUSES = {
    "current": "Còn hiệu lực",
    "ended": "Hết hạn",
    "future": "Chưa có hiệu lực",
}
NOT_ADMITTED = "Chưa tiếp nhận"


def _vi(vocabulary: vocab.Vocab, code: str | None) -> str:
    """The Vietnamese label of a code (untranslated), "" for none, the code itself if unknown."""
    if not code:
        return ""
    return dict(vocabulary).get(code, code)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def collect_record(actor: Actor, code: str, on: date | None = None) -> dict:
    """The record of resident ``code`` as it stood on ``on`` (default today).

    Raises ``NotFound`` for an unknown (or deleted) code; needs the ``residents.view`` permission.
    Lists are oldest first; health checks are the latest ``HEALTH_CHECKS_SHOWN`` up to ``on``.
    """
    require(actor, "residents.view")
    on = on or date.today()
    wanted = normalize(code)
    alive = Resident.deleted == False  # noqa: E712
    resident = None
    if wanted:  # the exact code, or else ignoring case (as residents.get_by_code)
        resident = Resident.get_or_none(alive & (Resident.code == wanted)) or Resident.get_or_none(
            alive & (Resident.code == wanted.upper()))
    if resident is None:
        raise NotFound(_("Không tìm thấy đối tượng có mã {code}.").format(code=wanted))

    birth = BirthDate(resident.birth_year, resident.birth_date)
    age = age_on(birth, on) if birth.basis <= on else None
    data = {
        "kind": "resident_record",
        "on": on.isoformat(),
        "centre": settings.centre_profile(on).as_dict(),
        "resident": _identity(resident, birth, age, on),
        "contacts": _contacts(resident),
        "insurance": _insurance(resident, on),
    }
    checks, total = _health_checks(resident, on, adult=age is None or age >= ADULT_AGE)
    data["health_checks"] = checks
    data["health_checks_total"] = total
    data["conditions"] = _conditions(resident, on)
    data["referrals"] = _referrals(resident, on)
    data["rehab_plans"] = _rehab_plans(resident, on)
    data["barthel"] = _barthel(resident, on)
    return data


def _identity(r: Resident, birth: BirthDate, age: int | None, on: date) -> dict:
    if r.discharge_date is not None and r.discharge_date <= on:
        status = r.status if r.status != "in_care" else "discharged"
    elif r.admission_date > on:
        status = "not_admitted"
    else:
        status = "in_care"
    discharged = status in ("discharged", "deceased")
    return {
        "code": r.code,
        "full_name": r.full_name,
        "sex": r.sex,
        "sex_label": _vi(vocab.SEXES, r.sex),
        "birth_year": birth.year,
        "birth_date": _iso(birth.date),
        "birth_year_only": birth.year_only,
        "age": age,
        "ethnicity": r.ethnicity or "",
        "cccd": r.cccd or "",
        "cccd_note": r.cccd_note or "",
        "address": r.address or "",
        "commune": r.commune or "",
        "province": r.province or "",
        "category": r.category,
        "category_label": _vi(vocab.CATEGORIES, r.category),
        "merit_type": r.merit_type,
        "merit_type_label": _vi(vocab.MERIT_TYPES, r.merit_type),
        "disability_type": r.disability_type,
        "disability_type_label": _vi(vocab.DISABILITY_TYPES, r.disability_type),
        "disability_severity": r.disability_severity,
        "disability_severity_label": _vi(vocab.DISABILITY_SEVERITIES, r.disability_severity),
        "admission_date": _iso(r.admission_date),
        "admission_decision": r.admission_decision or "",
        "room": (r.room or "") if status == "in_care" else "",
        "status": status,
        "status_label": NOT_ADMITTED if status == "not_admitted" else _vi(vocab.RESIDENT_STATUSES, status),
        "discharge_date": _iso(r.discharge_date) if discharged else None,
        "discharge_reason": r.discharge_reason if discharged else None,
        "discharge_reason_label": _vi(vocab.DISCHARGE_REASONS, r.discharge_reason) if discharged else "",
        "discharge_note": (r.discharge_note or "") if discharged else "",
        "notes": r.notes or "",
    }


def _contacts(r: Resident) -> list[dict]:
    rows = Contact.select().where(Contact.resident == r).order_by(Contact.is_guardian.desc(), Contact.id)
    return [{
        "full_name": c.full_name,
        "relationship": c.relationship or "",
        "phone": c.phone or "",
        "address": c.address or "",
        "is_guardian": bool(c.is_guardian),
        "notes": c.notes or "",
    } for c in rows]


def _insurance(r: Resident, on: date) -> dict:
    cards = list(InsuranceCard.select()
                 .where((InsuranceCard.resident == r) & (InsuranceCard.valid_from <= on))
                 .order_by(InsuranceCard.valid_from, InsuranceCard.id))
    warn_days = settings.get("care.card_warning_days", on) or 30
    status = bhyt.card_status(cards, on, warn_days)
    out = []
    for card in cards:
        if card.valid_to is not None and card.valid_to < on:
            state = "ended"
        elif card.valid_from is not None and card.valid_from > on:
            state = "future"
        else:
            state = "current"
        group = bhyt.GROUPS.get(card.group_code or "")
        out.append({
            "number": card.number,
            "group_code": card.group_code or "",
            "group_description": group.description if group else "",
            "benefit_level": card.benefit_level,
            "province_code": card.province_code or "",
            "social_insurance_no": card.social_insurance_no or "",
            "valid_from": _iso(card.valid_from),
            "valid_to": _iso(card.valid_to),
            "facility_code": card.facility_code or "",
            "facility_name": card.facility_name or "",
            "status": state,
            "status_label": CARD_STATUSES[state],
            "note": card.note or "",
        })
    return {
        "status": status,
        "status_label": bhyt.STATUS_LABELS[status],
        "warning_days": warn_days,
        "cards": out,
    }


def _bmi(weight: float | None, height_cm: float | None) -> float | None:
    if not weight or not height_cm or height_cm <= 0:
        return None
    return round(weight / (height_cm / 100) ** 2, 1)


def _health_checks(r: Resident, on: date, *, adult: bool) -> tuple[list[dict], int]:
    base = HealthCheck.select().where((HealthCheck.resident == r) & (HealthCheck.check_date <= on))
    total = base.count()
    latest = list(base.order_by(HealthCheck.check_date.desc(), HealthCheck.id.desc()).limit(HEALTH_CHECKS_SHOWN))
    latest.reverse()
    heights = list(HealthCheck.select(HealthCheck.check_date, HealthCheck.height_cm)
                   .where((HealthCheck.resident == r) & (HealthCheck.check_date <= on)
                          & HealthCheck.height_cm.is_null(False))
                   .order_by(HealthCheck.check_date).tuples())
    out = []
    for check in latest:
        height = check.height_cm
        if height is None:
            known = [(d, h) for d, h in heights if d <= check.check_date]
            if known and (adult or (check.check_date - known[-1][0]).days <= CHILD_HEIGHT_DAYS):
                height = known[-1][1]
        pressure = f"{check.systolic}/{check.diastolic}" if check.systolic and check.diastolic else ""
        out.append({
            "date": check.check_date.isoformat(),
            "pulse": check.pulse,
            "systolic": check.systolic,
            "diastolic": check.diastolic,
            "blood_pressure": pressure,
            "temperature": _round(check.temperature),
            "weight_kg": _round(check.weight_kg),
            "height_cm": _round(check.height_cm),
            "bmi": _bmi(check.weight_kg, height),
            "spo2": check.spo2,
            "glucose": _round(check.glucose),
            "examiner": check.examiner or "",
            "findings": check.findings or "",
        })
    return out, total


def _conditions(r: Resident, on: date) -> list[dict]:
    rows = (Condition.select()
            .where((Condition.resident == r) & (Condition.onset_date.is_null() | (Condition.onset_date <= on)))
            .order_by(Condition.onset_date, Condition.icd10, Condition.id))
    out = []
    for c in rows:
        resolved = c.status == "resolved" and (c.resolved_date is None or c.resolved_date <= on)
        status = "resolved" if resolved else ("active" if c.status in ("active", "resolved") else c.status)
        out.append({
            "icd10": c.icd10,
            "title": c.title,
            "chronic": bool(c.chronic),
            "ncd": bool(c.ncd),
            "onset_date": _iso(c.onset_date),
            "status": status,
            "status_label": CONDITION_STATUSES.get(status, status),
            "resolved_date": _iso(c.resolved_date) if resolved else None,
            "notes": c.notes or "",
        })
    return out


def _referrals(r: Resident, on: date) -> list[dict]:
    rows = (Referral.select()
            .where((Referral.resident == r) & (Referral.referral_date <= on))
            .order_by(Referral.referral_date, Referral.id))
    out = []
    for ref in rows:
        back = ref.return_date if ref.return_date and ref.return_date <= on else None
        ongoing = ref.return_date is not None and back is None
        out.append({
            "date": ref.referral_date.isoformat(),
            "facility": ref.facility,
            "reason": ref.reason or "",
            "result": "Đang điều trị" if ongoing else (ref.result or ""),
            "return_date": _iso(back),
        })
    return out


def _rehab_plans(r: Resident, on: date) -> list[dict]:
    plans = list(RehabPlan.select()
                 .where((RehabPlan.resident == r) & (RehabPlan.start_date <= on))
                 .order_by(RehabPlan.start_date, RehabPlan.id))
    goals: dict[int, list[RehabGoal]] = {}
    names: dict[int, str] = {}
    if plans:
        for goal in RehabGoal.select().where(RehabGoal.plan.in_([p.id for p in plans])):
            goals.setdefault(goal.plan_id, []).append(goal)
        staff_ids = {p.responsible_id for p in plans if p.responsible_id}
        if staff_ids:
            names = dict(Staff.select(Staff.id, Staff.full_name).where(Staff.id.in_(staff_ids)).tuples())
    out = []
    for plan in plans:
        mine = goals.get(plan.id, [])
        achieved = [g for g in mine if g.status == "achieved" and (g.achieved_date is None or g.achieved_date <= on)]
        responsible = names.get(plan.responsible_id, "")
        out.append({
            "start_date": plan.start_date.isoformat(),
            "review_date": _iso(plan.review_date),
            "end_date": _iso(plan.end_date) if plan.end_date and plan.end_date <= on else None,
            "status": plan.status,
            "status_label": _vi(vocab.PLAN_STATUSES, plan.status),
            "responsible": responsible,
            "summary": plan.summary or "",
            "goals_total": len(mine),
            "goals_achieved": len(achieved),
        })
    return out


def _barthel(r: Resident, on: date) -> dict:
    rows = list(Assessment.select()
                .where((Assessment.resident == r) & (Assessment.kind == "barthel") & (Assessment.assessed_on <= on))
                .order_by(Assessment.assessed_on, Assessment.id))

    def item(a: Assessment) -> dict:
        total = a.total if a.total is not None else (sum(a.items.values()) if a.items else None)
        return {"date": a.assessed_on.isoformat(), "total": total, "assessor": a.assessor_name or "",
                "note": a.note or ""}

    return {
        "count": len(rows),
        "first": item(rows[0]) if rows else None,
        "latest": item(rows[-1]) if rows else None,
        "recent": [item(a) for a in rows[-BARTHEL_SHOWN:]],
    }
