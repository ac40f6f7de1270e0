"""Khóa màn hình: the window is covered after the idle time and only the user's password uncovers it,
with the form underneath as it was."""

from tests.gui.conftest import ADMIN_PASSWORD, login, pump


def test_lock_keeps_the_form_and_needs_the_password(make_app, demo_db):
    app = make_app(demo_db)
    shell = login(app)
    shell.open_resident(None)
    pump(app.root)
    profile = shell.screen
    profile.fields["full_name"].set("Nguyễn Thị Chưa Lưu")
    lock = app.idle_lock
    lock.last_input -= 24 * 3600  # a day without input
    lock._check()
    pump(app.root)
    assert lock.locked and lock.cover.winfo_ismapped()
    lock.password.insert(0, "sai-mat-khau")
    assert not lock.unlock()
    assert lock.locked and lock.message.cget("text")
    lock.password.insert(0, ADMIN_PASSWORD)
    lock.unlock_button.invoke()
    pump(app.root)
    assert not lock.locked
    assert shell.screen is profile and profile.fields["full_name"].get() == "Nguyễn Thị Chưa Lưu"


def test_no_lock_when_set_to_zero_or_logged_out(make_app, demo_db, monkeypatch):
    app = make_app(demo_db)
    lock = app.idle_lock
    lock.last_input -= 24 * 3600
    lock._check()
    assert not lock.locked, "nobody logged in: nothing to hide"
    login(app)
    monkeypatch.setattr("ui.idle_lock.idle_minutes", lambda: 0)
    lock.last_input -= 24 * 3600
    lock._check()
    assert not lock.locked
