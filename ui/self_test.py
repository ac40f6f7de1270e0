"""``caremgr --self-test``: proves that an installed copy (above all a PyInstaller bundle) works.

In a temporary folder it creates a SQLite database with the demo centre (as the set-up wizard does with
"Nạp dữ liệu mẫu"), logs in as the demo administrator, opens the real main window on the dashboard,
reads the data files the program ships (ICD-10, provinces, the English catalogue), makes the periodic
return's PDF through the Reports screen, waits for the daily backup, and closes everything again.
Each step prints one line; the same lines go to ``caremgr-self-test.log`` in the system's temporary
folder, because a Windows bundle has no console to print on. Exit code 0 when every step passed.
Nothing outside the temporary folder is touched (the user's own database is never opened).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
import time
import traceback
from datetime import date
from pathlib import Path

LOG_NAME = "caremgr-self-test.log"
ADMIN = "admin"
PDF_TIMEOUT = 180.0  # seconds; a slow machine with a cold disk, not the usual couple of seconds
BACKUP_TIMEOUT = 120.0


def log_path() -> Path:
    return Path(tempfile.gettempdir()) / LOG_NAME


class StepFailed(Exception):
    """A check of the self-test did not hold (not a bug in the self-test itself)."""


class _Report:
    def __init__(self):
        self.lines: list[str] = []
        self.started = time.monotonic()

    def say(self, line: str) -> None:
        self.lines.append(line)
        print(line, flush=True)  # with no console (Windows bundle) print does nothing: see the log

    def write_log(self) -> Path | None:
        path = log_path()
        try:
            path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        except OSError:
            return None
        return path


def _pump(root, until=None, timeout: float = 30.0, what: str = "") -> None:
    """Lets Tk draw and background tasks report back, until ``until()`` holds."""
    deadline = time.monotonic() + timeout
    while True:
        root.update()
        if until is None or until():
            return
        if time.monotonic() > deadline:
            raise StepFailed(what or "timeout")
        time.sleep(0.02)


def last_half_year_with_data(actor, today: date | None = None):
    """The latest half-year that has ended, going back (up to two years) while nobody was in care.
    Returns (period, figures)."""
    from caremgr import periods, returns
    from caremgr.i18n import _

    today = today or date.today()
    year, half = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
    for _attempt in range(4):
        period = periods.half_year(year, half)
        figures = returns.preview(actor, period, None)
        if figures["residents"]["in_care"] > 0:
            return period, figures
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    raise StepFailed(_("không có nửa năm nào có đối tượng đang chăm sóc"))


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def run_self_test() -> int:
    """Runs every step; 0 when all passed, 1 (with the failing step and its traceback) otherwise."""
    from caremgr.i18n import _

    report = _Report()
    folder = Path(tempfile.mkdtemp(prefix="caremgr-self-test-"))
    saved_no_open = os.environ.get("CAREMGR_NO_OPEN")
    saved_preferences = os.environ.get("CAREMGR_PREFERENCES")
    os.environ["CAREMGR_NO_OPEN"] = "1"  # the PDF must not pop up in a viewer
    os.environ["CAREMGR_PREFERENCES"] = str(folder / "preferences.json")  # the user's own stay untouched
    app = None
    step = _("chuẩn bị")
    try:
        report.say(_("caremgr tự kiểm tra, thư mục tạm: {folder}").format(folder=folder))

        step = _("cơ sở dữ liệu mẫu")
        from caremgr import auth, setup
        from db.connection import close_database, open_database

        target = str(folder / "self-test.sqlite")
        password = "Kt-" + secrets.token_hex(8) + "1"
        began = time.monotonic()
        open_database(target)
        summary = setup.first_run(username=ADMIN, password=password, full_name=_("Quản trị tự kiểm tra"),
                                  demo=True)
        close_database()
        if summary.residents <= 0:
            raise StepFailed(_("không có đối tượng nào"))
        report.say(_("OK cơ sở dữ liệu mẫu: {residents} đối tượng, {staff} nhân viên, {courses} khóa tập huấn "
                     "({seconds:.1f} giây)").format(residents=summary.residents, staff=summary.staff,
                                                    courses=summary.courses, seconds=time.monotonic() - began))

        step = _("cửa sổ đăng nhập")
        from ui.app import App
        from ui.login import LoginView

        app = App(target)
        _pump(app.root)
        if not isinstance(app.view, LoginView):
            raise StepFailed(_("cửa sổ đăng nhập không hiện ({view})").format(view=type(app.view).__name__))
        report.say(_("OK cửa sổ đăng nhập"))

        step = _("đăng nhập")
        actor = auth.authenticate(ADMIN, password)
        report.say(_("OK đăng nhập: {user} ({role})").format(user=actor.username, role=actor.role_label))

        step = _("cửa sổ chính")
        from ui.screens.dashboard import DashboardScreen
        from ui.shell import MainShell

        app.on_login(actor)
        shell = app.view
        toasts: list[tuple[str, bool]] = []
        show_toast = shell.toast

        def record_toast(message: str, error: bool = False) -> None:
            toasts.append((message, error))
            show_toast(message, error)

        shell.toast = record_toast
        for _round in range(5):
            app.root.update_idletasks()
            app.root.update()
        if not isinstance(shell, MainShell) or not isinstance(shell.screen, DashboardScreen):
            raise StepFailed(_("màn hình Tổng quan không hiện"))
        report.say(_("OK cửa sổ chính: màn hình Tổng quan, {n} mục điều hướng").format(n=len(shell.nav_buttons)))

        step = _("dữ liệu kèm theo")
        from caremgr import icd10, places
        from caremgr.i18n import language, set_language

        found = icd10.search("J45")
        if not found or not icd10.is_valid("F20"):
            raise StepFailed(_("không tìm thấy mã ICD-10"))
        provinces = places.provinces()
        if not provinces or not places.communes(provinces[0]):
            raise StepFailed(_("không có danh mục tỉnh, xã"))
        was = language()
        set_language("en")
        english = _("Tổng quan")
        set_language(was)
        if english == "Tổng quan":
            raise StepFailed(_("không đọc được bản dịch tiếng Anh"))
        report.say(_("OK dữ liệu kèm theo: ICD-10 ({code}), {provinces} tỉnh/thành, bản dịch tiếng Anh").format(
            code=found[0][0], provinces=len(provinces)))

        step = _("báo cáo định kỳ (PDF)")
        from ui.screens.reports_screen import ReportsScreen

        period, figures = last_half_year_with_data(actor)
        if not shell.show("reports") or not isinstance(shell.screen, ReportsScreen):
            raise StepFailed(_("màn hình Báo cáo không mở được"))
        panel = shell.screen.return_panel
        panel.kind.set(period.kind)
        panel._kind_changed()
        panel.year.set(str(period.start.year))
        pdf = folder / f"bao-cao-{period.label}.pdf"
        began = time.monotonic()
        panel.draft(path=str(pdf))
        task = getattr(panel, "last_task", None)
        if task is None:
            raise StepFailed(panel.period_error.cget("text") or _("nút \"Xem trước PDF\" không làm gì"))
        _pump(app.root, lambda: task.finished, PDF_TIMEOUT, _("quá thời gian chờ tạo PDF"))
        errors = [message for message, error in toasts if error]
        if errors:
            raise StepFailed(errors[-1])
        data = pdf.read_bytes() if pdf.is_file() else b""
        pages = pdf_pages(data)
        if not data.startswith(b"%PDF") or not (pages > 1 or len(data) > 10 * 1024):
            raise StepFailed(_("tệp PDF không đúng ({size} byte, {pages} trang)").format(size=len(data),
                                                                                      pages=pages))
        report.say(_("OK báo cáo định kỳ {period}: {in_care} đối tượng đang chăm sóc, PDF {pages} trang, "
                     "{kb} kB ({seconds:.1f} giây)").format(
            period=period.label, in_care=figures["residents"]["in_care"], pages=pages,
            kb=max(1, round(len(data) / 1024)), seconds=time.monotonic() - began))

        step = _("sao lưu tự động")
        backups = folder / "backups"

        def backed_up() -> bool:  # the shell's note names the new file (or says why there is none)
            names = [file.name for file in backups.glob("*.cmbak")] if backups.is_dir() else []
            return any(error or any(name in message for name in names) for message, error in toasts)

        _pump(app.root, backed_up, BACKUP_TIMEOUT, _("quá thời gian chờ sao lưu tự động"))
        failed = [message for message, error in toasts if error]
        files = sorted(backups.glob("*.cmbak")) if backups.is_dir() else []
        if failed or not files:
            raise StepFailed(failed[-1] if failed else _("không có tệp sao lưu"))
        report.say(_("OK sao lưu tự động: {file}").format(file=files[-1].name))

        step = _("đóng cửa sổ")
        app.quit()
        app = None
        report.say(_("OK đóng cửa sổ; tự kiểm tra xong sau {seconds:.1f} giây").format(
            seconds=time.monotonic() - report.started))
        return 0
    except Exception as exc:  # noqa: BLE001 - every failure is reported with its step
        report.say(_("LỖI ở bước \"{step}\": {error}").format(step=step, error=exc))
        report.say(traceback.format_exc().rstrip())
        return 1
    finally:
        if app is not None:
            with contextlib.suppress(Exception):
                app.quit()
        with contextlib.suppress(Exception):
            from db.connection import close_database

            close_database()
        for name, saved in (("CAREMGR_NO_OPEN", saved_no_open), ("CAREMGR_PREFERENCES", saved_preferences)):
            if saved is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = saved
        shutil.rmtree(folder, ignore_errors=True)
        written = report.write_log()
        if written is not None:
            print(_("Nhật ký tự kiểm tra: {path}").format(path=written), flush=True)
