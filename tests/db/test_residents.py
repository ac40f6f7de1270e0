"""Residents' profiles: validation in Vietnamese, create/update with audit and optimistic locking,
discharge/readmission, deceased records read-only, deletion of a record entered by mistake."""

from datetime import date, timedelta

import pytest

from caremgr import audit, auth, residents
from caremgr.cccd import cccd_for
from caremgr.dates import BirthDate
from caremgr.errors import Conflict, NotFound, PermissionDenied, ValidationError
from caremgr.phones import check_phone
from caremgr.text import name_sort_key
from db.models import AuditLog, Contact, Resident

TODAY = date.today()
CCCD_AN = cccd_for("038", 1950, "male", 1)  # 038050000001


def form(**changes) -> dict:
    values = {
        "code": "DT0001", "full_name": "Nguyễn Văn An", "sex": "Nam", "birth": "12/03/1950", "ethnicity": "Kinh",
        "cccd": CCCD_AN, "cccd_note": "", "address": "Thôn Trung, xã Hoằng Hóa, tỉnh Thanh Hóa",
        "province": "Thanh Hóa", "commune": "xã Hoằng Hóa", "category": "NCT", "merit_type": "",
        "disability_type": "", "disability_severity": "", "admission_date": "01/02/2020",
        "admission_decision": "125/QĐ-TTBTXH", "room": "A101", "notes": "",
    }
    values.update(changes)
    return values


def messages(findings, field=None, severity="error"):
    return [p.message for p in findings.problems
            if p.severity == severity and (field is None or p.field == field)]


def entries(action, resident_id):
    return list(AuditLog.select().where((AuditLog.action == action) & (AuditLog.resident_id == resident_id))
                .order_by(AuditLog.id))


@pytest.fixture
def nurse(admin):
    return auth.create_user(admin, "lan", "mat-khau-2", "nurse", "Trần Thị Lan")


@pytest.fixture
def director(admin):
    return auth.create_user(admin, "hung", "mat-khau-3", "director", "Lê Văn Hùng")


@pytest.fixture
def an(nurse):
    return residents.create(nurse, form(), [
        {"full_name": "Nguyễn Thị Bình", "relationship": "Con gái", "phone": "0912 345 678", "is_guardian": True},
        {"full_name": "Nguyễn Văn Cường", "relationship": "Con trai", "phone": "+84 983.123.456"},
    ])


# --- validation ---------------------------------------------------------------------------------

def test_valid_form_gives_clean_column_values(database):
    clean, findings = residents.validate(form(sex="nữ", cccd=cccd_for("38", 1950, "female", 1),
                                              ethnicity="hmong", category="Người cao tuổi", room=" A 101 "))
    assert findings.errors == [] and findings.warnings == []
    assert clean["sex"] == "female" and clean["category"] == "NCT" and clean["ethnicity"] == "H'Mông"
    assert clean["birth_year"] == 1950 and clean["birth_date"] == date(1950, 3, 12)
    assert clean["cccd"] == "038150000001" and clean["room"] == "A 101"
    assert clean["admission_date"] == date(2020, 2, 1) and clean["merit_type"] is None


def test_typed_values_are_accepted_as_well_as_text(database):
    clean, findings = residents.validate(form(birth=BirthDate(1950), admission_date=date(2020, 2, 1)))
    assert findings.errors == []
    assert clean["birth_year"] == 1950 and clean["birth_date"] is None
    clean, findings = residents.validate(form(birth=1950))
    assert findings.errors == [] and clean["birth_date"] is None


def test_required_fields_are_named_in_vietnamese(database):
    _clean, findings = residents.validate({})
    assert messages(findings, "code") == ["Mã đối tượng: không được để trống."]
    assert messages(findings, "full_name") == ["Họ và tên: không được để trống."]
    assert messages(findings, "sex") == ["Giới tính: không được để trống."]
    assert messages(findings, "birth") == ["Ngày sinh: không được để trống."]
    assert messages(findings, "category") == ["Nhóm đối tượng: không được để trống."]
    assert messages(findings, "admission_date") == ["Ngày tiếp nhận: không được để trống."]
    # No CCCD and no reason: a warning, not an error.
    assert messages(findings, "cccd") == []
    assert "Số CCCD" in messages(findings, "cccd", "warning")[0]


