"""Data subject access (Law 91/2025/QH15): one .zip with everything held about one resident — and
nothing about anyone else — plus the caller's extra files; the export itself is audited."""

import base64
import json
import zipfile
from datetime import date

import pytest

from caremgr import audit, auth, consent, health, subject_access
from caremgr.errors import NotFound, PermissionDenied, ValidationError
from db.models import (
    AuditLog,
    Contact,
    InsuranceCard,
    RehabGoal,
    RehabIntervention,
    RehabPlan,
    RehabSession,
    Resident,
)


def resident(code, name):
    return Resident.create(code=code, full_name=name, search_name=name.lower(), sort_key=code, sex="female",
                           birth_year=1950, category="NCT", admission_date=date(2024, 1, 1))


@pytest.fixture
def people(admin):
    """Hoa has data of every kind; Nam has some too, which must never appear in Hoa's export."""
    hoa, nam = resident("DT001", "Nguyễn Thị Hoa"), resident("DT002", "Lê Văn Nam")
    for who, phone in ((hoa, "0912345678"), (nam, "0987654321")):
        Contact.create(resident=who.id, full_name=f"Con của {who.full_name}", phone=phone, is_guardian=True)
        InsuranceCard.create(resident=who.id, number=f"GD4{who.id:012d}", valid_from=date(2026, 1, 1),
                             valid_to=date(2026, 12, 31))
        health.add_check(admin, who.id, {"check_date": "02/02/2026", "pulse": str(70 + who.id),
                                         "blood_pressure": "120/80"})
        consent.add_consent(admin, who.id, {"given_on": "01/02/2026", "given_by": f"Con của {who.full_name}",
                                            "relation": "guardian", "scope": f"phạm vi {who.code}"})
        plan = RehabPlan.create(resident=who.id, start_date=date(2026, 1, 5), summary=f"kế hoạch {who.code}")
        RehabGoal.create(plan=plan.id, domain="mobility", statement=f"đi lại {who.code}")
        intervention = RehabIntervention.create(plan=plan.id, kind="physio")
        RehabSession.create(resident=who.id, plan=plan.id, intervention=intervention.id,
                            session_date=date(2026, 2, 3), minutes=30 + who.id)
    audit.record_view(admin, hoa.id)
    return hoa, nam


def read(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_zip_holds_everything_about_the_resident_and_nothing_else(admin, people, tmp_path):
    hoa, nam = people
    path = subject_access.export_subject_data(admin, hoa.id, tmp_path / "out" / "du-lieu.zip",
                                              extra_files={"ho-so-DT001.pdf": b"%PDF-1.4 test"})
    files = read(path)
    assert set(files) == {"du-lieu.json", "ho-so-DT001.pdf"}  # no photo was stored
    assert files["ho-so-DT001.pdf"] == b"%PDF-1.4 test"
    data = json.loads(files["du-lieu.json"])
    assert data["format"] == subject_access.FORMAT and data["exported_by"] == "admin"
    assert (data["identity"]["code"], data["identity"]["full_name"]) == ("DT001", "Nguyễn Thị Hoa")
    assert [c["phone"] for c in data["contacts"]] == ["0912345678"]
    assert [c["number"] for c in data["insurance_cards"]] == [f"GD4{hoa.id:012d}"]
    assert [(c["check_date"], c["pulse"], c["systolic"]) for c in data["health_checks"]] == [
        ("2026-02-02", 70 + hoa.id, 120)]
    assert [(c["given_by"], c["scope"]) for c in data["consents"]] == [("Con của Nguyễn Thị Hoa", "phạm vi DT001")]
    assert [p["summary"] for p in data["rehab_plans"]] == ["kế hoạch DT001"]
    assert [g["statement"] for g in data["rehab_plans"][0]["goals"]] == ["đi lại DT001"]
    assert [i["kind"] for i in data["rehab_plans"][0]["interventions"]] == ["physio"]
    assert [s["minutes"] for s in data["rehab_sessions"]] == [30 + hoa.id]
    assert data["conditions"] == [] and data["referrals"] == [] and data["assessments"] == []
    expected_trail = [e.id for e in AuditLog.select().where(AuditLog.resident_id == hoa.id).order_by(AuditLog.id)]
    assert [e["id"] for e in data["audit_entries"]] == expected_trail
    assert {e["action"] for e in data["audit_entries"]} >= {"create", "view", "export"}
    text = files["du-lieu.json"].decode("utf-8")
    for foreign in ("Lê Văn Nam", "0987654321", "DT002", f"GD4{nam.id:012d}", "password_hash"):
        assert foreign not in text
    export = AuditLog.get(AuditLog.action == "export")
    assert (export.username, export.entity, export.resident_id) == ("admin", "resident", hoa.id)
    assert audit.verify_chain().ok


def test_photo_is_a_file_not_text_in_the_json(admin, people, tmp_path):
    hoa, _nam = people
    picture = b"\xff\xd8\xff\xe0 not really a jpeg"
    Resident.update(photo=base64.b64encode(picture).decode("ascii")).where(Resident.id == hoa.id).execute()
    files = read(subject_access.export_subject_data(admin, hoa.id, tmp_path / "a.zip"))
    assert files["anh.jpg"] == picture
    assert "photo" not in json.loads(files["du-lieu.json"])["identity"]


def test_refusals(admin, people, tmp_path):
    hoa, _nam = people
    nobody = auth.create_user(admin, "khach", "mat-khau-9", "nurse")
    Resident.update(deleted=True).where(Resident.id == _nam.id).execute()
    with pytest.raises(NotFound):
        subject_access.export_subject_data(admin, _nam.id, tmp_path / "x.zip")
    with pytest.raises(ValidationError):
        subject_access.export_subject_data(admin, hoa.id, tmp_path / "x.zip", extra_files={"../evil": b""})
    with pytest.raises(ValidationError):
        subject_access.export_subject_data(admin, hoa.id, tmp_path / "x.zip", extra_files={"du-lieu.json": b""})
    assert not (tmp_path / "x.zip").exists()
    assert nobody.can("residents.view")  # nurses may answer a request
    assert subject_access.export_subject_data(nobody, hoa.id, tmp_path / "n.zip").exists()
    with pytest.raises(PermissionDenied):
        subject_access.export_subject_data(None, hoa.id, tmp_path / "y.zip")
