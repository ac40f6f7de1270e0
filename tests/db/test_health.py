"""Health checks, conditions and referrals: rules, Vietnamese messages, CRUD with audit and
optimistic locking, the next check due, read-only records of the deceased, and permissions.

Tests named ``test_validate_*``, ``test_bmi*`` and ``test_flags*`` need no database; the others run
once on SQLite and once on PostgreSQL.
"""

from datetime import date, timedelta

import pytest

from caremgr import audit, auth, health, settings
from caremgr.errors import Conflict, NotFound, PermissionDenied, ValidationError
from db.models import AuditLog, Condition, HealthCheck, Resident

TODAY = date(2026, 6, 30)


def resident(code="DT001", *, birth_year=1950, status="in_care", **extra):
    return Resident.create(code=code, full_name=f"Người {code}", search_name=f"nguoi {code.lower()}",
                           sort_key=code, sex="female", birth_year=birth_year, category="NCT",
                           admission_date=date(2024, 1, 1), status=status, **extra)


def messages(findings, field=None):
    return [p.message for p in findings.errors if field is None or p.field == field]


def entries(entity):
    return list(AuditLog.select().where(AuditLog.entity == entity).order_by(AuditLog.id))


@pytest.fixture
def nurse(admin):
    return auth.create_user(admin, "lan", "mat-khau-2", "nurse", "Nguyễn Thị Lan")


@pytest.fixture
def director(admin):
    return auth.create_user(admin, "giamdoc", "mat-khau-3", "director", "Lê Văn Thắng")


# --- validation (no database) ---------------------------------------------------------------------

def test_validate_accepts_values_as_typed():
    clean, findings = health.validate_check({
        "check_date": "05/06/2026", "pulse": " 72 ", "blood_pressure": "120 / 80", "temperature": "37,2",
        "weight_kg": "55,5", "height_cm": "160", "spo2": "97%", "glucose": "5,6 mmol/L",
        "examiner": "  BS.  Trần   Lan ", "findings": "Tỉnh táo,  ăn ngủ được.\nHuyết áp ổn định.",
        "unrelated": "ignored"}, today=TODAY)
    assert findings.problems == []
    assert clean == {
        "check_date": date(2026, 6, 5), "pulse": 72, "systolic": 120, "diastolic": 80, "temperature": 37.2,
        "weight_kg": 55.5, "height_cm": 160.0, "spo2": 97, "glucose": 5.6, "examiner": "BS. Trần Lan",
        "findings": "Tỉnh táo, ăn ngủ được.\nHuyết áp ổn định."}


def test_validate_blood_pressure_typed_separately():
    clean, findings = health.validate_check({"check_date": TODAY, "systolic": 135, "diastolic": "85"}, today=TODAY)
    assert findings.problems == [] and (clean["systolic"], clean["diastolic"]) == (135, 85)


@pytest.mark.parametrize("field, value, message", [
    ("pulse", "300", "Mạch: phải từ 20 đến 250 lần/phút"),
    ("pulse", "19", "Mạch: phải từ 20 đến 250 lần/phút"),
    ("pulse", "72,5", "Mạch: phải là số nguyên"),
    ("pulse", "nhanh", "Mạch: phải là một số"),
    ("temperature", "44,1", "Nhiệt độ: phải từ 30 đến 44 °C"),
    ("temperature", "29.9", "Nhiệt độ: phải từ 30 đến 44 °C"),
    ("weight_kg", "0", "Cân nặng: phải từ 1 đến 250 kg"),
    ("weight_kg", "251", "Cân nặng: phải từ 1 đến 250 kg"),
    ("height_cm", "231", "Chiều cao: phải từ 30 đến 230 cm"),
    ("spo2", "101", "SpO2: phải từ 50 đến 100%"),
    ("spo2", "49", "SpO2: phải từ 50 đến 100%"),
    ("glucose", "0,5", "Đường huyết: phải từ 1 đến 40 mmol/L"),
    ("glucose", "41", "Đường huyết: phải từ 1 đến 40 mmol/L"),
])
def test_validate_rejects_impossible_values_naming_the_field(field, value, message):
    _clean, findings = health.validate_check({"check_date": TODAY, field: value}, today=TODAY)
    assert any(m.startswith(message) for m in messages(findings, field)), messages(findings)


