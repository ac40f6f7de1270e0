"""Training courses and attendance (caremgr.training): validation, the employment rule, duplicates,
optimistic locking, audit, permissions, and the yearly figures (RETURN.md rules), on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from caremgr import audit, auth, dashboard, demo, settings, training
from caremgr.errors import Conflict, NotFound, PermissionDenied, ValidationError
from caremgr.text import name_sort_key, search_key
from db.models import AuditLog, Staff, TrainingAttendance, TrainingCourse


def make_staff(code: str, name: str, *, position: str = "nurse", start: date = date(2020, 1, 1),
               leave: date | None = None) -> Staff:
    return Staff.create(code=code, full_name=name, search_name=search_key(name), sort_key=name_sort_key(name),
                        position=position, start_date=start, leave_date=leave)


def course(**changes) -> dict:
    values = {"code": "th2025-01", "title": "Kỹ năng chăm sóc người cao tuổi", "field": "Chăm sóc",
              "organiser": "Sở Y tế tỉnh Thanh Hóa", "start_date": "10/03/2025", "end_date": "12/03/2025",
              "hours": "24", "place": "Hội trường Trung tâm"}
    values.update(changes)
    return values


def problems(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in exc.value.problems:
        if p.is_error:
            found.setdefault(p.field, []).append(p.message)
    return found


@pytest.fixture
def nurse(admin):
    return auth.create_user(admin, "dieuduong", "mat-khau-2", "nurse", "Điều dưỡng Lan")


@pytest.fixture
def director(admin):
    return auth.create_user(admin, "giamdoc", "mat-khau-3", "director", "Giám đốc")


# --- courses -----------------------------------------------------------------------------------------

def test_create_course_stores_clean_values_and_is_audited(admin):
    row = training.create_course(admin, course(hours="7,5"))
    stored = TrainingCourse.get_by_id(row.id)
    assert (stored.code, stored.field, stored.hours) == ("TH2025-01", "care", 7.5)
    assert (stored.start_date, stored.end_date) == (date(2025, 3, 10), date(2025, 3, 12))
    assert (row.code, row.field_label, row.attendees, row.completed, row.version) == ("TH2025-01", "Chăm sóc", 0, 0, 1)
    entry = AuditLog.get((AuditLog.entity == "training_course") & (AuditLog.entity_id == str(row.id)))
    assert entry.action == "create" and entry.username == "admin" and entry.changes["code"] == [None, "TH2025-01"]
    assert training.get_course(admin, row.id) == row


@pytest.mark.parametrize("changes, field, message", [
    ({"code": ""}, "code", "Mã khóa: không được để trống."),
    ({"code": "X" * 31}, "code", "Mã khóa: dài quá 30 ký tự."),
    ({"title": "  "}, "title", "Tên khóa tập huấn: không được để trống."),
    ({"field": ""}, "field", "Lĩnh vực: không được để trống."),
    ({"start_date": ""}, "start_date", "Từ ngày: không được để trống."),
    ({"start_date": "31/02/2025"}, "start_date", "Từ ngày: ngày không hợp lệ: 31/02/2025"),
    ({"end_date": "09/03/2025"}, "end_date", "Đến ngày: không được trước ngày bắt đầu (10/03/2025)."),
    ({"hours": "abc"}, "hours", "Số giờ: phải là một số."),
    ({"hours": "0"}, "hours", "Số giờ: phải lớn hơn 0 và không quá 1000."),
    ({"hours": "1000,5"}, "hours", "Số giờ: phải lớn hơn 0 và không quá 1000."),
    ({"start_date": "10/03/1925"}, "start_date", "Từ ngày: năm 1925 không hợp lệ."),
])
def test_course_validation_names_the_field(admin, changes, field, message):
    with pytest.raises(ValidationError) as exc:
        training.create_course(admin, course(**changes))
    assert problems(exc)[field] == [message]
    assert TrainingCourse.select().count() == 0


def test_unknown_field_lists_the_choices_and_labels_without_diacritics_match(admin):
    with pytest.raises(ValidationError) as exc:
        training.create_course(admin, course(field="Nấu ăn"))
    (message,) = problems(exc)["field"]
    assert message.startswith("Lĩnh vực: \"Nấu ăn\" không có trong danh mục (Chăm sóc, Điều dưỡng,")
    row = training.create_course(admin, course(field="phuc hoi chuc nang"))
    assert row.field == "rehabilitation"
    assert training.create_course(admin, course(code="B", field="database")).field == "database"


def test_hours_are_optional_and_accept_a_unit(admin):
    assert training.create_course(admin, course(hours="")).hours is None
    assert training.create_course(admin, course(code="B", hours="8 giờ")).hours == 8.0


def test_course_codes_are_unique_whatever_the_case(admin):
    training.create_course(admin, course())
    with pytest.raises(ValidationError) as exc:
        training.create_course(admin, course(code="Th2025-01", title="Khóa khác"))
    assert problems(exc)["code"] == ["Mã khóa: đã có khóa TH2025-01 (Kỹ năng chăm sóc người cao tuổi)."]


def test_update_course_checks_the_version_and_audits_the_change(admin):
    row = training.create_course(admin, course())
    changed = training.update_course(admin, row.id, {"hours": "16", "place": "Phòng họp"}, version=row.version)
    assert (changed.hours, changed.place, changed.version, changed.title) == (16.0, "Phòng họp", 2, row.title)
    entry = (AuditLog.select().where((AuditLog.entity == "training_course") & (AuditLog.action == "update"))
             .order_by(AuditLog.id.desc()).first())
    assert entry.changes["hours"] == [24.0, 16.0] and entry.changes["version"] == [1, 2]
    with pytest.raises(Conflict):
        training.update_course(admin, row.id, {"hours": "8"}, version=row.version)
    assert TrainingCourse.get_by_id(row.id).hours == 16.0
    other = training.create_course(admin, course(code="TH2025-02"))
    with pytest.raises(ValidationError) as exc:
        training.update_course(admin, other.id, {"code": "th2025-01"}, version=other.version)
    assert "Mã khóa: đã có khóa TH2025-01" in problems(exc)["code"][0]
    assert audit.verify_chain().ok


def test_moving_the_start_before_an_attendees_first_day_is_refused_naming_them(admin):
    late = make_staff("NV002", "Lê Văn Dũng", start=date(2025, 3, 1))
    row = training.create_course(admin, course())
    training.add_attendee(admin, row.id, {"staff_id": late.id})
    with pytest.raises(ValidationError) as exc:
        training.update_course(admin, row.id, {"start_date": "20/02/2025"}, version=row.version)
    assert problems(exc)["start_date"] == [
        "Từ ngày: Lê Văn Dũng (NV002) vào làm ngày 01/03/2025, sau ngày bắt đầu khóa (20/02/2025)."]
    assert TrainingCourse.get_by_id(row.id).start_date == date(2025, 3, 10)


def test_delete_course_takes_its_attendance_along_and_is_audited(admin):
    a, b = make_staff("NV001", "Nguyễn Thị An"), make_staff("NV002", "Lê Văn Dũng")
    row = training.create_course(admin, course())
    training.add_attendees(admin, row.id, [a.id, b.id])
    current = training.get_course(admin, row.id)
    assert (current.attendees, current.completed) == (2, 2)
    with pytest.raises(Conflict):
        training.delete_course(admin, row.id, version=current.version + 1)
    training.delete_course(admin, row.id, version=current.version)
    assert TrainingCourse.select().count() == 0 and TrainingAttendance.select().count() == 0
    entry = AuditLog.get((AuditLog.entity == "training_course") & (AuditLog.action == "delete"))
    assert entry.changes["code"] == ["TH2025-01", None]
    assert sorted(x["staff"] for x in entry.changes["attendance"][0]) == ["NV001", "NV002"]
    with pytest.raises(NotFound):
        training.get_course(admin, row.id)
    assert audit.verify_chain().ok


def test_list_courses_newest_first_and_by_year(admin):
    for code, start in (("A", "05/01/2025"), ("B", "31/12/2025"), ("C", "01/01/2026"), ("D", "15/06/2025")):
        training.create_course(admin, course(code=code, start_date=start, end_date=start))
    assert [c.code for c in training.list_courses(admin)] == ["C", "B", "D", "A"]
    assert [c.code for c in training.list_courses(admin, 2025)] == ["B", "D", "A"]
    assert [c.code for c in training.list_courses(admin, 2026)] == ["C"]


# --- attendance --------------------------------------------------------------------------------------

def test_attendees_in_vietnamese_name_order_with_labels(admin):
    people = [make_staff("NV001", "Đỗ Thị Đào", position="carer"), make_staff("NV002", "Lê Văn Dũng"),
              make_staff("NV003", "Nguyễn Thị An", position="doctor")]
    row = training.create_course(admin, course())
    for p in people:
        training.add_attendee(admin, row.id, {"staff_id": str(p.id)})
    # Given name first (An, Dũng, Đào), and Đ comes after D in the Vietnamese alphabet.
    listed = training.attendees(admin, row.id)
    assert [a.staff_name for a in listed] == ["Nguyễn Thị An", "Lê Văn Dũng", "Đỗ Thị Đào"]
    assert [a.position_label for a in listed] == ["Bác sĩ", "Điều dưỡng", "Nhân viên chăm sóc"]
    assert all(a.completed and a.certificate_no is None and a.course_id == row.id for a in listed)


def test_add_attendee_reads_completed_and_certificate(admin):
    a, b = make_staff("NV001", "Nguyễn Thị An"), make_staff("NV002", "Lê Văn Dũng")
    row = training.create_course(admin, course())
    first = training.add_attendee(admin, row.id, {"staff_id": a.id, "completed": "Không"})
    second = training.add_attendee(admin, row.id, {"staff_id": b.id, "completed": True,
                                                    "certificate_no": " 125/2025/GCN "})
    assert (first.completed, first.certificate_no) == (False, None)
    assert (second.completed, second.certificate_no, second.staff_code) == (True, "125/2025/GCN", "NV002")
    assert training.get_course(admin, row.id).completed == 1
    with pytest.raises(ValidationError) as exc:
        training.add_attendee(admin, row.id, {"staff_id": a.id, "completed": "có lẽ"})
    assert "Hoàn thành: \"có lẽ\" không hợp lệ, chọn Có hoặc Không." in problems(exc)["completed"]


def test_the_same_person_twice_gets_a_clear_message(admin):
    a = make_staff("NV001", "Nguyễn Thị An")
    row = training.create_course(admin, course())
    training.add_attendee(admin, row.id, {"staff_id": a.id})
    with pytest.raises(ValidationError) as exc:
        training.add_attendee(admin, row.id, {"staff_id": a.id, "completed": "Không"})
    assert problems(exc)["staff_id"] == ["Nhân viên: Nguyễn Thị An (NV001) đã có trong danh sách khóa TH2025-01."]
    assert TrainingAttendance.select().count() == 1


@pytest.mark.parametrize("start, leave, ok", [
    (date(2025, 3, 10), None, True),  # started on the course's first day
    (date(2025, 3, 11), None, False),  # started the day after
    (date(2020, 1, 1), date(2025, 3, 11), True),  # left the day after the start
    (date(2020, 1, 1), date(2025, 3, 10), False),  # left on the first day: not employed that day
    (date(2020, 1, 1), date(2024, 12, 31), False),
])
def test_only_staff_employed_on_the_first_day_may_attend(admin, start, leave, ok):
    person = make_staff("NV009", "Phạm Văn Toàn", start=start, leave=leave)
    row = training.create_course(admin, course())
    if ok:
        assert training.add_attendee(admin, row.id, {"staff_id": person.id}).staff_id == person.id
        return
    with pytest.raises(ValidationError) as exc:
        training.add_attendee(admin, row.id, {"staff_id": person.id})
    (message,) = problems(exc)["staff_id"]
    assert message.startswith("Nhân viên: Phạm Văn Toàn (NV009) ")
    if leave is None:
        assert message.endswith(f"vào làm ngày {start:%d/%m/%Y}, sau ngày bắt đầu khóa (10/03/2025).")
    else:
        assert f"đã nghỉ việc ngày {leave:%d/%m/%Y}" in message
    assert TrainingAttendance.select().count() == 0


def test_unknown_or_missing_staff(admin):
    row = training.create_course(admin, course())
    with pytest.raises(ValidationError) as exc:
        training.add_attendee(admin, row.id, {})
    assert problems(exc)["staff_id"] == ["Nhân viên: không được để trống."]
    with pytest.raises(ValidationError) as exc:
        training.add_attendee(admin, row.id, {"staff_id": 999})
    assert problems(exc)["staff_id"] == ["Nhân viên: không tìm thấy nhân viên (999)."]
    with pytest.raises(NotFound):
        training.add_attendee(admin, row.id + 100, {"staff_id": 1})


def test_add_attendees_is_all_or_nothing(admin):
    a, b = make_staff("NV001", "Nguyễn Thị An"), make_staff("NV002", "Lê Văn Dũng")
    gone = make_staff("NV003", "Vũ Thị Thảo", leave=date(2025, 1, 31))
    row = training.create_course(admin, course())
    with pytest.raises(ValidationError) as exc:
        training.add_attendees(admin, row.id, [a.id, gone.id, b.id, a.id])
    messages = problems(exc)["staff_ids"]
    assert len(messages) == 2
    assert messages[0].startswith("Nhân viên: Vũ Thị Thảo (NV003) đã nghỉ việc ngày 31/01/2025")
    assert messages[1] == "Nhân viên: Nguyễn Thị An (NV001) được chọn hai lần."
    assert TrainingAttendance.select().count() == 0
    added = training.add_attendees(admin, row.id, [b.id, a.id])
    assert [r.staff_code for r in added] == ["NV002", "NV001"] and all(r.completed for r in added)
    with pytest.raises(ValidationError) as exc:
        training.add_attendees(admin, row.id, [])
    assert problems(exc)["staff_ids"] == ["Nhân viên: chưa chọn người nào."]


def test_update_and_remove_attendee(admin):
    a, b = make_staff("NV001", "Nguyễn Thị An"), make_staff("NV002", "Lê Văn Dũng")
    row = training.create_course(admin, course())
    added = training.add_attendee(admin, row.id, {"staff_id": a.id})
    changed = training.update_attendee(admin, added.id, {"completed": "Không"}, version=added.version)
    assert (changed.completed, changed.version) == (False, 2)
    same = training.update_attendee(admin, added.id, {"certificate_no": ""}, version=changed.version)
    assert same.version == 2  # nothing changed, nothing written
    with pytest.raises(Conflict):
        training.update_attendee(admin, added.id, {"completed": True}, version=added.version)
    with pytest.raises(ValidationError) as exc:
        training.update_attendee(admin, added.id, {"staff_id": b.id}, version=changed.version)
    assert "không đổi được người" in problems(exc)["staff_id"][0]
    with pytest.raises(Conflict):
        training.remove_attendee(admin, added.id, version=1)
    training.remove_attendee(admin, added.id, version=2)
    assert TrainingAttendance.select().count() == 0
    actions = [e.action for e in AuditLog.select().where(AuditLog.entity == "training_attendance")
               .order_by(AuditLog.id)]
    assert actions == ["create", "update", "delete"]
    assert audit.verify_chain().ok


def test_history_newest_first(admin):
    a = make_staff("NV001", "Nguyễn Thị An")
    for code, start, done in (("A", "05/01/2024", True), ("C", "20/11/2025", False), ("B", "15/06/2025", True)):
        c = training.create_course(admin, course(code=code, start_date=start, end_date=start, field="Điều dưỡng"))
        training.add_attendee(admin, c.id, {"staff_id": a.id, "completed": done,
                                             "certificate_no": f"GCN-{code}" if done else ""})
    rows = training.history(admin, a.id)
    assert [(h.course_code, h.completed, h.certificate_no) for h in rows] == [
        ("C", False, None), ("B", True, "GCN-B"), ("A", True, "GCN-A")]
    assert rows[0].field_label == "Điều dưỡng" and rows[0].start_date == date(2025, 11, 20)
    with pytest.raises(NotFound):
        training.history(admin, 999)


def test_nurse_reads_but_cannot_edit_training_director_can(admin, nurse, director):
    a = make_staff("NV001", "Nguyễn Thị An")
    with pytest.raises(PermissionDenied):
        training.create_course(nurse, course())
    row = training.create_course(director, course())
    for write in (lambda: training.add_attendee(nurse, row.id, {"staff_id": a.id}),
                  lambda: training.add_attendees(nurse, row.id, [a.id]),
                  lambda: training.update_course(nurse, row.id, {"hours": "8"}, version=row.version),
                  lambda: training.delete_course(nurse, row.id, version=row.version)):
        with pytest.raises(PermissionDenied):
            write()
    added = training.add_attendee(director, row.id, {"staff_id": a.id})
    with pytest.raises(PermissionDenied):
        training.update_attendee(nurse, added.id, {"completed": False}, version=added.version)
    with pytest.raises(PermissionDenied):
        training.remove_attendee(nurse, added.id, version=added.version)
    assert [c.code for c in training.list_courses(nurse)] == ["TH2025-01"]
    assert [x.staff_code for x in training.attendees(nurse, row.id)] == ["NV001"]
    assert training.year_totals(nurse, 2025).turns == 1
    training.update_attendee(director, added.id, {"completed": False}, version=added.version)
    training.delete_course(director, row.id, version=row.version)


# --- figures -----------------------------------------------------------------------------------------

# (code, start, hours, field, [(staff code, completed)])
COURSES = [
    ("A", date(2025, 1, 1), 8.0, "care", [("NV001", True), ("NV002", False)]),
    ("B", date(2025, 6, 15), 16.0, "nursing", [("NV001", True), ("NV003", True), ("NV004", True)]),
    ("C", date(2025, 12, 31), 4.5, "care", [("NV003", False), ("NV005", True)]),
    ("D", date(2026, 1, 1), 12.0, "database", [("NV002", True), ("NV001", True)]),
    ("E", date(2024, 12, 31), 40.0, "care", [("NV001", True)]),
    ("F", date(2025, 9, 1), None, "other", []),
]
# (code, start, leave)
STAFF = [
    ("NV001", date(2015, 1, 1), None),
    ("NV002", date(2019, 5, 1), None),
    ("NV003", date(2020, 1, 1), None),
    ("NV004", date(2021, 1, 1), date(2025, 7, 1)),  # trained, then left: not on the staff at 31/12
    ("NV005", date(2024, 1, 1), date(2026, 1, 1)),  # leaves on 01/01/2026: still employed on 31/12/2025
    ("NV006", date(2023, 1, 1), None),  # never trained
    ("NV007", date(2026, 2, 1), None),  # not yet employed in 2025
]


@pytest.fixture
def year_data(admin):
    people = {code: make_staff(code, f"Nhân viên {code[-1]}", start=start, leave=leave)
              for code, start, leave in STAFF}
    for code, start, hours, field, attendance in COURSES:
        row = training.create_course(admin, course(code=code, start_date=start, end_date=start,
                                                   hours="" if hours is None else str(hours).replace(".", ","),
                                                   field=field))
        for staff_code, done in attendance:
            training.add_attendee(admin, row.id, {"staff_id": people[staff_code].id, "completed": done})
    settings.put(admin, {"target.training_turns": 5}, effective_from=date(2025, 1, 1))
    return people


def expected(year: int, on: date) -> dict:
    """The figures straight from the test's own tables (RETURN.md rules, written out again)."""
    first = date(year, 1, 1)
    courses = [c for c in COURSES if first <= c[1] <= on]
    done = [(code, staff, hours, field) for code, _s, hours, field, att in courses for staff, ok in att if ok]
    employed = {code for code, start, leave in STAFF if start <= on and (leave is None or leave > on)}
    trained = {staff for _c, staff, _h, _f in done}
    by_field = {}
    for _c, _s, _h, field in done:
        by_field[field] = by_field.get(field, 0) + 1
    return {"courses": len(courses), "turns": len(done), "staff_trained": len(trained),
            "course_hours": sum(c[2] or 0 for c in courses), "person_hours": sum(h or 0 for _c, _s, h, _f in done),
            "staff_total": len(employed), "untrained_staff": len(employed - trained), "by_field": by_field}


