"""The desktop application: one window that shows the set-up wizard, the login, then the shell."""

from __future__ import annotations

import ttkbootstrap as ttk

from caremgr import settings, setup
from caremgr.i18n import _, set_language
from db.connection import describe, open_database, resolve_target

THEMES = {"light": "bootstrap-light", "dark": "bootstrap-dark"}


class App:
    """Owns the root window and switches between the wizard, the login and the main shell."""

    def __init__(self, db_target: str | None = None, *, demo: bool = False):
        self.target = resolve_target(db_target)
        self.database_label = describe(self.target).location
        open_database(self.target)
        set_language(settings.get("ui.language") or "vi")
        self.root = ttk.Window(title="caremgr", theme=THEMES.get(settings.get("ui.theme"), "bootstrap-light"),
                               size=(1280, 780), minsize=(1000, 640))
        self.root.protocol("WM_DELETE_WINDOW", self.quit)
        self.actor = None
        self.view = None
        self.demo_default = demo
        from ui.idle_lock import IdleLock

        self.idle_lock = IdleLock(self)
        if setup.needs_setup():
            self.show_wizard()
        else:
            self.show_login()

    def _swap(self, view) -> None:
        if self.view is not None:
            self.view.destroy()
        self.view = view
        view.pack(fill="both", expand=True)

    def show_wizard(self) -> None:
        from ui.wizard import SetupWizard

        self.root.title(_("caremgr — Thiết lập lần đầu"))
        self._swap(SetupWizard(self.root, self))

    def show_login(self, username: str = "") -> None:
        from ui.login import LoginView

        self.actor = None
        self.root.title(_("caremgr — Đăng nhập"))
        self._swap(LoginView(self.root, self, username=username))

    def on_login(self, actor) -> None:
        from ui.shell import MainShell

        self.actor = actor
        self._warm_up()
        centre = settings.get("centre.name") or "caremgr"
        self.root.title(f"caremgr — {centre}")
        self._swap(MainShell(self.root, self))
        self.root.after(1500, self._daily_backup)

    def _daily_backup(self) -> None:
        """The first start of the day makes a backup, off the Tk thread; the shell says how it went."""
        import contextlib

        from caremgr import backup
        from ui.tasks import run_in_background

        shell, actor = self.view, self.actor
        if shell is None or not hasattr(shell, "toast"):
            return

        def done(info) -> None:
            if info is not None:
                with contextlib.suppress(Exception):  # the shell may be gone (logged out meanwhile)
                    shell.toast(_("Đã sao lưu tự động: {file}").format(file=info.path.name))

        def failed(error) -> None:
            with contextlib.suppress(Exception):
                shell.toast(_("Sao lưu tự động không thực hiện được: {error}").format(error=error), error=True)

        run_in_background(shell, lambda: backup.daily_backup_if_due(actor), done, failed)

    @staticmethod
    def _warm_up() -> None:
        """Builds the ICD-10 search index while the user looks at the dashboard, not on the first search."""
        import threading

        from caremgr import icd10

        threading.Thread(target=icd10.warm_up, daemon=True).start()

    def apply_appearance(self) -> None:
        """Re-reads language and theme after Settings changed them."""
        set_language(settings.get("ui.language") or "vi")
        self.root.style.theme_use(THEMES.get(settings.get("ui.theme"), "bootstrap-light"))

    def quit(self) -> None:
        from db.connection import close_database

        try:
            self.root.destroy()
        finally:
            close_database()


def run(db_target: str | None = None, *, demo: bool = False) -> int:
    try:
        app = App(db_target, demo=demo)
    except Exception as exc:  # noqa: BLE001 - shown to the user instead of a traceback
        from tkinter import Tk, messagebox

        from caremgr.errors import schema_too_new_message
        from db.errors import SchemaTooNew

        text = schema_too_new_message(exc) if isinstance(exc, SchemaTooNew) else _(
            "Không mở được cơ sở dữ liệu {db}: {error}").format(db=describe(resolve_target(db_target)).location,
                                                              error=exc)
        root = Tk()
        root.withdraw()
        messagebox.showerror("caremgr", text, parent=root)
        root.destroy()
        return 2
    app.root.mainloop()
    return 0