@pytest.mark.parametrize("field, value", [
    ("pulse", 20), ("pulse", 250), ("temperature", "30"), ("temperature", "44"), ("weight_kg", 1),
    ("weight_kg", 250), ("height_cm", 30), ("height_cm", 230), ("spo2", 50), ("spo2", 100), ("glucose", 1),
    ("glucose", 40),
])
def test_validate_accepts_the_limits_themselves(field, value):
    clean, findings = health.validate_check({"check_date": TODAY, field: value}, today=TODAY)
    assert findings.errors == [] and clean[field] == float(value)


@pytest.mark.parametrize("data, field, message", [
    ({"blood_pressure": "80/120"}, "blood_pressure", "Huyết áp: tâm thu phải lớn hơn tâm trương"),
    ({"blood_pressure": "120/120"}, "blood_pressure", "Huyết áp: tâm thu phải lớn hơn tâm trương"),
    ({"systolic": "80", "diastolic": "90"}, "diastolic", "Huyết áp: tâm thu phải lớn hơn tâm trương"),
    ({"blood_pressure": "120"}, "blood_pressure", "Huyết áp: nhập dạng tâm thu/tâm trương"),
    ({"blood_pressure": "120/80/60"}, "blood_pressure", "Huyết áp: nhập dạng tâm thu/tâm trương"),
    ({"systolic": "120"}, "diastolic", "Huyết áp: cần nhập cả huyết áp tâm thu và tâm trương"),
    ({"diastolic": "80"}, "systolic", "Huyết áp: cần nhập cả huyết áp tâm thu và tâm trương"),
    ({"blood_pressure": "300/80"}, "blood_pressure", "Huyết áp tâm thu: phải từ 50 đến 280 mmHg"),
    ({"blood_pressure": "120/20"}, "blood_pressure", "Huyết áp tâm trương: phải từ 30 đến 180 mmHg"),
])
def test_validate_blood_pressure_rules(data, field, message):
    _clean, findings = health.validate_check({"check_date": TODAY, **data}, today=TODAY)
    assert any(m.startswith(message) for m in messages(findings, field)), messages(findings)


def test_validate_blood_pressure_with_unit():
    clean, findings = health.validate_check({"check_date": TODAY, "blood_pressure": "145/95 mmHg"}, today=TODAY)
    assert findings.errors == [] and (clean["systolic"], clean["diastolic"]) == (145, 95)


def test_validate_check_date():
    _clean, findings = health.validate_check({"pulse": 70}, today=TODAY)
    assert messages(findings, "check_date") == ["Ngày khám: không được để trống."]
    _clean, findings = health.validate_check({"check_date": TODAY + timedelta(days=1), "pulse": 70}, today=TODAY)
    assert messages(findings, "check_date") == ["Ngày khám: không được sau ngày hôm nay."]
    _clean, findings = health.validate_check({"check_date": "31/02/2026", "pulse": 70}, today=TODAY)
    assert messages(findings, "check_date")[0].startswith("Ngày khám: ")
    clean, findings = health.validate_check({"check_date": "2026-06-30", "pulse": 70}, today=TODAY)
    assert findings.errors == [] and clean["check_date"] == TODAY


def test_validate_needs_a_measure_or_a_finding():
    _clean, findings = health.validate_check({"check_date": TODAY, "examiner": "Lan"}, today=TODAY)
    assert messages(findings) == ["Cần nhập ít nhất một chỉ số sức khỏe hoặc nhận xét khám."]
    clean, findings = health.validate_check({"check_date": TODAY, "findings": "Bình thường"}, today=TODAY)
    assert findings.errors == [] and clean["findings"] == "Bình thường"
    # a wrong value is reported as itself, not as "nothing entered"
    _clean, findings = health.validate_check({"check_date": TODAY, "pulse": "abc"}, today=TODAY)
    assert messages(findings) == ["Mạch: phải là một số."]


