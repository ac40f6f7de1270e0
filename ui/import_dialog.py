"""Nhập từ Excel: choose a file, see its first rows, import with a progress bar, keep the rejects."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass

import ttkbootstrap as ttk

from caremgr import resident_io
from caremgr.errors import CaremgrError
from caremgr.i18n import _
from ui import dialogs
from ui.error_log import describe_failure
from ui.tasks import run_in_background

OPEN_TYPES = [(_("Bảng tính"), "*.xlsx *.csv"), ("Excel", "*.xlsx"), ("CSV", "*.csv")]


@dataclass(frozen=True)
class ImportKind:
    """What one import window imports: the service, its preview, its template."""

    title: str
    run: Callable  # (actor, path, progress=..., cancel=...) -> ImportResult
    template: Callable  # (path) -> None
    template_name: str
    preview: Callable = resident_io.preview  # (path) -> (headers, rows, unknown columns)


def residents_kind() -> ImportKind:
    return ImportKind(_("Nhập danh sách đối tượng từ Excel"), resident_io.import_residents, resident_io.write_template,
                      "mau-nhap-doi-tuong.xlsx")


def _call_import(run: Callable, actor, path: str, progress, cancel):
    """Passes progress/cancel only to importers that take them."""
    accepted = inspect.signature(run).parameters
    extra = {k: v for k, v in (("progress", progress), ("cancel", cancel)) if k in accepted}
    return run(actor, path, **extra)


class ImportDialog(ttk.Toplevel):
    def __init__(self, master, actor, *, path: str | None = None, on_finished=None, kind: ImportKind | None = None):
        self.kind = kind or residents_kind()
        super().__init__(title=self.kind.title, size=(980, 560), transient=master)
        self.actor = actor
        self.on_finished = on_finished
        self.path = None
        self.result = None
        self.task = None
        self._cancel = threading.Event()
        self._progress = (0, 0)

        top = ttk.Frame(self, padding=12)
        top.pack(fill="x")
        ttk.Button(top, text=_("Chọn tệp…"), bootstyle="secondary", command=self.choose).pack(side="left")
        self.path_label = ttk.Label(top, text=_("Chưa chọn tệp (.xlsx hoặc .csv theo mẫu)"))
        self.path_label.pack(side="left", padx=10)
        ttk.Button(top, text=_("Tải mẫu nhập liệu"), bootstyle="link", command=self.save_template).pack(side="right")

        self.preview = ttk.Treeview(self, show="headings", height=10)
        self.preview.pack(fill="both", expand=True, padx=12)
        self.info = ttk.Label(self, text="", wraplength=940, padding=(12, 6))
        self.info.pack(anchor="w")
        self.progress = ttk.Progressbar(self, mode="determinate", bootstyle="success")
        self.progress.pack(fill="x", padx=12)
        buttons = ttk.Frame(self, padding=12)
        buttons.pack(fill="x")
        self.import_button = ttk.Button(buttons, text=_("Nhập"), bootstyle="success", command=self.start,
                                        state="disabled")
        self.import_button.pack(side="right")
        self.cancel_button = ttk.Button(buttons, text=_("Hủy"), bootstyle="secondary", command=self.cancel)
        self.cancel_button.pack(side="right", padx=6)
        self.errors_button = ttk.Button(buttons, text=_("Lưu các dòng bị từ chối…"), bootstyle="warning",
                                        command=self.save_errors, state="disabled")
        self.errors_button.pack(side="left")
        self.bind("<Escape>", lambda _e: self.cancel())
        if path:
            self.load(path)

    def choose(self) -> None:
        path = dialogs.choose_open_path(self, _("Chọn tệp danh sách"), OPEN_TYPES)
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        try:
            headers, rows, unknown = self.kind.preview(path)
        except CaremgrError as exc:
            self.info.configure(text=str(exc), bootstyle="danger")
            self.import_button.configure(state="disabled")
            return
        self.path = path
        self.path_label.configure(text=path)
        self.preview.configure(columns=[str(i) for i in range(len(headers))])
        for i, header in enumerate(headers):
            self.preview.heading(str(i), text=header)
            self.preview.column(str(i), width=110, stretch=False)
        self.preview.delete(*self.preview.get_children())
        for row in rows:
            self.preview.insert("", "end", values=["" if v is None else str(v) for v in row])
        note = _("Xem trước {n} dòng đầu.").format(n=len(rows))
        if unknown:
            note += " " + _("Các cột không dùng: {cols}.").format(cols=", ".join(unknown))
        self.info.configure(text=note, bootstyle="secondary")
        self.import_button.configure(state="normal")

    def start(self) -> None:
        if not self.path:
            return
        self.import_button.configure(state="disabled")
        self._cancel.clear()
        path = self.path

        def progress(done, total):  # called from the worker thread: only store, Tk reads it below
            self._progress = (done, total)

        def work():
            return _call_import(self.kind.run, self.actor, path, progress, self._cancel.is_set)

        self.info.configure(text=_("Đang nhập…"), bootstyle="info")
        self.task = run_in_background(self, work, self.finished, self.failed)
        self._poll_progress()

    def _poll_progress(self) -> None:
        if self.task is None or self.task.finished:
            return
        done, total = self._progress
        if total:
            self.progress.configure(maximum=total, value=done)
        self.after(100, self._poll_progress)

    def finished(self, result) -> None:
        self.result = result
        self.progress.configure(maximum=1, value=1)
        self.info.configure(text=result.summary(), bootstyle="warning" if result.rejected else "success")
        self.errors_button.configure(state="normal" if result.rejected else "disabled")
        self.cancel_button.configure(text=_("Đóng"))
        if self.on_finished:
            self.on_finished(result)

    def failed(self, error) -> None:
        self.import_button.configure(state="normal")
        self.info.configure(text=_("Không nhập được: {error}").format(error=describe_failure(error)), bootstyle="danger")

    def cancel(self) -> None:
        if self.task is not None and not self.task.finished:
            self._cancel.set()
            return
        self.destroy()

    def save_errors(self, path: str | None = None) -> None:
        path = path or dialogs.choose_save_path(self, _("Lưu các dòng bị từ chối"), "dong-bi-tu-choi.csv",
                                                [("CSV", "*.csv")])
        if path and self.result:
            self.result.write_errors_csv(path)
            self.info.configure(text=_("Đã lưu các dòng bị từ chối vào {path}").format(path=path))

    def save_template(self, path: str | None = None) -> None:
        path = path or dialogs.choose_save_path(self, _("Lưu mẫu nhập liệu"), self.kind.template_name,
                                                [("Excel", "*.xlsx")])
        if path:
            self.kind.template(path)
            self.info.configure(text=_("Đã lưu mẫu vào {path}").format(path=path), bootstyle="success")
