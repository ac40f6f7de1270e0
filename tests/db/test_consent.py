"""Consent to personal data processing (Law 91/2025/QH15): validation, audit, withdrawal with
optimistic locking, has_consent on a date, permissions. Runs on SQLite and PostgreSQL."""

from datetime import date, timedelta

import pytest

from caremgr import audit, auth, consent
from caremgr.errors import Conflict, NotFound, PermissionDenied, ValidationError
from db.models import AuditLog, Consent, Resident

GOOD = {"given_on": "15/01/2026", "given_by": " Nguyễn  Thị Hoa ", "relation": "guardian",
        "scope": "Hồ sơ, sức khỏe, phục hồi chức năng", "document": "BB-12/2026", "note": "ký tại phòng"}


def resident(code="DT001", status="in_care"):
    return Resident.create(code=code, full_name=f"Người {code}", search_name=f"nguoi {code.lower()}",
                           sort_key=code, sex="female", birth_year=1950, category="NCT",
                           admission_date=date(2024, 1, 1), status=status)


@pytest.fixture
def nurse(admin):
    return auth.create_user(admin, "lan", "mat-khau-2", "nurse")


@pytest.fixture
def director(admin):
    return auth.create_user(admin, "hung", "mat-khau-3", "director")


def test_add_stores_cleaned_values_and_audits(nurse):
    r = resident()
    row = consent.add_consent(nurse, r.id, GOOD)
    assert (row.resident_id, row.given_on, row.given_by, row.relation, row.scope, row.document, row.note,
            row.withdrawn_on, row.version) == (r.id, date(2026, 1, 15), "Nguyễn Thị Hoa", "guardian",
                                              GOOD["scope"], "BB-12/2026", "ký tại phòng", None, 1)
    assert row.relation_label == "Người giám hộ"
    stored = Consent.get_by_id(row.id)
    assert stored.given_by == "Nguyễn Thị Hoa" and stored.resident_id == r.id
    entry = AuditLog.get((AuditLog.entity == "consent") & (AuditLog.action == "create"))
    assert (entry.username, entry.entity_id, entry.resident_id) == ("lan", str(row.id), r.id)
    assert entry.changes["given_by"] == [None, "Nguyễn Thị Hoa"]
    assert audit.verify_chain().ok


def test_relation_defaults_to_self(admin):
    row = consent.add_consent(admin, resident().id, {**GOOD, "relation": ""})
    assert row.relation == "self"


@pytest.mark.parametrize("key, value, expected", [
    ("given_on", "", "Ngày đồng ý: không được để trống."),
    ("given_on", "31/02/2026", "Ngày đồng ý:"),
    ("given_by", "  ", "Người đồng ý: không được để trống."),
    ("scope", "", "Phạm vi đồng ý: không được để trống."),
    ("relation", "neighbour", "Quan hệ: chọn một trong"),
    ("document", "x" * 121, "Văn bản, biên bản số: dài quá 120 ký tự."),
])
def test_invalid_input_names_the_field(admin, key, value, expected):
    r = resident()
    with pytest.raises(ValidationError) as err:
        consent.add_consent(admin, r.id, {**GOOD, key: value})
    assert any(expected in m for m in err.value.for_field(key))
    assert Consent.select().count() == 0


def test_future_date_refused(admin):
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    with pytest.raises(ValidationError, match="không được sau ngày hôm nay"):
        consent.add_consent(admin, resident().id, {**GOOD, "given_on": tomorrow})


def test_list_newest_first_and_has_consent_over_time(admin):
    r, other = resident(), resident("DT002")
    old = consent.add_consent(admin, r.id, {**GOOD, "given_on": "01/03/2025"})
    new = consent.add_consent(admin, r.id, {**GOOD, "given_on": "01/02/2026", "relation": "self"})
    assert [c.id for c in consent.list_consents(admin, r.id)] == [new.id, old.id]
    assert consent.list_consents(admin, other.id) == []
    assert not consent.has_consent(r.id, date(2025, 2, 28))
    assert consent.has_consent(r.id, date(2025, 3, 1))
    assert not consent.has_consent(other.id, date(2026, 3, 1))
    consent.withdraw(admin, old.id, "01/06/2025", version=old.version)
    assert consent.has_consent(r.id, date(2025, 5, 31))
    assert not consent.has_consent(r.id, date(2025, 6, 1))  # withdrawn from that day on
    assert consent.has_consent(r.id, date(2026, 2, 1))  # the newer consent holds again


def test_withdraw_updates_version_audits_and_refuses_twice(admin):
    r = resident()
    row = consent.add_consent(admin, r.id, GOOD)
    done = consent.withdraw(admin, row.id, date(2026, 2, 1), version=row.version)
    assert (done.withdrawn_on, done.version) == (date(2026, 2, 1), 2)
    assert not done.in_force(date(2026, 2, 1)) and done.in_force(date(2026, 1, 31))
    entry = AuditLog.get((AuditLog.entity == "consent") & (AuditLog.action == "update"))
    assert entry.changes["withdrawn_on"] == [None, "2026-02-01"] and entry.resident_id == r.id
    with pytest.raises(ValidationError, match="đã được rút lại ngày 01/02/2026"):
        consent.withdraw(admin, row.id, date(2026, 3, 1), version=done.version)


def test_withdraw_checks_dates_and_version(admin):
    r = resident()
    row = consent.add_consent(admin, r.id, GOOD)
    with pytest.raises(ValidationError, match="không được trước ngày đồng ý"):
        consent.withdraw(admin, row.id, "14/01/2026", version=row.version)
    with pytest.raises(ValidationError, match="Ngày rút lại: không được để trống"):
        consent.withdraw(admin, row.id, "", version=row.version)
    with pytest.raises(Conflict):
        consent.withdraw(admin, row.id, "20/01/2026", version=row.version + 1)
    assert Consent.get_by_id(row.id).withdrawn_on is None
    with pytest.raises(NotFound):
        consent.withdraw(admin, row.id + 99, "20/01/2026", version=1)


def test_permissions_and_read_only_deceased(admin, nurse, director):
    r = resident()
    with pytest.raises(PermissionDenied):
        consent.add_consent(director, r.id, GOOD)  # directors view residents but do not edit them
    row = consent.add_consent(nurse, r.id, GOOD)
    assert [c.id for c in consent.list_consents(director, r.id)] == [row.id]
    with pytest.raises(PermissionDenied):
        consent.withdraw(director, row.id, "20/01/2026", version=row.version)
    dead = resident("DT009", status="deceased")
    with pytest.raises(ValidationError, match="người đã mất"):
        consent.add_consent(nurse, dead.id, GOOD)
    with pytest.raises(NotFound):
        consent.list_consents(nurse, r.id + 999)


def test_consents_go_with_a_hard_deleted_resident(admin):
    r = resident()
    consent.add_consent(admin, r.id, GOOD)
    Resident.delete().where(Resident.id == r.id).execute()
    assert Consent.select().count() == 0
