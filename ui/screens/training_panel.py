"""Tập huấn: the year's courses, who attended, and the turns against the centre's yearly target."""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import training, vocab
from caremgr.dates import format_date
from caremgr.errors import CaremgrError, ValidationError
from caremgr.i18n import _
from ui.widgets import Field, notify, scrolled_table, show_empty, show_problems


def _hours(value) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


class TrainingPanel(ttk.Frame):
    def __init__(self, master, shell, on_change=None):
        super().__init__(master, padding=8)
        self.shell = shell
        self.actor = shell.actor
        self.on_change = on_change
        self.can_edit = self.actor.can("training.edit")
        self.courses: list = []
        self.course = None  # CourseRow selected, None for a new course
        self.people: list = []

        bar = ttk.Frame(self)
        bar.pack(fill="x")
        ttk.Label(bar, text=_("Năm:")).pack(side="left")
        self.year = ttk.Spinbox(bar, from_=2000, to=2100, width=6, command=self.refresh)
        self.year.set(date.today().year)
        self.year.pack(side="left", padx=6)
        self.year.bind("<Return>", lambda _e: self.refresh())
        state = "normal" if self.can_edit else "disabled"
        self.print_button = ttk.Button(bar, text=_("In báo cáo tập huấn"), icon="printer", bootstyle="primary",
                                       command=self.print_report)
        self.print_button.pack(side="right")
        self.import_button = ttk.Button(bar, text=_("Nhập danh sách tham dự từ Excel"), icon="file-earmark-arrow-up",
                                        bootstyle="secondary", command=self.open_import, state=state)
        self.import_button.pack(side="right", padx=6)
        self.new_button = ttk.Button(bar, text=_("Khóa mới"), icon="plus-lg", bootstyle="success",
                                     command=self.new_course, state=state)
        self.new_button.pack(side="right")

        tiles = ttk.Frame(self)
        tiles.pack(fill="x", pady=(8, 4))
        self.tiles: dict[str, ttk.Label] = {}
        for column, (key, title, style) in enumerate([
            ("turns", _("Lượt người đã tập huấn"), "primary"), ("target", _("Chỉ tiêu năm (lượt)"), "secondary"),
            ("courses", _("Khóa tập huấn"), "info"), ("staff_trained", _("Số người được tập huấn"), "info"),
            ("person_hours", _("Giờ học (người × giờ)"), "info"),
        ]):
            tile = ttk.Frame(tiles, padding=8, bootstyle=style)
            tile.grid(row=0, column=column, sticky="nsew", padx=(0, 8))
            tiles.columnconfigure(column, weight=1, uniform="tiles")
            self.tiles[key] = ttk.Label(tile, text="", font=("TkDefaultFont", 16, "bold"), bootstyle=f"@{style}")
            self.tiles[key].pack(anchor="w")
            ttk.Label(tile, text=title, bootstyle=f"@{style}").pack(anchor="w")
        self.target_note = ttk.Label(self, text="")
        self.target_note.pack(anchor="w")

        body = ttk.Panedwindow(self, orient="horizontal")
        body.pack(fill="both", expand=True, pady=(4, 0))
        left = ttk.Frame(body)
        body.add(left, weight=3)
        self.course_table = scrolled_table(left, [
            ("code", _("Mã khóa"), 80, False), ("title", _("Tên khóa"), 170, True), ("field", _("Lĩnh vực"), 100, False),
            ("dates", _("Thời gian"), 145, False), ("hours", _("Giờ"), 40, False),
            ("turns", _("Hoàn thành/Tham dự"), 75, False)], height=5)
        self.course_table.bind("<<TreeviewSelect>>", lambda _e: self._course_selected())
        form = ttk.Labelframe(left, text=_("Thông tin khóa tập huấn"), padding=8)
        form.pack(fill="x", pady=(6, 0))
        self.fields = {
            "code": Field(form, _("Mã khóa"), width=12, required=True),
            "start_date": Field(form, _("Từ ngày"), kind="date", width=11, required=True),
            "end_date": Field(form, _("Đến ngày"), kind="date", width=11, required=True),
            "hours": Field(form, _("Số giờ"), width=7),
            "title": Field(form, _("Tên khóa tập huấn"), width=40, required=True),
            "field": Field(form, _("Lĩnh vực"), kind="choice", choices=[(c, _(lbl)) for c, lbl in vocab.TRAINING_FIELDS],
                           width=18, required=True),
            "organiser": Field(form, _("Đơn vị tổ chức"), width=24),
            "place": Field(form, _("Địa điểm"), width=24),
        }
        # (row, column, columns spanned) of each field
        places = {"code": (0, 0, 1), "start_date": (0, 1, 1), "end_date": (0, 2, 1), "hours": (0, 3, 1),
                  "title": (1, 0, 3), "field": (1, 3, 1), "organiser": (2, 0, 2), "place": (2, 2, 2)}
        for key, field in self.fields.items():
            field.compact = True
            field.clear_error()
            row, column, span = places[key]
            field.grid(row=row, column=column, columnspan=span, sticky="nwe", padx=(0, 8))
        buttons = ttk.Frame(form)
        buttons.grid(row=3, column=0, columnspan=4, sticky="w")
        self.save_button = ttk.Button(buttons, text=_("Lưu khóa"), bootstyle="success", command=self.save_course,
                                      state=state)
        self.save_button.pack(side="left")
        self.delete_button = ttk.Button(buttons, text=_("Xóa khóa"), bootstyle="danger-outline",
                                        command=self.delete_course, state="disabled")
        self.delete_button.pack(side="left", padx=6)
        self.message = ttk.Label(buttons, text="", wraplength=400)
        self.message.pack(side="left", padx=6)

        right = ttk.Labelframe(body, text=_("Người tham dự khóa đang chọn"), padding=8)
        body.add(right, weight=2)
        self.after_idle(lambda: body.winfo_exists() and body.sashpos(0, int(body.winfo_width() * 0.64)))
        add = ttk.Frame(right)
        add.pack(fill="x")
        self.attendee_fields = {
            "staff_id": Field(add, _("Nhân viên"), kind="choice", choices=[], width=34, required=True),
            "certificate_no": Field(add, _("Số chứng nhận"), width=16),
            "completed": Field(add, _("Hoàn thành"), kind="check"),
        }
        self.attendee_fields["staff_id"].grid(row=0, column=0, columnspan=2, sticky="nwe")
        self.attendee_fields["certificate_no"].grid(row=1, column=0, sticky="nw", padx=(0, 8))
        self.attendee_fields["completed"].grid(row=1, column=1, sticky="w")
        self.attendee_fields["completed"].set(True)
        buttons = ttk.Frame(right)
        buttons.pack(fill="x")
        self.add_attendee_button = ttk.Button(buttons, text=_("Thêm"), bootstyle="success",
                                              command=self.add_attendee, state="disabled")
        self.add_attendee_button.pack(side="left")
        self.toggle_button = ttk.Button(buttons, text=_("Đổi hoàn thành"), bootstyle="secondary-outline",
                                        command=self.toggle_completed, state="disabled")
        self.toggle_button.pack(side="left", padx=4)
        self.remove_button = ttk.Button(buttons, text=_("Bỏ"), bootstyle="danger-outline",
                                        command=self.remove_attendee, state="disabled")
        ttk.ToolTip(self.remove_button, text=_("Bỏ khỏi danh sách"))
        self.remove_button.pack(side="left")
        self.attendee_message = ttk.Label(right, text="", wraplength=330)
        self.attendee_message.pack(anchor="w")
        self.attendee_table = scrolled_table(right, [
            ("name", _("Họ và tên"), 150, True), ("completed", _("Hoàn thành"), 75, False),
            ("certificate", _("Số chứng nhận"), 110, False)], height=10)
        self.attendee_table.bind("<<TreeviewSelect>>", lambda _e: self._attendee_buttons())
        self.new_course()
        self.refresh()

    # --- year ---------------------------------------------------------------------------------
    def selected_year(self) -> int:
        try:
            return int(self.year.get())
        except ValueError:
            return date.today().year

    def refresh(self) -> None:
        year = self.selected_year()
        totals = training.year_totals(self.actor, year)
        self.tiles["turns"].configure(text=str(totals.turns))
        self.tiles["target"].configure(text="—" if totals.target is None else str(totals.target))
        self.tiles["courses"].configure(text=str(totals.courses))
        self.tiles["staff_trained"].configure(text=str(totals.staff_trained))
        self.tiles["person_hours"].configure(text=_hours(totals.person_hours))
        if totals.target is None:
            note, style = _("Chưa đặt chỉ tiêu tập huấn năm {year} (Cài đặt → Chỉ tiêu).").format(year=year), "secondary"
        elif totals.met:
            note, style = _("Đã đạt chỉ tiêu năm {year}: {turns}/{target} lượt người.").format(
                year=year, turns=totals.turns, target=totals.target), "success"
        else:
            note, style = _("Còn thiếu {n} lượt người để đạt chỉ tiêu năm {year} ({turns}/{target}).").format(
                n=totals.remaining, year=year, turns=totals.turns, target=totals.target), "warning"
        if totals.untrained_staff:
            note += " " + _("{n}/{total} nhân viên đang làm việc chưa được tập huấn trong năm.").format(
                n=totals.untrained_staff, total=totals.staff_total)
        self.target_note.configure(text=note, bootstyle=style)
        self.courses = training.list_courses(self.actor, year)
        self.course_table.delete(*self.course_table.get_children())
        for c in self.courses:
            self.course_table.insert("", "end", iid=str(c.id), values=(
                c.code, c.title, c.field_label, f"{format_date(c.start_date)}–{format_date(c.end_date)}", _hours(c.hours),
                f"{c.completed}/{c.attendees}"))
        show_empty(self.course_table, _("Chưa có khóa tập huấn nào trong năm này. Điền biểu mẫu khóa tập huấn rồi "
                                        "bấm Lưu, hoặc nhập danh sách tham dự từ Excel."))
        if self.course and str(self.course.id) in self.course_table.get_children():
            self.course_table.selection_set(str(self.course.id))
            self.course = training.get_course(self.actor, self.course.id)
            self._fill_attendees()

    # --- courses ------------------------------------------------------------------------------
    def _course_selected(self) -> None:
        selected = self.course_table.selection()
        if not selected or (self.course and self.course.id == int(selected[0])):
            return
        self.course = training.get_course(self.actor, int(selected[0]))
        for key, field in self.fields.items():
            value = getattr(self.course, key)
            field.set(format_date(value) if isinstance(value, date) else _hours(value) if key == "hours" else value)
        show_problems(self.fields, [], None)
        self.message.configure(text="")
        self.delete_button.configure(state="normal" if self.can_edit else "disabled")
        self._fill_attendees()

    def new_course(self) -> None:
        self.course = None
        for field in self.fields.values():
            field.set(None)
        self.fields["field"].set("care")
        self.fields["start_date"].set(format_date(date.today()))
        self.fields["end_date"].set(format_date(date.today()))
        show_problems(self.fields, [], None)
        self.delete_button.configure(state="disabled")
        self.course_table.selection_remove(*self.course_table.selection())
        self._fill_attendees()

    def save_course(self) -> None:
        data = {key: field.get() for key, field in self.fields.items()}
        try:
            if self.course is None:
                row = training.create_course(self.actor, data)
                text = _("Đã thêm khóa {code}. Thêm người tham dự ở bên phải.").format(code=row.code)
            else:
                row = training.update_course(self.actor, self.course.id, data, version=self.course.version)
                text = _("Đã lưu khóa {code}.").format(code=row.code)
        except ValidationError as exc:
            show_problems(self.fields, exc.problems, self.message)
            self.message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        show_problems(self.fields, [], None)
        if row.start_date.year != self.selected_year():
            self.year.set(row.start_date.year)
        self.course = row
        self.refresh()
        self.delete_button.configure(state="normal")
        self.message.configure(text=text, bootstyle="success")
        notify(self, self.message.cget("text"))

    def delete_course(self) -> None:
        from ui.dialogs import confirm

        if self.course is None or not confirm(self, _("Xóa khóa tập huấn"), _(
                "Xóa khóa {code} và danh sách người tham dự của khóa?").format(code=self.course.code)):
            return
        try:
            training.delete_course(self.actor, self.course.id, version=self.course.version)
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        self.new_course()
        self.refresh()
        self._changed()
        self.message.configure(text=_("Đã xóa khóa tập huấn."), bootstyle="success")
        notify(self, self.message.cget("text"))

    # --- attendees ----------------------------------------------------------------------------
    def _fill_attendees(self) -> None:
        self.attendee_table.delete(*self.attendee_table.get_children())
        self.people = training.attendees(self.actor, self.course.id) if self.course else []
        for a in self.people:
            self.attendee_table.insert("", "end", iid=str(a.id), values=(
                a.staff_name, _("Có") if a.completed else _("Không"), a.certificate_no or ""))
        from caremgr import staff

        on = self.course.start_date if self.course else None
        present = {a.staff_id for a in self.people}
        field = self.attendee_fields["staff_id"]
        field.choices = [(i, label) for i, label in staff.choices(self.actor, on) if i not in present]
        field.input.configure(values=[label for _i, label in field.choices])
        field.set(None)
        self.add_attendee_button.configure(state="normal" if self.course and self.can_edit else "disabled")
        self._attendee_buttons()

    def _attendee(self):
        selected = self.attendee_table.selection()
        return next((a for a in self.people if selected and a.id == int(selected[0])), None)

    def _attendee_buttons(self) -> None:
        state = "normal" if self._attendee() and self.can_edit else "disabled"
        self.toggle_button.configure(state=state)
        self.remove_button.configure(state=state)

    def add_attendee(self) -> None:
        if self.course is None:
            return
        data = {key: field.get() for key, field in self.attendee_fields.items()}
        self._attendee_write(lambda: training.add_attendee(self.actor, self.course.id, data),
                             _("Đã thêm người tham dự."))
        self.attendee_fields["certificate_no"].set("")

    def toggle_completed(self) -> None:
        a = self._attendee()
        if a:
            self._attendee_write(lambda: training.update_attendee(
                self.actor, a.id, {"completed": not a.completed}, version=a.version), _("Đã lưu."))

    def remove_attendee(self) -> None:
        a = self._attendee()
        if a:
            self._attendee_write(lambda: training.remove_attendee(self.actor, a.id, version=a.version),
                                 _("Đã bỏ {name} khỏi danh sách.").format(name=a.staff_name))

    def _attendee_write(self, work, text: str) -> None:
        try:
            work()
        except ValidationError as exc:
            show_problems(self.attendee_fields, exc.problems, self.attendee_message)
            self.attendee_message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            self.attendee_message.configure(text=str(exc), bootstyle="danger")
            return
        show_problems(self.attendee_fields, [], None)
        self.attendee_message.configure(text=text, bootstyle="success")
        notify(self, self.attendee_message.cget("text"))
        self.refresh()
        self._changed()

    def _changed(self) -> None:
        if self.on_change:
            self.on_change()

    # --- files --------------------------------------------------------------------------------
    def open_import(self, path: str | None = None):
        from caremgr import training_io
        from ui.import_dialog import ImportDialog, ImportKind

        kind = ImportKind(_("Nhập danh sách tham dự tập huấn từ Excel"), training_io.import_training,
                          training_io.write_training_template, "mau-nhap-tap-huan.xlsx", preview=training_io.preview)
        self.import_dialog = ImportDialog(self, self.actor, path=path, kind=kind,
                                          on_finished=lambda _r: (self.refresh(), self._changed()))
        return self.import_dialog

    def print_report(self, path: str | None = None) -> None:
        from ui.files import print_training

        print_training(self, self.actor, self.selected_year(), path=path)