def test_validate_collects_every_problem_at_once():
    _clean, findings = health.validate_check({"pulse": "0", "temperature": "50", "spo2": "x"}, today=TODAY)
    assert {p.field for p in findings.errors} == {"check_date", "pulse", "temperature", "spo2"}


def test_validate_warns_about_an_implausible_bmi():
    _clean, findings = health.validate_check({"check_date": TODAY, "weight_kg": "160", "height_cm": "150"},
                                             today=TODAY)
    assert findings.errors == [] and [p.field for p in findings.warnings] == ["weight_kg"]


def test_bmi():
    assert health.bmi(60, 165) == 22.0
    assert health.bmi(50, 150) == 22.2
    assert health.bmi(80.5, 170.2) == 27.8
    assert health.bmi(None, 160) is None and health.bmi(60, None) is None and health.bmi(60, 0) is None


@pytest.mark.parametrize("value, expected", [
    (18.4, "underweight"), (18.5, "normal"), (22.9, "normal"), (23.0, "overweight"), (24.9, "overweight"),
    (25.0, "obese"), (None, None),
])
def test_bmi_class_uses_asian_cut_offs(value, expected):
    assert health.bmi_class(value) == expected


@pytest.mark.parametrize("key, value, expected", [
    ("pulse", 59, "low"), ("pulse", 60, None), ("pulse", 100, None), ("pulse", 101, "high"),
    ("systolic", 89, "low"), ("systolic", 90, None), ("systolic", 139, None), ("systolic", 140, "high"),
    ("diastolic", 59, "low"), ("diastolic", 60, None), ("diastolic", 89, None), ("diastolic", 90, "high"),
    ("temperature", 35.9, "low"), ("temperature", 36.0, None), ("temperature", 37.5, None),
    ("temperature", 37.6, "high"),
    ("spo2", 94, "low"), ("spo2", 95, None), ("spo2", 100, None),
    ("glucose", 3.8, "low"), ("glucose", 3.9, None), ("glucose", 7.0, None), ("glucose", 7.1, "high"),
    ("bmi", 18.4, "low"), ("bmi", 18.5, None), ("bmi", 24.9, None), ("bmi", 25.0, "high"),
    ("weight_kg", 120, None), ("height_cm", 140, None),
])
def test_flags_at_the_boundaries(key, value, expected):
    assert health.flags({key: value}).get(key) == expected


def test_flags_compute_bmi_and_skip_missing_values():
    assert health.flags({"weight_kg": 45, "height_cm": 160}) == {"bmi": "low"}
    assert health.flags({"pulse": None, "spo2": None}) == {}


def test_flags_for_children_judge_only_age_independent_vitals():
    values = {"pulse": 120, "systolic": 85, "temperature": 38.2, "spo2": 93, "weight_kg": 15, "height_cm": 100}
    assert health.flags(values, adult=False) == {"temperature": "high", "spo2": "low"}


def test_vitals_are_ordered_and_labelled():
    assert health.VITAL_KEYS == ["pulse", "systolic", "diastolic", "temperature", "weight_kg", "height_cm",
                                 "spo2", "glucose"]
    assert health.BY_KEY["pulse"].label == "Mạch" and health.BY_KEY["glucose"].unit == "mmol/L"


# --- checks -----------------------------------------------------------------------------------------

