"""Unexpected failures in a window reach the user as a Vietnamese sentence, never a silent button."""

from __future__ import annotations

import logging

import pytest

from caremgr import residents
from db.errors import DatabaseBusy
from db.models import Resident
from tests.gui.conftest import login, pump
from ui import dialogs

pytestmark = pytest.mark.gui


@pytest.fixture
def profile(make_app, demo_db):
    app = make_app(demo_db)
    shell = login(app)
    first = Resident.select().where(Resident.status == "in_care").order_by(Resident.id).first()
    shell.open_resident(first.id)
    pump(app.root)
    return app, shell.screen, first


def test_a_save_while_another_pc_holds_the_database_says_so_and_keeps_the_form(profile, monkeypatch):
    app, screen, resident = profile
    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, message: shown.append((title, message)))

    def busy(*_args, **_kwargs):
        raise DatabaseBusy(180)

    monkeypatch.setattr(residents, "update", busy)
    screen.fields["room"].set("P-BẬN")
    screen.save_button.invoke()
    pump(app.root)
    assert len(shown) == 1
    title, message = shown[0]
    assert title == "Không thực hiện được"
    assert message.startswith("Máy khác đang ghi dữ liệu") and "bấm lưu lại" in message
    assert screen.fields["room"].get() == "P-BẬN"  # what the nurse typed is still there
    assert Resident.get_by_id(resident.id).room == resident.room


def test_a_programming_error_is_logged_and_the_user_gets_a_plain_sentence(profile, monkeypatch, caplog):
    app, screen, resident = profile
    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, message: shown.append(message))

    def broken(*_args, **_kwargs):
        raise KeyError("whatever")

    monkeypatch.setattr(residents, "update", broken)
    screen.fields["room"].set("P-LỖI")
    with caplog.at_level(logging.ERROR, logger="caremgr"):
        screen.save_button.invoke()
        pump(app.root)
    assert shown and "lỗi không mong đợi (KeyError)" in shown[0]
    assert "Traceback" in caplog.text and "KeyError" in caplog.text
    assert Resident.get_by_id(resident.id).room == resident.room