@pytest.mark.parametrize("changes, field, expected", [
    ({"code": "DT" + "0" * 19}, "code", "Mã đối tượng: tối đa 20 ký tự (đã nhập 21)"),
    ({"full_name": "   "}, "full_name", "Họ và tên: không được để trống."),
    ({"sex": "khác"}, "sex", "Giới tính: phải là Nam hoặc Nữ (đã nhập \"khác\")"),
    ({"birth": "1870", "cccd": ""}, "birth", "Ngày sinh: năm sinh 1870 không hợp lệ (trước năm 1880)"),
    ({"birth": "31/02/1950"}, "birth", "Ngày sinh: ngày không hợp lệ: 31/02/1950"),
    ({"birth": "12/3/50"}, "birth", "Ngày sinh: năm phải có đủ 4 chữ số: 12/3/50"),
    ({"category": "ABC"}, "category", "Nhóm đối tượng: \"ABC\" không có trong danh mục"),
    ({"ethnicity": "Xyz"}, "ethnicity", "Dân tộc: \"Xyz\" không có trong danh mục 54 dân tộc"),
    ({"admission_date": "11/03/1950"}, "admission_date",
     "Ngày tiếp nhận: không được trước ngày sinh (12/03/1950)"),
    ({"birth": "1950", "admission_date": "31/12/1949"}, "admission_date",
     "Ngày tiếp nhận: không được trước ngày sinh (1950)"),
    ({"admission_date": "2020-13-01"}, "admission_date", "Ngày tiếp nhận: ngày không hợp lệ: 2020-13-01"),
    ({"cccd": cccd_for("038", 1950, "female", 1)}, "cccd",
     "Số CCCD: mã thế kỷ/giới tính (1) không khớp với giới tính Nam"),
    ({"cccd": "038051000001"}, "cccd", "Số CCCD: hai số năm sinh (51) không khớp với năm sinh 1950"),
    ({"cccd": "0380500001"}, "cccd", "Số CCCD phải có 12 chữ số (nhận được 10)"),
    ({"disability_type": "vận động"}, "disability_severity", "Mức độ khuyết tật: bắt buộc khi có dạng khuyết tật"),
    ({"disability_severity": "nặng"}, "disability_type",
     "Dạng khuyết tật: chưa chọn nhưng đã nhập mức độ khuyết tật"),
    ({"disability_type": "lame", "disability_severity": "nặng"}, "disability_type",
     "Dạng khuyết tật: \"lame\" không có trong danh mục"),
    ({"room": "P" * 31}, "room", "Phòng: tối đa 30 ký tự (đã nhập 31)"),
])
def test_each_rule_names_its_field(database, changes, field, expected):
    _clean, findings = residents.validate(form(**changes))
    found = messages(findings, field)
    assert any(m.startswith(expected) for m in found), found


def test_dates_in_the_future_are_refused(database):
    today = date(2026, 6, 30)
    _clean, findings = residents.validate(form(birth="2027", admission_date="01/07/2026"), today=today)
    assert messages(findings, "birth") == ["Ngày sinh 2027 ở tương lai"]
    _clean, findings = residents.validate(form(admission_date="01/07/2026"), today=today)
    assert messages(findings, "admission_date") == ["Ngày tiếp nhận: không được ở tương lai (01/07/2026)"]
    _clean, findings = residents.validate(form(admission_date="30/06/2026"), today=today)
    assert findings.errors == []


