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
