"""A newcomer's first start: the wizard, the first login, the dashboard with demo figures."""

from caremgr import auth, dashboard, settings
from tests.gui.conftest import ADMIN_PASSWORD, login, pump
from ui.login import LoginView
from ui.shell import MainShell
from ui.wizard import SetupWizard


def fill(field, value):
    field.set(value)


def test_wizard_with_demo_data_then_login_shows_the_dashboard(make_app):
    app = make_app(demo=True)
    wizard = app.view
    assert isinstance(wizard, SetupWizard)
    assert wizard.demo.get() is True  # ticked by --demo
    wizard.next_button.invoke()
    pump(app.root)
    wizard.next_button.invoke()
    pump(app.root)
    assert wizard.step == 2
    wizard.account["full_name"].set("Lê Văn Quản")
    wizard.account["password"].set(ADMIN_PASSWORD)
    wizard.account["password2"].set(ADMIN_PASSWORD)
    wizard.finish_button.invoke()
    pump(app.root, lambda: isinstance(app.view, LoginView), timeout=60)
    assert app.view.username.get() == "admin"

    shell = login(app)
    assert isinstance(shell, MainShell)
    screen = shell.screen
    expected = dashboard.summary(app.actor)
    assert expected.in_care >= 90
    assert screen.tiles["in_care"].cget("text") == str(expected.in_care)
    shown = {code: int(v) for code, v in screen.charts["category"].values.items()}
    assert shown == expected.by_category and all(shown.values())
    assert screen.charts["insurance"].values["expired"] == str(expected.insurance["expired"])
    assert any("hết hạn" in label.cget("text") for label in screen.alert_labels)
    assert settings.get("centre.name") in shell.status_centre.cget("text")
    assert "Lê Văn Quản" in shell.status_user.cget("text") and "Quản trị viên" in shell.status_user.cget("text")
    assert app.database_label[-30:] in shell.status_db.cget("text")


def test_wizard_requires_the_centre_details_without_demo(make_app):
    app = make_app()
    wizard = app.view
    wizard.next_button.invoke()
    pump(app.root)
    assert wizard.step == 0
    assert "không được để trống" in wizard.fields["centre.name"].error.cget("text")
    fill(wizard.fields["centre.name"], "Trung tâm Bảo trợ xã hội tỉnh Kon Tum")
    fill(wizard.fields["centre.symbol"], "TTBTXH")
    fill(wizard.fields["centre.province"], "Quảng Ngãi")
    fill(wizard.fields["centre.director"], "Y Nhung")
    wizard.next_button.invoke()
    pump(app.root)
    assert wizard.step == 1 and wizard.fields["centre.name"].error.cget("text") == ""
    wizard.next_button.invoke()
    pump(app.root)
    assert wizard.step == 1
    assert wizard.fields["agency.governing_body"].error.cget("text")
    fill(wizard.fields["agency.governing_body"], "SỞ Y TẾ TỈNH QUẢNG NGÃI")
    fill(wizard.fields["agency.receiving"], "Sở Y tế tỉnh Quảng Ngãi")
    fill(wizard.fields["agency.recipients"], "Sở Y tế tỉnh Quảng Ngãi (để b/c)\nLưu: VT, HC-TH")
    wizard.effective.set("01/07/2025")
    wizard.next_button.invoke()
    pump(app.root)
    assert wizard.step == 2
    wizard.account["username"].set("quantri")
    wizard.account["password"].set("mat-khau-dai-1")
    wizard.account["password2"].set("khac-han")
    wizard.finish_button.invoke()
    pump(app.root)
    assert "không khớp" in wizard.account["password2"].error.cget("text")
    assert not auth.has_users()
    wizard.account["password2"].set("mat-khau-dai-1")
    wizard.finish_button.invoke()
    pump(app.root, lambda: isinstance(app.view, LoginView))
    profile = settings.centre_profile()
    assert profile.governing_body == "SỞ Y TẾ TỈNH QUẢNG NGÃI"
    assert profile.recipients == ["Sở Y tế tỉnh Quảng Ngãi (để b/c)", "Lưu: VT, HC-TH"]
    assert settings.history("agency.governing_body")[0][0].isoformat() == "2025-07-01"
    shell = login(app, "quantri", "mat-khau-dai-1")
    assert isinstance(shell, MainShell)
    assert shell.screen.tiles["in_care"].cget("text") == "0"
