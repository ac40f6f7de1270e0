from caremgr import auth, settings
from caremgr.i18n import set_language
from tests.gui.conftest import login, pump
from ui import shell as shell_module
from ui.login import LoginView
from ui.shell import MainShell


def test_wrong_password_is_refused_then_locks(make_app, demo_db):
    app = make_app(demo_db)
    assert isinstance(app.view, LoginView)
    for attempt in range(4):
        login(app, "admin", "sai-mat-khau")
        assert isinstance(app.view, LoginView)
        assert f"còn {4 - attempt} lần" in app.view.message.cget("text")
        assert app.view.password.get() == ""
    login(app, "admin", "sai-mat-khau")
    assert "khóa" in app.view.message.cget("text")
    login(app, "admin", "mat-khau-1")
    assert isinstance(app.view, LoginView) and "khóa" in app.view.message.cget("text")


def test_navigation_shows_every_screen(make_app, demo_db):
    app = make_app(demo_db)
    shell = login(app)
    assert list(shell.nav_buttons) == ["dashboard", "residents", "rehab", "staff", "insurance", "reports",
                                       "settings"]
    for key in ("rehab", "staff", "insurance", "residents", "reports"):
        shell.nav_buttons[key].invoke()
        pump(app.root)
        assert shell.current_key == key
        assert type(shell.screen).__name__ == shell_module.screen_factory(key).__name__
    shell.nav_buttons["settings"].invoke()
    pump(app.root)
    assert shell.current_key == "settings"
    shell.nav_buttons["dashboard"].invoke()
    pump(app.root)
    assert shell.current_key == "dashboard"


def test_logout_returns_to_login_with_the_name_filled(make_app, demo_db):
    app = make_app(demo_db)
    shell = login(app)
    shell.logout()
    pump(app.root)
    assert isinstance(app.view, LoginView) and app.view.username.get() == "admin"


def test_nurse_cannot_edit_settings_or_users(make_app, demo_db):
    app = make_app(demo_db)
    admin = auth.authenticate("admin", "mat-khau-1")
    auth.create_user(admin, "lan", "mat-khau-lan-1", "nurse", "Nguyễn Thị Lan")
    shell = login(app, "lan", "mat-khau-lan-1")
    assert isinstance(shell, MainShell)
    shell.nav_buttons["settings"].invoke()
    pump(app.root)
    screen = shell.screen
    assert str(screen.save_button.cget("state")) == "disabled"
    assert not hasattr(screen, "users_panel")
    assert "Điều dưỡng" in shell.status_user.cget("text")


def test_english_catalogue_is_selectable(make_app, demo_db):
    app = make_app(demo_db)
    shell = login(app)
    shell.nav_buttons["settings"].invoke()
    pump(app.root)
    shell.screen.fields["ui.language"].set("en")
    shell.screen.save_button.invoke()
    pump(app.root)
    try:
        assert settings.get("ui.language") == "en"
        shell.logout()
        pump(app.root)
        assert app.view.button.cget("text") == "Log in"
        shell = login(app)
        assert shell.current_key == "settings"  # where this user left off
        assert shell.nav_buttons["residents"].cget("text") == "Residents"
        shell.nav_buttons["dashboard"].invoke()
        pump(app.root)
        assert shell.screen.tiles["in_care"].master.winfo_children()[1].cget("text") == "In care"
    finally:
        set_language("vi")