def test_warnings_do_not_block(database):
    clean, findings = residents.validate(form(cccd="", cccd_note="", merit_type="Thương binh"))
    assert findings.errors == []
    assert any("chưa nhập" in m for m in messages(findings, "cccd", "warning"))
    assert messages(findings, "merit_type", "warning") == [
        "Diện người có công: chỉ dùng cho nhóm Người có công với cách mạng (NCC); nhóm đã chọn là Người cao tuổi"]
    assert clean["merit_type"] == "war_invalid" and clean["cccd"] is None
    _clean, findings = residents.validate(form(cccd="", cccd_note="chưa có", category="NCC", merit_type="war_invalid"))
    assert findings.problems == []
    # A CCCD that lost its leading zero in a spreadsheet is padded back, with a warning.
    clean, findings = residents.validate(form(cccd=int(CCCD_AN)))
    assert clean["cccd"] == CCCD_AN and findings.errors == [] and messages(findings, "cccd", "warning")


def test_code_and_cccd_must_be_unique(an):
    _clean, findings = residents.validate(form(code="dt0001", full_name="Lê Văn Bình"))
    assert messages(findings, "code") == ["Mã đối tượng: đã thuộc đối tượng DT0001 Nguyễn Văn An"]
    assert messages(findings, "cccd") == ["Số CCCD đã thuộc đối tượng DT0001 Nguyễn Văn An"]
    # The resident itself is not a duplicate of itself.
    _clean, findings = residents.validate(form(), resident_id=an.id)
    assert findings.errors == []


def test_contacts_and_phone_numbers(database):
    assert check_phone("0912 345 678")[0] == "0912345678"
    assert check_phone("0912.345.678")[0] == "0912345678"
    assert check_phone("+84 912 345 678")[0] == "+84912345678"
    assert check_phone("")[0] == "" and not check_phone("")[1].problems
    for wrong in ("091234567", "0012345678", "+85912345678", "09123456789", "0912 abc 678", "84912345678"):
        assert check_phone(wrong)[1].errors, wrong

    clean, findings = residents.validate_contact({"full_name": " Lê  Thị Hoa ", "phone": "0237 385 216",
                                                  "is_guardian": "có"}, 0)
    assert findings.problems == []
    assert clean == {"id": None, "full_name": "Lê Thị Hoa", "relationship": None, "phone": "0237385216",
                     "address": None, "is_guardian": True, "notes": None}
    _clean, findings = residents.validate_contact({"full_name": "", "phone": "12345"}, 2)
    assert messages(findings, "contacts[2].full_name") == ["Người liên hệ 3, họ và tên: không được để trống."]
    phone = messages(findings, "contacts[2].phone")
    assert len(phone) == 1 and phone[0].startswith("Người liên hệ 3, điện thoại: số điện thoại phải có 10 chữ số")


# --- create -------------------------------------------------------------------------------------

def test_create_stores_everything_and_audits_all_values(an, nurse):
    assert an.status == "in_care" and an.version == 1 and not an.read_only
    assert an.birth == BirthDate(1950, date(1950, 3, 12)) and an.cccd == CCCD_AN
    assert [(c.full_name, c.phone, c.is_guardian) for c in an.contacts] == [
        ("Nguyễn Thị Bình", "0912345678", True), ("Nguyễn Văn Cường", "+84983123456", False)]
    row = Resident.get_by_id(an.id)
    assert row.search_name == "nguyen van an"
    assert row.sort_key == name_sort_key("Nguyễn Văn An", date(1950, 3, 12))
    [entry] = entries("create", an.id)
    assert entry.username == "lan" and entry.entity == "resident" and entry.entity_id == str(an.id)
    assert entry.changes["code"] == [None, "DT0001"] and entry.changes["cccd"] == [None, CCCD_AN]
    assert entry.changes["birth_date"] == [None, "1950-03-12"] and entry.changes["status"] == [None, "in_care"]
    assert [c["full_name"] for c in entry.changes["contacts"][1]] == ["Nguyễn Thị Bình", "Nguyễn Văn Cường"]
    assert audit.verify_chain().ok


def test_form_values_round_trip(an):
    values = an.form_values()
    assert set(values) == set(residents.FORM_KEYS)
    assert values["birth"] == "12/03/1950" and values["admission_date"] == "01/02/2020"
    assert values["sex"] == "male" and values["category"] == "NCT" and values["merit_type"] == ""
    clean, findings = residents.validate(values, resident_id=an.id)
    assert findings.errors == []
    row = Resident.get_by_id(an.id)
    assert all(getattr(row, key) == value for key, value in clean.items())


