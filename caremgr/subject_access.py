"""Everything held about one resident, for a data subject access request (Law 91/2025/QH15).

``export_subject_data`` writes a .zip with ``du-lieu.json`` (identity, contacts, insurance cards,
health checks, conditions, referrals, rehabilitation plans with their goals and interventions,
sessions, assessments, consents and the audit entries about the resident), the photo when there is
one, and any ``extra_files`` the caller adds (the record PDF, which the UI/CLI renders: this layer
may not import reports).
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from caremgr import audit
from caremgr.auth import Actor, require
from caremgr.consent import consent_plain
from caremgr.errors import NotFound, ValidationError
from caremgr.i18n import _
from db.models import (
    Assessment,
    AuditLog,
    Condition,
    Contact,
    HealthCheck,
    InsuranceCard,
    Referral,
    RehabGoal,
    RehabIntervention,
    RehabPlan,
    RehabSession,
    Resident,
)

JSON_NAME = "du-lieu.json"
PHOTO_NAME = "anh.jpg"
FORMAT = "caremgr-subject-access/1"


def _plain_rows(query) -> list[dict]:
    return [audit.snapshot(row) for row in query]


def collect(resident: Resident) -> dict:
    """The resident's data as plain JSON-able values (secrets never included)."""
    identity = audit.snapshot(resident)
    identity.pop("photo", None)
    rid = resident.id
    plans = []
    for plan in RehabPlan.select().where(RehabPlan.resident == rid).order_by(RehabPlan.start_date, RehabPlan.id):
        item = audit.snapshot(plan)
        item["goals"] = _plain_rows(RehabGoal.select().where(RehabGoal.plan == plan.id).order_by(RehabGoal.id))
        item["interventions"] = _plain_rows(
            RehabIntervention.select().where(RehabIntervention.plan == plan.id).order_by(RehabIntervention.id))
        plans.append(item)
    trail = [
        {"id": e.id, "at": e.at.isoformat(sep=" ") if isinstance(e.at, datetime) else str(e.at),
         "username": e.username, "action": e.action, "entity": e.entity, "entity_id": e.entity_id,
         "summary": e.summary, "changes": e.changes}
        for e in AuditLog.select().where(AuditLog.resident_id == rid).order_by(AuditLog.id)
    ]
    return {
        "identity": identity,
        "contacts": _plain_rows(Contact.select().where(Contact.resident == rid).order_by(Contact.id)),
        "insurance_cards": _plain_rows(
            InsuranceCard.select().where(InsuranceCard.resident == rid).order_by(InsuranceCard.valid_from)),
        "health_checks": _plain_rows(
            HealthCheck.select().where(HealthCheck.resident == rid).order_by(HealthCheck.check_date, HealthCheck.id)),
        "conditions": _plain_rows(Condition.select().where(Condition.resident == rid).order_by(Condition.id)),
        "referrals": _plain_rows(Referral.select().where(Referral.resident == rid).order_by(Referral.id)),
        "rehab_plans": plans,
        "rehab_sessions": _plain_rows(
            RehabSession.select().where(RehabSession.resident == rid)
            .order_by(RehabSession.session_date, RehabSession.id)),
        "assessments": _plain_rows(
            Assessment.select().where(Assessment.resident == rid).order_by(Assessment.assessed_on, Assessment.id)),
        "consents": consent_plain(rid),
        "audit_entries": trail,
    }


def export_subject_data(actor: Actor, resident_id: int, path, *,
                        extra_files: Mapping[str, bytes] | None = None) -> Path:
    """Writes the .zip (replacing ``path`` only once complete) and audits the export."""
    require(actor, "residents.view")
    resident = Resident.get_or_none(Resident.id == resident_id)
    if resident is None or resident.deleted:
        raise NotFound(_("Không tìm thấy hồ sơ đối tượng."))
    extra_files = dict(extra_files or {})
    reserved = {JSON_NAME, PHOTO_NAME}
    for name in extra_files:
        if name in reserved or not name or "/" in name or "\\" in name or name.startswith("."):
            raise ValidationError(_("Tên tệp kèm theo không hợp lệ: {name}.").format(name=name), "extra_files")
    # The export itself is logged first, so the file lists it among the entries about the resident.
    audit.record(actor, "export", "resident", resident.id, resident_id=resident.id,
                 summary=f"data subject export of resident {resident.code}")
    data = {
        "format": FORMAT,
        "exported_at": datetime.now().replace(microsecond=0).isoformat(sep=" "),
        "exported_by": actor.username,
        **collect(resident),
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".caremgr-", suffix=".zip", dir=target.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temp_name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(JSON_NAME, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))
            if resident.photo:
                archive.writestr(PHOTO_NAME, base64.b64decode(resident.photo))
            for name, content in extra_files.items():
                archive.writestr(name, content)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target
