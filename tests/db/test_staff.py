"""Staff profiles: validation messages naming the field, practising-certificate status and alerts,
the list (search without diacritics, filters, Vietnamese name order), CRUD with audit and optimistic
locking, deletion rules, permissions, and the counts the return and the dashboard use.

Every test runs once on SQLite and once on PostgreSQL.
"""

from datetime import date, timedelta

import pytest

from caremgr import audit, auth, dashboard, demo, staff, vocab
from caremgr.errors import Conflict, NotFound, PermissionDenied, ValidationError
from caremgr.staff import StaffFilter
from caremgr.text import name_sort_key
from db.models import AuditLog, RehabSession, Resident, Staff, TrainingAttendance, TrainingCourse

TODAY = date.today()


def person(code="NV001", name="Nguyễn Thị Hồng", position="Điều dưỡng", **extra):
    data = {"code": code, "full_name": name, "sex": "Nữ", "birth_date": "05/03/1985", "position": position,
            "qualification": "Cử nhân điều dưỡng", "contract_type": "Biên chế", "start_date": "01/09/2015",
            "licence_no": f"{code}/TH-CCHN", "licence_expiry": (TODAY + timedelta(days=800)).strftime("%d/%m/%Y"),
            "phone": "0912 345 678", "notes": "Trưởng ca"}
    data.update(extra)
    return data


def errors(exc_or_findings, field=None):
    problems = exc_or_findings.problems
    return [p.message for p in problems if p.is_error and (field is None or p.field == field)]


def warnings(findings, field=None):
    return [p.message for p in findings.warnings if field is None or p.field == field]


@pytest.fixture
def nurse(admin):
    return auth.create_user(admin, "lan", "mat-khau-2", "nurse", "Nguyễn Thị Lan")


@pytest.fixture
def director(admin):
    return auth.create_user(admin, "giamdoc", "mat-khau-3", "director", "Lê Văn Thắng")


# --- validation --------------------------------------------------------------------------------------

def test_create_stores_clean_values_and_derived_keys(admin):
    row = staff.create(admin, person(code=" nv001 ", name="  Nguyễn   Thị Hồng ", phone="0912.345.678"))
    assert (row.code, row.full_name, row.sex, row.position, row.contract_type) == (
        "NV001", "Nguyễn Thị Hồng", "female", "nurse", "permanent")
    assert (row.sex_label, row.position_label, row.contract_label) == ("Nữ", "Điều dưỡng", "Biên chế")
    assert (row.birth_date, row.start_date, row.leave_date) == (date(1985, 3, 5), date(2015, 9, 1), None)
    assert row.phone == "0912345678" and row.notes == "Trưởng ca" and row.employed
    stored = Staff.get_by_id(row.id)
    assert stored.search_name == "nguyen thi hong"
    assert stored.sort_key == name_sort_key("Nguyễn Thị Hồng", date(1985, 3, 5))
    assert staff.get(admin, row.id) == row


@pytest.mark.parametrize("field", ["code", "full_name", "position", "start_date"])
def test_required_fields_are_named(admin, field):
    labels = {"code": "Mã nhân viên", "full_name": "Họ và tên", "position": "Chức danh", "start_date": "Ngày vào làm"}
    with pytest.raises(ValidationError) as err:
        staff.create(admin, person(**{field: "  "}))
    assert errors(err.value, field) == [f"{labels[field]}: không được để trống."]
    assert Staff.select().count() == 0


