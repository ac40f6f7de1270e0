"""Tổng quan: each chart item, clicked, opens the list behind it, and that list holds exactly the
residents (or courses) the chart counted — the expected rows computed here straight from the tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caremgr import settings
from caremgr.bhyt import card_status
from caremgr.residents_query import in_care_on
from caremgr.vocab import CATEGORIES
from db.models import HealthCheck, InsuranceCard, Resident, TrainingCourse
from tests.gui.conftest import login, pump
from ui.screens.dashboard import DashboardScreen
from ui.screens.residents import ResidentsScreen
from ui.screens.staff_screen import StaffScreen


@pytest.fixture
def shell(make_app, demo_db, monkeypatch):
    monkeypatch.setenv("CAREMGR_NO_OPEN", "1")
    app = make_app(demo_db)
    shell = login(app)
    home(shell)
    return shell


def home(shell) -> DashboardScreen:
    shell.show("dashboard")
    pump(shell.app.root, until=lambda: all(c.canvas.winfo_width() > 200 for c in shell.screen.charts.values()))
    pump(shell.app.root)
    assert isinstance(shell.screen, DashboardScreen)
    return shell.screen


def click(shell, chart_key: str, item_key: str) -> None:
    """A real click: the pointer moves over the item, then button 1 is pressed there."""
    chart = shell.screen.charts[chart_key]
    x, y = chart.point_of(item_key)
    chart.canvas.event_generate("<Motion>", x=x, y=y)
    assert chart.canvas.cget("cursor") == "hand2", "a clickable item shows the hand"
    chart.canvas.event_generate("<Button-1>", x=x, y=y)
    pump(shell.app.root)


def listed_codes(screen: ResidentsScreen) -> list[str]:
    """Every row of the list, turning the pages."""
    codes = screen.shown_codes()
    while str(screen.next_button.cget("state")) == "normal":
        screen.turn(1)
        codes += screen.shown_codes()
    return codes


def in_care_today() -> list[Resident]:
    return list(Resident.select().where(in_care_on(date.today())))


def test_each_category_bar_opens_the_residents_in_care_of_that_category(shell):
    residents = in_care_today()
    for code, _label in CATEGORIES:
        expected = sorted(r.code for r in residents if r.category == code)
        assert shell.screen.data.by_category[code] == len(expected)
        click(shell, "category", code)
        screen = shell.screen
        assert isinstance(screen, ResidentsScreen)
        codes = listed_codes(screen)
        assert sorted(codes) == expected and len(codes) == len(set(codes)), code
        assert screen.current_filter().category == code and screen.current_filter().status == "in_care"
        home(shell)


def test_each_card_status_opens_the_residents_with_that_status(shell):
    today = date.today()
    warn_days = settings.get("care.card_warning_days", today)
    residents = in_care_today()
    cards: dict[int, list] = {}
    for card in InsuranceCard.select():
        cards.setdefault(card.resident_id, []).append((card.valid_from, card.valid_to))
    statuses = {r.code: card_status(cards.get(r.id, []), today, warn_days) for r in residents}
    seen = set()
    for status in ("valid", "expiring", "expired", "none"):
        expected = sorted(code for code, s in statuses.items() if s == status)
        assert shell.screen.data.insurance[status] == len(expected)
        if not expected:
            continue
        seen.add(status)
        click(shell, "insurance", status)
        screen = shell.screen
        assert isinstance(screen, ResidentsScreen)
        assert sorted(listed_codes(screen)) == expected, status
        home(shell)
    assert {"valid", "expiring", "expired"} <= seen, "the demo centre has cards in every state"


def test_the_tracking_chart_opens_the_residents_in_care_without_tracking(shell):
    today = date.today()
    first = today - timedelta(days=364)
    recent = {c.resident_id for c in HealthCheck.select().where(
        (HealthCheck.check_date >= first) & (HealthCheck.check_date <= today))}
    expected = sorted(r.code for r in in_care_today() if r.id not in recent)
    assert expected, "the demo centre has residents without a recent check"
    assert shell.screen.data.untracked == len(expected)
    click(shell, "tracking", "untracked")
    screen = shell.screen
    assert isinstance(screen, ResidentsScreen)
    assert sorted(listed_codes(screen)) == expected
    assert screen.filters["tracking"].get() == "Chưa theo dõi"


def test_the_training_chart_opens_this_years_training(shell):
    year = date.today().year
    expected = sorted(c.code for c in TrainingCourse.select().where(
        (TrainingCourse.start_date >= date(year, 1, 1)) & (TrainingCourse.start_date <= date(year, 12, 31))))
    turns = shell.screen.data.training_turns
    click(shell, "training", "training")
    screen = shell.screen
    assert isinstance(screen, StaffScreen)
    panel = screen.training_panel
    assert screen.tabs.select() == str(panel)
    assert panel.selected_year() == year
    shown = sorted(panel.course_table.set(iid, "code") for iid in panel.course_table.get_children())
    assert shown == expected
    assert panel.tiles["turns"].cget("text") == str(turns)


def test_charts_say_the_target_and_whether_it_is_met_in_vietnamese_numbers(shell):
    d = shell.screen.data
    texts = {key: [chart.canvas.itemcget(i, "text") for i in chart.canvas.find_all()
                   if chart.canvas.type(i) == "text"] for key, chart in shell.screen.charts.items()}
    pct = f"{d.tracked_pct:g}".replace(".", ",") + "%"
    assert any(t.startswith(pct) for t in texts["tracking"]), texts["tracking"]
    if "." in f"{d.tracked_pct:g}":
        assert "," in pct  # a decimal comma, never a point
    target = f"{d.tracking_target:g}".replace(".", ",") + "%"
    verdict = "Đạt" if d.tracking_met else "Chưa đạt"
    assert f"Chỉ tiêu {target} · {verdict}" in texts["tracking"]
    assert f"Chỉ tiêu 100% · {'Đạt' if d.coverage_met else 'Chưa đạt'}" in texts["insurance"]
    assert f"{d.training_turns} lượt người" in texts["training"]
    charts = shell.screen.charts
    assert {code: int(v) for code, v in charts["category"].values.items()} == d.by_category
    assert charts["insurance"].values == {status: str(n) for status, n in d.insurance.items()}
    for key, chart in charts.items():
        assert chart.canvas.cget("background") == shell.app.root.style.colors.bg, key


def test_without_the_residents_list_the_charts_open_nothing(shell):
    """A user who cannot see the residents list gets no hand cursor and no link on those charts."""
    screen = shell.screen
    shell.nav_buttons.pop("residents")
    screen = home(shell)
    assert not screen.charts["category"].commands and not screen.charts["tracking"].commands
    assert screen.charts["training"].commands
