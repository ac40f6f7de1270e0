"""Statements built once (db.prepared) and the shortcuts the import takes through the services.

Behaviour only: a prepared INSERT stores and returns what ``Model.create`` does, a prepared SELECT
reads what peewee reads, and the import's shortcuts (``residents.details_by_code``, ``create`` with
``validated=``, ``vocab.match``'s cache) give what the plain calls give.
"""

from __future__ import annotations

from datetime import date

import pytest

from caremgr import audit, i18n, residents, vocab
from db import prepared
from db.models import AuditLog, Contact, InsuranceCard, Resident


def _data(code: str, **extra) -> dict:
    return {"code": code, "full_name": "Nguyễn Thị Lan", "sex": "Nữ", "birth": "05/03/1948", "category": "NCT",
            "admission_date": "01/02/2020", "cccd_note": "chưa có"} | extra


def _stored(model, row_id: int) -> dict:
    values = dict(model.select().where(model.id == row_id).dicts().get())
    values.pop("id")
    values.pop("created_at", None)
    values.pop("updated_at", None)
    return values


def test_insert_stores_and_returns_what_create_does(database, admin):
    resident = residents.create(admin, _data("DT001"))
    values = {"resident": resident.id, "number": "BT2380123456789", "group_code": "BT", "benefit_level": 2,
              "valid_from": date(2026, 1, 1), "valid_to": date(2026, 12, 31)}
    made = InsuranceCard.create(**values)
    fast = prepared.insert(InsuranceCard, **values)
    assert fast.id not in (None, made.id)
    assert _stored(InsuranceCard, fast.id) == _stored(InsuranceCard, made.id)
    assert {k: v for k, v in fast.__data__.items() if k not in ("id", "created_at", "updated_at")} == \
           {k: v for k, v in made.__data__.items() if k not in ("id", "created_at", "updated_at")}
    assert fast.version == 1 and not fast.is_dirty()
    # a JSON column goes through its field's conversion
    entry = prepared.insert(AuditLog, username="admin", action="test", entity="x", changes={"a": [None, "ờ"]})
    assert AuditLog.get_by_id(entry.id).changes == {"a": [None, "ờ"]}


def test_rows_load_and_update(database, admin):
    detail = residents.create(admin, _data("DT002"))

    def by_code(code, deleted, limit):
        return Resident.select().where((Resident.code == code) & (Resident.deleted == deleted)).limit(limit)

    loaded = prepared.load("test.by_code", Resident, by_code, "DT002", False, 1)
    assert loaded.__data__ == Resident.get_by_id(detail.id).__data__
    assert prepared.load("test.by_code", Resident, by_code, "NONE", False, 1) is None
    fields = [Resident.code, Resident.admission_date]
    assert prepared.rows("test.fields", fields, lambda code, n: Resident.select(*fields)
                         .where(Resident.code == code).limit(n), "DT002", 1) == [("DT002", date(2020, 2, 1))]
    assert prepared.update(Resident, {"room": "A101"}, {"id": detail.id, "version": 99}) == 0
    assert prepared.update(Resident, {"room": "A101"}, {"id": detail.id, "version": detail.version}) == 1
    assert Resident.get_by_id(detail.id).room == "A101"


def test_a_query_whose_parameters_differ_is_refused(database):
    with pytest.raises(ValueError):  # the literal 1 is a parameter the caller did not give
        prepared.rows("test.bad", [Resident.id], lambda code: Resident.select(Resident.id)
                      .where(Resident.code == code).limit(1), "DT001")


def test_details_by_code_match_get_by_code(database, admin):
    first = residents.create(admin, _data("DT010"), contacts=[{"full_name": "Trần Văn Hùng", "phone": "0912345678"},
                                                               {"full_name": "Lê Thị Hoa"}])
    residents.create(admin, _data("DT011", full_name="Phạm Văn An", sex="Nam"))
    gone = residents.create(admin, _data("DT012", full_name="Hoàng Văn Bình", sex="Nam"))
    residents.delete_by_mistake(admin, gone.id, reason="nhập nhầm")
    found = residents.details_by_code(admin, ["dt010", "DT011", "DT012", "DT999", ""])
    assert set(found) == {"DT010", "DT011"}
    assert found["DT010"] == residents.get_by_code(admin, "DT010")
    assert found["DT011"] == residents.get_by_code(admin, "DT011")
    assert [c.full_name for c in found["DT010"].contacts] == ["Trần Văn Hùng", "Lê Thị Hoa"]
    assert found["DT010"].id == first.id


def test_create_with_validated_gives_the_same_record_and_audit(database, admin):
    data = _data("DT020", cccd="", address="Thôn 3, xã Hoằng Hóa")
    contacts = [residents.ContactData(id=None, full_name="Trần Văn Hùng", phone="0912345678")]
    plain = residents.create(admin, data, contacts=contacts)
    data2 = _data("DT021", cccd="", address="Thôn 3, xã Hoằng Hóa")
    quick = residents.create(admin, data2, contacts=contacts, validated=residents.validate(data2))
    assert {k: v for k, v in vars(quick).items() if k not in ("id", "code", "contacts")} == \
           {k: v for k, v in vars(plain).items() if k not in ("id", "code", "contacts")}
    assert [(c.full_name, c.phone) for c in quick.contacts] == [("Trần Văn Hùng", "0912345678")]
    assert [(c.full_name, c.phone) for c in quick.contacts] == \
           [(c.full_name, c.phone) for c in Contact.select().where(Contact.resident == quick.id)]
    entries = {e.resident_id: e.changes for e in AuditLog.select().where(AuditLog.action == "create")}
    stored = [{"id": c.id, "full_name": c.full_name, "relationship": None, "phone": "0912345678", "address": None,
               "is_guardian": False, "notes": None} for c in Contact.select().where(Contact.resident == quick.id)]
    assert entries[quick.id]["contacts"] == [None, stored]
    assert set(entries[quick.id]) == set(entries[plain.id])
    assert audit.verify_chain().ok


def test_the_chain_holds_when_a_savepoint_with_entries_is_undone(database, admin):
    from db.connection import write_transaction

    residents.create(admin, _data("DT030"))
    with write_transaction():
        with pytest.raises(RuntimeError), write_transaction():
            residents.create(admin, _data("DT031"))
            raise RuntimeError("row refused")
        residents.create(admin, _data("DT032"))
    assert [r.code for r in Resident.select().order_by(Resident.id)] == ["DT030", "DT032"]
    assert audit.verify_chain().ok


def test_match_follows_the_language_and_the_first_code_wins():
    assert vocab.match(vocab.SEXES, " nữ ") == "female"
    assert vocab.match(vocab.CATEGORIES, "nct") == "NCT"
    try:
        i18n.set_language("en")
        assert vocab.match(vocab.SEXES, i18n._("Nữ")) == "female"
        assert vocab.match(vocab.SEXES, "Nữ") == "female"
    finally:
        i18n.set_language("vi")
    doubled = [("a", "Trùng"), ("b", "trung")]
    assert vocab.match(doubled, "TRUNG") == "a"
    assert vocab.match(doubled, "b") == "b"
    assert vocab.match(doubled, "khác") is None
