"""Staff, training and the facility checklists in the windows."""

import subprocess
from datetime import date, timedelta

import pytest

from caremgr import dashboard, facility, training
from caremgr.dates import format_date
from db.models import FacilityItem, Staff, TrainingAttendance, TrainingCourse
from tests.gui.conftest import login, pump
from ui.screens.staff_screen import StaffScreen


@pytest.fixture
def shell(make_app, demo_db, monkeypatch):
    monkeypatch.setenv("CAREMGR_NO_OPEN", "1")
    monkeypatch.setattr("ui.dialogs.confirm", lambda *_a, **_k: True)
    app = make_app(demo_db)
    return login(app)


def open_staff(shell) -> StaffScreen:
    shell.nav_buttons["staff"].invoke()
    pump(shell.app.root)
    assert isinstance(shell.screen, StaffScreen)
    return shell.screen


def fill(fields, **values) -> None:
    for key, value in values.items():
        fields[key].set(value)


def test_add_staff_with_expiring_certificate_reaches_the_dashboard(shell):
    before = dashboard.summary(shell.actor).licences_expiring
    panel = open_staff(shell).staff_panel
    panel.new_button.invoke()
    fill(panel.fields, code="nv901", full_name="Trần Thị Hồng Nhung", sex="female", birth_date="12/05/1990",
         position="nurse", qualification="Cao đẳng điều dưỡng", contract_type="contract",
         start_date=format_date(date.today() - timedelta(days=400)), licence_no="001234/HT-CCHN",
         licence_expiry=format_date(date.today() + timedelta(days=30)))
    panel.fields["full_name"].set("")
    panel.save_button.invoke()
    assert panel.fields["full_name"].error.cget("text"), "the missing name is shown beside its field"
    assert not Staff.select().where(Staff.code == "NV901").exists()

    panel.fields["full_name"].set("Trần Thị Hồng Nhung")
    panel.save_button.invoke()
    person = Staff.get(Staff.code == "NV901")
    assert person.licence_expiry == date.today() + timedelta(days=30)
    assert panel.table.set(str(person.id), "licence") == "Sắp hết hạn"

    panel.search.insert(0, "tran thi hong")
    panel.refresh()
    assert str(person.id) in panel.table.get_children()
    assert all("Hồng" in panel.table.set(i, "name") for i in panel.table.get_children())

    assert dashboard.summary(shell.actor).licences_expiring == before + 1
    shell.nav_buttons["dashboard"].invoke()
    pump(shell.app.root)
    texts = [label.cget("text") for label in shell.screen.alert_labels]
    assert f"• {before + 1} chứng chỉ hành nghề hết hạn trong 90 ngày" in texts
    label = next(lbl for lbl in shell.screen.alert_labels if "hết hạn trong 90 ngày" in lbl.cget("text"))
    label.event_generate("<Button-1>")
    pump(shell.app.root)
    staff_screen = shell.screen
    assert isinstance(staff_screen, StaffScreen)
    shown = {staff_screen.staff_panel.table.set(i, "code") for i in staff_screen.staff_panel.table.get_children()}
    assert "NV901" in shown and len(shown) == before + 1


def test_course_attendees_and_yearly_totals(shell, tmp_path):
    screen = open_staff(shell)
    screen.tabs.select(screen.training_panel)
    panel = screen.training_panel
    year = date.today().year
    assert panel.selected_year() == year
    turns_before = training.year_totals(shell.actor, year).turns
    assert panel.tiles["turns"].cget("text") == str(turns_before)

    panel.new_button.invoke()
    fill(panel.fields, code="th-2026-99", title="Sơ cấp cứu ban đầu cho nhân viên chăm sóc", field="care",
         organiser="Trung tâm Y tế huyện", start_date=format_date(date.today()), end_date=format_date(date.today()),
         hours="7,5", place="Hội trường")
    panel.fields["end_date"].set(format_date(date.today() - timedelta(days=1)))
    panel.save_button.invoke()
    assert panel.fields["end_date"].error.cget("text"), "an end before the start is refused beside the field"
    panel.fields["end_date"].set(format_date(date.today()))
    panel.save_button.invoke()
    course = TrainingCourse.get(TrainingCourse.code == "TH-2026-99")
    assert course.hours == 7.5 and panel.course.id == course.id

    chosen = [code for code, _label in panel.attendee_fields["staff_id"].choices[:3]]
    for staff_id in chosen:
        panel.attendee_fields["staff_id"].set(staff_id)
        panel.add_attendee_button.invoke()
    assert TrainingAttendance.select().where(TrainingAttendance.course == course.id).count() == 3
    assert panel.tiles["turns"].cget("text") == str(turns_before + 3)
    assert panel.course_table.set(str(course.id), "turns") == "3/3"

    # the same person twice is refused with a message, nothing added
    panel.attendee_fields["staff_id"].choices.append((chosen[0], "x"))
    panel.attendee_fields["staff_id"].set(chosen[0])
    panel.add_attendee_button.invoke()
    assert TrainingAttendance.select().where(TrainingAttendance.course == course.id).count() == 3

    first = panel.attendee_table.get_children()[0]
    panel.attendee_table.selection_set(first)
    pump(shell.app.root)
    panel.toggle_button.invoke()
    assert panel.tiles["turns"].cget("text") == str(turns_before + 2), "an unfinished course is not a turn"
    assert training.year_totals(shell.actor, year).turns == turns_before + 2

    # the person's history in the staff tab shows the course
    staff_id = TrainingAttendance.get_by_id(int(first)).staff_id
    screen.staff_panel.load(staff_id)
    titles = [screen.staff_panel.history.set(i, "title") for i in screen.staff_panel.history.get_children()]
    assert "Sơ cấp cứu ban đầu cho nhân viên chăm sóc" in titles

    out = tmp_path / "training.pdf"
    panel.print_report(path=str(out))
    pump(shell.app.root, lambda: panel.last_task.finished, timeout=60)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(out), "-"], capture_output=True,
                          text=True).stdout
    assert "Sơ cấp cứu ban đầu" in text and str(year) in text