def test_year_only_birth_shows_the_year(nurse):
    detail = residents.create(nurse, form(birth="1948", cccd=cccd_for("038", 1948, "male", 7)))
    assert detail.birth == BirthDate(1948) and detail.form_values()["birth"] == "1948"
    assert Resident.get_by_id(detail.id).birth_date is None


def test_invalid_create_writes_nothing(nurse):
    before = AuditLog.select().count()
    with pytest.raises(ValidationError) as err:
        residents.create(nurse, form(full_name="", admission_date="01/01/1900"),
                         [{"full_name": "Lê Văn C", "phone": "123"}])
    fields = {p.field for p in err.value.problems if p.is_error}
    assert fields == {"full_name", "admission_date", "contacts[0].phone"}
    assert "Họ và tên" in str(err.value)
    assert Resident.select().count() == 0 and Contact.select().count() == 0
    assert AuditLog.select().count() == before


def test_blank_contact_rows_are_ignored(nurse):
    detail = residents.create(nurse, form(), [{"full_name": "", "phone": ""}, {"full_name": "Lê Văn C"}])
    assert [c.full_name for c in detail.contacts] == ["Lê Văn C"]


def test_find_duplicates(an, nurse, admin):
    other = residents.create(nurse, form(code="DT0002", full_name="Trần Thị Bé", sex="Nữ", cccd="",
                                         cccd_note="chưa có"))
    same_cccd = residents.find_duplicates({"full_name": "Ai Đó", "birth": "1960", "cccd": CCCD_AN})
    assert [r.code for r in same_cccd] == ["DT0001"]
    same_name = residents.find_duplicates({"full_name": "NGUYEN van  an", "birth": "01/01/1950"})
    assert [r.code for r in same_name] == ["DT0001"]
    assert residents.find_duplicates({"full_name": "Nguyễn Văn An", "birth": "1951"}) == []
    assert residents.find_duplicates(form(), resident_id=an.id) == []
    assert [r.code for r in residents.find_duplicates({"full_name": "Trần Thị Bé", "birth": "1950"})] == ["DT0002"]
    residents.delete_by_mistake(admin, other.id, reason="nhập trùng")
    assert residents.find_duplicates({"full_name": "Trần Thị Bé", "birth": "1950"}) == []


# --- permissions --------------------------------------------------------------------------------

def test_nurse_edits_director_only_reads(an, nurse, director):
    assert residents.get(director, an.id).code == "DT0001"
    with pytest.raises(PermissionDenied):
        residents.create(director, form(code="DT0002"))
    with pytest.raises(PermissionDenied):
        residents.update(director, an.id, {"room": "B202"}, version=an.version)
    with pytest.raises(PermissionDenied):
        residents.discharge(director, an.id, on=TODAY, reason="reintegrated")
    assert residents.update(nurse, an.id, {"room": "B202"}, version=an.version).room == "B202"
    with pytest.raises(PermissionDenied):
        residents.get(None, an.id)


def test_get_and_get_by_code(an, nurse):
    assert residents.get_by_code(nurse, "dt0001").id == an.id
    with pytest.raises(NotFound, match="Không tìm thấy đối tượng có mã DT9999"):
        residents.get_by_code(nurse, "DT9999")
    with pytest.raises(NotFound, match="Không tìm thấy đối tượng"):
        residents.get(nurse, an.id + 100)


# --- update -------------------------------------------------------------------------------------

def test_update_audits_only_the_changed_fields(an, nurse):
    detail = residents.update(nurse, an.id, {"room": "B202", "notes": "Ăn chế độ ăn mềm"}, version=1)
    assert detail.version == 2 and detail.room == "B202" and detail.notes == "Ăn chế độ ăn mềm"
    [entry] = entries("update", an.id)
    assert entry.changes == {"room": ["A101", "B202"], "notes": [None, "Ăn chế độ ăn mềm"], "version": [1, 2]}
    # Saving the same values again changes nothing: no new version, no entry.
    again = residents.update(nurse, an.id, detail.form_values(), version=2)
    assert again.version == 2 and len(entries("update", an.id)) == 1


