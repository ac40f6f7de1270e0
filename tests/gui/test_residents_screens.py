"""Residents list and profile, driven through the widgets as a nurse or administrator would."""

from datetime import date

import pytest

from caremgr import residents
from caremgr.text import search_key
from db.models import AuditLog, HealthCheck, Resident
from tests.gui.conftest import login, pump
from ui import dialogs
from ui.screens.resident_profile import ResidentProfile
from ui.screens.residents import ResidentsScreen


@pytest.fixture
def residents_screen(make_app, demo_db):
    app = make_app(demo_db)
    shell = login(app)
    shell.nav_buttons["residents"].invoke()
    pump(app.root)
    assert isinstance(shell.screen, ResidentsScreen)
    return app, shell


def type_search(app, screen, text):
    screen.search.delete(0, "end")
    screen.search.insert(0, text)
    screen.search.event_generate("<KeyRelease>")
    # the list refreshes after a short pause in typing
    pump(app.root, lambda: screen._pending is None, timeout=5)


def filter_to(screen, key, code):
    combo = screen.filters[key]
    combo.set(next(lbl for c, lbl in screen._filter_choices[key] if c == code))
    combo.event_generate("<<ComboboxSelected>>")


def shown_names(screen):
    return [screen.table.set(iid, "full_name") for iid in screen.table.get_children()]


def test_list_shows_a_page_and_the_count(residents_screen):
    app, shell = residents_screen
    screen = shell.screen
    in_care = Resident.select().where(Resident.status == "in_care", Resident.deleted == False).count()  # noqa: E712
    assert len(screen.table.get_children()) == min(in_care, 100)
    assert f"trong {in_care} đối tượng" in screen.count_label.cget("text")
    names = shown_names(screen)
    assert names == [r.full_name for r in residents.search(app.actor, residents.ResidentFilter(status="in_care"),
                                                           limit=100).rows]


def test_search_as_you_type_ignores_diacritics(residents_screen):
    app, shell = residents_screen
    screen = shell.screen
    target = Resident.select().where(Resident.full_name.contains("Thị")).order_by(Resident.id).first()
    words = search_key(target.full_name).split()
    typed = " ".join(words[:2]) + " " + words[-1][:1]  # e.g. "nguyen thi h"
    type_search(app, screen, typed)
    names = shown_names(screen)
    assert target.full_name in names or target.status != "in_care"
    for name in names:
        key = search_key(name).split()
        assert key[0].startswith(words[0]) or any(w.startswith(words[0]) for w in key)
    type_search(app, screen, target.code)
    filter_to(screen, "status", "")
    pump(app.root)
    assert shown_names(screen) == [target.full_name]
    assert "trong 1 đối tượng" in screen.count_label.cget("text")


def test_filters_narrow_the_list(residents_screen):
    app, shell = residents_screen
    screen = shell.screen
    filter_to(screen, "category", "TT")
    pump(app.root)
    categories = {screen.table.set(iid, "category") for iid in screen.table.get_children()}
    assert categories == {"TT"}
    expected = Resident.select().where(Resident.category == "TT", Resident.status == "in_care").count()
    assert len(screen.table.get_children()) == expected
    filter_to(screen, "insurance", "none")
    pump(app.root)
    statuses = {screen.table.set(iid, "insurance") for iid in screen.table.get_children()}
    assert statuses <= {"Chưa có thẻ"}
    screen.clear_filters()
    pump(app.root)
    assert len(screen.table.get_children()) > expected


def open_new_profile(app, shell):
    shell.screen.new_button.invoke()
    pump(app.root)
    assert isinstance(shell.screen, ResidentProfile)
    return shell.screen


def test_add_a_resident_with_problems_shown_beside_fields(residents_screen):
    app, shell = residents_screen
    profile = open_new_profile(app, shell)
    before = Resident.select().count()
    profile.fields["full_name"].set("  Nguyễn   Thị Hồng ")
    profile.fields["birth"].set("31/02/1950")
    profile.save_button.invoke()
    pump(app.root)
    assert Resident.select().count() == before
    assert profile.fields["code"].error.cget("text")
    assert profile.fields["birth"].error.cget("text")
    assert "Chưa lưu" in profile.message.cget("text")
    profile.fields["code"].set("DT9001")
    profile.fields["sex"].set("female")
    profile.fields["birth"].set("1950")
    profile.fields["category"].set("NCT")
    profile.fields["admission_date"].set("02/01/2026")
    profile.fields["cccd"].set("038150012345")
    profile.save_button.invoke()
    pump(app.root)
    saved = Resident.get(Resident.code == "DT9001")
    assert saved.full_name == "Nguyễn Thị Hồng" and saved.birth_year == 1950 and saved.birth_date is None
    assert "Đã lưu" in profile.message.cget("text")
    assert AuditLog.select().where(AuditLog.entity == "resident", AuditLog.entity_id == str(saved.id)).exists()


