"""Exporting and printing from the screens: the work runs off the Tk thread, then the file opens."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from caremgr.i18n import _
from ui import dialogs
from ui.error_log import describe_failure
from ui.tasks import run_in_background

XLSX_TYPES = [("Excel", "*.xlsx"), ("CSV", "*.csv")]


def open_with_system_viewer(path: str | Path) -> None:
    """Shows a file in the program the computer uses for it (PDF reader, Excel)."""
    if os.environ.get("CAREMGR_NO_OPEN"):
        return
    path = str(path)
    if sys.platform.startswith("win"):
        os.startfile(path)  # noqa: S606 - the user asked to open their own file
    elif sys.platform == "darwin":
        subprocess.Popen(["open", path])
    else:
        subprocess.Popen(["xdg-open", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def user_guide_path() -> Path | None:
    """The Vietnamese user guide: docs/guide beside the code, or inside the bundle."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "docs" / "guide" / "HUONG-DAN.md", Path(getattr(sys, "_MEIPASS", here)) / "docs"
                      / "guide" / "HUONG-DAN.md"):
        if candidate.is_file():
            return candidate
    return None


def _run(widget, work, done_text: str, path: str, open_after: bool, then=None) -> None:
    """Runs ``work`` off the Tk thread; then a note, the file opened, and ``then(result)`` on the Tk thread."""
    shell = _shell_of(widget)

    def done(result):
        if shell:
            shell.toast(done_text.format(path=path, **(result if isinstance(result, dict) else {})))
        if open_after:
            open_with_system_viewer(path)
        if then:
            then(result)

    def failed(error):
        if shell:
            shell.toast(_("Không thực hiện được: {error}").format(error=describe_failure(error)), error=True)

    task = run_in_background(widget, work, lambda r: (shell and shell.busy(False), done(r)),
                             lambda e: (shell and shell.busy(False), failed(e)))
    task.after_cancel = lambda _result: _remove_quietly(path)  # cancelled: no file the user did not want
    if shell:
        shell.busy(True, task)
    widget.last_task = task


def _remove_quietly(path: str) -> None:
    import contextlib

    with contextlib.suppress(OSError):
        os.remove(path)


def _shell_of(widget):
    while widget is not None and not hasattr(widget, "toast"):
        widget = getattr(widget, "shell", None) or widget.master
    return widget


def export_residents(widget, actor, path: str | None = None) -> None:
    from caremgr import resident_io

    path = path or dialogs.choose_save_path(widget, _("Xuất danh sách đối tượng"),
                                            f"doi-tuong-{date.today():%Y%m%d}.xlsx", XLSX_TYPES)
    if not path:
        return
    _run(widget, lambda: resident_io.export_residents(actor, path), _("Đã xuất danh sách ra {path}"), path,
         open_after=False)


def print_record(widget, actor, code: str, path: str | None = None) -> None:
    from caremgr import records
    from reports.record import render_record

    path = path or str(Path(tempfile.gettempdir()) / f"ho-so-{code}-{date.today():%Y%m%d}.pdf")

    def work():
        render_record(records.collect_record(actor, code), path)
        return path

    _run(widget, work, _("Đã tạo hồ sơ PDF: {path}"), path, open_after=True)


def print_insurance_list(widget, actor, on: date, *, xlsx: bool = False, path: str | None = None) -> None:
    """The list for the social-insurance office: a PDF opened in the viewer, or an .xlsx saved."""
    from caremgr.insurance_report import collect_insurance_list
    from reports.insurance import render_insurance_list, write_insurance_xlsx

    if xlsx:
        path = path or dialogs.choose_save_path(widget, _("Xuất danh sách BHYT"), f"bhyt-{on:%Y%m%d}.xlsx",
                                                [("Excel", "*.xlsx")])
        if not path:
            return
    else:
        path = path or str(Path(tempfile.gettempdir()) / f"danh-sach-bhyt-{on:%Y%m%d}.pdf")

    def work():
        data = collect_insurance_list(actor, on)
        (write_insurance_xlsx if xlsx else render_insurance_list)(data, path)
        return path

    _run(widget, work, _("Đã tạo danh sách: {path}"), path, open_after=not xlsx)


