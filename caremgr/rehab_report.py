"""One resident's rehabilitation plan ("KẾ HOẠCH Phục hồi chức năng") as plain data for ``reports.plan``.

``collect_plan`` gathers what the printed plan shows as it stood on one day: the centre profile in
force that day, the resident, the plan, its goals, its interventions with attendance against the
planned frequency, the Barthel assessments of the plan (and the latest one before it, as the
baseline) with their totals and bands computed from the item scores, functional notes, the
sessions delivered so far and the responsible therapist.

Everything is JSON-able (dates as ISO text) and every code comes with its Vietnamese label: the
plan is a document for Vietnamese agencies and families, so labels are Vietnamese whatever the UI
language.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

from caremgr import barthel, rehab, residents, settings, vocab
from caremgr.auth import Actor, require
from caremgr.dates import BirthDate, age_on, format_date
from caremgr.errors import NotFound
from caremgr.i18n import _
from db.models import Assessment, RehabPlan, RehabSession, Resident, Staff

SESSIONS_LISTED = 40
NO_INTERVENTION = "Không ghi loại can thiệp"


def _vi(vocabulary: vocab.Vocab, code: str | None) -> str:
    """The Vietnamese label of a code (untranslated), "" for none, the code itself if unknown."""
    if not code:
        return ""
    return dict(vocabulary).get(code, code)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _resident_data(r: Resident, on: date) -> dict:
    birth = BirthDate(r.birth_year, r.birth_date)
    disability = ""
    if r.disability_type:
        disability = f"Khuyết tật {_vi(vocab.DISABILITY_TYPES, r.disability_type)}"
        if r.disability_severity:
            disability += f", mức độ {_vi(vocab.DISABILITY_SEVERITIES, r.disability_severity)}"
    return {
        "code": r.code,
        "full_name": r.full_name,
        "birth": birth.display,
        "birth_date": _iso(birth.date),
        "birth_year": birth.year,
        "age": age_on(birth, on) if birth.basis <= on else None,
        "sex": r.sex,
        "sex_label": _vi(vocab.SEXES, r.sex),
        "category": r.category,
        "category_label": _vi(vocab.CATEGORIES, r.category),
        "disability": disability,
        "admission_date": _iso(r.admission_date),
        "room": r.room or "",
        "status": r.status,
        "status_label": _vi(vocab.RESIDENT_STATUSES, r.status),
    }


def _staff(staff_id: int | None) -> dict:
    staff = Staff.get_or_none(Staff.id == staff_id) if staff_id else None
    if staff is None:
        return {"name": "", "title": ""}
    return {"name": staff.full_name, "title": _vi(vocab.STAFF_POSITIONS, staff.position)}


def _choose_plan(actor: Actor, resident_id: int, code: str, plan_id: int | None) -> int:
    if plan_id is None:
        current = rehab.current_plan(actor, resident_id)
        if current is None:
            raise NotFound(_("Đối tượng {code} chưa có kế hoạch phục hồi chức năng.").format(code=code))
        return current.id
    plan = RehabPlan.get_or_none(RehabPlan.id == plan_id)
    if plan is None or plan.resident_id != resident_id:
        raise NotFound(_("Không tìm thấy kế hoạch phục hồi chức năng số {id} của đối tượng {code}.").format(
            id=plan_id, code=code))
    return plan.id


def _barthel_entry(a: Assessment, in_plan: bool) -> dict:
    items = {k: (a.items or {}).get(k) for k in barthel.KEYS}
    scores = {k: v for k, v in items.items() if isinstance(v, int) and not isinstance(v, bool)}
    total = sum(scores.values()) if len(scores) == len(barthel.KEYS) else a.total
    code, label = barthel.band_of(total) if total is not None and 0 <= total <= barthel.MAXIMUM else (None, "")
    return {
        "date": a.assessed_on.isoformat(),
        "items": items,
        "total": total,
        "band": code,
        "band_label": label,
        "assessor": a.assessor_name or _staff(a.assessor_id)["name"],
        "note": a.note or "",
        "in_plan": in_plan,
    }


def _belongs(a: Assessment, plan: RehabPlan, last_day: date) -> bool:
    """Linked to the plan, or not linked to any plan and dated within it."""
    if a.plan_id is not None:
        return a.plan_id == plan.id
    return plan.start_date <= a.assessed_on <= last_day


def _assessments(plan: RehabPlan, on: date) -> tuple[dict, list[dict]]:
    last_day = min(on, plan.end_date) if plan.end_date else on
    rows = list(Assessment.select()
                .where((Assessment.resident == plan.resident_id) & (Assessment.assessed_on <= on))
                .order_by(Assessment.assessed_on, Assessment.id))
    mine = [a for a in rows if _belongs(a, plan, last_day)]
    before = [a for a in rows if a.kind == rehab.BARTHEL and a.assessed_on < plan.start_date and a not in mine]
    series = ([_barthel_entry(before[-1], False)] if before else []) + [
        _barthel_entry(a, True) for a in mine if a.kind == rehab.BARTHEL]
    first = series[0] if series else None
    latest = series[-1] if series else None
    change = latest["total"] - first["total"] if len(series) > 1 and None not in (
        first["total"], latest["total"]) else None
    items = []
    for item in barthel.ITEMS:
        score = latest["items"].get(item.key) if latest else None
        level = dict(item.options).get(score, "") if score is not None else ""
        items.append({
            "key": item.key,
            "label": item.label,
            "maximum": item.maximum,
            "baseline": first["items"].get(item.key) if first and len(series) > 1 else None,
            "latest": score,
            "latest_level": level,
        })
    functional = []
    for a in mine:
        if a.kind != rehab.FUNCTIONAL:
            continue
        notes = [{"domain": code, "domain_label": label, "text": (a.items or {}).get(code)}
                 for code, label in vocab.GOAL_DOMAINS if (a.items or {}).get(code)]
        functional.append({"date": a.assessed_on.isoformat(), "assessor": a.assessor_name or _staff(a.assessor_id)["name"],
                           "note": a.note or "", "notes": notes})
    data = {
        "count": len(series),
        "series": series,
        "first": first,
        "latest": latest,
        "change": change,
        "items": items,
    }
    return data, functional


def _sessions(plan: RehabPlan, on: date, kinds: dict[int, tuple[str, str]]) -> dict:
    rows = list(RehabSession.select()
                .where((RehabSession.plan == plan.id) & (RehabSession.session_date <= on))
                .order_by(RehabSession.session_date.desc(), RehabSession.id.desc()))
    names = dict(Staff.select(Staff.id, Staff.full_name)
                 .where(Staff.id.in_({s.staff_id for s in rows if s.staff_id})).tuples()) if rows else {}
    per: OrderedDict[int | None, dict] = OrderedDict()
    for iid, (kind, label) in kinds.items():
        per[iid] = {"intervention_id": iid, "kind": kind, "kind_label": label, "count": 0, "minutes": 0}
    for s in rows:
        if s.intervention_id not in per:
            kind, label = kinds.get(s.intervention_id, ("", NO_INTERVENTION))
            per[s.intervention_id] = {"intervention_id": s.intervention_id, "kind": kind, "kind_label": label,
                                      "count": 0, "minutes": 0}
        per[s.intervention_id]["count"] += 1
        per[s.intervention_id]["minutes"] += s.minutes
    minutes = sum(s.minutes for s in rows)
    listed = rows[:SESSIONS_LISTED]
    earlier = len(rows) - len(listed)
    return {
        "count": len(rows),
        "minutes": minutes,
        "hours": round(minutes / 60, 1),
        "first_date": _iso(rows[-1].session_date) if rows else None,
        "last_date": _iso(rows[0].session_date) if rows else None,
        "per_intervention": list(per.values()),
        "rows": [{
            "date": s.session_date.isoformat(),
            "kind_label": kinds.get(s.intervention_id, ("", NO_INTERVENTION))[1],
            "minutes": s.minutes,
            "staff": names.get(s.staff_id, ""),
            "note": s.note or "",
        } for s in listed],
        "listed": len(listed),
        "earlier": earlier,
        "earlier_note": f"… và {earlier} buổi trước đó" if earlier else "",
    }


def collect_plan(actor: Actor, code: str, *, plan_id: int | None = None, on: date | None = None) -> dict:
    """The plan document of resident ``code``: the current plan (``rehab.current_plan``) unless
    ``plan_id`` is given, as it stood on ``on`` (default today; assessments and sessions up to it).

    Needs "reports.view" (and "residents.view" to find the resident). ``NotFound`` for an unknown
    code, a resident without a plan, or a plan of another resident.
    """
    require(actor, "reports.view")
    on = on or date.today()
    detail = residents.get_by_code(actor, code)
    resident = Resident.get_by_id(detail.id)
    plan = RehabPlan.get_by_id(_choose_plan(actor, resident.id, resident.code, plan_id))
    row = rehab.get_plan(actor, plan.id)
    attendance = {a.intervention_id: a for a in rehab.attendance(actor, plan.id, on)}
    previous = RehabPlan.get_or_none(RehabPlan.id == plan.previous_id) if plan.previous_id else None
    therapist = _staff(plan.responsible_id)

    goals = []
    for g in row.goals:
        status, note = g.status, g.outcome_note or ""
        if g.achieved_date is not None and g.achieved_date > on:  # printed as of a day before it was reached
            status, note = "open", ""
        goals.append({
            "domain": g.domain,
            "domain_label": _vi(vocab.GOAL_DOMAINS, g.domain),
            "statement": g.statement,
            "target_date": _iso(g.target_date),
            "status": status,
            "status_label": _vi(vocab.GOAL_STATUSES, status),
            "achieved_date": _iso(g.achieved_date) if status != "open" else None,
            "outcome_note": note,
        })
    interventions = []
    kinds: dict[int, tuple[str, str]] = {}
    for i in row.interventions:
        a = attendance.get(i.id)
        kinds[i.id] = (i.kind, _vi(vocab.INTERVENTION_TYPES, i.kind))
        interventions.append({
            "id": i.id,
            "kind": i.kind,
            "kind_label": _vi(vocab.INTERVENTION_TYPES, i.kind),
            "description": i.description or "",
            "per_week": i.per_week,
            "minutes": i.minutes,
            "responsible": i.responsible_name,
            "planned": a.planned if a else 0,
            "delivered": a.delivered if a else 0,
            "delivered_minutes": a.minutes if a else 0,
            "pct": a.pct if a else 0.0,
        })
    assessments, functional = _assessments(plan, on)
    return {
        "kind": "rehab_plan",
        "on": on.isoformat(),
        "centre": settings.centre_profile(on).as_dict(),
        "resident": _resident_data(resident, on),
        "plan": {
            "id": plan.id,
            "start_date": _iso(plan.start_date),
            "review_date": _iso(plan.review_date),
            "end_date": _iso(plan.end_date),
            "status": plan.status,
            "status_label": _vi(vocab.PLAN_STATUSES, plan.status),
            "summary": plan.summary or "",
            "previous_start_date": _iso(previous.start_date) if previous else None,
            "previous_period": (f"{format_date(previous.start_date)} - "
                                f"{format_date(previous.end_date or previous.review_date)}") if previous else "",
        },
        "goals": goals,
        "goals_achieved": sum(1 for g in goals if g["status"] == "achieved" and g["achieved_date"]),
        "interventions": interventions,
        "barthel": assessments,
        "functional": functional,
        "sessions": _sessions(plan, on, kinds),
        "therapist": therapist,
    }