@pytest.mark.parametrize("year, on", [(2025, date(2025, 12, 31)), (2025, date(2025, 6, 15)),
                                      (2025, date(2025, 6, 14)), (2026, date(2026, 1, 1)),
                                      (2026, date(2026, 12, 31)), (2024, date(2024, 12, 31))])
def test_year_totals_follow_the_return_rules(admin, year_data, year, on):
    totals = training.year_totals(admin, year, on=on)
    want = expected(year, on)
    for key in ("courses", "turns", "staff_trained", "course_hours", "person_hours", "staff_total",
                "untrained_staff"):
        assert getattr(totals, key) == pytest.approx(want[key]), key
    assert set(totals.by_field) == {code for code, _label in training.vocab.TRAINING_FIELDS}
    assert {k: v for k, v in totals.by_field.items() if v} == want["by_field"]
    assert totals.on == on and totals.year == year


def test_incomplete_attendances_are_not_turns_and_the_target_is_compared(admin, year_data):
    totals = training.year_totals(admin, 2025, on=date(2025, 12, 31))
    # A, B, C start in 2025 (F too, nobody attended): NV002 on A and NV003 on C did not complete.
    assert (totals.courses, totals.turns, totals.staff_trained) == (4, 5, 4)
    assert (totals.target, totals.remaining, totals.met, totals.reached_pct) == (5, 0, True, 100.0)
    # NV002 (only an incomplete course) and NV006 (none) are employed on 31/12 and untrained.
    assert (totals.staff_total, totals.untrained_staff) == (5, 2)
    next_year = training.year_totals(admin, 2026, on=date(2026, 12, 31))
    assert (next_year.turns, next_year.target, next_year.remaining, next_year.met) == (2, 5, 3, False)
    assert next_year.reached_pct == 40.0