@pytest.mark.parametrize("field, value, start", [
    ("code", "X" * 21, "Mã nhân viên: tối đa 20 ký tự"),
    ("sex", "Khác", "Giới tính: phải là Nam hoặc Nữ"),
    ("birth_date", "31/02/1985", "Ngày sinh: ngày không hợp lệ: 31/02/1985"),
    ("birth_date", "1985", "Ngày sinh: ngày không đúng dạng dd/mm/yyyy"),
    ("position", "Lái xe", "Chức danh: \"Lái xe\" không có trong danh mục"),
    ("contract_type", "Thời vụ", "Loại hợp đồng: \"Thời vụ\" không có trong danh mục"),
    ("start_date", "01/13/2015", "Ngày vào làm: ngày không hợp lệ"),
    ("leave_date", "31/08/2015", "Ngày nghỉ việc: không được trước ngày vào làm (01/09/2015)"),
    ("licence_expiry", "hết hạn", "Chứng chỉ hành nghề có giá trị đến: ngày không đúng dạng"),
    ("phone", "12345", "Điện thoại: số điện thoại phải có 10 chữ số"),
])
def test_wrong_values_are_refused_naming_the_field(admin, field, value, start):
    _clean, findings = staff.validate(person(**{field: value}))
    found = errors(findings, field)
    assert found and found[0].startswith(start), found


def test_start_date_in_the_future_is_refused(database):
    tomorrow = TODAY + timedelta(days=1)
    _clean, findings = staff.validate(person(start_date=tomorrow.strftime("%d/%m/%Y")))
    assert errors(findings, "start_date") == [f"Ngày vào làm: không được ở tương lai ({tomorrow:%d/%m/%Y})"]
    _clean, findings = staff.validate(person(start_date=TODAY.strftime("%d/%m/%Y")))
    assert errors(findings) == []


@pytest.mark.parametrize("birth, ok", [
    ("02/09/1999", False),  # 15 on the start day 01/09/2015: turns 16 the day after
    ("01/09/1999", True),   # 16 on the start day
    ("02/09/1934", True),   # 80 on the start day (81 the day after)
    ("01/09/1934", False),  # 81 on the start day
])
def test_age_on_the_start_date_is_16_to_80(database, birth, ok):
    _clean, findings = staff.validate(person(birth_date=birth))
    assert (not errors(findings, "birth_date")) == ok
    if not ok:
        assert errors(findings, "birth_date")[0].startswith("Ngày sinh: người vào làm ngày 01/09/2015 phải từ 16 "
                                                            "đến 80 tuổi")


def test_a_15_year_old_is_refused(database):
    _clean, findings = staff.validate(person(birth_date="02/09/1999"))  # 15 on 01/09/2015
    assert errors(findings, "birth_date")[0].endswith("(tính ra 15 tuổi).")


def test_licensed_position_without_certificate_is_a_warning_not_an_error(admin):
    clean, findings = staff.validate(person(licence_no="", licence_expiry=""))
    assert errors(findings) == []
    assert warnings(findings, "licence_no")[0].startswith("Số chứng chỉ hành nghề: chức danh Điều dưỡng cần")
    assert warnings(findings, "licence_expiry")[0].startswith("Chứng chỉ hành nghề có giá trị đến: chức danh")
    row = staff.create(admin, person(licence_no="", licence_expiry=""))
    assert row.licence_status == "missing" and row.licence_no is None
    _clean, findings = staff.validate(person(code="NV002", position="Nhân viên chăm sóc", licence_no="",
                                             licence_expiry=""))
    assert findings.problems == []


def test_code_is_unique_ignoring_case(admin):
    staff.create(admin, person())
    with pytest.raises(ValidationError) as err:
        staff.create(admin, person(code="nv001", name="Lê Văn Khác"))
    assert errors(err.value, "code") == ["Mã nhân viên: NV001 đã thuộc nhân viên Nguyễn Thị Hồng."]


# --- the practising certificate ----------------------------------------------------------------------

ON = date(2026, 6, 30)


@pytest.mark.parametrize("days, expected", [
    (-1, "expired"),
    (0, "expiring"),  # the last day of validity
    (1, "expiring"),
    (89, "expiring"),
    (90, "expiring"),
    (91, "valid"),
])
def test_licence_status_boundaries(admin, days, expected):
    row = staff.create(admin, person(licence_expiry=(ON + timedelta(days=days)).strftime("%d/%m/%Y")))
    listed = staff.search(admin, StaffFilter(status="all"), on=ON)
    assert [r.licence_status for r in listed] == [expected]
    assert staff.licence_status("nurse", "X", ON + timedelta(days=days), ON) == expected
    assert (row.id in [r.id for r in staff.licence_alerts(admin, on=ON)]) == (expected != "valid")
    # valid on the day for the return: anything but expired
    assert staff.licensed_count(ON) == (0 if days < 0 else 1)


