"""The main window after login: side navigation, the current screen, a status bar."""

from __future__ import annotations

import ttkbootstrap as ttk

from caremgr import settings
from caremgr.i18n import N_, _

# (key, label, icon, permission needed to see it)
NAVIGATION = [
    ("dashboard", N_("Tổng quan"), "speedometer2", "dashboard.view"),
    ("residents", N_("Đối tượng"), "people-fill", "residents.view"),
    ("rehab", N_("Phục hồi chức năng"), "activity", "residents.view"),
    ("staff", N_("Nhân sự & tập huấn"), "person-badge", "staff.view"),
    ("insurance", N_("Bảo hiểm y tế"), "shield-plus", "residents.view"),
    ("reports", N_("Báo cáo"), "file-earmark-text", "reports.view"),
    ("settings", N_("Cài đặt"), "gear-fill", "settings.view"),
]


def screen_factory(key: str):
    if key == "rehab":
        from ui.screens.rehab_screen import RehabScreen

        return RehabScreen
    if key == "reports":
        from ui.screens.reports_screen import ReportsScreen

        return ReportsScreen
    if key == "staff":
        from ui.screens.staff_screen import StaffScreen

        return StaffScreen
    if key == "insurance":
        from ui.screens.insurance_screen import InsuranceScreen

        return InsuranceScreen
    if key == "residents":
        from ui.screens.residents import ResidentsScreen

        return ResidentsScreen
    if key == "dashboard":
        from ui.screens.dashboard import DashboardScreen

        return DashboardScreen
    if key == "settings":
        from ui.screens.settings_screen import SettingsScreen

        return SettingsScreen
    raise KeyError(key)


class MainShell(ttk.Frame):
    def __init__(self, master, app):
        super().__init__(master)
        self.app = app
        self.actor = app.actor
        self.current_key = None
        self.screen = None
        self.nav_buttons: dict[str, ttk.Button] = {}

        nav = ttk.Frame(self, padding=(8, 12), bootstyle="dark")
        nav.pack(side="left", fill="y")
        ttk.Label(nav, text="caremgr", font=("TkDefaultFont", 16, "bold"), bootstyle="@dark").pack(
            anchor="w", padx=10, pady=(0, 16))
        for key, label, icon, permission in NAVIGATION:
            if not self.actor.can(permission):
                continue
            button = ttk.Button(nav, text=_(label), icon=icon, bootstyle="dark", compound="left",
                                command=lambda k=key: self.show(k), width=22)
            button.pack(fill="x", pady=2)
            self.nav_buttons[key] = button
        ttk.Button(nav, text=_("Đăng xuất"), icon="box-arrow-right", bootstyle="dark", compound="left",
                   command=self.logout, width=22).pack(side="bottom", fill="x")

        status = ttk.Frame(self, padding=(10, 4), bootstyle="light")
        status.pack(side="bottom", fill="x")
        self.status_centre = ttk.Label(status, text=settings.get("centre.name") or _("(chưa đặt tên cơ sở)"),
                                       bootstyle="@light")
        self.status_centre.pack(side="left")
        location = app.database_label
        if len(location) > 38:  # the start of a long path says least; the full one is in the tooltip
            location = "…" + location[-37:]
        self.status_db = ttk.Label(status, text=_("CSDL: {db}").format(db=location), bootstyle="@light")
        ttk.ToolTip(self.status_db, text=app.database_label)
        self.status_db.pack(side="right")
        self.status_user = ttk.Label(
            status, text=_("Người dùng: {name} ({role})").format(name=self.actor.full_name,
                                                                role=self.actor.role_label),
            bootstyle="@light")
        self.status_user.pack(side="right", padx=24)

        self.progress = ttk.Progressbar(status, mode="indeterminate", bootstyle="success", length=120)
        self.body = ttk.Frame(self)
        self.body.pack(side="left", fill="both", expand=True)
        self._bind_keys()
        self.show("dashboard" if "dashboard" in self.nav_buttons else next(iter(self.nav_buttons)))

    def _bind_keys(self) -> None:
        root = self.app.root
        for sequence, method in [("<Control-f>", "focus_search"), ("<Control-n>", "new_resident"),
                                 ("<Control-s>", "save"), ("<F5>", "refresh"), ("<Escape>", "back")]:
            root.bind(sequence, lambda _e, m=method: self._dispatch(m))

    def _dispatch(self, method: str) -> str:
        handler = getattr(self.screen, method, None)
        if callable(handler):
            handler()
        return "break"

    def _replace_screen(self, make, key: str) -> bool:
        leave = getattr(self.screen, "can_leave", None)
        if callable(leave) and not leave():
            return False
        if self.screen is not None:
            self.screen.destroy()
        for k, button in self.nav_buttons.items():
            button.configure(bootstyle="primary" if k == key else "dark")
        self.screen = make()
        self.screen.pack(fill="both", expand=True)
        self.current_key = key
        return True

    def show(self, key: str) -> bool:
        factory = screen_factory(key)
        return self._replace_screen(lambda: factory(self.body, self), key)

    def open_resident(self, resident_id: int | None, tab: str | None = None) -> bool:
        """Opens a profile (a new one with None); ``tab`` names a tab to show first, e.g. "rehab"."""
        from ui.screens.resident_profile import ResidentProfile

        opened = self._replace_screen(lambda: ResidentProfile(self.body, self, resident_id), "residents")
        if opened and tab:
            self.screen.select_tab(tab)
        return opened

    def toast(self, message: str, error: bool = False) -> None:
        """A short note in the corner that goes away by itself."""
        self.last_toast = message
        ttk.ToastNotification(title="caremgr", message=message, duration=3500,
                              bootstyle="danger" if error else "success").show_toast()

    def busy(self, on: bool) -> None:
        if on:
            self.progress.pack(side="right", padx=10)
            self.progress.start(10)
        else:
            self.progress.stop()
            self.progress.pack_forget()

    def refresh_status(self) -> None:
        self.status_centre.configure(text=settings.get("centre.name") or _("(chưa đặt tên cơ sở)"))

    def logout(self) -> None:
        self.app.show_login(self.actor.username)
