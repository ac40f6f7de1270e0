"""Nhân sự & tập huấn: staff profiles with practising certificates, and the training courses."""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import staff, training, vocab
from caremgr.dates import format_date
from caremgr.errors import CaremgrError, Conflict, ValidationError
from caremgr.i18n import N_, _
from ui.colours import text_colour
from ui.widgets import Field, notify, scrolled_table, show_empty, show_problems

LICENCE_STYLES = {"valid": "success", "expiring": "warning", "expired": "danger", "missing": "danger"}
STATUS_CHOICES = [("employed", N_("Đang làm việc")), ("left", N_("Đã nghỉ việc")), ("all", N_("Tất cả"))]
LICENCE_CHOICES = [(None, N_("Mọi tình trạng CCHN")), ("expiring", N_("CCHN sắp hết hạn")), ("expired", N_("CCHN hết hạn")),
                   ("missing", N_("Chưa có CCHN"))]


def _choices(pairs, blank: bool = False, blank_label: str = ""):
    return ([(None, blank_label)] if blank else []) + [(code, _(label)) for code, label in pairs]


class StaffPanel(ttk.Frame):
    """The list of staff with filters, and the selected person's profile and training history."""

    def __init__(self, master, shell):
        super().__init__(master, padding=8)
        self.shell = shell
        self.actor = shell.actor
        self.can_edit = self.actor.can("staff.edit")
        self.rows: list = []
        self.current = None  # StaffRow being edited, None for a new person

        actions = ttk.Frame(self)
        actions.pack(fill="x", pady=(0, 6))
        bar = ttk.Frame(self)
        bar.pack(fill="x")
        ttk.Label(bar, text=_("Tìm:")).pack(side="left")
        self.search = ttk.Entry(bar, width=22)
        self.search.pack(side="left", padx=(4, 10))
        self.search.bind("<KeyRelease>", lambda _e: self._debounced_refresh())
        self.filters = {
            "position": Field(bar, "", kind="choice", choices=_choices(vocab.STAFF_POSITIONS, True, _("Mọi chức danh")),
                              width=22),
            "status": Field(bar, "", kind="choice", choices=_choices(STATUS_CHOICES), width=15),
            "licence": Field(bar, "", kind="choice", choices=_choices(LICENCE_CHOICES[1:], True, _(LICENCE_CHOICES[0][1])),
                             width=20),
        }
        for field in self.filters.values():
            field.label.grid_remove()
            field.error.grid_remove()
            field.pack(side="left", padx=(0, 6))
            field.input.bind("<<ComboboxSelected>>", lambda _e: self.refresh())
        self.filters["position"].set(None)
        self.filters["status"].set("employed")
        self.filters["licence"].set(None)
        state = "normal" if self.can_edit else "disabled"
        self.new_button = ttk.Button(actions, text=_("Thêm nhân viên"), icon="person-plus", bootstyle="success",
                                     command=self.new, state=state)
        self.new_button.pack(side="left")
        self.import_button = ttk.Button(actions, text=_("Nhập từ Excel"), icon="file-earmark-arrow-up",
                                        bootstyle="secondary", command=self.open_import, state=state)
        self.import_button.pack(side="left", padx=6)
        self.export_button = ttk.Button(actions, text=_("Xuất Excel"), icon="file-earmark-arrow-down",
                                        bootstyle="secondary", command=self.export)
        self.export_button.pack(side="left")
        self.count_label = ttk.Label(self, text="", bootstyle="secondary")
        self.count_label.pack(anchor="w", pady=(4, 0))

        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        right = ttk.Frame(body, padding=(12, 0, 0, 0))
        right.pack(side="right", fill="y")
        left = ttk.Frame(body)
        left.pack(side="left", fill="both", expand=True)
        self.table = scrolled_table(left, [
            ("code", _("Mã"), 58, False), ("name", _("Họ và tên"), 150, True), ("position", _("Chức danh"), 120, False),
            ("expiry", _("CCHN đến"), 92, False), ("licence", _("Tình trạng CCHN"), 110, False)], height=18)
        for status, style in LICENCE_STYLES.items():
            self.table.tag_configure(status, foreground=text_colour(shell.app.root, style))
        self.table.bind("<<TreeviewSelect>>", lambda _e: self._selected())

        self.form_title = ttk.Label(right, text="", font=("TkDefaultFont", 11, "bold"))
        self.form_title.pack(anchor="w")
        form = ttk.Frame(right)
        form.pack(fill="x")
        self.fields = {
            "code": Field(form, _("Mã nhân viên"), width=12, required=True),
            "full_name": Field(form, _("Họ và tên"), width=20, required=True),
            "sex": Field(form, _("Giới tính"), kind="choice", choices=_choices(vocab.SEXES, True), width=10),
            "birth_date": Field(form, _("Ngày sinh"), kind="date", width=14),
            "position": Field(form, _("Chức danh"), kind="choice", choices=_choices(vocab.STAFF_POSITIONS), width=18,
                              required=True),
            "qualification": Field(form, _("Trình độ chuyên môn"), width=20),
            "contract_type": Field(form, _("Loại hợp đồng"), kind="choice", choices=_choices(vocab.CONTRACT_TYPES, True),
                                   width=14),
            "phone": Field(form, _("Điện thoại"), width=14),
            "start_date": Field(form, _("Ngày vào làm"), kind="date", width=14, required=True),
            "leave_date": Field(form, _("Ngày nghỉ việc"), kind="date", width=14),
            "licence_no": Field(form, _("Số chứng chỉ hành nghề"), width=18),
            "licence_expiry": Field(form, _("CCHN có giá trị đến"), kind="date", width=14),
            "notes": Field(form, _("Ghi chú"), width=36),
        }
        for i, field in enumerate(self.fields.values()):
            field.compact = True  # the error line takes room only when there is an error: Save stays in view
            field.clear_error()
            field.grid(row=i // 2, column=i % 2, sticky="nwe", padx=(0, 10), pady=1)
        self.fields["notes"].grid(columnspan=2)
        buttons = ttk.Frame(right)
        buttons.pack(fill="x", pady=(4, 0))
        self.save_button = ttk.Button(buttons, text=_("Lưu (Ctrl+S)"), icon="floppy", bootstyle="success",
                                      command=self.save, state=state)
        self.save_button.pack(side="left")
        self.delete_button = ttk.Button(buttons, text=_("Xóa (nhập nhầm)"), bootstyle="danger-outline",
                                        command=self.delete, state="disabled")
        self.delete_button.pack(side="left", padx=6)
        self.message = ttk.Label(right, text="", wraplength=330)
        self.message.pack(anchor="w")
        ttk.Label(right, text=_("Quá trình đào tạo, tập huấn"), font=("TkDefaultFont", 10, "bold")).pack(
            anchor="w", pady=(6, 0))
        self.history = scrolled_table(right, [
            ("start", _("Từ ngày"), 80, False), ("title", _("Khóa tập huấn"), 170, True),
            ("hours", _("Số giờ"), 50, False), ("completed", _("Hoàn thành"), 75, False)], height=5)
        self._after = None
        self.new()
        self.refresh()

    def _debounced_refresh(self) -> None:
        if self._after:
            self.after_cancel(self._after)
        self._after = self.after(180, self.refresh)

    def current_filter(self) -> staff.StaffFilter:
        return staff.StaffFilter(text=self.search.get(), position=self.filters["position"].get(),
                                 status=self.filters["status"].get() or "employed",
                                 licence=self.filters["licence"].get())

    def refresh(self) -> None:
        self._after = None
        self.rows = staff.search(self.actor, self.current_filter())
        self.table.delete(*self.table.get_children())
        for r in self.rows:
            tags = (r.licence_status,) if r.licence_status in LICENCE_STYLES else ()
            self.table.insert("", "end", iid=str(r.id), tags=tags, values=(
                r.code, r.full_name, r.position_label, format_date(r.licence_expiry),
                r.licence_label if r.licence_status != "not_required" else ""))
        self.count_label.configure(text=_("{n} người").format(n=len(self.rows)))
        show_empty(self.table, _("Không có ai trong danh sách. Nếu đang lọc: bỏ bớt điều kiện lọc. Nếu chưa có "
                                 "nhân viên: điền biểu mẫu bên phải rồi bấm Lưu, hoặc \"Nhập từ Excel\"."))
        if self.current and str(self.current.id) in self.table.get_children():
            self.table.selection_set(str(self.current.id))

    def _selected(self) -> None:
        selected = self.table.selection()
        if selected and (self.current is None or self.current.id != int(selected[0])):
            self.load(int(selected[0]))

    def load(self, staff_id: int) -> None:
        self.current = staff.get(self.actor, staff_id)
        for key, field in self.fields.items():
            value = getattr(self.current, key)
            field.set(format_date(value) if isinstance(value, date) else value)
        show_problems(self.fields, [], None)
        self.message.configure(text="")
        self.form_title.configure(text=f"{self.current.code} — {self.current.full_name}")
        self.delete_button.configure(state="normal" if self.actor.role == "administrator" else "disabled")
        self.history.delete(*self.history.get_children())
        for h in training.history(self.actor, staff_id):
            self.history.insert("", "end", iid=str(h.attendance_id), values=(
                format_date(h.start_date), h.title, "" if h.hours is None else f"{h.hours:g}".replace(".", ","),
                _("Có") if h.completed else _("Không")))

    def new(self) -> None:
        self.current = None
        for field in self.fields.values():
            field.set(None)
        self.fields["position"].set("carer")
        self.fields["contract_type"].set("contract")
        self.fields["start_date"].set(format_date(date.today()))
        show_problems(self.fields, [], None)
        self.form_title.configure(text=_("Nhân viên mới"))
        self.delete_button.configure(state="disabled")
        self.history.delete(*self.history.get_children())
        self.table.selection_remove(*self.table.selection())

    def save(self) -> None:
        data = {key: field.get() for key, field in self.fields.items()}
        try:
            if self.current is None:
                row = staff.create(self.actor, data)
                text = _("Đã thêm {name}.").format(name=row.full_name)
            else:
                row = staff.update(self.actor, self.current.id, data, version=self.current.version)
                text = _("Đã lưu.")
        except ValidationError as exc:
            show_problems(self.fields, exc.problems, self.message)
            self.message.configure(bootstyle="danger")
            return
        except Conflict as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        warnings = [p.message for p in getattr(row, "warnings", ()) or ()]
        self.current = row
        self.refresh()
        self.load(row.id)
        self.message.configure(text=" ".join([text, *warnings]), bootstyle="warning" if warnings else "success")
        notify(self, text)

    def delete(self) -> None:
        from ui.dialogs import confirm

        if self.current is None or not confirm(
                self, _("Xóa nhân viên"), _("Chỉ xóa khi hồ sơ {name} được nhập nhầm. Người đã nghỉ việc: hãy nhập "
                                            "ngày nghỉ việc thay vì xóa. Xóa?").format(name=self.current.full_name)):
            return
        try:
            staff.delete(self.actor, self.current.id, version=self.current.version)
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        self.new()
        self.refresh()
        self.message.configure(text=_("Đã xóa."), bootstyle="success")
        notify(self, self.message.cget("text"))

    def open_import(self, path: str | None = None):
        from caremgr import staff_io
        from ui.import_dialog import ImportDialog, ImportKind

        kind = ImportKind(_("Nhập danh sách nhân sự từ Excel"), staff_io.import_staff, staff_io.write_staff_template,
                          "mau-nhap-nhan-su.xlsx", preview=staff_io.preview)
        self.import_dialog = ImportDialog(self, self.actor, path=path, kind=kind, on_finished=lambda _r: self.refresh())
        return self.import_dialog

    def export(self, path: str | None = None) -> None:
        from ui.files import export_staff

        export_staff(self, self.actor, path)


class StaffScreen(ttk.Frame):
    def __init__(self, master, shell):
        super().__init__(master, padding=(20, 16))
        self.shell = shell
        self.actor = shell.actor
        ttk.Label(self, text=_("Nhân sự & tập huấn"), font=("TkDefaultFont", 18, "bold")).pack(anchor="w")
        self.alerts = ttk.Label(self, text="", bootstyle="warning", wraplength=900)
        self.alerts.pack(anchor="w")
        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True, pady=(6, 0))
        self.staff_panel = StaffPanel(self.tabs, shell)
        self.tabs.add(self.staff_panel, text=_("Nhân sự"))
        from ui.screens.training_panel import TrainingPanel

        self.training_panel = TrainingPanel(self.tabs, shell, on_change=self.staff_panel.refresh)
        self.tabs.add(self.training_panel, text=_("Tập huấn"))
        self.show_alerts()

    def show_alerts(self) -> None:
        alerts = staff.licence_alerts(self.actor)
        if not alerts:
            self.alerts.configure(text="")
            return
        parts = [f"{a.full_name} ({a.licence_label.lower()}, {format_date(a.licence_expiry)})" for a in alerts[:6]]
        more = len(alerts) - len(parts)
        self.alerts.configure(text=_("Chứng chỉ hành nghề cần gia hạn: ") + "; ".join(parts)
                              + (" " + _("… và {n} người khác").format(n=more) if more > 0 else ""))

    def show_training(self, year: int) -> None:
        """The training tab with the courses and turns of ``year`` (the dashboard's training chart opens it)."""
        self.tabs.select(self.training_panel)
        self.training_panel.year.set(year)
        self.training_panel.refresh()

    def save(self) -> None:
        if self.tabs.select() == str(self.staff_panel):
            self.staff_panel.save()

    def focus_search(self) -> None:
        self.tabs.select(self.staff_panel)
        self.staff_panel.search.focus_set()

    def refresh(self) -> None:
        self.staff_panel.refresh()
        self.training_panel.refresh()
        self.show_alerts()