def test_facility_checklists_in_settings(shell, tmp_path):
    shell.nav_buttons["settings"].invoke()
    pump(shell.app.root)
    panel = shell.screen.facility_panel
    page = panel.pages["technical"]
    before = facility.summary()
    assert f"{before.technical_done}/{before.technical_total}" in page.summary.cget("text")
    assert "(mẫu)" in page.starter_note.cget("text")

    page.fields["title"].set("Khâu vết thương nhỏ")
    page.fields["met"].set(True)
    page.fields["met_on"].set("")
    page.add_button.invoke()
    assert page.fields["met_on"].error.cget("text"), "a met item needs its date"
    page.fields["met_on"].set(format_date(date.today()))
    page.add_button.invoke()
    after = facility.summary()
    assert (after.technical_total, after.technical_done) == (before.technical_total + 1, before.technical_done + 1)
    assert f"{after.technical_done}/{after.technical_total}" in page.summary.cget("text")

    undone = next(r for r in page.rows if not r.met)
    page.table.selection_set(str(undone.id))
    pump(shell.app.root)
    page.toggle()
    assert FacilityItem.get_by_id(undone.id).met_on == date.today()
    assert facility.summary().technical_done == after.technical_done + 1

    own = tmp_path / "danh-muc.csv"
    own.write_text("Nội dung,Đạt,Ngày đạt,Ghi chú\nĐo đường huyết,Có,01/03/2024,\nĐiện tim,Không,,Chưa có máy\n",
                   encoding="utf-8")
    page.import_list(path=str(own), replace=True)
    titles = [page.table.set(i, "title") for i in page.table.get_children()]
    assert titles == ["Đo đường huyết", "Điện tim"]
    assert "1/2" in page.summary.cget("text")


def test_staff_import_keeps_valid_rows_and_reports_the_others(shell, tmp_path):
    panel = open_staff(shell).staff_panel
    sheet = tmp_path / "nhan-su.csv"
    sheet.write_text(
        "Mã nhân viên,Họ và tên,Giới tính,Chức danh,Ngày vào làm,Số chứng chỉ hành nghề,"
        "Chứng chỉ hành nghề có giá trị đến\n"
        "NV950,Lê Thị Mai,Nữ,Điều dưỡng,01/02/2020,0099/CCHN,31/12/2030\n"
        "NV951,Phạm Văn Tú,Nam,Phi công,01/02/2020,,\n"
        "NV952,Đỗ Thị Lan,Nữ,Nhân viên chăm sóc,15/03/2021,,\n", encoding="utf-8")
    dialog = panel.open_import(path=str(sheet))
    pump(shell.app.root)
    assert "Lê Thị Mai" in {dialog.preview.set(i, "1") for i in dialog.preview.get_children()}
    dialog.import_button.invoke()
    pump(shell.app.root, lambda: dialog.result is not None, timeout=60)
    assert {s.code for s in Staff.select().where(Staff.code.in_(["NV950", "NV951", "NV952"]))} == {"NV950", "NV952"}
    text = dialog.info.cget("text")
    assert "Dòng 3" in text and "Chức danh" in text
    assert "NV950" in {panel.table.set(i, "code") for i in panel.table.get_children()}