def test_renaming_updates_the_search_and_sort_keys(an, nurse):
    residents.update(nurse, an.id, {"full_name": "Nguyễn Văn Ánh"}, version=1)
    row = Resident.get_by_id(an.id)
    assert row.search_name == "nguyen van anh"
    assert row.sort_key == name_sort_key("Nguyễn Văn Ánh", date(1950, 3, 12))
    [entry] = entries("update", an.id)
    assert entry.changes["full_name"] == ["Nguyễn Văn An", "Nguyễn Văn Ánh"]


def test_update_validates_like_create(an, nurse):
    with pytest.raises(ValidationError) as err:
        residents.update(nurse, an.id, {"sex": "Nữ", "admission_date": "01/01/2040"}, version=1)
    assert err.value.for_field("cccd") == ["Số CCCD: mã thế kỷ/giới tính (0) không khớp với giới tính Nữ"]
    assert err.value.for_field("admission_date")[0].startswith("Ngày tiếp nhận: không được ở tương lai")
    assert residents.get(nurse, an.id).version == 1


def test_contacts_are_replaced_keeping_ids(an, nurse):
    first, second = an.contacts
    # Unchanged first (sent without its id), changed second, one new.
    detail = residents.update(nurse, an.id, {}, version=1, contacts=[
        {"full_name": first.full_name, "relationship": first.relationship, "phone": first.phone,
         "is_guardian": True},
        residents.ContactData(id=second.id, full_name=second.full_name, relationship="Con trai",
                              phone="0983 000 111"),
        {"full_name": "Lê Thị Dung", "relationship": "Cháu ruột", "phone": ""},
    ])
    ids = [c.id for c in detail.contacts]
    assert ids[:2] == [first.id, second.id] and ids[2] not in (first.id, second.id)
    assert detail.contacts[1].phone == "0983000111" and detail.version == 2
    [entry] = entries("update", an.id)
    before, after = entry.changes["contacts"]
    assert [c["phone"] for c in before] == ["0912345678", "+84983123456"]
    assert [c["phone"] for c in after] == ["0912345678", "0983000111", None]
    # A shorter list removes the others; None leaves the contacts alone.
    detail = residents.update(nurse, an.id, {}, version=2, contacts=[{"id": ids[2], "full_name": "Lê Thị Dung",
                                                                      "relationship": "Cháu ruột"}])
    assert [c.id for c in detail.contacts] == [ids[2]]
    detail = residents.update(nurse, an.id, {"room": "C101"}, version=3)
    assert [c.id for c in detail.contacts] == [ids[2]]
    assert Contact.select().where(Contact.resident == an.id).count() == 1


def test_stale_version_is_a_conflict_and_overwrites_nothing(an, nurse, admin):
    residents.update(nurse, an.id, {"room": "B202"}, version=1)
    with pytest.raises(Conflict) as err:
        residents.update(admin, an.id, {"room": "C303", "notes": "ghi chú"}, version=1)
    conflict = err.value
    assert "Trần Thị Lan (lan)" in str(conflict) and "DT0001 Nguyễn Văn An" in str(conflict)
    assert "chưa được lưu" in str(conflict)
    assert conflict.mine == {"room": "C303", "notes": "ghi chú"}
    assert conflict.theirs == residents.get(admin, an.id).form_values()
    assert conflict.theirs["room"] == "B202"
    row = Resident.get_by_id(an.id)
    assert row.room == "B202" and row.notes is None and row.version == 2
    assert len(entries("update", an.id)) == 1


# --- discharge, readmission, death ------------------------------------------------------------

