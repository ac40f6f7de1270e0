"""The desktop application: one window that shows the set-up wizard, the login, then the shell."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import ttkbootstrap as ttk

from caremgr import settings, setup
from caremgr.i18n import _, set_language
from db.connection import describe, open_database, resolve_target
from db.errors import DatabaseLocked
from ui import fonts, preferences
from ui.error_log import describe_failure

THEMES = {"light": "bootstrap-light", "dark": "bootstrap-dark"}
ICON = Path(__file__).with_name("assets") / "caremgr.png"  # drawn by tools/make_icon.py
EXIT_AFTER_START = "CAREMGR_EXIT_AFTER_START"  # measuring start-up: quit once the first window is drawn


class App:
    """Owns the root window and switches between the wizard, the login and the main shell."""

    def __init__(self, db_target: str | None = None, *, demo: bool = False):
        self.target = resolve_target(db_target)
        self.database_label = describe(self.target).location
        self.locked = None  # DatabaseLocked: an encrypted file whose key is not known here (ui/unlock.py asks)
        try:
            open_database(self.target)
        except DatabaseLocked as exc:
            if exc.reason == "no_sqlcipher":
                raise
            self.locked = exc
        set_language((settings.get("ui.language") if self.locked is None else None) or "vi")
        self.preferences = preferences.load()
        self.root = ttk.Window(title="caremgr", theme=THEMES.get(self.theme_name(), "bootstrap-light"),
                               size=(1280, 780), minsize=(1000, 640),
                               iconphoto=str(ICON) if ICON.is_file() else "")
        self._restore_window()
        self.root.protocol("WM_DELETE_WINDOW", self.quit)
        from ui import error_log

        error_log.install(self.root)
        self.actor = None
        self.view = None
        self.demo_default = demo
        if self.locked is not None:
            self.show_unlock()
        else:
            self._start()

    def _start(self) -> None:
        from ui.idle_lock import IdleLock

        self.idle_lock = IdleLock(self)
        if setup.needs_setup():
            self.show_wizard()
        else:
            self.show_login()

    def show_unlock(self) -> None:
        from ui.unlock import UnlockView

        self.root.title(_("caremgr — Cơ sở dữ liệu được mã hóa"))
        self._swap(UnlockView(self.root, self, self.locked))

    def unlocked(self) -> None:
        """The unlock view opened the database with its key: carry on as a start without a key would."""
        self.locked = None
        set_language(settings.get("ui.language") or "vi")
        theme = THEMES.get(self.theme_name(), "bootstrap-light")
        if self.root.style.theme_use() != theme:
            self.root.style.theme_use(theme)
            fonts.apply_scale(self.root, preferences.font_scale(self.preferences))
        self._start()

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
        self._backup_timer = self.root.after(1500, self._daily_backup)

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
                shell.toast(_("Sao lưu tự động không thực hiện được: {error}").format(
                    error=describe_failure(error)), error=True)

        run_in_background(shell, lambda: backup.daily_backup_if_due(actor), done, failed)

    @staticmethod
    def _warm_up() -> None:
        """Builds the ICD-10 search index while the user looks at the dashboard, not on the first search."""
        import threading

        from caremgr import icd10

        threading.Thread(target=icd10.warm_up, daemon=True).start()

    def apply_appearance(self) -> None:
        """Re-reads language and theme after Settings changed them (the one who changed the theme sees it)."""
        set_language(settings.get("ui.language") or "vi")
        self.preferences = preferences.update(theme=settings.get("ui.theme") or "light")
        self.root.style.theme_use(THEMES.get(self.theme_name(), "bootstrap-light"))
        fonts.apply_scale(self.root, preferences.font_scale(self.preferences))

    # --- what this PC remembers (ui/preferences.py) ----------------------------------------------
    def theme_name(self) -> str:
        """This PC's choice (Xem → Giao diện tối), else the centre's setting."""
        chosen = self.preferences.get("theme")
        if chosen in THEMES:
            return chosen
        return (settings.get("ui.theme") if self.locked is None else None) or "light"  # locked: no settings yet

    def set_theme(self, name: str) -> None:
        self.preferences = preferences.update(theme=name)
        self.root.style.theme_use(THEMES.get(name, "bootstrap-light"))
        fonts.apply_scale(self.root, preferences.font_scale(self.preferences))  # the theme resets table rows

    def change_font_size(self, step: int) -> float:
        """Ctrl++ / Ctrl+− / Ctrl+0: one step bigger, smaller, or back to normal; remembered on this PC."""
        scale = preferences.next_font_scale(preferences.font_scale(self.preferences), step)
        self.preferences = preferences.update(font_scale=scale)
        fonts.apply_scale(self.root, scale)
        return scale

    def _restore_window(self) -> None:
        fonts.apply_scale(self.root, preferences.font_scale(self.preferences))
        geometry = preferences.fitted_geometry(self.preferences.get("geometry"), self.root.winfo_screenwidth(),
                                               self.root.winfo_screenheight())
        if geometry:
            self.root.geometry(geometry)
        if self.preferences.get("zoomed"):
            try:
                self.root.state("zoomed")  # Windows; X11 window managers use the attribute below
            except Exception:  # noqa: BLE001
                with contextlib.suppress(Exception):
                    self.root.attributes("-zoomed", True)

    def _remember_window(self) -> None:
        try:
            zoomed = self.root.state() == "zoomed"
            geometry = self.root.wm_geometry()
        except Exception:  # noqa: BLE001 - already destroyed
            return
        self.preferences = preferences.update(zoomed=zoomed, **({} if zoomed else {"geometry": geometry}))

    def quit(self) -> None:
        from db.connection import close_database

        self._remember_window()
        timer = getattr(self, "_backup_timer", None)
        if timer is not None:  # closed within 1.5 s of logging in: no daily backup into a dead window
            with contextlib.suppress(Exception):
                self.root.after_cancel(timer)
        try:
            self.root.destroy()
        finally:
            close_database()


def run(db_target: str | None = None, *, demo: bool = False) -> int:
    try:
        app = App(db_target, demo=demo)
    except Exception as exc:  # noqa: BLE001 - shown to the user instead of a traceback
        from tkinter import Tk, messagebox

        from caremgr.errors import database_locked_message, schema_too_new_message
        from db.errors import SchemaTooNew

        text = schema_too_new_message(exc) if isinstance(exc, SchemaTooNew) else database_locked_message(exc) \
            if isinstance(exc, DatabaseLocked) else _(
            "Không mở được cơ sở dữ liệu {db}: {error}").format(db=describe(resolve_target(db_target)).location,
                                                              error=exc)
        root = Tk()
        root.withdraw()
        messagebox.showerror("caremgr", text, parent=root)
        root.destroy()
        return 2
    if os.environ.get(EXIT_AFTER_START):
        app.root.update()  # the login (or set-up) window is mapped and drawn
        print(f"caremgr: start-up {_process_age_ms():.0f} ms ({type(app.view).__name__} shown)", flush=True)
        app.quit()
        return 0
    app.root.mainloop()
    return 0


def _process_age_ms() -> float:
    """Milliseconds since this process started, bundle unpacking and interpreter start included
    (Linux, from /proc; elsewhere nan: time the whole run from outside instead)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            started_ticks = int(stat.read().rpartition(")")[2].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            up = float(uptime.read().split()[0])
        return (up - started_ticks / os.sysconf("SC_CLK_TCK")) * 1000
    except (OSError, ValueError, IndexError, AttributeError):
        return float("nan")
