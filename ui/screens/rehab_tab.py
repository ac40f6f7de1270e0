"""Phục hồi chức năng in a resident's profile: plans with goals and interventions, sessions delivered,
Barthel assessments with their trend, functional notes, the review and the plan document."""

from __future__ import annotations

import tkinter as tk
from datetime import date

import ttkbootstrap as ttk

from caremgr import rehab, vocab
from caremgr.dates import format_date
from caremgr.errors import CaremgrError, ValidationError
from caremgr.i18n import _
from ui.barthel_form import BarthelForm, assessor_fields
from ui.widgets import Field, notify, scrolled_table, show_problems


def _choices(pairs, blank: bool = True):
    return ([(None, "")] if blank else []) + [(code, _(label)) for code, label in pairs]


def _message(label: ttk.Label, text: str, style: str = "success") -> None:
    label.configure(text=text, bootstyle=style)
    if style == "success":
        notify(label, text)


class RehabTab(ttk.Frame):
    def __init__(self, master, profile):
        super().__init__(master, padding=10)
        self.profile = profile
        self.shell = profile.shell
        self.actor = profile.actor
        self.resident_id = profile.detail.id
        self.can_edit = self.actor.can("rehab.edit") and not profile.detail.read_only
        self.staff = rehab.staff_choices(self.actor)
        self.plans: list = []
        self.plan = None  # the PlanRow shown
        self.goal_id: int | None = None
        self.intervention_id: int | None = None

        self.plan_title = ttk.Label(self, text="", font=("TkDefaultFont", 11, "bold"))
        self.plan_title.pack(anchor="w")
        top = ttk.Frame(self)
        top.pack(fill="x", pady=(4, 0))
        state = "normal" if self.can_edit else "disabled"
        self.new_button = ttk.Button(top, text=_("Kế hoạch mới"), icon="plus-lg", bootstyle="success-outline",
                                     command=self.new_plan, state=state)
        self.new_button.pack(side="left")
        self.copy_button = ttk.Button(top, text=_("Sao chép thành kế hoạch kỳ sau"), icon="copy",
                                      bootstyle="secondary-outline", command=self.copy_plan, state=state)
        self.copy_button.pack(side="left", padx=6)
        self.review_button = ttk.Button(top, text=_("Đánh giá lại kế hoạch"), icon="clipboard-check",
                                        bootstyle="warning", command=self.open_review, state=state)
        self.review_button.pack(side="left")
        self.print_button = ttk.Button(top, text=_("In kế hoạch"), icon="printer", bootstyle="secondary",
                                       command=self.print_plan)
        self.print_button.pack(side="left", padx=6)
        self.message = ttk.Label(self, text="", wraplength=1000)
        self.message.pack(anchor="w")

        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True, pady=(4, 0))
        self._build_plan_page()
        self._build_goals_page()
        self._build_interventions_page()
        self._build_barthel_page()
        self._build_functional_page()
        self.reload()

    # --- plan ---------------------------------------------------------------------------------
    def _build_plan_page(self) -> None:
        page = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(page, text=_("Kế hoạch"))
        form = ttk.Labelframe(page, text=_("Thông tin kế hoạch"), padding=10)
        form.pack(side="right", fill="y", padx=(12, 0))
        left = ttk.Frame(page)
        left.pack(side="left", fill="both", expand=True)
        ttk.Label(left, text=_("Các kế hoạch của đối tượng (mới nhất trên cùng)")).pack(anchor="w")
        self.plan_table = scrolled_table(left, [("start", _("Bắt đầu"), 92, False), ("review", _("Đánh giá lại"), 100, False),
                                        ("status", _("Trạng thái"), 120, False),
                                        ("responsible", _("Phụ trách"), 110, True)], height=10)
        self.plan_table.bind("<<TreeviewSelect>>", lambda _e: self._plan_selected())
        self.plan_fields = {
            "start_date": Field(form, _("Ngày bắt đầu"), kind="date", width=12, required=True),
            "review_date": Field(form, _("Ngày đánh giá lại"), kind="date", width=12, required=True),
            "responsible_id": Field(form, _("Người phụ trách"), kind="choice", choices=[(None, ""), *self.staff],
                                    width=30),
            "status": Field(form, _("Trạng thái"), kind="choice", choices=_choices(vocab.PLAN_STATUSES, False),
                            width=16),
            "summary": Field(form, _("Tóm tắt, nhận định chung"), kind="text", width=46, height=4),
        }
        for i, key in enumerate(self.plan_fields):
            self.plan_fields[key].grid(row=i // 2 if i < 4 else 2, column=i % 2 if i < 4 else 0,
                                       columnspan=1 if i < 4 else 2, sticky="nwe", padx=(0, 8), pady=2)
        self.save_plan_button = ttk.Button(form, text=_("Lưu kế hoạch"), bootstyle="success", command=self.save_plan,
                                           state="normal" if self.can_edit else "disabled")
        self.save_plan_button.grid(row=3, column=0, sticky="w", pady=(6, 0))
        self.plan_message = ttk.Label(form, text="", wraplength=380)
        self.plan_message.grid(row=4, column=0, columnspan=2, sticky="w")

    def _plan_selected(self) -> None:
        selected = self.plan_table.selection()
        if selected:
            self.show_plan(int(selected[0]))

    def show_plan(self, plan_id: int | None) -> None:
        self.plan = rehab.get_plan(self.actor, plan_id) if plan_id else None
        p = self.plan
        if p:
            self.plan_fields["start_date"].set(format_date(p.start_date))
            self.plan_fields["review_date"].set(format_date(p.review_date))
            self.plan_fields["responsible_id"].set(p.responsible_id)
            self.plan_fields["status"].set(p.status)
            self.plan_fields["summary"].set(p.summary or "")
            self.plan_title.configure(text=_("Kế hoạch từ {start} — đánh giá lại {review} — {status}").format(
                start=format_date(p.start_date), review=format_date(p.review_date), status=p.status_label)
                + (" — " + _("quá hạn đánh giá") if p.review_overdue else ""),
                bootstyle="danger" if p.review_overdue else "default")
            if str(p.id) in self.plan_table.get_children() and self.plan_table.selection() != (str(p.id),):
                self.plan_table.selection_set(str(p.id))
        else:
            self.plan_title.configure(text=_("Chưa có kế hoạch phục hồi chức năng."), bootstyle="secondary")
        self._fill_goals()
        self._fill_interventions()
        self._fill_sessions()
        has_plan = p is not None and self.can_edit
        for button in (self.copy_button, self.review_button):
            button.configure(state="normal" if has_plan else "disabled")
        self.print_button.configure(state="normal" if p else "disabled")
        for button in (self.add_goal_button, self.add_intervention_button, self.add_session_button):
            button.configure(state="normal" if has_plan else "disabled")

    def new_plan(self) -> None:
        """Empties the form: "Lưu kế hoạch" then creates a new plan."""
        self.plan = None
        self.plan_table.selection_remove(*self.plan_table.selection())
        today = date.today()
        self.plan_fields["start_date"].set(format_date(today))
        self.plan_fields["review_date"].set(format_date(date.fromordinal(today.toordinal() + 90)))
        self.plan_fields["responsible_id"].set(None)
        self.plan_fields["status"].set("active")
        self.plan_fields["summary"].set("")
        self.plan_title.configure(text=_("Kế hoạch mới: nhập thông tin rồi bấm \"Lưu kế hoạch\"."), bootstyle="info")
        self.tabs.select(0)
        self.plan_fields["start_date"].input.focus_set()

    def save_plan(self) -> None:
        data = {key: field.get() for key, field in self.plan_fields.items()}
        try:
            if self.plan is None:
                row = rehab.create_plan(self.actor, self.resident_id, data)
                text = _("Đã lập kế hoạch mới.")
            else:
                status = data.pop("status")
                row = rehab.update_plan(self.actor, self.plan.id, data, version=self.plan.version)
                if status and status != row.status:
                    row = rehab.set_status(self.actor, row.id, status, version=row.version)
                text = _("Đã lưu kế hoạch.")
        except ValidationError as exc:
            show_problems(self.plan_fields, exc.problems, self.plan_message)
            self.plan_message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            _message(self.plan_message, str(exc), "danger")
            return
        show_problems(self.plan_fields, [], None)
        _message(self.plan_message, text)
        self.reload(row.id)

    def copy_plan(self) -> None:
        if self.plan is None:
            return
        try:
            row = rehab.copy_plan(self.actor, self.plan.id)
        except CaremgrError as exc:
            _message(self.message, str(exc), "danger")
            return
        _message(self.message, _("Đã tạo kế hoạch kỳ sau (nháp) từ {start}: các mục tiêu chưa đạt và các can thiệp "
                                 "được chép sang. Kiểm tra rồi chuyển trạng thái sang \"Đang thực hiện\".").format(
            start=format_date(row.start_date)))
        self.reload(row.id)

    # --- goals --------------------------------------------------------------------------------
    def _build_goals_page(self) -> None:
        page = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(page, text=_("Mục tiêu"))
        form = ttk.Frame(page)
        form.pack(fill="x")
        self.goal_fields = {
            "domain": Field(form, _("Lĩnh vực"), kind="choice", choices=_choices(vocab.GOAL_DOMAINS, False), width=18),
            "statement": Field(form, _("Mục tiêu (đo lường được)"), width=56, required=True),
            "target_date": Field(form, _("Thời hạn"), kind="date", width=12),
            "status": Field(form, _("Kết quả"), kind="choice", choices=_choices(vocab.GOAL_STATUSES, False), width=18),
            "outcome_note": Field(form, _("Nhận xét"), width=56),
            "achieved_date": Field(form, _("Ngày đạt"), kind="date", width=12),
        }
        for i, field in enumerate(self.goal_fields.values()):
            field.grid(row=i // 3, column=i % 3, sticky="nw", padx=(0, 8))
        self.goal_fields["domain"].set("mobility")
        self.goal_fields["status"].set("open")
        buttons = ttk.Frame(page)
        buttons.pack(fill="x")
        self.add_goal_button = ttk.Button(buttons, text=_("Thêm mục tiêu"), bootstyle="success", command=self.add_goal)
        self.add_goal_button.pack(side="left")
        self.save_goal_button = ttk.Button(buttons, text=_("Lưu mục tiêu đang chọn"), bootstyle="primary-outline",
                                           command=self.save_goal, state="disabled")
        self.save_goal_button.pack(side="left", padx=6)
        self.delete_goal_button = ttk.Button(buttons, text=_("Xóa mục tiêu"), bootstyle="danger-outline",
                                             command=self.delete_goal, state="disabled")
        self.delete_goal_button.pack(side="left")
        self.goal_message = ttk.Label(buttons, text="", wraplength=700)
        self.goal_message.pack(side="left", padx=10)
        self.goal_table = scrolled_table(page, [("domain", _("Lĩnh vực"), 110, False), ("statement", _("Mục tiêu"), 360, True),
                                        ("target", _("Thời hạn"), 90, False), ("status", _("Kết quả"), 120, False),
                                        ("achieved", _("Ngày đạt"), 90, False)], height=7)
        self.goal_table.bind("<<TreeviewSelect>>", lambda _e: self._goal_selected())

    def _fill_goals(self) -> None:
        self.goal_table.delete(*self.goal_table.get_children())
        for g in (self.plan.goals if self.plan else ()):
            self.goal_table.insert("", "end", iid=str(g.id), values=(
                g.domain_label, g.statement, format_date(g.target_date), g.status_label, format_date(g.achieved_date)))
        self.goal_id = None
        self._goal_buttons()

    def _goal_buttons(self) -> None:
        state = "normal" if self.goal_id and self.can_edit else "disabled"
        self.save_goal_button.configure(state=state)
        self.delete_goal_button.configure(state=state)

    def _goal(self, goal_id: int | None):
        return next((g for g in (self.plan.goals if self.plan else ()) if g.id == goal_id), None)

    def _goal_selected(self) -> None:
        selected = self.goal_table.selection()
        goal = self._goal(int(selected[0])) if selected else None
        self.goal_id = goal.id if goal else None
        if goal:
            for key in self.goal_fields:
                value = getattr(goal, key)
                self.goal_fields[key].set(format_date(value) if isinstance(value, date) else value)
        self._goal_buttons()

    def _goal_data(self) -> dict:
        return {key: field.get() for key, field in self.goal_fields.items()}

    def add_goal(self) -> None:
        self._goal_write(lambda: rehab.add_goal(self.actor, self.plan.id, self._goal_data()), _("Đã thêm mục tiêu."))

    def save_goal(self) -> None:
        goal = self._goal(self.goal_id)
        if goal:
            self._goal_write(lambda: rehab.update_goal(self.actor, goal.id, self._goal_data(), version=goal.version),
                             _("Đã lưu mục tiêu."))

    def delete_goal(self) -> None:
        from ui.dialogs import confirm

        goal = self._goal(self.goal_id)
        if goal and confirm(self, _("Xóa mục tiêu"), _("Xóa mục tiêu \"{text}\"?").format(text=goal.statement)):
            self._goal_write(lambda: rehab.delete_goal(self.actor, goal.id, version=goal.version), _("Đã xóa mục tiêu."))

    def _goal_write(self, work, text: str) -> None:
        if self.plan is None:
            return
        try:
            work()
        except ValidationError as exc:
            show_problems(self.goal_fields, exc.problems, self.goal_message)
            self.goal_message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            _message(self.goal_message, str(exc), "danger")
            return
        show_problems(self.goal_fields, [], None)
        for key in ("statement", "target_date", "achieved_date", "outcome_note"):
            self.goal_fields[key].set("")
        self.goal_fields["status"].set("open")
        _message(self.goal_message, text)
        self.reload(self.plan.id)

    # --- interventions and sessions -----------------------------------------------------------
    def _build_interventions_page(self) -> None:
        page = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(page, text=_("Can thiệp & buổi tập"))
        form = ttk.Frame(page)
        form.pack(fill="x")
        self.intervention_fields = {
            "kind": Field(form, _("Loại can thiệp"), kind="choice", choices=_choices(vocab.INTERVENTION_TYPES, False),
                          width=22),
            "description": Field(form, _("Nội dung"), width=26),
            "per_week": Field(form, _("Số buổi/tuần"), width=8),
            "minutes": Field(form, _("Phút/buổi"), width=8),
            "responsible_id": Field(form, _("Người phụ trách"), kind="choice", choices=[(None, ""), *self.staff],
                                    width=26),
        }
        for i, field in enumerate(self.intervention_fields.values()):
            field.grid(row=0, column=i, sticky="nw", padx=(0, 8))
        self.intervention_fields["kind"].set("physiotherapy")
        self.intervention_fields["per_week"].set("3")
        self.intervention_fields["minutes"].set("30")
        buttons = ttk.Frame(page)
        buttons.pack(fill="x")
        self.add_intervention_button = ttk.Button(buttons, text=_("Thêm can thiệp"), bootstyle="success",
                                                  command=self.add_intervention)
        self.add_intervention_button.pack(side="left")
        self.save_intervention_button = ttk.Button(buttons, text=_("Lưu can thiệp đang chọn"),
                                                   bootstyle="primary-outline", command=self.save_intervention,
                                                   state="disabled")
        self.save_intervention_button.pack(side="left", padx=6)
        self.delete_intervention_button = ttk.Button(buttons, text=_("Xóa can thiệp"), bootstyle="danger-outline",
                                                     command=self.delete_intervention, state="disabled")
        self.delete_intervention_button.pack(side="left")
        self.intervention_message = ttk.Label(buttons, text="", wraplength=600)
        self.intervention_message.pack(side="left", padx=10)
        self.intervention_table = scrolled_table(page, [
            ("kind", _("Loại"), 135, False), ("description", _("Nội dung"), 170, True),
            ("per_week", _("Buổi/tuần"), 80, False), ("minutes", _("Phút"), 50, False),
            ("responsible", _("Phụ trách"), 130, False), ("done", _("Đã làm/Kế hoạch"), 125, False),
            ("pct", _("Tỷ lệ"), 60, False)], height=4)
        self.intervention_table.bind("<<TreeviewSelect>>", lambda _e: self._intervention_selected())

        sessions = ttk.Labelframe(page, text=_("Buổi tập đã thực hiện"), padding=8)
        sessions.pack(fill="both", expand=True, pady=(8, 0))
        entry = ttk.Frame(sessions)
        entry.pack(fill="x")
        self.session_fields = {
            "session_date": Field(entry, _("Ngày"), kind="date", width=11, required=True),
            "intervention_id": Field(entry, _("Can thiệp"), kind="choice", choices=[], width=24, required=True),
            "minutes": Field(entry, _("Số phút"), width=7, required=True),
            "staff_id": Field(entry, _("Người thực hiện"), kind="choice", choices=[(None, ""), *self.staff], width=24),
            "note": Field(entry, _("Ghi chú"), width=16),
        }
        for i, field in enumerate(self.session_fields.values()):
            field.grid(row=0, column=i, sticky="nw", padx=(0, 8))
        self.session_fields["session_date"].set(format_date(date.today()))
        self.session_fields["intervention_id"].input.bind("<<ComboboxSelected>>", lambda _e: self._session_defaults())
        self.add_session_button = ttk.Button(entry, text=_("Ghi buổi tập"), bootstyle="success",
                                             command=self.add_session)
        self.add_session_button.grid(row=1, column=0, sticky="w")
        self.session_message = ttk.Label(sessions, text="")
        self.session_message.pack(anchor="w")
        self.session_table = scrolled_table(sessions, [
            ("date", _("Ngày"), 90, False), ("kind", _("Can thiệp"), 170, False), ("minutes", _("Phút"), 60, False),
            ("staff", _("Người thực hiện"), 170, False), ("note", _("Ghi chú"), 200, True)], height=5)

    def _fill_interventions(self) -> None:
        self.intervention_table.delete(*self.intervention_table.get_children())
        plan = self.plan
        attendance = {a.intervention_id: a for a in rehab.attendance(self.actor, plan.id)} if plan else {}
        for i in (plan.interventions if plan else ()):
            a = attendance.get(i.id)
            self.intervention_table.insert("", "end", iid=str(i.id), values=(
                i.kind_label, i.description or "", i.per_week, i.minutes, i.responsible_name or "",
                f"{a.delivered}/{a.planned}" if a else "", f"{a.pct:g}%".replace(".", ",") if a else ""))
        self.intervention_id = None
        self._intervention_buttons()
        field = self.session_fields["intervention_id"]
        field.choices = [(i.id, f"{i.kind_label}" + (f" — {i.description}" if i.description else ""))
                         for i in (plan.interventions if plan else ())]
        field.input.configure(values=[label for _c, label in field.choices])
        field.set(field.choices[0][0] if field.choices else None)
        self._session_defaults()

    def _intervention(self, intervention_id: int | None):
        return next((i for i in (self.plan.interventions if self.plan else ()) if i.id == intervention_id), None)

    def _intervention_buttons(self) -> None:
        state = "normal" if self.intervention_id and self.can_edit else "disabled"
        self.save_intervention_button.configure(state=state)
        self.delete_intervention_button.configure(state=state)

    def _intervention_selected(self) -> None:
        selected = self.intervention_table.selection()
        item = self._intervention(int(selected[0])) if selected else None
        self.intervention_id = item.id if item else None
        if item:
            for key in self.intervention_fields:
                self.intervention_fields[key].set(getattr(item, key))
        self._intervention_buttons()

    def _intervention_data(self) -> dict:
        return {key: field.get() for key, field in self.intervention_fields.items()}

    def add_intervention(self) -> None:
        self._intervention_write(lambda: rehab.add_intervention(self.actor, self.plan.id, self._intervention_data()),
                                 _("Đã thêm can thiệp."))

    def save_intervention(self) -> None:
        item = self._intervention(self.intervention_id)
        if item:
            self._intervention_write(lambda: rehab.update_intervention(
                self.actor, item.id, self._intervention_data(), version=item.version), _("Đã lưu can thiệp."))

    def delete_intervention(self) -> None:
        from ui.dialogs import confirm

        item = self._intervention(self.intervention_id)
        if item and confirm(self, _("Xóa can thiệp"), _("Xóa can thiệp \"{kind}\"? Các buổi tập đã ghi vẫn được giữ.")
                            .format(kind=item.kind_label)):
            self._intervention_write(lambda: rehab.delete_intervention(self.actor, item.id, version=item.version),
                                     _("Đã xóa can thiệp."))

    def _intervention_write(self, work, text: str) -> None:
        if self.plan is None:
            return
        try:
            work()
        except ValidationError as exc:
            show_problems(self.intervention_fields, exc.problems, self.intervention_message)
            self.intervention_message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            _message(self.intervention_message, str(exc), "danger")
            return
        show_problems(self.intervention_fields, [], None)
        self.intervention_fields["description"].set("")
        _message(self.intervention_message, text)
        self.reload(self.plan.id)

    def _session_defaults(self) -> None:
        item = self._intervention(self.session_fields["intervention_id"].get())
        if item:
            self.session_fields["minutes"].set(item.minutes)
            if item.responsible_id:
                self.session_fields["staff_id"].set(item.responsible_id)

    def _fill_sessions(self) -> None:
        self.session_table.delete(*self.session_table.get_children())
        if self.plan is None:
            return
        for s in rehab.list_sessions(self.actor, plan_id=self.plan.id):
            self.session_table.insert("", "end", iid=str(s.id), values=(
                format_date(s.session_date), s.kind_label or "", s.minutes, s.staff_name or "", s.note or ""))

    def add_session(self) -> None:
        if self.plan is None:
            return
        data = {key: field.get() for key, field in self.session_fields.items()}
        data.update(resident_id=self.resident_id, plan_id=self.plan.id)
        try:
            rehab.add_session(self.actor, data)
        except ValidationError as exc:
            show_problems(self.session_fields, exc.problems, self.session_message)
            self.session_message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            _message(self.session_message, str(exc), "danger")
            return
        show_problems(self.session_fields, [], None)
        self.session_fields["note"].set("")
        _message(self.session_message, _("Đã ghi buổi tập."))
        self.reload(self.plan.id)

    # --- Barthel ------------------------------------------------------------------------------
    def _build_barthel_page(self) -> None:
        page = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(page, text=_("Đánh giá Barthel"))
        right = ttk.Frame(page)
        right.pack(side="right", fill="both", padx=(12, 0))
        left = ttk.Frame(page)
        left.pack(side="left", fill="both", expand=True)
        self.barthel = BarthelForm(left, self.staff, item_width=30)
        self.barthel.pack(fill="x")
        bar = ttk.Frame(left)
        bar.pack(fill="x", pady=(6, 0))
        self.add_barthel_button = ttk.Button(bar, text=_("Ghi đánh giá Barthel"), bootstyle="success",
                                             command=self.add_barthel, state="normal" if self.can_edit else "disabled")
        self.add_barthel_button.pack(side="left")
        self.barthel_message = ttk.Label(bar, text="", wraplength=380)
        self.barthel_message.pack(side="left", padx=10)
        ttk.Label(right, text=_("Diễn biến tổng điểm Barthel"), font=("TkDefaultFont", 10, "bold")).pack(anchor="w")
        colours = self.shell.app.root.style.colors
        self.chart = tk.Canvas(right, width=330, height=190, background=colours.bg, highlightthickness=0)
        self.chart.pack(fill="x")
        self.assessment_table = scrolled_table(right, [("date", _("Ngày"), 95, False), ("total", _("Điểm"), 50, False),
                                               ("band", _("Mức độ"), 160, True)], height=6)
        self._series: list[tuple[date, int]] = []

    def add_barthel(self) -> None:
        data = self.barthel.data()
        if self.plan is not None:
            data["plan_id"] = self.plan.id
        try:
            row = rehab.add_barthel(self.actor, self.resident_id, data)
        except ValidationError as exc:
            fields = dict(self.barthel.fields, assessor_id=self.barthel.fields["assessor"],
                          assessor_name=self.barthel.fields["assessor"])
            show_problems(fields, exc.problems, self.barthel_message)
            self.barthel_message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            _message(self.barthel_message, str(exc), "danger")
            return
        show_problems(self.barthel.fields, [], None)
        self.barthel.clear()
        _message(self.barthel_message, _("Đã ghi đánh giá Barthel: {total} điểm ({band}).").format(
            total=row.total, band=row.band_label))
        self.reload(self.plan.id if self.plan else None)

    def _fill_assessments(self) -> None:
        self.assessment_table.delete(*self.assessment_table.get_children())
        for a in rehab.list_assessments(self.actor, self.resident_id, kind="barthel"):
            self.assessment_table.insert("", "end", iid=str(a.id), values=(
                format_date(a.assessed_on), a.total, a.band_label, a.assessor_name or ""))
        self._series = rehab.barthel_series(self.actor, self.resident_id)
        self.draw_chart()

    def draw_chart(self) -> None:
        canvas = self.chart
        canvas.delete("all")
        colours = self.shell.app.root.style.colors
        width, height = max(canvas.winfo_width(), 330), max(canvas.winfo_height(), 190)
        left, right, top, bottom = 36, width - 14, 10, height - 22
        for value in (0, 20, 60, 90, 100):  # the band limits
            y = bottom - (bottom - top) * value / 100
            canvas.create_line(left, y, right, y, fill=colours.border, dash=(2, 3) if value not in (0, 100) else ())
            canvas.create_text(left - 4, y, text=str(value), anchor="e", fill=colours.secondary)
        points = self._series
        if not points:
            canvas.create_text((left + right) / 2, (top + bottom) / 2, text=_("Chưa có đánh giá Barthel."),
                               fill=colours.secondary)
            return
        first, last = points[0][0].toordinal(), points[-1][0].toordinal()
        span = max(last - first, 1)
        xy = [(left + 8 + (right - left - 16) * ((day.toordinal() - first) / span if len(points) > 1 else 0.5),
               bottom - (bottom - top) * total / 100) for day, total in points]
        if len(xy) > 1:
            canvas.create_line(*[c for p in xy for c in p], fill=colours.primary, width=2)
        labelled = float("inf")
        for (x, y), (_day, total) in reversed(list(zip(xy, points, strict=True))):
            canvas.create_oval(x - 3, y - 3, x + 3, y + 3, fill=colours.primary, outline=colours.primary)
            if labelled - x >= 26:  # the latest total always; an earlier one only where it does not overlap
                canvas.create_text(x, y - 9, text=str(total), fill=colours.fg)
                labelled = x
        canvas.create_text(xy[0][0], height - 8, text=format_date(points[0][0]), anchor="w", fill=colours.secondary)
        if len(points) > 1:
            canvas.create_text(xy[-1][0], height - 8, text=format_date(points[-1][0]), anchor="e",
                               fill=colours.secondary)

    # --- functional notes ---------------------------------------------------------------------
    def _build_functional_page(self) -> None:
        page = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(page, text=_("Nhận xét chức năng"))
        head = ttk.Frame(page)
        head.pack(fill="x")
        self.functional_fields = {
            "assessed_on": Field(head, _("Ngày đánh giá"), kind="date", width=12, required=True),
            "assessor": Field(head, _("Người đánh giá (chọn hoặc gõ tên)"), kind="combo",
                              choices=[label for _i, label in self.staff], width=34, required=True),
        }
        self.functional_fields["assessed_on"].grid(row=0, column=0, sticky="nw", padx=(0, 10))
        self.functional_fields["assessor"].grid(row=0, column=1, sticky="nw", padx=(0, 10))
        self.functional_fields["assessed_on"].set(format_date(date.today()))
        self.add_functional_button = ttk.Button(head, text=_("Ghi nhận xét"), bootstyle="success",
                                                command=self.add_functional,
                                                state="normal" if self.can_edit else "disabled")
        self.add_functional_button.grid(row=0, column=2, sticky="w", pady=(0, 16))
        self.functional_message = ttk.Label(head, text="", wraplength=500)
        self.functional_message.grid(row=0, column=3, sticky="w", padx=10)
        grid = ttk.Frame(page)
        grid.pack(fill="x")
        self.domain_fields: dict[str, Field] = {}
        for i, (code, label) in enumerate(vocab.GOAL_DOMAINS):
            field = Field(grid, _(label), kind="text", width=56, height=2)
            field.grid(row=i // 2, column=i % 2, sticky="nwe", padx=(0, 12))
            self.domain_fields[code] = field
        grid.columnconfigure(0, weight=1)
        grid.columnconfigure(1, weight=1)
        self.functional_table = scrolled_table(page, [("date", _("Ngày"), 90, False), ("assessor", _("Người đánh giá"), 150, False),
                                              ("summary", _("Nhận xét"), 600, True)], height=4)

    def add_functional(self) -> None:
        data = {"assessed_on": self.functional_fields["assessed_on"].get(),
                "notes": {code: field.get() for code, field in self.domain_fields.items()}}
        assessor_fields(data, self.functional_fields["assessor"].get(), self.staff)
        if self.plan is not None:
            data["plan_id"] = self.plan.id
        try:
            rehab.add_functional(self.actor, self.resident_id, data)
        except ValidationError as exc:
            fields = dict(self.functional_fields, assessor_id=self.functional_fields["assessor"],
                          assessor_name=self.functional_fields["assessor"],
                          **{f"notes.{k}": f for k, f in self.domain_fields.items()})
            show_problems(fields, exc.problems, self.functional_message)
            self.functional_message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            _message(self.functional_message, str(exc), "danger")
            return
        for field in self.domain_fields.values():
            field.set("")
        _message(self.functional_message, _("Đã ghi nhận xét chức năng."))
        self._fill_functional()

    def _fill_functional(self) -> None:
        self.functional_table.delete(*self.functional_table.get_children())
        labels = dict(vocab.GOAL_DOMAINS)
        for a in rehab.list_assessments(self.actor, self.resident_id, kind="functional"):
            text = "; ".join(f"{_(labels.get(k, k))}: {v}" for k, v in (a.items or {}).items() if v)
            self.functional_table.insert("", "end", iid=str(a.id), values=(
                format_date(a.assessed_on), a.assessor_name or "", text))

    # --- review and printing ------------------------------------------------------------------
    def open_review(self):
        from ui.screens.review_dialog import ReviewDialog

        if self.plan is None:
            return None
        self.review_dialog = ReviewDialog(self, self.plan)
        return self.review_dialog

    def reviewed(self, plan_id: int, next_plan_id: int | None) -> None:
        if next_plan_id:
            _message(self.message, _("Đã ghi kết quả đánh giá lại và lập kế hoạch kỳ sau (nháp)."))
        else:
            _message(self.message, _("Đã ghi kết quả đánh giá lại kế hoạch."))
        self.reload(next_plan_id or plan_id)

    def print_plan(self, path: str | None = None) -> None:
        from ui.files import print_plan

        if self.plan is not None:
            print_plan(self, self.actor, self.profile.detail.code, self.plan.id, path=path)

    # --- data ---------------------------------------------------------------------------------
    def reload(self, plan_id: int | None = None) -> None:
        self.plans = rehab.list_plans(self.actor, self.resident_id)
        self.plan_table.delete(*self.plan_table.get_children())
        for p in self.plans:
            self.plan_table.insert("", "end", iid=str(p.id), values=(
                format_date(p.start_date), format_date(p.review_date), p.status_label, p.responsible_name or ""))
        if plan_id is None:
            current = rehab.current_plan(self.actor, self.resident_id)
            plan_id = current.id if current else None
        self.show_plan(plan_id)
        self._fill_assessments()
        self._fill_functional()
