"""Date fields: typed dd/mm/yyyy is tidied, and a calendar drops down (button, Alt+Down) to pick a day."""

from __future__ import annotations

import datetime as dt

import pytest

from caremgr.dates import format_date
from tests.gui.conftest import login, pump
from ui.widgets import Field

pytestmark = pytest.mark.gui


@pytest.fixture
def field(make_app, demo_db):
    app = make_app(demo_db)
    login(app)
    box = app.view.body
    made = Field(box, "Ngày khám", kind="date", width=14)
    made.place(x=20, y=20)
    pump(app.root)
    return app, made


def test_typed_dates_are_tidied_when_leaving_the_field(field):
    app, date_field = field
    for typed, shown in [("5/3/2024", "05/03/2024"), ("05-03-2024", "05/03/2024"), ("1950", "1950"),
                         ("31/02/2024", "31/02/2024"), ("", "")]:
        date_field.set(typed)
        date_field.tidy_date()
        assert date_field.get() == shown


def test_the_calendar_opens_on_the_typed_month_and_picks_with_the_keyboard(field):
    app, date_field = field
    date_field.set("28/02/2024")
    date_field.input.focus_force()
    date_field.input.event_generate("<Alt-Down>")
    pump(app.root)
    picker = date_field.picker
    assert picker is not None and picker.winfo_ismapped()
    assert picker.title_label.cget("text") == "Tháng 2/2024"
    assert sorted(d.day for d in picker.day_buttons) == list(range(1, 30))  # 2024 is a leap year
    picker.event_generate("<Right>")
    picker.event_generate("<Right>")
    pump(app.root)
    assert picker.title_label.cget("text") == "Tháng 3/2024"
    picker.event_generate("<Return>")
    pump(app.root)
    assert date_field.get() == "01/03/2024"
    assert not picker.winfo_exists()


def test_clicking_a_day_and_escape(field):
    app, date_field = field
    date_field.set("")
    date_field.calendar_button.invoke()
    pump(app.root)
    picker = date_field.picker
    today = dt.date.today()
    assert picker.title_label.cget("text") == f"Tháng {today.month}/{today.year}"
    picker.move(months=-1)
    earlier = sorted(picker.day_buttons)[9]
    picker.day_buttons[earlier].invoke()
    pump(app.root)
    assert date_field.get() == format_date(earlier)
    date_field.calendar_button.invoke()
    pump(app.root)
    date_field.picker.event_generate("<Escape>")
    pump(app.root)
    assert date_field.get() == format_date(earlier) and date_field.picker is None


def test_the_day_sheet_calendar_shows_the_picked_day(make_app, demo_db, monkeypatch):
    from caremgr import rehab

    app = make_app(demo_db)
    shell = login(app)
    shell.nav_buttons["rehab"].invoke()
    pump(app.root)
    screen = shell.screen
    asked = []
    real = rehab.day_sheet
    monkeypatch.setattr(rehab, "day_sheet", lambda actor, day: asked.append(day) or real(actor, day))
    screen.day_entry.focus_force()
    screen.day_entry.event_generate("<Alt-Down>")
    pump(app.root)
    pickers = [w for w in _all(app.root) if w.__class__.__name__ == "DatePicker"]
    assert len(pickers) == 1
    yesterday = dt.date.today() - dt.timedelta(days=1)
    pickers[0].pick(yesterday)
    pump(app.root, until=lambda: yesterday in asked)
    assert screen.day_entry.get() == format_date(yesterday)


def _all(widget):
    for child in widget.winfo_children():
        yield child
        yield from _all(child)
