"""Takes the README's screenshots from the running app and checks they show something.

Set CAREMGR_SCREENSHOT_DIR=docs/screenshots to refresh the committed pictures.
"""

import os
from pathlib import Path

import pytest
from PIL import Image

from tests.gui.conftest import login, pump
from tests.gui.screens import capture


@pytest.fixture
def shots(tmp_path):
    return Path(os.environ.get("CAREMGR_SCREENSHOT_DIR") or tmp_path)


def place(app):
    app.root.geometry("1280x780+0+0")
    pump(app.root)


def assert_picture(path: Path, width=1280, height=780):
    image = Image.open(path).convert("RGB")
    assert image.size == (width, height)
    colours = image.resize((64, 40)).getcolors(64 * 40)
    assert colours is not None and len(colours) > 20  # a real screen, not a blank one


def test_screenshots_of_the_main_windows(make_app, demo_db, shots):
    app = make_app(demo_db)
    place(app)
    assert_picture(capture(app.root, shots / "login.png"))
    shell = login(app)
    place(app)
    assert_picture(capture(app.root, shots / "dashboard.png"))
    shell.nav_buttons["settings"].invoke()
    pump(app.root)
    shell.screen.notebook.select(1)
    place(app)
    assert_picture(capture(app.root, shots / "settings.png"))


def test_screenshot_of_the_wizard(make_app, shots):
    app = make_app(demo=True)
    place(app)
    assert_picture(capture(app.root, shots / "wizard.png"))


def test_screenshots_of_residents_list_and_profile(make_app, demo_db, shots):
    app = make_app(demo_db)
    shell = login(app)
    place(app)
    shell.nav_buttons["residents"].invoke()
    pump(app.root)
    assert len(shell.screen.table.get_children()) > 20
    assert_picture(capture(app.root, shots / "residents.png"))
    first = shell.screen.table.get_children()[0]
    shell.screen.table.selection_set(first)
    shell.screen.open_selected()
    pump(app.root)
    profile = shell.screen
    assert_picture(capture(app.root, shots / "profile.png"))
    profile.notebook.select(profile.health)
    pump(app.root)
    assert_picture(capture(app.root, shots / "health.png"))
    profile.health.tabs.select(3)
    pump(app.root)
    assert_picture(capture(app.root, shots / "health-chart.png"))


def test_screenshot_of_the_insurance_screen(make_app, demo_db, shots):
    app = make_app(demo_db)
    shell = login(app)
    place(app)
    shell.nav_buttons["insurance"].invoke()
    pump(app.root)
    assert shell.screen.table.get_children()
    assert_picture(capture(app.root, shots / "insurance.png"))


def test_screenshots_of_rehabilitation(make_app, demo_db, shots):
    from caremgr import rehab

    app = make_app(demo_db)
    shell = login(app)
    place(app)
    shell.nav_buttons["rehab"].invoke()
    pump(app.root)
    assert shell.screen.lines
    assert_picture(capture(app.root, shots / "rehab-day.png"))
    due = rehab.plans_due_review(shell.actor)
    plan = due[0] if due else None
    resident_id = plan.resident_id if plan else shell.screen.lines[0].row.resident_id
    shell.open_resident(resident_id, tab="rehab")
    pump(app.root)
    tab = shell.screen.rehab
    assert tab.plan is not None
    assert_picture(capture(app.root, shots / "rehab-plan.png"))
    tab.tabs.select(2)
    pump(app.root)
    assert_picture(capture(app.root, shots / "rehab-sessions.png"))
    tab.tabs.select(3)
    pump(app.root)
    tab.draw_chart()
    assert_picture(capture(app.root, shots / "rehab-barthel.png"))
    dialog = tab.open_review()
    dialog.geometry("1180x760+40+10")
    pump(app.root)
    path = capture(dialog, shots / "rehab-review.png")
    assert Image.open(path).size == (1180, 760)


def test_screenshots_of_staff_training_and_facility(make_app, demo_db, shots):
    app = make_app(demo_db)
    shell = login(app)
    place(app)
    shell.nav_buttons["staff"].invoke()
    pump(app.root)
    screen = shell.screen
    first = screen.staff_panel.table.get_children()[0]
    screen.staff_panel.table.selection_set(first)
    pump(app.root)
    assert_picture(capture(app.root, shots / "staff.png"))
    screen.tabs.select(screen.training_panel)
    panel = screen.training_panel
    panel.course_table.selection_set(panel.course_table.get_children()[0])
    pump(app.root)
    assert_picture(capture(app.root, shots / "training.png"))
    shell.nav_buttons["settings"].invoke()
    pump(app.root)
    shell.screen.notebook.select(shell.screen.facility_panel)
    pump(app.root)
    assert_picture(capture(app.root, shots / "facility.png"))


def test_screenshot_of_the_reports_screen(make_app, demo_db, shots):
    app = make_app(demo_db)
    shell = login(app)
    place(app)
    shell.nav_buttons["reports"].invoke()
    pump(app.root)
    panel = shell.screen.return_panel
    panel.narrative["results"].set("Chăm sóc, nuôi dưỡng an toàn; không có sự cố; 100% đối tượng được khám định kỳ.")
    panel.show_figures()
    pump(app.root, lambda: panel.data is not None, timeout=60)
    assert panel.table.get_children()
    assert_picture(capture(app.root, shots / "reports.png"))