def test_course_starting_31_december_and_1_january_fall_in_their_own_years(admin, year_data):
    assert training.period_totals(date(2025, 12, 31), date(2025, 12, 31)) == {
        "courses": 1, "turns": 1, "staff_trained": 1}
    assert training.period_totals(date(2026, 1, 1), date(2026, 1, 1)) == {"courses": 1, "turns": 2,
                                                                          "staff_trained": 2}
    h2 = training.period_totals(date(2025, 7, 1), date(2025, 12, 31))
    assert h2 == {"courses": 2, "turns": 1, "staff_trained": 1}  # F (nobody) and C (NV005 only)
    year = training.period_totals(date(2025, 1, 1), date(2025, 12, 31))
    totals = training.year_totals(admin, 2025, on=date(2025, 12, 31))
    assert year == {"courses": totals.courses, "turns": totals.turns, "staff_trained": totals.staff_trained}


def test_year_totals_without_a_target_and_outside_the_year(admin, year_data):
    settings.put(admin, {"target.training_turns": ""}, effective_from=date(2024, 1, 1))
    totals = training.year_totals(admin, 2024, on=date(2024, 12, 31))
    assert (totals.target, totals.remaining, totals.met, totals.reached_pct) == (None, None, None, None)
    with pytest.raises(ValidationError):
        training.year_totals(admin, 2025, on=date(2026, 1, 1))
    past = training.year_totals(admin, 2024)
    assert past.on == date(2024, 12, 31)


def test_year_totals_agree_with_the_dashboard(admin):
    today = date(2026, 6, 30)
    demo.load_demo(admin, today=today)
    days = [date(2025, 1, 1), date(2025, 5, 20), date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 1), today]
    seen = set()
    for day in days:
        board = dashboard.summary(admin, day)
        totals = training.year_totals(admin, day.year, on=day)
        assert board.training_turns == totals.turns, day
        assert board.training_target == totals.target
        counts = training.period_totals(date(day.year, 1, 1), day)
        assert counts == {"courses": totals.courses, "turns": totals.turns, "staff_trained": totals.staff_trained}
        seen.add(totals.turns)
    assert len(seen) > 2  # the days chosen do see different numbers of turns
    # Counted straight from the tables: completed attendances of courses starting in 2025.
    raw = sum(1 for a in TrainingAttendance.select().join(TrainingCourse)
              if a.completed and a.course.start_date.year == 2025)
    assert training.year_totals(admin, 2025).turns == raw  # a past year counts to 31/12
