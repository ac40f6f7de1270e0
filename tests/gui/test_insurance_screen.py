"""Bảo hiểm y tế screen: status as the day moves, renewal keeping history, the list for BHXH."""

import subprocess
from datetime import timedelta

import pytest
from peewee import fn

from caremgr import insurance
from caremgr.dates import format_date
from db.models import InsuranceCard, Resident
from tests.gui.conftest import login, pump
from ui.screens.insurance_screen import InsuranceScreen


@pytest.fixture
def screen(make_app, demo_db, monkeypatch):
    monkeypatch.setenv("CAREMGR_NO_OPEN", "1")
    app = make_app(demo_db)
    shell = login(app)
    shell.nav_buttons["insurance"].invoke()
    pump(app.root)
    assert isinstance(shell.screen, InsuranceScreen)
    return app, shell, shell.screen


def look_on(app, screen, day):
    screen.on_entry.delete(0, "end")
    screen.on_entry.insert(0, format_date(day))
    screen.view_button.invoke()
    pump(app.root)


def resident_with_last_card():
    """An in-care resident and the end of their last card (no later card to follow it)."""
    last = (InsuranceCard.select(InsuranceCard.resident, fn.MAX(InsuranceCard.valid_to).alias("end"))
            .join(Resident).where(Resident.status == "in_care").group_by(InsuranceCard.resident)
            .order_by(InsuranceCard.resident).first())
    return Resident.get_by_id(last.resident_id), last.end


def test_status_follows_the_day_chosen(screen):
    app, _shell, scr = screen
    resident, end = resident_with_last_card()
    look_on(app, scr, end - timedelta(days=40))
    assert scr.status_of(resident.code) is None  # valid: nothing to do
    look_on(app, scr, end - timedelta(days=10))
    assert scr.status_of(resident.code) == "Sắp hết hạn"
    look_on(app, scr, end)
    assert scr.status_of(resident.code) == "Sắp hết hạn"  # still covered on its last day
    look_on(app, scr, end + timedelta(days=1))
    assert scr.status_of(resident.code) == "Hết hạn"
    counts = insurance.status_counts(app.actor, end + timedelta(days=1))
    assert scr.counts["expired"].cget("text") == str(counts["expired"])


def test_renewal_keeps_the_old_card(screen):
    app, _shell, scr = screen
    expired = next(r for r in scr.rows if r.status == "expired")
    before = InsuranceCard.select().where(InsuranceCard.resident == expired.resident_id).count()
    scr.table.selection_set(str(expired.resident_id))
    pump(app.root)
    form = scr.form
    form.fields["number"].set("BT2383812345678")
    form.fields["valid_from"].set(format_date(scr.day() - timedelta(days=1)))
    form.fields["valid_to"].set(format_date(scr.day() + timedelta(days=365)))
    form.save_button.invoke()
    pump(app.root)
    assert "Đã ghi thẻ BT2383812345678" in form.message.cget("text")
    assert InsuranceCard.select().where(InsuranceCard.resident == expired.resident_id).count() == before + 1
    assert scr.status_of(expired.code) is None
    history = insurance.card_history(app.actor, expired.resident_id)
    assert history[0].number == "BT2383812345678" and len(history) == before + 1


def test_bad_card_number_is_explained_beside_the_field(screen):
    app, _shell, scr = screen
    scr.table.selection_set(scr.table.get_children()[0])
    pump(app.root)
    scr.form.fields["number"].set("XX9")
    scr.form.save_button.invoke()
    pump(app.root)
    assert scr.form.fields["number"].error.cget("text")


def test_list_for_the_insurance_office_from_the_screen(screen, tmp_path):
    app, shell, scr = screen
    out = tmp_path / "bhyt.pdf"
    scr.print_list(path=str(out))
    pump(app.root, lambda: scr.last_task.finished, timeout=60)
    assert out.exists() and "Đã tạo danh sách" in shell.last_toast
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(out), "-"], capture_output=True,
                          text=True).stdout
    for row in scr.rows[:5]:
        assert row.full_name in text
    assert "DANH SÁCH" in text


def test_profile_shows_the_card_history(screen):
    app, shell, scr = screen
    resident, _end = resident_with_last_card()
    shell.open_resident(resident.id)
    pump(app.root)
    cards = shell.screen.cards
    count = InsuranceCard.select().where(InsuranceCard.resident == resident.id).count()
    assert len(cards.table.get_children()) == count
