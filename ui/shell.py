"""The main window after login: side navigation, the current screen, a status bar."""

from __future__ import annotations

import contextlib

import ttkbootstrap as ttk

from caremgr import settings
from caremgr.i18n import N_, _
from ui import menus, preferences

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
            ttk.ToolTip(button, text=f"{_(label)} ({menus.screen_shortcut(len(self.nav_buttons))[1]})")
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
        self.cancel_button = ttk.Button(status, text=_("Hủy"), bootstyle="danger-link", command=self.cancel_task,
                                        padding=(4, 0))
        self.busy_task = None
        self.body = ttk.Frame(self)
        self.body.pack(side="left", fill="both", expand=True)
        self._bind_keys()
        self.app.root.configure(menu=menus.build(self))
        remembered = preferences.last_screen(self.actor.username)
        first = remembered if remembered in self.nav_buttons else (
            "dashboard" if "dashboard" in self.nav_buttons else next(iter(self.nav_buttons)))
        self.show(first)

    def _bind_keys(self) -> None:
        root = self.app.root
        for method in ("focus_search", "new_resident", "save", "refresh", "back"):
            root.bind(menus.SHORTCUTS[method][0], lambda _e, m=method: self.dispatch(m))
        root.bind(menus.SHORTCUTS["quit"][0], lambda _e: self.app.quit())
        root.bind(menus.SHORTCUTS["help"][0], lambda _e: self.show_shortcuts())
        for step, names in ((1, ("<Control-plus>", "<Control-equal>", "<Control-KP_Add>")),
                            (-1, ("<Control-minus>", "<Control-KP_Subtract>")), (0, ("<Control-0>",))):
            for sequence in names:
                root.bind(sequence, lambda _e, s=step: self.app.change_font_size(s) or "break")
        for index, (key, _label) in enumerate(self.screen_labels(), start=1):
            root.bind(menus.screen_shortcut(index)[0], lambda _e, k=key: self.show(k) or "break")

    def screen_labels(self) -> list[tuple[str, str]]:
        return [(key, _(label)) for key, label, _icon, _perm in NAVIGATION if key in self.nav_buttons]

    def dispatch(self, method: str) -> str:
        """A shortcut goes to the screen on show; Ctrl+F and Ctrl+N work from every screen."""
        if not self.winfo_exists():
            return "break"
        handler = getattr(self.screen, method, None)
        if callable(handler):
            handler()
        elif method in ("focus_search", "new_resident") and "residents" in self.nav_buttons:
            if method == "new_resident" and not self.actor.can("residents.edit"):
                return "break"
            if self.show("residents"):
                self.after_idle(getattr(self.screen, method))
        return "break"


    def show_shortcuts(self) -> None:
        """A small window listing the keys (F1, Trợ giúp → Phím tắt)."""
        window = ttk.Toplevel(title=_("Phím tắt"), resizable=(False, False))
        window.transient(self.app.root)
        box = ttk.Frame(window, padding=16)
        box.pack(fill="both", expand=True)
        for row, (keys, meaning) in enumerate(menus.shortcut_lines(self)):
            ttk.Label(box, text=keys, font=("TkFixedFont", 10, "bold")).grid(row=row, column=0, sticky="w", padx=(0, 16))
            ttk.Label(box, text=meaning).grid(row=row, column=1, sticky="w", pady=1)
        close = ttk.Button(box, text=_("Đóng (Esc)"), command=window.destroy, bootstyle="secondary")
        close.grid(row=row + 1, column=0, columnspan=2, pady=(12, 0))
        window.bind("<Escape>", lambda _e: window.destroy())
        close.focus_set()
        self.shortcuts_window = window

    def open_guide(self) -> None:
        from ui.files import open_with_system_viewer, user_guide_path

        guide = user_guide_path()
        if guide is None:
            self.toast(_("Không tìm thấy tệp hướng dẫn sử dụng."), error=True)
        else:
            open_with_system_viewer(guide)

    def destroy(self) -> None:
        with contextlib.suppress(Exception):  # the root is going away too
            self.app.root.configure(menu="")
        super().destroy()

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
        preferences.remember_screen(self.actor.username, key)
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

    def busy(self, on: bool, task=None) -> None:
        """The progress bar in the status bar; with ``task`` a "Hủy" button beside it stops waiting for it."""
        self.busy_task = task if on else None
        if on:
            # Packed right after the centre's name, so they get room before the user and database labels.
            self.progress.pack(side="left", padx=(16, 4), after=self.status_centre)
            if task is not None:
                self.cancel_button.pack(side="left", after=self.progress)
            self.progress.start(10)
        else:
            self.progress.stop()
            self.progress.pack_forget()
            self.cancel_button.pack_forget()

    def cancel_task(self) -> None:
        task = self.busy_task
        if task is not None:
            task.cancel()
            self.busy(False)
            self.toast(_("Đã hủy."))

    def refresh_status(self) -> None:
        self.status_centre.configure(text=settings.get("centre.name") or _("(chưa đặt tên cơ sở)"))

    def logout(self) -> None:
        self.app.show_login(self.actor.username)