def test_licence_status_of_other_cases(database):
    assert staff.licence_status("carer", None, None, ON) == "not_required"
    assert staff.licence_status("manager", "X", ON - timedelta(days=5), ON) == "not_required"
    assert staff.licence_status("doctor", None, ON + timedelta(days=500), ON) == "missing"
    assert staff.licence_status("doctor", "X", None, ON) == "missing"
    assert staff.licence_status("doctor", "X", ON + timedelta(days=500), ON) == "valid"


def test_alerts_list_employed_staff_expired_first_then_by_expiry(admin):
    def make(code, days, **extra):
        return staff.create(admin, person(code=code, name=f"Người {code}",
                                          licence_expiry=(ON + timedelta(days=days)).strftime("%d/%m/%Y"), **extra))

    make("A", 60)
    make("B", -3)
    make("C", 10)
    make("D", -40)
    make("E", 200)
    make("F", 5, leave_date="01/01/2026")  # has left: no alert
    make("G", -10, position="Nhân viên chăm sóc")  # needs no licence
    alerts = staff.licence_alerts(admin, on=ON)
    assert [r.code for r in alerts] == ["D", "B", "C", "A"]
    assert [r.licence_status for r in alerts] == ["expired", "expired", "expiring", "expiring"]


def test_alerts_agree_with_the_dashboard_on_the_demo_centre(admin):
    demo.load_demo(admin, today=ON)
    for day in (ON, ON + timedelta(days=30), ON + timedelta(days=400)):
        alerts = staff.licence_alerts(admin, on=day)
        d = dashboard.summary(admin, day)
        assert (d.licences_expired, d.licences_expiring) == (
            sum(1 for r in alerts if r.licence_status == "expired"),
            sum(1 for r in alerts if r.licence_status == "expiring"))
        # and both follow the rule, checked row by row from the stored values
        expected = []
        for s in Staff.select():
            employed = s.start_date <= day and (s.leave_date is None or s.leave_date > day)
            if employed and s.position in vocab.LICENSED_POSITIONS and s.licence_no and s.licence_expiry \
                    and s.licence_expiry <= day + timedelta(days=90):
                expected.append(s.code)
        assert sorted(r.code for r in alerts) == sorted(expected)
    assert staff.licence_alerts(admin, on=ON), "the demo centre has certificates to renew"


# --- the list ----------------------------------------------------------------------------------------

NAMES = ["Nguyễn Thị Hồng", "Trần Văn An", "Đỗ Văn Đức", "Lê Thị Bình", "Phạm Văn Dũng", "Nguyễn Thị Hoa"]


@pytest.fixture
def team(admin):
    rows = {}
    for i, name in enumerate(NAMES, start=1):
        rows[name] = staff.create(admin, person(code=f"NV{i:03d}", name=name, licence_no=f"00{i}234/TH-CCHN"))
    return rows


def test_list_is_in_vietnamese_name_order(admin, team):
    # given name first (An, Bình, Dũng, Đức — d before đ —, Hoa, Hồng), by the Vietnamese alphabet
    assert [r.full_name for r in staff.search(admin)] == [
        "Trần Văn An", "Lê Thị Bình", "Phạm Văn Dũng", "Đỗ Văn Đức", "Nguyễn Thị Hoa", "Nguyễn Thị Hồng"]
    assert [label for _id, label in staff.choices(admin)] == [
        "Trần Văn An — Điều dưỡng", "Lê Thị Bình — Điều dưỡng", "Phạm Văn Dũng — Điều dưỡng",
        "Đỗ Văn Đức — Điều dưỡng", "Nguyễn Thị Hoa — Điều dưỡng", "Nguyễn Thị Hồng — Điều dưỡng"]