def test_add_list_update_delete_checks_with_audit(admin):
    r = resident()
    first = health.add_check(admin, r.id, {"check_date": "01/06/2026", "pulse": "72", "blood_pressure": "150/95",
                                           "weight_kg": "60", "height_cm": "160", "examiner": "Lan"})
    assert (first.systolic, first.diastolic, first.bmi, first.version) == (150, 95, 23.4, 1)
    assert first.blood_pressure == "150/95"
    assert first.flags == {"systolic": "high", "diastolic": "high"}
    second = health.add_check(admin, r.id, {"check_date": "15/06/2026", "temperature": "38,5"})
    assert [c.id for c in health.list_checks(admin, r.id)] == [second.id, first.id]

    created = entries("health_check")
    assert [(e.action, e.resident_id, e.username) for e in created] == [("create", r.id, "admin")] * 2
    assert created[0].changes["systolic"] == [None, 150]

    updated = health.update_check(admin, first.id, {"pulse": "80", "blood_pressure": "130/85"}, version=1)
    assert (updated.pulse, updated.systolic, updated.weight_kg, updated.examiner, updated.version) == \
        (80, 130, 60.0, "Lan", 2)
    assert updated.flags == {}
    last = entries("health_check")[-1]
    assert last.action == "update" and last.resident_id == r.id
    assert last.changes["pulse"] == [72, 80] and last.changes["systolic"] == [150, 130]

    unchanged = health.update_check(admin, first.id, {"pulse": 80}, version=2)
    assert unchanged.version == 2 and len(entries("health_check")) == 3

    health.delete_check(admin, second.id)
    assert [c.id for c in health.list_checks(admin, r.id)] == [first.id]
    deleted = entries("health_check")[-1]
    assert deleted.action == "delete" and deleted.changes["temperature"] == [38.5, None]
    assert audit.verify_chain().ok


def test_update_with_a_stale_version_conflicts_and_keeps_the_row(admin):
    r = resident()
    check = health.add_check(admin, r.id, {"check_date": TODAY - timedelta(days=3), "pulse": 70})
    health.update_check(admin, check.id, {"pulse": 75}, version=1)
    before = AuditLog.select().count()
    with pytest.raises(Conflict) as err:
        health.update_check(admin, check.id, {"pulse": 90}, version=1)
    assert err.value.theirs["pulse"] == 75 and err.value.mine["pulse"] == 90
    assert HealthCheck.get_by_id(check.id).pulse == 75 and AuditLog.select().count() == before
    with pytest.raises(Conflict):
        health.delete_check(admin, check.id, version=1)
    assert HealthCheck.get_by_id(check.id).version == 2


def test_invalid_check_is_not_saved(admin):
    r = resident()
    with pytest.raises(ValidationError) as err:
        health.add_check(admin, r.id, {"check_date": TODAY, "pulse": "300"})
    assert err.value.for_field("pulse") == ["Mạch: phải từ 20 đến 250 lần/phút."]
    assert HealthCheck.select().count() == 0 and entries("health_check") == []


def test_check_before_birth_is_refused(admin):
    r = resident(birth_year=2020)
    with pytest.raises(ValidationError) as err:
        health.add_check(admin, r.id, {"check_date": "31/12/2019", "pulse": 100})
    assert err.value.for_field("check_date")


def test_adult_bmi_uses_the_latest_height(admin):
    r = resident()
    health.add_check(admin, r.id, {"check_date": "01/03/2026", "weight_kg": 55, "height_cm": 160})
    later = health.add_check(admin, r.id, {"check_date": "01/06/2026", "weight_kg": 64})
    assert later.height_cm is None and later.bmi == 25.0 and later.flags == {"bmi": "high"}


def test_a_child_bmi_uses_only_a_recent_height(admin):
    child = resident("TE002", birth_year=2018)
    health.add_check(admin, child.id, {"check_date": "01/01/2026", "weight_kg": 20, "height_cm": 120})
    recent = health.add_check(admin, child.id, {"check_date": "01/05/2026", "weight_kg": 21})  # 120 days on
    stale = health.add_check(admin, child.id, {"check_date": "02/05/2026", "weight_kg": 21})
    assert recent.bmi == 14.6 and stale.bmi is None


def test_children_are_not_judged_by_adult_ranges(admin):
    child = resident("TE001", birth_year=2019)
    row = health.add_check(admin, child.id, {"check_date": TODAY, "pulse": 115, "weight_kg": 14, "height_cm": 100,
                                             "temperature": "38"})
    assert row.bmi == 14.0 and row.flags == {"temperature": "high"}


def test_series_is_oldest_first_with_gaps(admin):
    r = resident()
    health.add_check(admin, r.id, {"check_date": "10/06/2026", "blood_pressure": "130/80"})
    health.add_check(admin, r.id, {"check_date": "01/05/2026", "weight_kg": "50,5", "blood_pressure": "140/90"})
    health.add_check(admin, r.id, {"check_date": "20/06/2026", "weight_kg": 51})
    assert health.series(admin, r.id) == {
        "dates": [date(2026, 5, 1), date(2026, 6, 10), date(2026, 6, 20)],
        "weight": [50.5, None, 51.0],
        "systolic": [140, 130, None],
        "diastolic": [90, 80, None],
    }