def test_discharge_and_readmit_keep_the_history(an, nurse):
    left = date(2024, 5, 10)
    detail = residents.discharge(nurse, an.id, on=left, reason="Hồi gia/tái hòa nhập", note="Về với con gái",
                                 version=1)
    assert detail.status == "discharged" and detail.discharge_date == left and detail.room is None
    assert detail.discharge_reason == "reintegrated" and detail.discharge_note == "Về với con gái"
    assert detail.version == 2 and not detail.read_only
    [entry] = entries("discharge", an.id)
    assert entry.changes["status"] == ["in_care", "discharged"] and entry.changes["room"] == ["A101", None]

    back = date(2025, 1, 2)
    detail = residents.readmit(nurse, an.id, on=back, decision="12/QĐ-TTBTXH")
    assert detail.status == "in_care" and detail.admission_date == back
    assert detail.admission_decision == "12/QĐ-TTBTXH"
    assert detail.discharge_date is None and detail.discharge_reason is None and detail.discharge_note is None
    assert detail.notes == "Ra khỏi cơ sở 10/05/2024 (Hồi gia/tái hòa nhập); tiếp nhận lại 02/01/2025"
    [entry] = entries("readmit", an.id)
    assert entry.changes["admission_date"] == ["2020-02-01", "2025-01-02"]
    assert entry.changes["discharge_date"] == ["2024-05-10", None]
    assert entry.changes["discharge_reason"] == ["reintegrated", None]
    assert entry.changes["admission_decision"] == ["125/QĐ-TTBTXH", "12/QĐ-TTBTXH"]


def test_discharge_rules(an, nurse):
    cases = [
        ({"on": date(2019, 1, 1), "reason": "other"}, "discharge_date",
         "Ngày ra khỏi cơ sở: không được trước ngày tiếp nhận (01/02/2020)"),
        ({"on": TODAY + timedelta(days=1), "reason": "other"}, "discharge_date",
         "Ngày ra khỏi cơ sở: không được ở tương lai"),
        ({"on": "32/01/2024", "reason": "other"}, "discharge_date", "Ngày ra khỏi cơ sở: ngày không hợp lệ"),
        ({"on": date(2024, 1, 1), "reason": "bỏ trốn"}, "discharge_reason",
         "Lý do ra khỏi cơ sở: \"bỏ trốn\" không có trong danh mục"),
        ({"on": date(2024, 1, 1), "reason": ""}, "discharge_reason", "Lý do ra khỏi cơ sở: không được để trống."),
    ]
    for kwargs, field, expected in cases:
        with pytest.raises(ValidationError) as err:
            residents.discharge(nurse, an.id, **kwargs)
        assert err.value.for_field(field) and err.value.for_field(field)[0].startswith(expected), kwargs
    with pytest.raises(Conflict):
        residents.discharge(nurse, an.id, on=date(2024, 1, 1), reason="other", version=7)
    residents.discharge(nurse, an.id, on=date(2024, 6, 1), reason="transferred")
    with pytest.raises(ValidationError, match="đã ra khỏi cơ sở ngày 01/06/2024"):
        residents.discharge(nurse, an.id, on=TODAY, reason="other")
    with pytest.raises(ValidationError, match="Ngày tiếp nhận: không được trước ngày ra khỏi cơ sở"):
        residents.readmit(nurse, an.id, on=date(2024, 5, 31))
    with pytest.raises(ValidationError, match="Ngày tiếp nhận: không được ở tương lai"):
        residents.readmit(nurse, an.id, on=TODAY + timedelta(days=1))
    # Admission may not move after the discharge of a discharged resident either.
    with pytest.raises(ValidationError, match="Ngày tiếp nhận: không được sau ngày ra khỏi cơ sở"):
        residents.update(nurse, an.id, {"admission_date": "02/06/2024"}, version=2)


def test_readmit_only_a_discharged_resident(an, nurse):
    with pytest.raises(ValidationError, match="đang được chăm sóc"):
        residents.readmit(nurse, an.id, on=TODAY)


