"""A nurse's day with the keyboard only: log in, find a resident by typing, record a check-up, record two
rehabilitation sessions, renew a BHYT card. Every step is a key press sent to the widget that has the
focus, as a keyboard would: no clicks, no calls into the screens."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caremgr import auth, health, insurance, rehab
from caremgr.dates import format_date
from caremgr.text import search_key
from db.models import Resident
from tests.gui.conftest import pump
from ui.login import LoginView
from ui.screens.insurance_screen import InsuranceScreen
from ui.screens.rehab_screen import RehabScreen
from ui.screens.resident_profile import ResidentProfile
from ui.screens.residents import ResidentsScreen

pytestmark = pytest.mark.gui

KEYSYMS = {" ": "space", "/": "slash", ".": "period", ",": "comma", "-": "minus"}


class Keyboard:
    def __init__(self, root):
        self.root = root

    def focused(self):
        widget = self.root.focus_get()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.focused().event_generate(f"<{key}>")
            pump(self.root)

    def type(self, text: str) -> None:
        for char in text:
            keysym = KEYSYMS.get(char, char)
            widget = self.focused()
            widget.event_generate("<KeyPress>", keysym=keysym)
            widget.event_generate("<KeyRelease>", keysym=keysym)  # a real key comes back up
        pump(self.root)

    def tab_to(self, widget, limit: int = 80) -> None:
        """Tab until ``widget`` has the focus (as a user tabs through a form)."""
        for _ in range(limit):
            if self.root.focus_get() == widget:
                return
            self.press("Tab")
        raise AssertionError(f"Tab never reached {widget}")


@pytest.fixture
def nurse_app(make_app, demo_db):
    from db.connection import close_database, open_database

    open_database(demo_db)
    admin = auth.authenticate("admin", "mat-khau-1")
    auth.create_user(admin, "dieuduong", "y-ta-2026", "nurse", "Lê Thị Y Tá")
    close_database()
    app = make_app(demo_db)
    pump(app.root)
    return app


def test_a_nurses_day_with_the_keyboard_only(nurse_app):
    app = nurse_app
    keys = Keyboard(app.root)
    today = date.today()

    # Log in: the user name box has the focus; Tab to the password; Enter.
    assert isinstance(app.view, LoginView)
    app.view.username.focus_force()
    pump(app.root)
    keys.type("dieuduong")
    keys.press("Tab")
    keys.type("y-ta-2026")
    keys.press("Return")
    shell = app.view
    assert shell.actor.username == "dieuduong"
    nurse = shell.actor

    # Find a resident by typing part of the name without diacritics.
    target = (Resident.select().where(Resident.status == "in_care", Resident.full_name.contains("Thị"))
              .order_by(Resident.code).first())
    words = search_key(target.full_name).split()
    query = " ".join(words[-2:])  # e.g. "thu huong"
    keys.press("Control-f")
    assert isinstance(shell.screen, ResidentsScreen) and keys.focused() == shell.screen.search
    keys.type(query)
    assert shell.screen.search.get() == query
    pump(app.root, until=lambda: shell.screen.table.get_children() and all(
        all(w in search_key(shell.screen.table.set(i, "full_name")) for w in words[-2:])
        for i in shell.screen.table.get_children()))
    codes = [shell.screen.table.set(i, "code") for i in shell.screen.table.get_children()]
    assert target.code in codes
    keys.press("Down")  # into the list, first row
    for _ in codes:
        if shell.screen.table.set(shell.screen.table.focus(), "code") == target.code:
            break
        keys.press("Down")
    keys.press("Return")
    profile = shell.screen
    assert isinstance(profile, ResidentProfile) and profile.detail.id == target.id

    # Record a check-up: Ctrl+Tab to "Sức khỏe", Tab into the form, type, Enter.
    for _ in range(len(profile.notebook.tabs())):
        if profile.notebook.select() == str(profile.health):
            break
        keys.press("Control-Tab")
    assert profile.notebook.select() == str(profile.health)
    checks_before = len(health.list_checks(nurse, target.id))
    fields = profile.health.check_fields
    keys.tab_to(fields["pulse"].input)
    keys.type("78")
    keys.press("Tab")
    keys.type("125/80")
    keys.press("Tab")
    keys.type("36,8")
    keys.tab_to(fields["examiner"].input)
    keys.type("Le Thi Y Ta")
    keys.press("Return")
    checks = health.list_checks(nurse, target.id)
    assert len(checks) == checks_before + 1
    newest = max(checks, key=lambda c: c.id)
    assert (newest.check_date, newest.pulse, newest.systolic, newest.diastolic, float(newest.temperature)) == (
        today, 78, 125, 80, 36.8)

    # Two rehabilitation sessions on today's sheet: Alt+3, Ctrl+F, type a name, Tab to the ticks, space.
    keys.press("Escape")  # back to the list first (the profile has nothing unsaved)
    keys.press("Alt-Key-3")
    screen = shell.screen
    assert isinstance(screen, RehabScreen)
    sheet = rehab.day_sheet(nurse, today)
    by_resident: dict[str, list] = {}
    for row in sheet:
        by_resident.setdefault(row.resident_code, []).append(row)
    code, rows = next((c, r) for c, r in sorted(by_resident.items()) if len(r) >= 2)
    keys.press("Control-f")
    assert keys.focused() == screen.search
    keys.type(code.lower())
    lines = [line for line in screen.lines if line.row.resident_code == code]
    assert len(lines) >= 2 and all(line.check.winfo_ismapped() for line in lines)
    assert all(not line.check.winfo_ismapped() for line in screen.lines if line.row.resident_code != code)
    recorded_before = {line.row.intervention_id: line.row.recorded for line in lines}
    for line in lines[:2]:
        keys.tab_to(line.check)
        keys.press("space")
        assert line.done.get()
    keys.press("Control-s")
    after = {r.intervention_id: r.recorded for r in rehab.day_sheet(nurse, today) if r.resident_code == code}
    assert [after[line.row.intervention_id] - recorded_before[line.row.intervention_id] for line in lines[:2]] == [1, 1]

    # Renew a card: Alt+5, Tab into the list of cards to renew, ↓ to the resident, Tab to the form, Ctrl+S.
    keys.press("Alt-Key-5")
    screen = shell.screen
    assert isinstance(screen, InsuranceScreen)
    needing = insurance.needing_cards(nurse, today)
    expiring = next(r for r in needing if r.status == "expiring")
    keys.tab_to(screen.table)
    keys.press("Down")
    for _ in range(len(needing)):
        if screen.table.focus() == str(expiring.resident_id):
            break
        keys.press("Down")
    assert screen.table.focus() == str(expiring.resident_id), (screen.table.focus(), keys.focused())
    form = screen.form
    assert form.resident_id == expiring.resident_id
    new_from = expiring.valid_to + timedelta(days=1)
    new_to = date(new_from.year, 12, 31)
    number = expiring.card_number[:-1] + ("1" if expiring.card_number[-1] != "1" else "2")
    keys.tab_to(form.fields["number"].input)
    keys.type(number)
    keys.press("Tab")
    keys.type(format_date(new_from))
    keys.press("Tab")
    keys.type(format_date(new_to))
    keys.press("Control-s")
    history = insurance.card_history(nurse, expiring.resident_id)
    assert (history[0].number, history[0].valid_from, history[0].valid_to) == (number, new_from, new_to)
    assert expiring.resident_id not in {r.resident_id for r in insurance.needing_cards(nurse, today)}
