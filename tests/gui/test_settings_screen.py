from datetime import date

from caremgr import auth, settings
from db.models import AuditLog
from tests.gui.conftest import login, pump


def open_settings(app):
    shell = login(app)
    shell.nav_buttons["settings"].invoke()
    pump(app.root)
    return shell.screen


def test_agency_change_takes_effect_from_the_date_typed(make_app, demo_db):
    app = make_app(demo_db)
    screen = open_settings(app)
    before = settings.get("agency.governing_body", date(2026, 6, 30))
    screen.fields["agency.governing_body"].set("SỞ Y TẾ TỈNH THANH HÓA (MỚI)")
    screen.effective.delete(0, "end")
    screen.effective.insert(0, "01/07/2026")
    screen.save_button.invoke()
    pump(app.root)
    assert "Đã lưu 1 mục" in screen.message.cget("text")
    assert settings.get("agency.governing_body", date(2026, 6, 30)) == before
    assert settings.get("agency.governing_body", date(2026, 7, 1)) == "SỞ Y TẾ TỈNH THANH HÓA (MỚI)"
    entry = AuditLog.select().where(AuditLog.entity == "setting").order_by(AuditLog.id.desc()).first()
    assert entry.username == "admin" and entry.entity_id == "agency.governing_body"


def test_invalid_value_is_shown_beside_its_field_and_nothing_is_saved(make_app, demo_db):
    app = make_app(demo_db)
    screen = open_settings(app)
    name_before = settings.get("centre.name")
    screen.fields["centre.name"].set("Tên mới")
    screen.fields["target.tracking_pct"].set("150")
    screen.save_button.invoke()
    pump(app.root)
    assert "từ 0 đến 100" in screen.fields["target.tracking_pct"].error.cget("text")
    assert screen.fields["centre.name"].error.cget("text") == ""
    assert "Chưa lưu" in screen.message.cget("text")
    assert settings.get("centre.name") == name_before


def test_administrator_adds_a_user_from_the_users_tab(make_app, demo_db):
    app = make_app(demo_db)
    panel = open_settings(app).users_panel
    panel.fields["username"].set("hoa")
    panel.fields["full_name"].set("Trần Thị Hoa")
    panel.fields["role"].set("director")
    panel.fields["password"].set("ngan")
    panel.add_button.invoke()
    pump(app.root)
    assert "ít nhất 8" in panel.fields["password"].error.cget("text")
    panel.fields["password"].set("mat-khau-hoa-1")
    panel.add_button.invoke()
    pump(app.root)
    assert "hoa" in panel.table.get_children()
    assert panel.table.set("hoa", "role") == "Giám đốc"
    assert auth.authenticate("hoa", "mat-khau-hoa-1").role == "director"