@pytest.mark.parametrize("text, expected", [
    ("nguyen thi h", {"Nguyễn Thị Hồng", "Nguyễn Thị Hoa"}),
    ("hong", {"Nguyễn Thị Hồng"}),
    ("HỒNG", {"Nguyễn Thị Hồng"}),
    ("do van duc", {"Đỗ Văn Đức"}),
    ("duc", {"Đỗ Văn Đức"}),
    ("thi b", {"Lê Thị Bình"}),
    ("hong nguyen", set()),  # words in order
    ("nv00", set(NAMES)),
    ("nv003", {"Đỗ Văn Đức"}),
    ("004234", {"Lê Thị Bình"}),
    ("005234/th", {"Phạm Văn Dũng"}),
    ("", set(NAMES)),
])
def test_search_without_diacritics_code_and_certificate(admin, team, text, expected):
    assert {r.full_name for r in staff.search(admin, StaffFilter(text=text))} == expected


def test_filters_by_status_position_and_licence(admin, team):
    day = date(2026, 6, 30)
    left = team["Trần Văn An"]
    staff.update(admin, left.id, {"leave_date": "30/06/2026"}, version=left.version)  # away from that day on
    carer = team["Lê Thị Bình"]
    staff.update(admin, carer.id, {"position": "Nhân viên chăm sóc", "licence_no": "", "licence_expiry": ""},
                 version=carer.version)
    expiring = team["Phạm Văn Dũng"]
    staff.update(admin, expiring.id, {"licence_expiry": "15/07/2026"}, version=expiring.version)

    def names(**kw):
        return {r.full_name for r in staff.search(admin, StaffFilter(**kw), on=day)}

    assert names() == set(NAMES) - {"Trần Văn An"}
    assert names(status="left") == {"Trần Văn An"}
    assert names(status="all") == set(NAMES)
    # the day before the leave date the person is still employed
    assert "Trần Văn An" in {r.full_name for r in staff.search(admin, on=day - timedelta(days=1))}
    assert names(position="carer") == {"Lê Thị Bình"}
    assert names(licence="not_required") == {"Lê Thị Bình"}
    assert names(licence="expiring") == {"Phạm Văn Dũng"}
    assert names(licence="expiring", text="pham") == {"Phạm Văn Dũng"}
    assert names(licence="expiring", text="hong") == set()
    with pytest.raises(ValidationError):
        staff.search(admin, StaffFilter(status="nghỉ"))


def test_position_counts_and_licensed_count(admin, team):
    day = date(2026, 6, 30)
    doctor = team["Đỗ Văn Đức"]
    staff.update(admin, doctor.id, {"position": "Bác sĩ"}, version=doctor.version)
    carer = team["Lê Thị Bình"]
    staff.update(admin, carer.id, {"position": "carer"}, version=carer.version)
    gone = team["Trần Văn An"]
    staff.update(admin, gone.id, {"leave_date": "01/01/2026"}, version=gone.version)
    expired = team["Nguyễn Thị Hoa"]
    staff.update(admin, expired.id, {"licence_expiry": "29/06/2026"}, version=expired.version)

    counts = staff.position_counts(admin, day)
    assert list(counts) == vocab.codes(vocab.STAFF_POSITIONS)
    employed = [s for s in Staff.select() if s.start_date <= day and (s.leave_date is None or s.leave_date > day)]
    for code in counts:
        assert counts[code] == sum(1 for s in employed if s.position == code)
    assert counts["doctor"] == 1 and counts["carer"] == 1 and counts["manager"] == 0
    licensed = [s for s in employed if s.position in vocab.LICENSED_POSITIONS and s.licence_no
                and s.licence_expiry and s.licence_expiry >= day]
    assert staff.licensed_count(day) == len(licensed) == 3  # Hồng, Dũng, Đức (Hoa's expired the day before)
    assert staff.medical_count(day) == 4
    assert Staff.select().where(staff.employed_on(day)).count() == len(employed) == 5


# --- writing -----------------------------------------------------------------------------------------