def test_deceased_record_is_read_only(an, nurse):
    died = date(2025, 12, 1)
    detail = residents.discharge(nurse, an.id, on=died, reason="deceased", note="Tại bệnh viện tỉnh")
    assert detail.status == "deceased" and detail.read_only
    assert residents.counts_by_status(nurse) == {"in_care": 0, "discharged": 0, "deceased": 1}
    for attempt in (
        lambda: residents.update(nurse, an.id, {"room": "B1"}, version=detail.version),
        lambda: residents.readmit(nurse, an.id, on=TODAY),
        lambda: residents.discharge(nurse, an.id, on=TODAY, reason="other"),
    ):
        with pytest.raises(ValidationError, match="hồ sơ người đã mất chỉ được xem"):
            attempt()
    assert residents.get(nurse, an.id).version == detail.version


def test_counts_by_status_on_a_day(nurse):
    residents.create(nurse, form())
    b = residents.create(nurse, form(code="DT0002", full_name="Lê Văn Bình", cccd=cccd_for("038", 1950, "male", 2)))
    c = residents.create(nurse, form(code="DT0003", full_name="Phạm Văn Chín", cccd=cccd_for("038", 1950, "male", 3),
                                     admission_date="01/01/2024"))
    residents.discharge(nurse, b.id, on=date(2023, 6, 1), reason="transferred")
    residents.discharge(nurse, c.id, on=date(2025, 6, 1), reason="deceased")
    assert residents.counts_by_status(nurse) == {"in_care": 1, "discharged": 1, "deceased": 1}
    assert residents.counts_by_status(nurse, date(2023, 1, 1)) == {"in_care": 2, "discharged": 0, "deceased": 0}
    assert residents.counts_by_status(nurse, date(2024, 1, 1)) == {"in_care": 2, "discharged": 1, "deceased": 0}
    assert residents.counts_by_status(nurse, date(2025, 6, 1)) == {"in_care": 1, "discharged": 1, "deceased": 1}


# --- deletion of a record entered by mistake ---------------------------------------------------

def test_delete_by_mistake(an, nurse, admin):
    with pytest.raises(PermissionDenied):
        residents.delete_by_mistake(nurse, an.id, reason="nhập nhầm")
    with pytest.raises(ValidationError, match="Lý do xóa: không được để trống"):
        residents.delete_by_mistake(admin, an.id, reason="  ")
    residents.delete_by_mistake(admin, an.id, reason="Nhập nhầm người của trung tâm khác")

    with pytest.raises(NotFound):
        residents.get(nurse, an.id)
    assert residents.search(nurse).total == 0
    row = Resident.get_by_id(an.id)
    assert row.deleted and row.code == "DT0001" and row.cccd is None
    assert Contact.select().where(Contact.resident == an.id).count() == 2  # nothing erased
    [entry] = entries("delete", an.id)
    assert entry.username == "admin"
    assert entry.changes["reason"] == [None, "Nhập nhầm người của trung tâm khác"]
    assert entry.changes["deleted"] == [False, True] and entry.changes["cccd"] == [CCCD_AN, None]
    assert "Nhập nhầm người của trung tâm khác" in entry.summary

    # The code stays reserved; the CCCD is free for the person's correct record.
    _clean, findings = residents.validate(form())
    assert messages(findings, "code")[0].startswith("Mã đối tượng: DT0001 đã dùng cho một hồ sơ đã xóa")
    assert messages(findings, "cccd") == []
    again = residents.create(nurse, form(code="DT0002"))
    assert again.cccd == CCCD_AN
    assert audit.verify_chain().ok


def test_fixed_line_numbers_with_area_codes_are_accepted():
    from caremgr.phones import check_phone

    assert check_phone("0237 3852 168") == ("02373852168", check_phone("0237 3852 168")[1])
    assert not check_phone("024 3826 1234")[1].errors
    assert not check_phone("+84 24 3826 1234")[1].errors
    assert check_phone("0912 345 678")[0] == "0912345678"
    assert check_phone("0912 345 67")[1].errors  # a mobile number one digit short
    assert check_phone("0312 345 6789")[1].errors  # 11 digits but not a fixed line
