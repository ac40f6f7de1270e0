"""Điều kiện cơ sở (in Settings): the two capability checklists the periodic return counts."""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import facility
from caremgr.dates import format_date
from caremgr.errors import CaremgrError, ValidationError
from caremgr.i18n import _
from ui.widgets import Field, notify, scrolled_table, show_problems


def _pct(value) -> str:
    return f"{value:g}%".replace(".", ",")


class ChecklistPage(ttk.Frame):
    def __init__(self, master, panel, checklist: str):
        super().__init__(master, padding=8)
        self.panel = panel
        self.actor = panel.actor
        self.checklist = checklist
        self.can_edit = self.actor.can("facility.edit")
        self.rows: list = []
        state = "normal" if self.can_edit else "disabled"

        self.summary = ttk.Label(self, text="", font=("TkDefaultFont", 10, "bold"))
        self.summary.pack(anchor="w")
        self.starter_note = ttk.Label(self, text="", bootstyle="info", wraplength=900)
        self.starter_note.pack(anchor="w")
        self.table = scrolled_table(self, [
            ("n", _("STT"), 40, False), ("title", _("Nội dung"), 420, True), ("met", _("Đạt"), 50, False),
            ("met_on", _("Từ ngày"), 90, False), ("note", _("Ghi chú"), 280, True)], height=11)
        self.table.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        self.table.bind("<Double-1>", lambda _e: self.toggle())

        form = ttk.Frame(self)
        form.pack(fill="x", pady=(6, 0))
        self.fields = {
            "title": Field(form, _("Nội dung"), width=50, required=True),
            "met": Field(form, _("Đạt/Thực hiện được"), kind="check"),
            "met_on": Field(form, _("Từ ngày"), kind="date", width=12),
            "note": Field(form, _("Ghi chú"), width=24),
        }
        for i, field in enumerate(self.fields.values()):
            field.grid(row=0, column=i, sticky="nw" if i != 1 else "w", padx=(0, 8))
        buttons = ttk.Frame(self)
        buttons.pack(fill="x")
        self.add_button = ttk.Button(buttons, text=_("Thêm mục"), bootstyle="success", command=self.add, state=state)
        self.add_button.pack(side="left")
        self.save_button = ttk.Button(buttons, text=_("Lưu mục đang chọn"), bootstyle="primary-outline",
                                      command=self.save, state="disabled")
        self.save_button.pack(side="left", padx=6)
        self.delete_button = ttk.Button(buttons, text=_("Xóa mục"), bootstyle="danger-outline", command=self.delete,
                                        state="disabled")
        self.delete_button.pack(side="left")
        self.up_button = ttk.Button(buttons, text="▲", bootstyle="secondary-outline", width=3,
                                    command=lambda: self.move(-1), state="disabled")
        self.up_button.pack(side="left", padx=(12, 2))
        self.down_button = ttk.Button(buttons, text="▼", bootstyle="secondary-outline", width=3,
                                      command=lambda: self.move(1), state="disabled")
        self.down_button.pack(side="left")
        self.export_button = ttk.Button(buttons, text=_("Xuất Excel"), bootstyle="secondary", command=self.export)
        self.export_button.pack(side="right")
        self.import_button = ttk.Button(buttons, text=_("Nhập danh mục của cơ sở…"), bootstyle="secondary",
                                        command=self.import_list, state=state)
        self.import_button.pack(side="right", padx=6)
        self.message = ttk.Label(self, text="", wraplength=1000)
        self.message.pack(anchor="w")
        self.reload()

    def _current(self):
        selected = self.table.selection()
        return next((r for r in self.rows if selected and r.id == int(selected[0])), None)

    def _selected(self) -> None:
        row = self._current()
        if row:
            self.fields["title"].set(row.title)
            self.fields["met"].set(row.met)
            self.fields["met_on"].set(format_date(row.met_on))
            self.fields["note"].set(row.note or "")
        state = "normal" if row and self.can_edit else "disabled"
        for button in (self.save_button, self.delete_button, self.up_button, self.down_button):
            button.configure(state=state)

    def _data(self) -> dict:
        return {key: field.get() for key, field in self.fields.items()}

    def _write(self, work, text: str, select: int | None = None) -> bool:
        try:
            row = work()
        except ValidationError as exc:
            show_problems(self.fields, exc.problems, self.message)
            self.message.configure(bootstyle="danger")
            return False
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return False
        show_problems(self.fields, [], None)
        self.message.configure(text=text, bootstyle="success")
        notify(self, self.message.cget("text"))
        self.reload(select if select is not None else getattr(row, "id", None))
        return True

    def add(self) -> None:
        self._write(lambda: facility.add_item(self.actor, self.checklist, self._data()), _("Đã thêm mục."))

    def save(self) -> None:
        row = self._current()
        if row:
            self._write(lambda: facility.update_item(self.actor, row.id, self._data(), version=row.version),
                        _("Đã lưu."))

    def toggle(self) -> None:
        """Double-click: mark met today, or unmark."""
        row = self._current()
        if row and self.can_edit:
            data = {"met": not row.met, "met_on": "" if row.met else format_date(date.today())}
            self._write(lambda: facility.update_item(self.actor, row.id, data, version=row.version), _("Đã lưu."))

    def delete(self) -> None:
        from ui.dialogs import confirm

        row = self._current()
        if row and confirm(self, _("Xóa mục"), _("Xóa \"{title}\" khỏi danh mục?").format(title=row.title)):
            self._write(lambda: facility.delete_item(self.actor, row.id, version=row.version), _("Đã xóa."))

    def move(self, delta: int) -> None:
        row = self._current()
        if row:
            self._write(lambda: facility.move_item(self.actor, row.id, delta), _("Đã đổi thứ tự."), select=row.id)

    def import_list(self, path: str | None = None, replace: bool | None = None) -> None:
        from ui import dialogs
        from ui.import_dialog import OPEN_TYPES

        path = path or dialogs.choose_open_path(self, _("Chọn tệp danh mục (.xlsx/.csv: Nội dung, Đạt, Ngày đạt, "
                                                        "Ghi chú)"), OPEN_TYPES)
        if not path:
            return
        if replace is None:
            replace = dialogs.confirm(self, _("Nhập danh mục"), _(
                "Thay toàn bộ danh mục hiện có bằng danh mục trong tệp? Chọn \"Không\" để thêm vào cuối danh mục."))
        try:
            result = facility.import_items(self.actor, self.checklist, path, replace=replace)
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        self.message.configure(text=result.summary(), bootstyle="warning" if result.rejected else "success")
        self.reload()

    def export(self, path: str | None = None) -> None:
        from ui import dialogs
        from ui.files import XLSX_TYPES

        path = path or dialogs.choose_save_path(self, _("Xuất danh mục"), f"danh-muc-{self.checklist}.xlsx", XLSX_TYPES)
        if path:
            facility.export_items(self.actor, self.checklist, path)
            self.message.configure(text=_("Đã xuất danh mục ra {path}").format(path=path), bootstyle="success")
            notify(self, self.message.cget("text"))

    def reload(self, select: int | None = None) -> None:
        self.rows = facility.items(self.actor, self.checklist)
        self.table.delete(*self.table.get_children())
        for n, r in enumerate(self.rows, start=1):
            self.table.insert("", "end", iid=str(r.id), values=(
                n, r.title + (" " + _("(mẫu)") if r.starter else ""), "✓" if r.met else "—", format_date(r.met_on),
                r.note or ""))
        if select is not None and str(select) in self.table.get_children():
            self.table.selection_set(str(select))
            self.table.see(str(select))
        self._selected()
        s = facility.summary()
        if self.checklist == "phc_rehab":
            text = _("Đạt {met}/{total} điều kiện — {verdict}").format(
                met=s.phc_met, total=s.phc_total,
                verdict=_("đủ điều kiện chăm sóc sức khỏe ban đầu, phục hồi chức năng") if s.phc_ready
                else _("chưa đủ điều kiện"))
            style = "success" if s.phc_ready else "warning"
        else:
            target = s.technical_target_pct
            text = _("Thực hiện được {done}/{total} kỹ thuật ({pct})").format(
                done=s.technical_done, total=s.technical_total, pct=_pct(s.technical_pct))
            if target is not None:
                text += " — " + _("chỉ tiêu {target}").format(target=_pct(target))
            style = "success" if target is not None and s.technical_pct >= target else "warning"
        self.summary.configure(text=text, bootstyle=style)
        starters = sum(1 for r in self.rows if r.starter)
        self.starter_note.configure(text=_(
            "{n} mục đánh dấu \"(mẫu)\" là danh mục gợi ý có sẵn trong caremgr: hãy sửa, xóa, thêm cho đúng với cơ sở, "
            "hoặc nhập danh mục của cơ sở từ Excel.").format(n=starters) if starters else "")


class FacilityPanel(ttk.Frame):
    def __init__(self, master, actor):
        super().__init__(master, padding=8)
        self.actor = actor
        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True)
        self.pages: dict[str, ChecklistPage] = {}
        for code, label in facility.CHECKLISTS:
            page = ChecklistPage(self.tabs, self, code)
            self.tabs.add(page, text=_(label))
            self.pages[code] = page