def print_plan(widget, actor, code: str, plan_id: int | None = None, path: str | None = None) -> None:
    from caremgr.rehab_report import collect_plan
    from reports.plan import render_plan

    path = path or str(Path(tempfile.gettempdir()) / f"ke-hoach-phcn-{code}-{date.today():%Y%m%d}.pdf")

    def work():
        render_plan(collect_plan(actor, code, plan_id=plan_id), path)
        return path

    _run(widget, work, _("Đã tạo kế hoạch PDF: {path}"), path, open_after=True)


def print_training(widget, actor, year: int, path: str | None = None) -> None:
    from caremgr.training_report import collect_training
    from reports.training import render_training

    path = path or str(Path(tempfile.gettempdir()) / f"tap-huan-{year}-{date.today():%Y%m%d}.pdf")

    def work():
        render_training(collect_training(actor, year), path)
        return path

    _run(widget, work, _("Đã tạo báo cáo tập huấn PDF: {path}"), path, open_after=True)


def export_staff(widget, actor, path: str | None = None) -> None:
    from caremgr import staff_io

    path = path or dialogs.choose_save_path(widget, _("Xuất danh sách nhân sự"),
                                            f"nhan-su-{date.today():%Y%m%d}.xlsx", XLSX_TYPES)
    if not path:
        return
    _run(widget, lambda: staff_io.export_staff(actor, path), _("Đã xuất danh sách ra {path}"), path,
         open_after=False)


def print_roster(widget, actor, at: date, path: str | None = None) -> None:
    from caremgr.roster import collect_roster
    from reports.roster import render_roster

    path = path or str(Path(tempfile.gettempdir()) / f"danh-sach-doi-tuong-{at:%Y%m%d}.pdf")

    def work():
        render_roster(collect_roster(actor, at), path)
        return path

    _run(widget, work, _("Đã tạo danh sách: {path}"), path, open_after=True)


def issue_return(widget, actor, period, narrative: dict, then=None, path: str | None = None) -> None:
    """Gives the return its number, keeps it in the history, and opens its PDF."""
    from caremgr import returns
    from reports.returns_pdf import render_return

    path = path or str(Path(tempfile.gettempdir()) / f"bao-cao-{period.label.replace(':', '_')}-"
                                                     f"{date.today():%Y%m%d%H%M%S}.pdf")

    def work():
        # the PDF is written inside the issuing transaction: if it cannot be written, no number is used up
        issued = returns.issue(actor, period, narrative, deliver=lambda done: render_return(done.data, path))
        return {"number": issued.number_text, "run_id": issued.run_id}

    _run(widget, work, _("Đã cấp số {number} và tạo báo cáo: {path}"), path, open_after=True, then=then)


def draft_return(widget, actor, period, narrative: dict, path: str | None = None) -> None:
    """The return as it would print, without a number and without keeping it."""
    from caremgr import returns
    from reports.returns_pdf import render_return

    path = path or str(Path(tempfile.gettempdir()) / f"ban-nhap-bao-cao-{date.today():%Y%m%d%H%M%S}.pdf")

    def work():
        render_return(returns.preview(actor, period, narrative), path)
        return path

    _run(widget, work, _("Đã tạo bản xem trước (chưa cấp số): {path}"), path, open_after=True)


def reopen_return(widget, actor, run_id: int, path: str | None = None) -> None:
    """An issued return exactly as it was issued (its stored figures, not today's data)."""
    from caremgr import returns
    from reports.returns_pdf import render_return

    path = path or str(Path(tempfile.gettempdir()) / f"bao-cao-da-cap-{run_id}.pdf")

    def work():
        render_return(returns.reopen(actor, run_id), path)
        return path

    _run(widget, work, _("Đã mở lại báo cáo đã cấp: {path}"), path, open_after=True)
