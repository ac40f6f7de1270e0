"""The list of residents who need a health-insurance card issued or renewed, as plain data.

``collect_insurance_list`` gathers what ``reports.insurance`` prints (and writes to .xlsx) for the
social-insurance office: the centre profile in force on the day, the addressee, the residents in
care whose card status is none, expired or expiring on that day (``insurance.needing_cards``), and
the counts of every status among all residents in care. Everything is JSON-able (dates as ISO
text) and labels are Vietnamese whatever the UI language: the list is a document for an agency.
"""

from __future__ import annotations

from datetime import date

from caremgr import insurance, settings
from caremgr.auth import Actor, require
from caremgr.bhyt import STATUS_LABELS

# Provinces that are centrally-run cities ("thành phố"); the others are "tỉnh".
_CITIES = {"hà nội", "hồ chí minh", "thành phố hồ chí minh", "hải phòng", "đà nẵng", "cần thơ", "huế"}
_UNIT_PREFIXES = ("tỉnh ", "thành phố ", "tp ", "tp. ")


def province_unit(province: str) -> str:
    """"Thanh Hóa" -> "tỉnh Thanh Hóa", "Hà Nội" -> "thành phố Hà Nội"; a name that already
    says its unit is kept; "" stays ""."""
    name = " ".join(str(province or "").split())
    if not name or name.lower().startswith(_UNIT_PREFIXES):
        return name
    return ("thành phố " if name.lower() in _CITIES else "tỉnh ") + name


def default_addressee(province: str) -> str:
    """The social-insurance office of the centre's province (the settings name no such office)."""
    unit = province_unit(province)
    return f"Cơ quan Bảo hiểm xã hội {unit}" if unit else "Cơ quan Bảo hiểm xã hội"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def collect_insurance_list(actor: Actor, on: date | None = None) -> dict:
    """The list as it stands on ``on`` (default today); needs "reports.view"."""
    require(actor, "reports.view")
    on = on or date.today()
    profile = settings.centre_profile(on)
    rows = insurance.needing_cards(actor, on)
    counts = insurance.status_counts(actor, on)
    return {
        "kind": "insurance_list",
        "on": on.isoformat(),
        "centre": profile.as_dict(),
        "addressee": default_addressee(profile.province),
        "warning_days": counts["warning_days"],
        "rows": [{
            "code": r.code,
            "full_name": r.full_name,
            "birth_year": r.birth.year,
            "birth_date": _iso(r.birth.date),
            "sex": r.sex,
            "sex_label": r.sex_label,
            "cccd": r.cccd,
            "social_insurance_no": r.social_insurance_no,
            "category": r.category,
            "category_label": r.category_label,
            "group_code": r.group,
            "group_text": r.group_text,
            "card_number": r.card_number,
            "facility_code": r.facility_code,
            "facility_name": r.facility_name,
            "valid_to": _iso(r.valid_to),
            "status": r.status,
            "status_label": r.status_label,
        } for r in rows],
        "counts": {
            "in_care": counts["in_care"],
            "valid": counts["valid"],
            "expiring": counts["expiring"],
            "expired": counts["expired"],
            "none": counts["none"],
            "coverage_pct": counts["coverage_pct"],
        },
        "status_labels": dict(STATUS_LABELS),
    }
