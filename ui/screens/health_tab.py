"""Sức khỏe: check-ups with out-of-range values marked, conditions (ICD-10), referrals, a chart."""

from __future__ import annotations

import tkinter as tk
from datetime import date

import ttkbootstrap as ttk

from caremgr import health, icd10
from caremgr.dates import format_date
from caremgr.errors import CaremgrError, ValidationError
from caremgr.i18n import _
from ui.widgets import Field, notify, show_empty, show_problems

CHECK_COLUMNS = [
    ("check_date", "Ngày", 92), ("pulse", "Mạch", 60), ("bp", "Huyết áp", 90), ("temperature", "Nhiệt độ", 75),
    ("weight_kg", "Cân nặng", 80), ("bmi", "BMI", 55), ("spo2", "SpO2", 55), ("glucose", "Đường huyết", 95),
    ("examiner", "Người khám", 140), ("findings", "Nhận xét", 120),
]


def _num(value, digits=1) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.{digits}f}"
        if digits:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


ARROWS = {"high": " ↑", "low": " ↓"}


def _marked(text: str, flag: str | None) -> str:
    return f"{text}{ARROWS.get(flag, '')}" if text else text


class HealthTab(ttk.Frame):
    def __init__(self, master, profile):
        super().__init__(master, padding=10)
        self.profile = profile
        self.actor = profile.actor
        self.resident_id = profile.detail.id
        self.can_edit = self.actor.can("health.edit") and not profile.detail.read_only
        self.next_due = ttk.Label(self, text="", font=("TkDefaultFont", 10, "bold"))
        self.next_due.pack(anchor="w")
        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True, pady=(6, 0))
        self._build_checks()
        self._build_conditions()
        self._build_referrals()
        self._build_chart()
        self.reload()

    # --- check-ups ----------------------------------------------------------------------------
    def _build_checks(self) -> None:
        page = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(page, text=_("Khám sức khỏe"))
        form = ttk.Frame(page)
        form.pack(fill="x")
        self.check_fields = {
            "check_date": Field(form, _("Ngày khám"), kind="date", width=12),
            "pulse": Field(form, _("Mạch (lần/phút)"), width=10),
            "blood_pressure": Field(form, _("Huyết áp (mmHg)"), width=10),
            "temperature": Field(form, _("Nhiệt độ (°C)"), width=10),
            "weight_kg": Field(form, _("Cân nặng (kg)"), width=10),
            "height_cm": Field(form, _("Chiều cao (cm)"), width=10),
            "spo2": Field(form, _("SpO2 (%)"), width=8),
            "glucose": Field(form, _("Đường huyết (mmol/L)"), width=12),
            "examiner": Field(form, _("Người khám"), width=18),
        }
        for i, field in enumerate(self.check_fields.values()):
            field.grid(row=i // 5, column=i % 5, sticky="nw", padx=(0, 6))
        self.check_fields["check_date"].set(format_date(date.today()))
        self.findings = Field(form, _("Nhận xét, kết luận"), width=70)
        self.findings.grid(row=2, column=0, columnspan=4, sticky="we")
        self.check_fields["findings"] = self.findings
        self.bmi_label = ttk.Label(form, text="", font=("TkDefaultFont", 10, "bold"))
        self.bmi_label.grid(row=1, column=4, sticky="w", padx=(0, 6))
        for key in ("weight_kg", "height_cm"):
            self.check_fields[key].input.bind("<KeyRelease>", lambda _e: self._show_bmi())
        for field in self.check_fields.values():  # Enter records the check-up, as the button does
            field.input.bind("<Return>", lambda _e: self.add_check() or "break")
        self.add_check_button = ttk.Button(form, text=_("Ghi lần khám"), bootstyle="success", command=self.add_check,
                                           state="normal" if self.can_edit else "disabled")
        self.add_check_button.grid(row=2, column=4, sticky="w")
        self.check_message = ttk.Label(page, text="")
        self.check_message.pack(anchor="w")
        self.check_table = ttk.Treeview(page, columns=[c[0] for c in CHECK_COLUMNS], show="headings", height=8)
        for key, title, width in CHECK_COLUMNS:
            self.check_table.heading(key, text=_(title))
            self.check_table.column(key, width=width, anchor="w" if key in ("examiner", "findings") else "center",
                                    stretch=key == "findings")
        colours = self.profile.shell.app.root.style.colors
        self.check_table.tag_configure("abnormal", foreground=colours.danger)
        self.check_table.pack(fill="both", expand=True, pady=(6, 0))
        ttk.Label(page, text=_("Dòng màu đỏ: có chỉ số ngoài giới hạn bình thường; ↑ cao hơn, ↓ thấp hơn giới hạn."),
                  bootstyle="secondary", font=("TkDefaultFont", 8)).pack(anchor="w")

    def _show_bmi(self) -> None:
        try:
            weight = float(self.check_fields["weight_kg"].get().replace(",", "."))
            height = float(self.check_fields["height_cm"].get().replace(",", "."))
        except ValueError:
            self.bmi_label.configure(text="")
            return
        value = health.bmi(weight, height)
        self.bmi_label.configure(text=f"BMI: {_num(value)}" if value else "")

    def add_check(self) -> None:
        data = {key: field.get() for key, field in self.check_fields.items()}
        try:
            health.add_check(self.actor, self.resident_id, data)
        except ValidationError as exc:
            show_problems(self.check_fields, exc.problems, self.check_message)
            self.check_message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            self.check_message.configure(text=str(exc), bootstyle="danger")
            return
        show_problems(self.check_fields, [], None)
        for key, field in self.check_fields.items():
            if key not in ("check_date", "examiner", "height_cm"):
                field.set("")
        self.check_message.configure(text=_("Đã ghi lần khám."), bootstyle="success")
        notify(self, self.check_message.cget("text"))
        self.reload()

    # --- conditions ---------------------------------------------------------------------------
    def _build_conditions(self) -> None:
        page = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(page, text=_("Bệnh lý (ICD-10)"))
        picker = ttk.Frame(page)
        picker.pack(fill="x")
        ttk.Label(picker, text=_("Tìm mã hoặc tên bệnh (không cần dấu, tiếng Việt hoặc tiếng Anh):")).grid(
            row=0, column=0, columnspan=4, sticky="w")
        self.icd_search = ttk.Entry(picker, width=40)
        self.icd_search.grid(row=1, column=0, sticky="w")
        self.icd_search.bind("<KeyRelease>", lambda _e: self._search_icd())
        self.icd_results = tk.Listbox(picker, height=6, width=80, exportselection=False)
        self.icd_results.grid(row=2, column=0, columnspan=4, sticky="we", pady=(4, 4))
        self._icd_codes: list[str] = []
        self.chronic = tk.BooleanVar()
        self.ncd = tk.BooleanVar()
        ttk.Checkbutton(picker, text=_("Mạn tính"), variable=self.chronic).grid(row=1, column=1, padx=8)
        ttk.Checkbutton(picker, text=_("Bệnh không lây nhiễm"), variable=self.ncd).grid(row=1, column=2, padx=8)
        self.onset = Field(picker, _("Ngày phát hiện"), kind="date", width=12)
        self.onset.grid(row=0, column=4, rowspan=2, sticky="nw", padx=8)
        self.icd_results.bind("<<ListboxSelect>>", lambda _e: self._icd_selected())
        self.add_condition_button = ttk.Button(picker, text=_("Thêm bệnh"), bootstyle="success",
                                               command=self.add_condition,
                                               state="normal" if self.can_edit else "disabled")
        self.add_condition_button.grid(row=1, column=3)
        self.condition_message = ttk.Label(page, text="")
        self.condition_message.pack(anchor="w")
        self.condition_table = ttk.Treeview(page, columns=("icd10", "title", "chronic", "status", "onset"),
                                            show="headings", height=6)
        for key, title, width in [("icd10", _("Mã"), 70), ("title", _("Tên bệnh"), 380),
                                  ("chronic", _("Mạn tính"), 80), ("status", _("Tình trạng"), 100),
                                  ("onset", _("Phát hiện"), 90)]:
            self.condition_table.heading(key, text=title)
            self.condition_table.column(key, width=width)
        self.condition_table.pack(fill="both", expand=True)
        self.resolve_button = ttk.Button(page, text=_("Đánh dấu đã khỏi"), bootstyle="secondary-link",
                                         command=self.resolve_condition,
                                         state="normal" if self.can_edit else "disabled")
        self.resolve_button.pack(anchor="w")

    def _search_icd(self) -> None:
        results = icd10.search(self.icd_search.get(), limit=30) if self.icd_search.get().strip() else []
        self._icd_codes = [code for code, _title, _en in results]
        self.icd_results.delete(0, "end")
        for code, title, english in results:
            extra = f"  ({english})" if english and english != title else ""
            self.icd_results.insert("end", f"{code}  {title}{extra}")

    def _icd_selected(self) -> None:
        selection = self.icd_results.curselection()
        if selection:
            code = self._icd_codes[selection[0]]
            self.chronic.set(icd10.is_chronic_hint(code))

    def add_condition(self) -> None:
        selection = self.icd_results.curselection()
        if not selection:
            self.condition_message.configure(text=_("Hãy tìm và chọn một mã ICD-10 trong danh sách."),
                                             bootstyle="danger")
            return
        data = {"icd10": self._icd_codes[selection[0]], "chronic": self.chronic.get(), "ncd": self.ncd.get(),
                "onset_date": self.onset.get(), "status": "active"}
        try:
            health.add_condition(self.actor, self.resident_id, data)
        except CaremgrError as exc:
            self.condition_message.configure(text=str(exc), bootstyle="danger")
            return
        self.condition_message.configure(text=_("Đã thêm {code}.").format(code=data["icd10"]), bootstyle="success")
        notify(self, self.condition_message.cget("text"))
        self.reload()

    def resolve_condition(self) -> None:
        selected = self.condition_table.selection()
        if selected:
            try:
                health.resolve_condition(self.actor, int(selected[0]), date.today())
            except CaremgrError as exc:
                self.condition_message.configure(text=str(exc), bootstyle="danger")
                return
            self.reload()

    # --- referrals ----------------------------------------------------------------------------
    def _build_referrals(self) -> None:
        page = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(page, text=_("Chuyển viện"))
        form = ttk.Frame(page)
        form.pack(fill="x")
        self.referral_fields = {
            "referral_date": Field(form, _("Ngày chuyển"), kind="date", width=12),
            "facility": Field(form, _("Nơi chuyển đến"), width=24),
            "reason": Field(form, _("Lý do"), width=20),
            "result": Field(form, _("Kết quả"), width=16),
            "return_date": Field(form, _("Ngày về"), kind="date", width=12),
        }
        for i, field in enumerate(self.referral_fields.values()):
            field.grid(row=0, column=i, sticky="nw", padx=(0, 6))
        self.referral_fields["referral_date"].set(format_date(date.today()))
        self.add_referral_button = ttk.Button(form, text=_("Ghi chuyển viện"), bootstyle="success",
                                              command=self.add_referral,
                                              state="normal" if self.can_edit else "disabled")
        self.add_referral_button.grid(row=1, column=0, sticky="w", pady=(2, 0))  # the row is full at 1280 px
        self.referral_message = ttk.Label(page, text="")
        self.referral_message.pack(anchor="w")
        self.referral_table = ttk.Treeview(page, columns=("date", "facility", "reason", "result", "back"),
                                           show="headings", height=6)
        for key, title, width in [("date", _("Ngày"), 86), ("facility", _("Nơi chuyển đến"), 240),
                                  ("reason", _("Lý do"), 220), ("result", _("Kết quả"), 200),
                                  ("back", _("Ngày về"), 86)]:
            self.referral_table.heading(key, text=title)
            self.referral_table.column(key, width=width)
        self.referral_table.pack(fill="both", expand=True)

    def add_referral(self) -> None:
        data = {key: field.get() for key, field in self.referral_fields.items()}
        try:
            health.add_referral(self.actor, self.resident_id, data)
        except ValidationError as exc:
            show_problems(self.referral_fields, exc.problems, self.referral_message)
            self.referral_message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            self.referral_message.configure(text=str(exc), bootstyle="danger")
            return
        show_problems(self.referral_fields, [], None)
        for key in ("facility", "reason", "result", "return_date"):
            self.referral_fields[key].set("")
        self.referral_message.configure(text=_("Đã ghi chuyển viện."), bootstyle="success")
        notify(self, self.referral_message.cget("text"))
        self.reload()

    # --- chart --------------------------------------------------------------------------------
    def _build_chart(self) -> None:
        page = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(page, text=_("Biểu đồ"))
        colours = self.profile.shell.app.root.style.colors
        self.chart = tk.Canvas(page, height=320, background=colours.bg, highlightthickness=0)
        self.chart.pack(fill="both", expand=True)
        self.chart.bind("<Configure>", lambda _e: self.draw_chart())
        self._series = {"dates": [], "weight": [], "systolic": [], "diastolic": []}

    def draw_chart(self) -> None:
        canvas = self.chart
        canvas.delete("all")
        colours = self.profile.shell.app.root.style.colors
        width, height = max(canvas.winfo_width(), 300), max(canvas.winfo_height(), 200)
        dates = self._series["dates"]
        if len(dates) < 2:
            canvas.create_text(width / 2, height / 2, text=_("Cần ít nhất hai lần khám để vẽ biểu đồ."),
                               fill=colours.secondary)
            return
        half = (height - 30) / 2
        # (title, lines, top, reference values drawn dashed, least span of the axis)
        panels = [
            (_("Cân nặng (kg)"), [("weight", colours.primary)], 10, (), 10),
            (_("Huyết áp (mmHg): tâm thu (đỏ), tâm trương (xanh)"),
             [("systolic", colours.danger), ("diastolic", colours.info)], 20 + half, (140, 90), 40),
        ]
        start, end = dates[0].toordinal(), dates[-1].toordinal()
        span = max(end - start, 1)
        def x_of(day):
            return 50 + (width - 70) * (day.toordinal() - start) / span

        for title, lines, top, references, least_span in panels:
            values = [v for key, _c in lines for v in self._series[key] if v is not None]
            canvas.create_text(50, top + 4, text=title, anchor="w", fill=colours.fg)
            if not values:
                continue
            low, high = min(values + list(references)), max(values + list(references))
            if high - low < least_span:  # a small change must not look dramatic
                middle = (high + low) / 2
                low, high = middle - least_span / 2, middle + least_span / 2
            pad = (high - low) * 0.08
            low, high = low - pad, high + pad

            def y_of(value, top=top, low=low, high=high):
                return top + 14 + (half - 24) * (1 - (value - low) / (high - low))

            canvas.create_text(44, top + 18, text=_num(float(round(high)), 0), anchor="e", fill=colours.secondary)
            canvas.create_text(44, top + half - 6, text=_num(float(round(low)), 0), anchor="e", fill=colours.secondary)
            for reference in references:
                canvas.create_line(50, y_of(reference), width - 20, y_of(reference), fill=colours.secondary, dash=(4, 3))
                canvas.create_text(width - 22, y_of(reference) - 7, text=str(reference), anchor="e",
                                   fill=colours.secondary)
            for key, colour in lines:
                points = [(x_of(day), y_of(value)) for day, value in zip(dates, self._series[key], strict=False)
                          if value is not None]
                if len(points) >= 2:
                    canvas.create_line(*[c for p in points for c in p], fill=colour, width=2)
                for x, y in points:
                    canvas.create_oval(x - 2.5, y - 2.5, x + 2.5, y + 2.5, fill=colour, outline=colour)
        # a date under the first, middle and last check
        for day, anchor in ((dates[0], "w"), (dates[len(dates) // 2], "center"), (dates[-1], "e")):
            canvas.create_text(x_of(day), height - 8, text=format_date(day), anchor=anchor, fill=colours.secondary)

    # --- data ---------------------------------------------------------------------------------
    def reload(self) -> None:
        due = health.next_check_due(self.resident_id)
        overdue = health.is_overdue(self.resident_id)
        self.next_due.configure(
            text=_("Lần khám tiếp theo: {day}").format(day=format_date(due)) + (f" — {_('quá hạn')}" if overdue else ""),
            bootstyle="danger" if overdue else "success")
        self.check_table.delete(*self.check_table.get_children())
        for row in health.list_checks(self.actor, self.resident_id):
            f = row.flags
            bp = f"{row.systolic}/{row.diastolic}" if row.systolic and row.diastolic else ""
            bp = _marked(bp, f.get("systolic") or f.get("diastolic"))
            self.check_table.insert("", "end", iid=str(row.id), tags=("abnormal",) if f else (), values=(
                format_date(row.check_date), _marked(_num(row.pulse), f.get("pulse")), bp,
                _marked(_num(row.temperature), f.get("temperature")), _num(row.weight_kg),
                _marked(_num(row.bmi), f.get("bmi")), _marked(_num(row.spo2), f.get("spo2")),
                _marked(_num(row.glucose), f.get("glucose")), row.examiner or "", row.findings or ""))
        show_empty(self.check_table, _("Chưa có lần khám nào. Nhập các chỉ số ở trên rồi bấm \"Ghi lần khám\"."))
        self.condition_table.delete(*self.condition_table.get_children())
        for c in health.list_conditions(self.actor, self.resident_id):
            self.condition_table.insert("", "end", iid=str(c.id), values=(
                c.icd10, c.title, _("Có") if c.chronic else "", _(dict(health.CONDITION_STATUSES).get(c.status, c.status)),
                format_date(c.onset_date)))
        show_empty(self.condition_table, _("Chưa ghi bệnh lý nào. Gõ tên bệnh hoặc mã ICD-10 vào ô tìm ở trên."))
        self.referral_table.delete(*self.referral_table.get_children())
        for r in health.list_referrals(self.actor, self.resident_id):
            self.referral_table.insert("", "end", iid=str(r.id), values=(
                format_date(r.referral_date), r.facility, r.reason or "", r.result or "", format_date(r.return_date)))
        show_empty(self.referral_table, _("Chưa có lần chuyển viện nào."))
        self._series = health.series(self.actor, self.resident_id)
        self.draw_chart()