def test_next_check_due_follows_the_interval_setting(admin):
    r = resident()
    assert health.last_check_date(r.id) is None
    assert health.next_check_due(r.id, on=TODAY) == TODAY
    assert health.is_overdue(r.id, on=TODAY)  # never checked

    health.add_check(admin, r.id, {"check_date": "01/05/2026", "pulse": 70})
    assert health.last_check_date(r.id) == date(2026, 5, 1)
    assert health.next_check_due(r.id, on=date(2026, 5, 10)) == date(2026, 5, 31)  # default 30 days
    settings.put(admin, {"care.check_interval_days": 14})
    assert health.next_check_due(r.id, on=date(2026, 5, 10)) == date(2026, 5, 15)
    assert not health.is_overdue(r.id, on=date(2026, 5, 15))
    assert health.is_overdue(r.id, on=date(2026, 5, 16))

    health.add_check(admin, r.id, {"check_date": "20/05/2026", "pulse": 70})
    assert health.next_check_due(r.id, on=date(2026, 5, 16)) == date(2026, 5, 15)  # later check not yet made
    assert health.next_check_due(r.id, on=date(2026, 5, 25)) == date(2026, 6, 3)
    assert health.last_check_date(r.id) == date(2026, 5, 20)


def test_records_of_the_deceased_are_read_only(admin):
    r = resident()
    check = health.add_check(admin, r.id, {"check_date": TODAY, "pulse": 70})
    condition = health.add_condition(admin, r.id, {"icd10": "I10"})
    referral = health.add_referral(admin, r.id, {"referral_date": TODAY, "facility": "Bệnh viện tỉnh"})
    Resident.update(status="deceased", discharge_date=TODAY, discharge_reason="deceased").where(
        Resident.id == r.id).execute()
    before = AuditLog.select().count()
    attempts = [
        lambda: health.add_check(admin, r.id, {"check_date": TODAY, "pulse": 70}),
        lambda: health.update_check(admin, check.id, {"pulse": 80}, version=1),
        lambda: health.delete_check(admin, check.id),
        lambda: health.add_condition(admin, r.id, {"icd10": "E11"}),
        lambda: health.update_condition(admin, condition.id, {"notes": "x"}, version=1),
        lambda: health.resolve_condition(admin, condition.id, TODAY),
        lambda: health.add_referral(admin, r.id, {"referral_date": TODAY, "facility": "BV"}),
        lambda: health.update_referral(admin, referral.id, {"result": "Ổn"}, version=1),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as err:
            attempt()
        assert "hồ sơ người đã mất chỉ được xem" in str(err.value).lower()
    assert AuditLog.select().count() == before
    assert len(health.list_checks(admin, r.id)) == 1
    assert len(health.list_conditions(admin, r.id)) == 1 and len(health.list_referrals(admin, r.id)) == 1


def test_permissions(admin, nurse, director):
    r = resident()
    row = health.add_check(nurse, r.id, {"check_date": TODAY, "pulse": 70})
    assert entries("health_check")[-1].username == "lan"
    health.add_condition(nurse, r.id, {"icd10": "I10"})
    health.add_referral(nurse, r.id, {"referral_date": TODAY, "facility": "Trạm y tế"})
    assert [c.id for c in health.list_checks(director, r.id)] == [row.id]
    assert health.series(director, r.id)["dates"] == [TODAY]
    assert len(health.list_conditions(director, r.id)) == 1 and len(health.list_referrals(director, r.id)) == 1
    for attempt in (
        lambda: health.add_check(director, r.id, {"check_date": TODAY, "pulse": 70}),
        lambda: health.update_check(director, row.id, {"pulse": 80}, version=1),
        lambda: health.delete_check(director, row.id),
        lambda: health.add_condition(director, r.id, {"icd10": "E11"}),
        lambda: health.add_referral(director, r.id, {"referral_date": TODAY, "facility": "BV"}),
        lambda: health.list_checks(None, r.id),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert HealthCheck.get_by_id(row.id).pulse == 70


def test_unknown_or_deleted_residents_are_not_found(admin):
    gone = resident("X1", deleted=True)
    for attempt in (lambda: health.list_checks(admin, 99999), lambda: health.list_checks(admin, gone.id),
                    lambda: health.add_check(admin, gone.id, {"check_date": TODAY, "pulse": 70}),
                    lambda: health.update_check(admin, 99999, {"pulse": 70}, version=1)):
        with pytest.raises(NotFound):
            attempt()


# --- conditions -------------------------------------------------------------------------------------

def test_add_condition_normalises_the_code_and_defaults_title_and_flags(admin):
    r = resident()
    diabetes = health.add_condition(admin, r.id, {"icd10": "e119", "onset_date": "01/03/2020"})
    assert diabetes.icd10 == "E11.9"
    assert diabetes.title == "Bệnh đái tháo đường không phụ thuộc insuline (Không có biến chứng)"
    assert (diabetes.chronic, diabetes.ncd, diabetes.mental, diabetes.status) == (True, True, False, "active")
    schizophrenia = health.add_condition(admin, r.id, {"icd10": "F20.0", "chronic": True, "ncd": False})
    assert schizophrenia.mental and schizophrenia.title == "Tâm thần phân liệt thể paranoid"
    english = health.add_condition(admin, r.id, {"icd10": "A00.0", "chronic": "0"})
    assert english.title == "Cholera due to Vibrio cholerae 01, biovar cholerae" and not english.chronic
    own_title = health.add_condition(admin, r.id, {"icd10": "J18", "title": "Viêm phổi thùy phải"})
    assert own_title.title == "Viêm phổi thùy phải" and not own_title.chronic
    created = entries("condition")
    assert len(created) == 4 and {e.resident_id for e in created} == {r.id}
    assert Condition.get_by_id(diabetes.id).icd10 == "E11.9"


@pytest.mark.parametrize("data, field, message", [
    ({}, "icd10", "Mã ICD-10: không được để trống."),
    ({"icd10": "K99"}, "icd10", "Mã ICD-10: không có mã K99 trong danh mục ICD-10."),
    ({"icd10": "E11.99"}, "icd10", "Mã ICD-10: không có mã E11.99 trong danh mục ICD-10."),
    ({"icd10": "I10", "onset_date": "01/07/2026"}, "onset_date", "Ngày phát hiện: không được sau ngày hôm nay."),
    ({"icd10": "I10", "status": "cured"}, "status", "Tình trạng: giá trị không hợp lệ."),
    ({"icd10": "I10", "resolved_date": "01/06/2026"}, "resolved_date",
     "Ngày khỏi: chỉ ghi khi bệnh đã khỏi."),
    ({"icd10": "J18", "status": "resolved", "onset_date": "10/06/2026", "resolved_date": "01/06/2026"},
     "resolved_date", "Ngày khỏi: không được trước ngày phát hiện."),
])
def test_validate_condition_messages(data, field, message):
    _clean, findings = health.validate_condition(data, today=TODAY)
    assert messages(findings, field) == [message]


def test_condition_rules_need_the_resident(admin):
    r = resident()
    health.add_condition(admin, r.id, {"icd10": "I10"})
    with pytest.raises(ValidationError) as err:
        health.add_condition(admin, r.id, {"icd10": "i10"})
    assert err.value.for_field("icd10") == ["Mã ICD-10: đối tượng đã có bệnh I10 đang theo dõi."]
    with pytest.raises(ValidationError) as err:
        health.add_condition(admin, r.id, {"icd10": "E11", "onset_date": "01/01/1940"})
    assert err.value.for_field("onset_date")


def test_update_and_resolve_a_condition(admin):
    r = resident()
    c = health.add_condition(admin, r.id, {"icd10": "J18", "onset_date": date(2026, 6, 1)})
    changed = health.update_condition(admin, c.id, {"icd10": "J18.9", "notes": "Điều trị kháng sinh"}, version=1)
    assert (changed.icd10, changed.title, changed.notes, changed.version) == \
        ("J18.9", "Viêm phổi, không đặc hiệu", "Điều trị kháng sinh", 2)
    with pytest.raises(Conflict):
        health.update_condition(admin, c.id, {"notes": "khác"}, version=1)
    with pytest.raises(ValidationError) as err:
        health.resolve_condition(admin, c.id, "31/05/2026")
    assert err.value.for_field("resolved_date") == ["Ngày khỏi: không được trước ngày phát hiện."]
    resolved = health.resolve_condition(admin, c.id, "20/06/2026")
    assert (resolved.status, resolved.resolved_date, resolved.version) == ("resolved", date(2026, 6, 20), 3)
    assert entries("condition")[-1].changes["status"] == ["active", "resolved"]
    with pytest.raises(ValidationError):
        health.resolve_condition(admin, c.id, "21/06/2026")
    again = health.add_condition(admin, r.id, {"icd10": "J18.9"})  # a new episode once the old one is resolved
    assert [x.id for x in health.list_conditions(admin, r.id)] == [again.id, c.id]
    health.delete_condition(admin, again.id, version=1)
    assert entries("condition")[-1].action == "delete"
    assert audit.verify_chain().ok


def test_conditions_list_active_first_then_latest_onset(admin):
    r = resident()
    old = health.add_condition(admin, r.id, {"icd10": "I10", "onset_date": "01/01/2015"})
    new = health.add_condition(admin, r.id, {"icd10": "E11", "onset_date": "01/01/2022"})
    undated = health.add_condition(admin, r.id, {"icd10": "M17"})
    gone = health.add_condition(admin, r.id, {"icd10": "J18", "onset_date": "01/06/2026"})
    health.resolve_condition(admin, gone.id, date(2026, 6, 20))
    assert [c.id for c in health.list_conditions(admin, r.id)] == [new.id, old.id, undated.id, gone.id]


# --- referrals --------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, field, message", [
    ({"facility": "BV"}, "referral_date", "Ngày chuyển: không được để trống."),
    ({"referral_date": "01/07/2026", "facility": "BV"}, "referral_date",
     "Ngày chuyển: không được sau ngày hôm nay."),
    ({"referral_date": "01/06/2026", "facility": "  "}, "facility", "Nơi chuyển đến: không được để trống."),
    ({"referral_date": "10/06/2026", "facility": "BV", "return_date": "09/06/2026"}, "return_date",
     "Ngày về: không được trước ngày chuyển."),
])
def test_validate_referral_messages(data, field, message):
    _clean, findings = health.validate_referral(data, today=TODAY)
    assert messages(findings, field) == [message]


