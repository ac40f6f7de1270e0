"""Window tests: the real app on a temporary database, under Xvfb (pytest-xvfb starts it)."""

from __future__ import annotations

import contextlib
import gc
import shutil
import time
from pathlib import Path

import pytest

from db.connection import close_database, open_database

ADMIN_PASSWORD = "mat-khau-1"


def pump(root, until=None, timeout: float = 20.0) -> None:
    """Lets Tk process events (and background tasks report back) until ``until()`` is true."""
    deadline = time.monotonic() + timeout
    while True:
        root.update()
        if until is None or until():
            return
        if time.monotonic() > deadline:
            raise AssertionError("the window did not reach the expected state in time")
        time.sleep(0.02)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """One demo centre built once per session; each test gets its own copy."""
    from caremgr import setup

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    open_database(str(path))
    setup.first_run(username="admin", password=ADMIN_PASSWORD, full_name="Lê Văn Quản", demo=True)
    close_database()
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path) -> str:
    target = tmp_path / "centre.sqlite"
    shutil.copy(demo_template, target)
    return str(target)


@pytest.fixture
def make_app(xvfb, tmp_path, monkeypatch):
    # What the PC remembers (window, last screen, text size) stays inside the test.
    monkeypatch.setenv("CAREMGR_PREFERENCES", str(tmp_path / "preferences.json"))
    apps = []

    def factory(target: str | None = None, **kwargs):
        from ui.app import App

        app = App(target or str(tmp_path / "fresh.sqlite"), **kwargs)
        apps.append(app)
        pump(app.root)
        return app

    yield factory
    for app in apps:
        with contextlib.suppress(Exception):  # already closed by the test
            app.root.destroy()
    gc.collect()  # free this window's images now, on this thread, not later inside a worker thread
    close_database()


def login(app, username: str = "admin", password: str = ADMIN_PASSWORD):
    from ui.login import LoginView

    view = app.view
    assert isinstance(view, LoginView)
    view.username.delete(0, "end")
    view.username.insert(0, username)
    view.password.insert(0, password)
    view.button.invoke()
    pump(app.root)
    return app.view
