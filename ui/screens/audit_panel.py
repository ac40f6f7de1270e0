"""Nhật ký (in Settings, for administrators and directors): who changed or opened what, filtered; the
check that no entry was altered or removed; export to Excel."""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import audit
from caremgr.dates import parse_date
from caremgr.errors import CaremgrError
from caremgr.i18n import N_, _
from ui.widgets import Field, scrolled_table

ACTIONS = [("create", N_("Thêm")), ("update", N_("Sửa")), ("delete", N_("Xóa")), ("view", N_("Xem hồ sơ")),
           ("login", N_("Đăng nhập")), ("issue", N_("Cấp số báo cáo")), ("export", N_("Xuất dữ liệu"))]


class AuditPanel(ttk.Frame):
    def __init__(self, master, actor):
        super().__init__(master, padding=8)
        self.actor = actor
        self.rows: list = []
        bar = ttk.Frame(self)
        bar.pack(fill="x")
        self.filters = {
            "username": Field(bar, _("Người dùng"), width=14, compact=True),
            "resident": Field(bar, _("Mã đối tượng"), width=10, compact=True),
            "date_from": Field(bar, _("Từ ngày"), kind="date", width=11, compact=True),
            "date_to": Field(bar, _("Đến ngày"), kind="date", width=11, compact=True),
            "action": Field(bar, _("Thao tác"), kind="choice", width=14, compact=True,
                            choices=[(None, _("Tất cả")), *[(c, _(lbl)) for c, lbl in ACTIONS]]),
        }
        for column, field in enumerate(self.filters.values()):
            field.grid(row=0, column=column, sticky="nw", padx=(0, 8))
        self.filters["action"].set(None)
        self.show_button = ttk.Button(bar, text=_("Lọc"), bootstyle="primary", command=self.refresh)
        self.show_button.grid(row=0, column=5, sticky="sw")
        actions = ttk.Frame(self)
        actions.pack(fill="x", pady=(6, 0))
        self.verify_button = ttk.Button(actions, text=_("Kiểm tra tính toàn vẹn của nhật ký"), icon="shield-check",
                                        bootstyle="success-outline", command=self.verify)
        self.verify_button.pack(side="left")
        self.export_button = ttk.Button(actions, text=_("Xuất Excel"), icon="file-earmark-arrow-down",
                                        bootstyle="secondary", command=self.export)
        self.export_button.pack(side="left", padx=6)
        self.message = ttk.Label(self, text="", wraplength=900)
        self.message.pack(anchor="w", pady=(4, 0))
        self.table = scrolled_table(self, [
            ("at", _("Thời điểm"), 150, False), ("user", _("Người dùng"), 100, False), ("action", _("Thao tác"), 125, False),
            ("resident", _("Đối tượng"), 80, False), ("summary", _("Nội dung"), 425, True)], height=14)
        self.refresh()

    def _filters(self) -> dict | None:
        out: dict = {}
        for key in ("date_from", "date_to"):
            text = self.filters[key].get().strip()
            self.filters[key].clear_error()
            if text:
                try:
                    out[key] = parse_date(text)
                except ValueError as exc:
                    self.filters[key].show_error(str(exc))
                    return None
        if self.filters["username"].get().strip():
            out["username"] = self.filters["username"].get().strip()
        if self.filters["action"].get():
            out["action"] = self.filters["action"].get()
        code = self.filters["resident"].get().strip()
        if code:
            out["resident_code"] = code
        return out

    def refresh(self) -> None:
        filters = self._filters()
        if filters is None:
            return
        try:
            self.rows = audit.search(self.actor, **filters)
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        self.table.delete(*self.table.get_children())
        labels = dict(ACTIONS)
        for r in self.rows:
            self.table.insert("", "end", iid=str(r.id), values=(
                r.at.strftime("%d/%m/%Y %H:%M"), r.username, _(labels.get(r.action, r.action)), r.resident_code or "",
                r.summary or ""))
        self.message.configure(text=_("{n} dòng (mới nhất trên cùng).").format(n=len(self.rows)), bootstyle="secondary")

    def verify(self) -> None:
        report = audit.verify(self.actor)
        if report.ok:
            self.message.configure(text=_("Nhật ký nguyên vẹn: đã kiểm tra {n} dòng, không dòng nào bị sửa hay xóa.")
                                   .format(n=report.checked), bootstyle="success")
        else:
            self.message.configure(text=_("CẢNH BÁO: nhật ký đã bị can thiệp — {reason}").format(
                reason=report.message), bootstyle="danger")

    def export(self, path: str | None = None) -> None:
        from ui import dialogs
        from ui.files import XLSX_TYPES

        filters = self._filters()
        if filters is None:
            return
        path = path or dialogs.choose_save_path(self, _("Xuất nhật ký"), f"nhat-ky-{date.today():%Y%m%d}.xlsx",
                                                XLSX_TYPES)
        if path:
            audit.export_xlsx(self.actor, path, **filters)
            self.message.configure(text=_("Đã xuất nhật ký ra {path}").format(path=path), bootstyle="success")