def test_referrals_crud_with_audit(admin):
    r = resident()
    first = health.add_referral(admin, r.id, {"referral_date": "02/05/2026", "facility": "Bệnh viện Đa khoa tỉnh",
                                              "reason": "Viêm phổi"})
    second = health.add_referral(admin, r.id, {"referral_date": "10/06/2026", "facility": "Bệnh viện Tâm thần",
                                               "return_date": "10/06/2026"})
    assert [x.id for x in health.list_referrals(admin, r.id)] == [second.id, first.id]
    done = health.update_referral(admin, first.id, {"result": "Khỏi, ra viện", "return_date": "12/05/2026"},
                                  version=1)
    assert (done.result, done.return_date, done.reason, done.version) == \
        ("Khỏi, ra viện", date(2026, 5, 12), "Viêm phổi", 2)
    with pytest.raises(ValidationError) as err:
        health.update_referral(admin, first.id, {"return_date": "01/05/2026"}, version=2)
    assert err.value.for_field("return_date") == ["Ngày về: không được trước ngày chuyển."]
    with pytest.raises(Conflict):
        health.update_referral(admin, first.id, {"result": "x"}, version=1)
    health.delete_referral(admin, second.id)
    assert [(e.action, e.resident_id) for e in entries("referral")] == \
        [("create", r.id), ("create", r.id), ("update", r.id), ("delete", r.id)]
    assert audit.verify_chain().ok