def test_update_with_version_audit_and_conflict(admin):
    row = staff.create(admin, person())
    updated = staff.update(admin, row.id, {"qualification": "Thạc sĩ điều dưỡng", "full_name": "Nguyễn Thị Hồng Nhung"},
                           version=row.version)
    assert updated.version == row.version + 1 and updated.qualification == "Thạc sĩ điều dưỡng"
    assert Staff.get_by_id(row.id).search_name == "nguyen thi hong nhung"
    entry = AuditLog.select().where(AuditLog.entity == "staff").order_by(AuditLog.id.desc()).first()
    assert entry.action == "update" and entry.username == "admin"
    assert entry.changes["qualification"] == ["Cử nhân điều dưỡng", "Thạc sĩ điều dưỡng"]
    with pytest.raises(Conflict) as err:
        staff.update(admin, row.id, {"qualification": "Khác"}, version=row.version)
    assert err.value.theirs["qualification"] == "Thạc sĩ điều dưỡng"
    assert Staff.get_by_id(row.id).qualification == "Thạc sĩ điều dưỡng"
    same = staff.update(admin, row.id, {"qualification": "Thạc sĩ điều dưỡng"}, version=updated.version)
    assert same.version == updated.version  # nothing changed, nothing written
    with pytest.raises(NotFound):
        staff.update(admin, 9999, {}, version=1)
    assert audit.verify_chain().ok


def test_update_refuses_a_taken_code(admin):
    staff.create(admin, person())
    other = staff.create(admin, person(code="NV002", name="Trần Văn An"))
    with pytest.raises(ValidationError) as err:
        staff.update(admin, other.id, {"code": "nv001"}, version=other.version)
    assert errors(err.value, "code")[0].startswith("Mã nhân viên: NV001 đã thuộc")


def test_delete_is_for_the_administrator_and_refused_when_records_name_the_person(admin, director):
    row = staff.create(admin, person())
    with pytest.raises(PermissionDenied):
        staff.delete(director, row.id, version=row.version)
    course = TrainingCourse.create(code="K1", title="Sơ cấp cứu", field="care", start_date=date(2026, 3, 1),
                                   end_date=date(2026, 3, 2))
    attendance = TrainingAttendance.create(course=course, staff=row.id, completed=True)
    with pytest.raises(ValidationError) as err:
        staff.delete(admin, row.id, version=row.version)
    assert "1 lượt tập huấn" in str(err.value) and "ngày nghỉ việc" in str(err.value)
    attendance.delete_instance()
    resident = Resident.create(code="DT1", full_name="A", search_name="a", sort_key="a", sex="male", birth_year=1950,
                               category="NCT", admission_date=date(2024, 1, 1))
    session = RehabSession.create(resident=resident, session_date=date(2026, 3, 1), minutes=30, staff=row.id)
    with pytest.raises(ValidationError) as err:
        staff.delete(admin, row.id, version=row.version)
    assert "buổi tập phục hồi chức năng" in str(err.value)
    session.delete_instance()
    with pytest.raises(Conflict):
        staff.delete(admin, row.id, version=row.version + 1)
    staff.delete(admin, row.id, version=row.version)
    assert Staff.select().count() == 0
    entry = AuditLog.select().where(AuditLog.entity == "staff").order_by(AuditLog.id.desc()).first()
    assert entry.action == "delete" and entry.changes["code"] == ["NV001", None]


def test_permissions(admin, nurse, director):
    row = staff.create(director, person())  # a director manages staff
    assert staff.search(nurse)[0].id == row.id  # a nurse sees the list
    assert staff.get(nurse, row.id).code == "NV001"
    assert staff.licence_alerts(nurse) == []
    with pytest.raises(PermissionDenied):
        staff.create(nurse, person(code="NV002"))
    with pytest.raises(PermissionDenied):
        staff.update(nurse, row.id, {"notes": "x"}, version=row.version)
    with pytest.raises(PermissionDenied):
        staff.delete(nurse, row.id, version=row.version)
    with pytest.raises(PermissionDenied):
        staff.search(None)
    staff.update(director, row.id, {"notes": "Tổ trưởng"}, version=row.version)
    assert Staff.get_by_id(row.id).notes == "Tổ trưởng"