def test_cccd_that_disagrees_with_birth_year_is_refused(residents_screen):
    app, shell = residents_screen
    profile = open_new_profile(app, shell)
    for key, value in {"code": "DT9002", "full_name": "Lê Văn Nam", "sex": "male", "birth": "1948",
                       "category": "NCC", "admission_date": "01/02/2026", "cccd": "038250012345"}.items():
        profile.fields[key].set(value)
    profile.save_button.invoke()
    pump(app.root)
    assert "CCCD" in profile.fields["cccd"].error.cget("text")
    assert not Resident.select().where(Resident.code == "DT9002").exists()


def open_existing(app, shell, code):
    resident = Resident.get(Resident.code == code)
    shell.open_resident(resident.id)
    pump(app.root)
    return shell.screen, resident


def test_edit_and_unsaved_changes_warning(residents_screen, monkeypatch):
    app, shell = residents_screen
    first = Resident.select().where(Resident.status == "in_care").order_by(Resident.id).first()
    profile, resident = open_existing(app, shell, first.code)
    profile.fields["room"].set("Z999")
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a: asked.append(a) or False)
    shell.nav_buttons["dashboard"].invoke()
    pump(app.root)
    assert asked and shell.screen is profile  # stayed, nothing lost
    profile.save_button.invoke()
    pump(app.root)
    assert Resident.get_by_id(resident.id).room == "Z999"
    asked.clear()
    shell.nav_buttons["dashboard"].invoke()
    pump(app.root)
    assert not asked and shell.current_key == "dashboard"


def test_discharge_through_the_profile(residents_screen):
    app, shell = residents_screen
    first = Resident.select().where(Resident.status == "in_care").order_by(Resident.id.desc()).first()
    profile, resident = open_existing(app, shell, first.code)
    profile.discharge_fields["on"].set(date.today().strftime("%d/%m/%Y"))
    profile.discharge_fields["reason"].set("reintegrated")
    profile.discharge_button.invoke()
    pump(app.root)
    stored = Resident.get_by_id(resident.id)
    assert stored.status == "discharged" and stored.discharge_reason == "reintegrated"
    assert "Đã ghi ra khỏi cơ sở" in profile.discharge_message.cget("text")
    shell.show("residents")
    pump(app.root)
    assert first.full_name not in shown_names(shell.screen) or len(shown_names(shell.screen)) == 100


def test_record_a_check_up_and_see_it_flagged(residents_screen):
    app, shell = residents_screen
    first = Resident.select().where(Resident.status == "in_care").order_by(Resident.id).first()
    profile, resident = open_existing(app, shell, first.code)
    health = profile.health
    profile.notebook.select(health)
    pump(app.root)
    before = HealthCheck.select().where(HealthCheck.resident == resident.id).count()
    health.check_fields["check_date"].set(date.today().strftime("%d/%m/%Y"))
    health.check_fields["pulse"].set("118")
    health.check_fields["blood_pressure"].set("165/95")
    health.check_fields["weight_kg"].set("50")
    health.check_fields["height_cm"].set("155")
    health.check_fields["weight_kg"].input.focus_force()
    health.check_fields["weight_kg"].input.event_generate("<KeyRelease>", when="now")
    pump(app.root)
    assert "20,8" in health.bmi_label.cget("text")
    health.add_check_button.invoke()
    pump(app.root)
    assert HealthCheck.select().where(HealthCheck.resident == resident.id).count() == before + 1
    newest = health.check_table.get_children()[0]
    assert "abnormal" in health.check_table.item(newest, "tags")
    assert health.check_table.set(newest, "bp") == "165/95 ↑"
    assert health.check_table.set(newest, "pulse") == "118 ↑"


def test_photo_chosen_from_a_file_shows_in_the_profile(residents_screen, monkeypatch, tmp_path):
    from PIL import Image

    app, shell = residents_screen
    first = Resident.select().where(Resident.status == "in_care").order_by(Resident.id).first()
    profile, resident = open_existing(app, shell, first.code)
    assert profile.photo_label.cget("text") == "Chưa có ảnh"
    image = tmp_path / "anh.png"
    Image.new("RGB", (800, 1000), (10, 120, 200)).save(image)
    monkeypatch.setattr(dialogs, "choose_open_path", lambda *a: str(image))
    profile.photo_button.invoke()
    pump(app.root)
    assert profile.photo_label.cget("text") == "" and profile._photo_image.width() <= 160
    assert Resident.get_by_id(resident.id).photo
    profile.fields["room"].set("P-1")
    profile.save_button.invoke()  # saving after the photo uses the new version: no conflict
    pump(app.root)
    assert "Đã lưu" in profile.message.cget("text")


def test_reason_for_no_cccd_is_asked_only_without_a_number(residents_screen):
    app, shell = residents_screen
    profile = open_new_profile(app, shell)
    note = profile.fields["cccd_note"]
    assert note.winfo_manager() == "grid"
    profile.fields["cccd"].set("038150012345")
    pump(app.root)
    assert note.winfo_manager() == ""
    profile.fields["cccd"].set("")
    pump(app.root)
    assert note.winfo_manager() == "grid"
