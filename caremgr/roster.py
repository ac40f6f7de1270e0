"""The roster of residents in care on a day ("DANH SÁCH Đối tượng đang được chăm sóc, nuôi dưỡng tại
cơ sở"), as plain data for ``reports.roster``.

``collect_roster`` gathers the centre profile in force on the day, every resident in care on that
day (RETURN.md: admitted on or before it, not discharged or discharged after it) in Vietnamese name
order, with the columns the list prints, and the counts by group. Everything is JSON-able (dates as
ISO text) and the labels are Vietnamese whatever the UI language: the list is a document for an
agency.
"""

from __future__ import annotations

from datetime import date

from caremgr import settings, vocab
from caremgr.auth import Actor, require
from caremgr.bhyt import STATUS_LABELS
from caremgr.dates import BirthDate, age_on
from caremgr.resident_search import insurance_statuses, warning_days
from caremgr.residents_query import in_care_on
from db.models import Resident


def disability_text(kind: str | None, severity: str | None) -> str:
    """"Vận động, nặng"; the type or the severity alone ("Mức độ nặng"); "" for neither."""
    kind_label = dict(vocab.DISABILITY_TYPES).get(kind or "", kind or "")
    severity_label = dict(vocab.DISABILITY_SEVERITIES).get(severity or "", severity or "")
    if kind_label and severity_label:
        text = f"{kind_label}, {severity_label}"
    elif severity_label:
        text = f"mức độ {severity_label}"
    else:
        text = kind_label
    return text[:1].upper() + text[1:]


def collect_roster(actor: Actor, at: date | None = None) -> dict:
    """The residents in care on ``at`` (default today); needs "residents.view"."""
    require(actor, "residents.view")
    at = at or date.today()
    profile = settings.centre_profile(at)
    query = (Resident.select(Resident.id, Resident.code, Resident.full_name, Resident.birth_year,
                             Resident.birth_date, Resident.sex, Resident.category, Resident.admission_date,
                             Resident.disability_type, Resident.disability_severity, Resident.room)
             .where(in_care_on(at)).order_by(Resident.sort_key, Resident.code).tuples())
    found = list(query)
    statuses = insurance_statuses([t[0] for t in found], at, warning_days(at))
    categories = dict(vocab.CATEGORIES)
    sexes = dict(vocab.SEXES)
    rows = []
    for (rid, code, full_name, birth_year, birth_date, sex, category, admitted, kind, severity, room) in found:
        birth = BirthDate(birth_year, birth_date)
        status = statuses[rid]
        rows.append({
            "code": code,
            "full_name": full_name,
            "birth_display": birth.display,
            "birth_year": birth_year,
            "birth_date": birth_date.isoformat() if birth_date else None,
            "age": age_on(birth, at) if birth.basis <= at else None,
            "sex": sex,
            "sex_label": sexes.get(sex, sex),
            "category": category,
            "category_label": categories.get(category, category),
            "admission_date": admitted.isoformat(),
            "disability": disability_text(kind, severity),
            "room": room or "",
            "insurance_status": status,
            "insurance_label": STATUS_LABELS[status],
        })
    by_category = [{"code": code, "label": label, "count": sum(1 for r in rows if r["category"] == code)}
                   for code, label in vocab.CATEGORIES]
    return {
        "kind": "roster",
        "at": at.isoformat(),
        "centre": profile.as_dict(),
        "rows": rows,
        "counts": {
            "total": len(rows),
            "by_category": by_category,
            "by_sex": {code: sum(1 for r in rows if r["sex"] == code) for code, _label in vocab.SEXES},
        },
    }
