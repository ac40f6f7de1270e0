"""Cơ sở dữ liệu được mã hóa: the window asks for the key first; a wrong key is said beside the field, the
right one leads to the usual login, and "Nhớ khóa trên máy này" spares the question next time."""

import stat

import pytest

from db import cipher
from db.connection import close_database
from tests.gui.conftest import login, pump

pytestmark = pytest.mark.skipif(not cipher.available(), reason="sqlcipher3 is not installed")

KEY = "khóa-trung-tâm-2026"


@pytest.fixture
def encrypted_db(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "userdata"))
    monkeypatch.delenv(cipher.KEY_ENV, raising=False)
    cipher.encrypt_file(demo_db, KEY)
    return demo_db


def test_wrong_key_then_right_key_then_login(make_app, encrypted_db):
    from ui.login import LoginView
    from ui.unlock import UnlockView

    app = make_app(encrypted_db)
    view = app.view
    assert isinstance(view, UnlockView)
    assert view.key.winfo_ismapped() and view.button.cget("text") == "Mở"
    assert view.remember_check.cget("text") == "Nhớ khóa trên máy này"
    assert view.message.cget("text") == ""
    assert "mã hóa" in app.root.title()

    view.key.insert(0, "khoa-sai-hoan-toan")
    view.button.invoke()
    pump(app.root)
    assert app.view is view, "a wrong key keeps the unlock view"
    assert view.message.cget("text").startswith("Khóa cơ sở dữ liệu không đúng")
    assert view.key.get() == "", "the wrong key is cleared for the next try"

    view.key.insert(0, KEY)
    view.key.event_generate("<Return>")
    pump(app.root, until=lambda: isinstance(app.view, LoginView))
    shell = login(app)
    assert app.actor is not None and app.actor.username == "admin"
    assert hasattr(shell, "toast")  # the main window is there, reading the encrypted database
    assert cipher.remembered_key(encrypted_db) is None, "not remembered unless asked"


def test_remembered_key_opens_without_asking(make_app, encrypted_db):
    from ui.login import LoginView
    from ui.unlock import UnlockView

    app = make_app(encrypted_db)
    view = app.view
    assert isinstance(view, UnlockView)
    view.key.insert(0, KEY)
    view.remember.set(True)
    view.button.invoke()
    pump(app.root, until=lambda: isinstance(app.view, LoginView))
    stored = cipher.key_file_path()
    assert cipher.remembered_key(encrypted_db) == KEY
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    app.quit()
    close_database()

    again = make_app(encrypted_db)
    assert isinstance(again.view, LoginView), "the remembered key opened the database straight away"


def test_a_remembered_key_that_no_longer_fits_is_said(make_app, encrypted_db):
    from ui.unlock import UnlockView

    cipher.remember_key(encrypted_db, "khoa-cu-da-doi-roi")
    app = make_app(encrypted_db)
    assert isinstance(app.view, UnlockView)
    assert "không mở được tệp" in app.view.message.cget("text")
