"""The finish users expect: shortcuts shown in menus, keys that work from every screen, text size,
theme, and a window that remembers its size and last screen."""

from __future__ import annotations

import json
import tkinter.font as tkfont

import pytest

from tests.gui.conftest import login, pump
from ui.screens.residents import ResidentsScreen

pytestmark = pytest.mark.gui


def menu_entries(menu) -> list[tuple[str, str]]:
    out = []
    for index in range(menu.index("end") + 1):
        if menu.type(index) in ("command", "checkbutton"):
            out.append((menu.entrycget(index, "label"), menu.entrycget(index, "accelerator")))
    return out


def test_menus_show_every_shortcut_and_tooltips_name_them(make_app, demo_db):
    app = make_app(demo_db)
    shell = login(app)
    assert str(app.root.cget("menu"))  # the menu bar is there after login
    assert ("Lưu", "Ctrl+S") in menu_entries(shell.menus["file"])
    assert ("Làm mới", "F5") in menu_entries(shell.menus["file"])
    assert ("Quay lại / đóng", "Esc") in menu_entries(shell.menus["file"])
    assert menu_entries(shell.menus["residents"]) == [("Tìm đối tượng", "Ctrl+F"), ("Thêm đối tượng", "Ctrl+N")]
    go = menu_entries(shell.menus["go"])
    assert go[0] == ("Tổng quan", "Alt+1") and go[1] == ("Đối tượng", "Alt+2") and len(go) == len(shell.nav_buttons)
    shell.logout()
    pump(app.root)
    assert not str(app.root.cget("menu"))  # no menu on the login window


def test_keys_work_from_any_screen(make_app, demo_db):
    app = make_app(demo_db)
    shell = login(app)
    assert shell.current_key == "dashboard"
    app.root.event_generate("<Control-f>")
    pump(app.root, until=lambda: isinstance(shell.screen, ResidentsScreen) and app.root.focus_get() is not None)
    pump(app.root)
    assert app.root.focus_get() == shell.screen.search
    app.root.event_generate("<Alt-Key-1>")
    pump(app.root)
    assert shell.current_key == "dashboard"
    app.root.event_generate("<F1>")
    pump(app.root)
    window = shell.shortcuts_window
    texts = [w.cget("text") for w in window.winfo_children()[0].winfo_children()]
    assert "Ctrl+F" in texts and "Alt+↓" in texts and "Mở lịch trong ô ngày" in texts
    window.event_generate("<Escape>")
    pump(app.root)
    assert not window.winfo_exists()


def test_text_size_theme_window_and_last_screen_are_remembered(make_app, demo_db, tmp_path):
    app = make_app(demo_db)
    shell = login(app)
    normal = tkfont.nametofont("TkDefaultFont").actual("size")
    app.root.event_generate("<Control-plus>")
    app.root.event_generate("<Control-plus>")
    pump(app.root)
    bigger = tkfont.nametofont("TkDefaultFont").actual("size")
    assert bigger > normal
    shell.menus["view"].invoke(shell.menus["view"].index("Giao diện tối"))
    pump(app.root)
    assert app.root.style.theme_use() == "bootstrap-dark"
    shell.nav_buttons["insurance"].invoke()
    pump(app.root)
    app.root.geometry("1100x700+30+20")
    pump(app.root)
    app.quit()
    saved = json.loads((tmp_path / "preferences.json").read_text(encoding="utf-8"))
    assert saved["font_scale"] > 1 and saved["theme"] == "dark" and saved["last_screen"]["admin"] == "insurance"
    assert saved["geometry"].startswith("1100x700")

    again = make_app(demo_db)
    assert again.root.style.theme_use() == "bootstrap-dark"
    assert tkfont.nametofont("TkDefaultFont").actual("size") == bigger
    assert again.root.wm_geometry().startswith("1100x700")
    shell = login(again)
    assert shell.current_key == "insurance"
    again.root.event_generate("<Control-Key-0>")
    pump(again.root)
    assert tkfont.nametofont("TkDefaultFont").actual("size") == normal


@pytest.fixture
def empty_centre(tmp_path):
    from caremgr import setup
    from db.connection import close_database, open_database

    path = tmp_path / "empty.sqlite"
    open_database(str(path))
    setup.first_run(username="admin", password="mat-khau-1", full_name="Lê Văn Quản", centre={
        "centre.name": "Trung tâm Mới", "centre.symbol": "TTM", "centre.province": "Huế", "centre.director": "Lê C",
        "agency.governing_body": "SỞ Y TẾ THÀNH PHỐ HUẾ", "agency.receiving": "Sở Y tế thành phố Huế"})
    close_database()
    return str(path)


def test_empty_lists_say_what_to_do_next(make_app, empty_centre):
    from caremgr import residents

    app = make_app(empty_centre)
    shell = login(app)
    shell.nav_buttons["residents"].invoke()
    pump(app.root)
    assert "Thêm đối tượng" in shell.screen.empty_label.cget("text")
    shell.nav_buttons["staff"].invoke()
    pump(app.root)
    note = shell.screen.staff_panel.table.empty_note
    assert note.winfo_ismapped() and "Nhập từ Excel" in note.cget("text")
    shell.nav_buttons["insurance"].invoke()
    pump(app.root)
    assert shell.screen.table.empty_note.winfo_ismapped()
    detail = residents.create(shell.actor, {"code": "DT001", "full_name": "Hà Thị Mới", "birth": "1950", "sex": "Nữ",
                                            "category": "NCT", "admission_date": "01/01/2025"})
    shell.open_resident(detail.id, tab="health")
    pump(app.root)
    health = next(w for w in _walk(shell.screen) if hasattr(w, "check_table"))
    assert "Ghi lần khám" in health.check_table.empty_note.cget("text")
    assert health.check_table.empty_note.winfo_ismapped()
    shell.nav_buttons["insurance"].invoke()
    pump(app.root)
    table = shell.screen.table
    assert table.get_children() and not table.empty_note.winfo_ismapped()  # no card: now listed


def _walk(widget):
    for child in widget.winfo_children():
        yield child
        yield from _walk(child)


def test_a_long_task_can_be_cancelled_and_leaves_nothing_behind(make_app, demo_db, tmp_path, monkeypatch):
    import threading
    from datetime import date

    from caremgr import returns, roster
    from ui import files

    app = make_app(demo_db)
    shell = login(app)
    shell.nav_buttons["reports"].invoke()
    pump(app.root)
    panel = shell.screen.return_panel
    gate = threading.Event()
    real_preview = returns.preview
    monkeypatch.setattr(returns, "preview", lambda *a, **k: gate.wait(20) and real_preview(*a, **k))
    before = getattr(panel, "data", None)
    panel.show_figures()
    pump(app.root)
    assert shell.cancel_button.winfo_ismapped() and shell.progress.winfo_ismapped()
    shell.cancel_button.invoke()
    pump(app.root)
    assert not shell.progress.winfo_ismapped() and not shell.cancel_button.winfo_ismapped()
    assert str(panel.view_button.cget("state")) == "normal" and panel.caption.cget("text") == "Đã hủy tính số liệu."
    gate.set()
    pump(app.root, until=lambda: panel.task.finished)
    assert getattr(panel, "data", None) is before  # the late figures were dropped

    out = tmp_path / "danh-sach.pdf"
    release = threading.Event()
    real_collect = roster.collect_roster
    monkeypatch.setattr(roster, "collect_roster", lambda *a, **k: release.wait(20) and real_collect(*a, **k))
    monkeypatch.setenv("CAREMGR_NO_OPEN", "1")
    toasts = []
    real_toast = shell.toast
    monkeypatch.setattr(shell, "toast", lambda message, error=False: (toasts.append(message), real_toast(message, error)))
    files.print_roster(shell.screen, shell.actor, date.today(), path=str(out))
    pump(app.root)
    shell.cancel_button.invoke()
    release.set()
    pump(app.root, until=lambda: shell.screen.last_task.finished)
    assert not out.exists()  # written after the cancel, then removed
    assert "Đã hủy." in toasts and not any(t.startswith("Đã tạo danh sách") for t in toasts)


def test_the_daily_backup_folder_is_chosen_in_settings(make_app, demo_db, tmp_path):
    from caremgr import backup, settings

    app = make_app(demo_db)
    shell = login(app)
    shell.nav_buttons["settings"].invoke()
    pump(app.root)
    panel = shell.screen.backup_panel
    usb = tmp_path / "usb"
    usb.mkdir()
    panel.folder.set(str(usb))
    panel.daily.set(False)
    panel.keep_button.invoke()
    pump(app.root)
    assert settings.get("backup.folder") == str(usb) and settings.get("backup.daily") is False
    assert backup.backup_folder() == usb
    assert str(usb) in panel.message.cget("text") and "đang tắt" in panel.message.cget("text")
    assert backup.daily_backup_if_due(shell.actor) is None  # switched off: nothing made
    panel.daily.set(True)
    panel.keep_button.invoke()
    pump(app.root)
    made = backup.daily_backup_if_due(shell.actor)
    assert made is not None and made.path.parent == usb


def test_saves_are_confirmed_in_the_corner(make_app, demo_db):
    from db.models import Resident

    app = make_app(demo_db)
    shell = login(app)
    resident = Resident.select().where(Resident.status == "in_care").order_by(Resident.id).first()
    shell.open_resident(resident.id, tab="health")
    pump(app.root)
    tab = shell.screen.health
    tab.check_fields["pulse"].set("80")
    tab.add_check_button.invoke()
    pump(app.root)
    assert shell.last_toast == "Đã ghi lần khám."
    shell.nav_buttons["staff"].invoke()
    pump(app.root)
    panel = shell.screen.staff_panel
    panel.table.selection_set(panel.table.get_children()[0])
    pump(app.root)
    panel.save_button.invoke()
    pump(app.root)
    assert shell.last_toast == "Đã lưu."
