"""Phục hồi chức năng for the whole centre: the day's sessions for every resident with an active plan,
entered from one list, and the plans whose review date has passed."""

from __future__ import annotations

import tkinter as tk
from datetime import date

import ttkbootstrap as ttk

from caremgr import rehab
from caremgr.dates import format_date, parse_date
from caremgr.errors import CaremgrError, ValidationError
from caremgr.i18n import _
from caremgr.text import search_key
from ui.widgets import CalendarButton

# Character widths of the day sheet's columns: tick, resident, intervention, minutes, staff, note, recorded.
WIDTHS = (3, 24, 24, 4, 20, 9, 12)


class SessionLine:
    """One row of the day sheet: tick it when the session took place; minutes, who and a note."""

    def __init__(self, master, row, index: int, staff: list[tuple[int, str]], actor_can_edit: bool):
        self.row = row
        self.index = index
        self.staff = staff
        self.done = tk.BooleanVar(value=False)
        self.check = ttk.Checkbutton(master, variable=self.done, state="normal" if actor_can_edit else "disabled")
        self.who = ttk.Label(master, text=f"{row.resident_code}  {row.resident_name}", width=WIDTHS[1])
        what = row.kind_label + (f" — {row.description}" if row.description else "")
        self.what = ttk.Label(master, text=what, width=WIDTHS[2])
        self.minutes = ttk.Entry(master, width=WIDTHS[3])
        self.minutes.insert(0, str(row.minutes or ""))
        self.staff_box = ttk.Combobox(master, values=[""] + [label for _i, label in staff], state="readonly",
                                      width=WIDTHS[4])
        self.staff_box.set(next((label for i, label in staff if i == row.responsible_id), ""))
        self.note = ttk.Entry(master, width=WIDTHS[5])
        self.recorded = ttk.Label(master, text=_("đã ghi {n} buổi").format(n=row.recorded) if row.recorded else "",
                                  bootstyle="success", width=WIDTHS[6])
        self.error = ttk.Label(master, text="", bootstyle="danger")
        self.widgets = [self.check, self.who, self.what, self.minutes, self.staff_box, self.note, self.recorded]

    def grid(self, line: int) -> None:
        for column, widget in enumerate(self.widgets):
            widget.grid(row=2 * line, column=column, sticky="w", padx=(0, 6), pady=(3, 0))
        self.error.grid(row=2 * line + 1, column=1, columnspan=6, sticky="w")
        if not self.error.cget("text"):
            self.error.grid_remove()  # the line takes room only when it has something to say

    def show_error(self, message: str) -> None:
        current = self.error.cget("text")
        self.error.configure(text=(current + " " if current else "") + message)
        self.error.grid()

    def clear_error(self) -> None:
        self.error.configure(text="")
        self.error.grid_remove()

    def hide(self) -> None:
        for widget in [*self.widgets, self.error]:
            widget.grid_remove()

    def entry(self) -> dict:
        staff_id = next((i for i, label in self.staff if label == self.staff_box.get()), None)
        return {"resident_id": self.row.resident_id, "intervention_id": self.row.intervention_id,
                "minutes": self.minutes.get(), "staff_id": staff_id, "note": self.note.get()}


class RehabScreen(ttk.Frame):
    def __init__(self, master, shell):
        super().__init__(master, padding=(20, 16))
        self.shell = shell
        self.actor = shell.actor
        self.can_edit = self.actor.can("rehab.edit")
        self.lines: list[SessionLine] = []
        self.staff = rehab.staff_choices(self.actor)

        ttk.Label(self, text=_("Phục hồi chức năng"), font=("TkDefaultFont", 18, "bold")).pack(anchor="w")
        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True, pady=(8, 0))
        self._build_day()
        self._build_due()
        self.refresh()

    # --- the day's sessions -------------------------------------------------------------------
    def _build_day(self) -> None:
        page = ttk.Frame(self.tabs, padding=10)
        self.tabs.add(page, text=_("Ghi buổi tập trong ngày"))
        bar = ttk.Frame(page)
        bar.pack(fill="x")
        ttk.Label(bar, text=_("Ngày:")).pack(side="left")
        self.day_entry = ttk.Entry(bar, width=12)
        self.day_entry.insert(0, format_date(date.today()))
        self.day_entry.pack(side="left", padx=(6, 2))
        CalendarButton(bar, self.day_entry, on_pick=self.refresh).pack(side="left", padx=(0, 6))
        self.day_entry.bind("<Return>", lambda _e: self.refresh())
        self.view_button = ttk.Button(bar, text=_("Xem"), bootstyle="secondary-outline", command=self.refresh)
        self.view_button.pack(side="left")
        ttk.Label(bar, text=_("Tìm đối tượng:")).pack(side="left", padx=(18, 4))
        self.search = ttk.Entry(bar, width=24)
        self.search.pack(side="left")
        self.search.bind("<KeyRelease>", lambda _e: self._filter())
        self.day_error = ttk.Label(bar, text="", bootstyle="danger")
        self.day_error.pack(side="left", padx=8)
        ttk.Label(page, text=_("Đánh dấu các buổi đã thực hiện, sửa số phút hoặc người thực hiện nếu khác kế hoạch, "
                               "rồi bấm \"Ghi các buổi đã đánh dấu\"."), bootstyle="secondary").pack(anchor="w", pady=(6, 2))

        self.header = header = ttk.Frame(page)
        header.pack(fill="x")
        self.sheet = ttk.ScrolledFrame(page, height=380, padding=4)
        self.sheet.pack(fill="both", expand=True)
        titles = ["✓", _("Đối tượng"), _("Can thiệp"), _("Phút"), _("Người thực hiện"), _("Ghi chú"), ""]
        for column, text in enumerate(titles):
            ttk.Label(header, text=text, font=("TkDefaultFont", 9, "bold")).grid(row=0, column=column, sticky="w")
        self.empty = ttk.Label(self.sheet, text="", bootstyle="secondary")

        buttons = ttk.Frame(page)
        buttons.pack(fill="x", pady=(8, 0))
        state = "normal" if self.can_edit else "disabled"
        self.all_button = ttk.Button(buttons, text=_("Đánh dấu tất cả đang hiện"), bootstyle="secondary-outline",
                                     command=self.tick_all, state=state)
        self.all_button.pack(side="left")
        self.record_button = ttk.Button(buttons, text=_("Ghi các buổi đã đánh dấu"), icon="check2-square",
                                        bootstyle="success", command=self.record, state=state)
        self.record_button.pack(side="left", padx=8)
        self.message = ttk.Label(buttons, text="", wraplength=700)
        self.message.pack(side="left", padx=8)

    def day(self) -> date | None:
        try:
            day = parse_date(self.day_entry.get())
        except ValueError as exc:
            self.day_error.configure(text=str(exc))
            return None
        if day > date.today():
            self.day_error.configure(text=_("Ngày: không được sau hôm nay."))
            return None
        self.day_error.configure(text="")
        return day

    def _fill_day(self, day: date) -> None:
        for line in self.lines:
            for widget in [*line.widgets, line.error]:
                widget.destroy()
        self.lines = [SessionLine(self.sheet, row, i, self.staff, self.can_edit)
                      for i, row in enumerate(rehab.day_sheet(self.actor, day))]
        self._filter()

    def _filter(self) -> None:
        words = search_key(self.search.get()).split()
        shown = 0
        for line in self.lines:
            key = search_key(f"{line.row.resident_code} {line.row.resident_name}")
            if all(w in key for w in words):
                line.grid(shown)
                shown += 1
            else:
                line.hide()
        if shown:
            self.empty.grid_remove()
        else:
            self.empty.configure(text=_("Không có đối tượng nào có kế hoạch đang thực hiện vào ngày này. Lập kế "
                                        "hoạch trong hồ sơ đối tượng, thẻ \"Phục hồi chức năng\".")
                                 if not self.lines else _("Không có đối tượng nào khớp với từ tìm."))
            self.empty.grid(row=0, column=0, columnspan=7, sticky="w")
        self.after_idle(self._align_header)

    def _align_header(self) -> None:
        """The titles sit over the columns of the list below (which scrolls on its own)."""
        offset = self.sheet.winfo_rootx() - self.header.winfo_rootx()
        for column in range(len(WIDTHS)):
            _x, _y, width, _h = self.sheet.grid_bbox(column=column, row=0)
            self.header.columnconfigure(column, minsize=width + (offset if column == 0 else 0))

    def visible_lines(self) -> list[SessionLine]:
        return [line for line in self.lines if line.check.winfo_manager()]

    def tick_all(self) -> None:
        for line in self.visible_lines():
            line.done.set(True)

    def focus_search(self) -> None:
        """Ctrl+F here searches the day sheet (type a name, Tab to the resident's lines)."""
        self.tabs.select(0)
        self.search.focus_set()
        self.search.select_range(0, "end")

    def save(self) -> None:
        """Ctrl+S on the day sheet records the ticked sessions."""
        self.record()

    def record(self) -> None:
        day = self.day()
        if day is None:
            return
        chosen = [line for line in self.lines if line.done.get()]
        for line in self.lines:
            line.clear_error()
        if not chosen:
            self.message.configure(text=_("Chưa đánh dấu buổi tập nào."), bootstyle="warning")
            return
        try:
            saved = rehab.record_day(self.actor, day, [line.entry() for line in chosen])
        except ValidationError as exc:
            for problem in exc.problems:
                index, _dot, _key = problem.field.partition(".")
                if index.isdigit() and int(index) < len(chosen):
                    chosen[int(index)].show_error(problem.message)
            self.message.configure(text=_("Chưa ghi buổi nào: hãy sửa các dòng báo đỏ."), bootstyle="danger")
            return
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        self.message.configure(text=_("Đã ghi {n} buổi tập ngày {day}.").format(n=len(saved), day=format_date(day)),
                               bootstyle="success")
        self.shell.toast(self.message.cget("text"))
        self._fill_day(day)

    # --- plans due for review -----------------------------------------------------------------
    def _build_due(self) -> None:
        page = ttk.Frame(self.tabs, padding=10)
        self.due_page = page
        self.tabs.add(page, text=_("Kế hoạch cần đánh giá lại"))
        ttk.Label(page, text=_("Kế hoạch đang thực hiện đã quá ngày đánh giá lại. Nhấp đúp để mở hồ sơ."),
                  bootstyle="secondary").pack(anchor="w")
        frame = ttk.Frame(page)
        frame.pack(fill="both", expand=True, pady=(6, 0))
        self.due_table = ttk.Treeview(frame, columns=("code", "name", "start", "review", "late", "responsible"),
                                      show="headings", height=14, selectmode="browse")
        for key, title, width in [("code", _("Mã"), 80), ("name", _("Họ và tên"), 220), ("start", _("Bắt đầu"), 90),
                                  ("review", _("Hẹn đánh giá lại"), 110), ("late", _("Quá hạn (ngày)"), 100),
                                  ("responsible", _("Phụ trách"), 200)]:
            self.due_table.heading(key, text=title)
            self.due_table.column(key, width=width, stretch=key in ("name", "responsible"),
                                  anchor="w" if key in ("name", "responsible") else "center")
        bar = ttk.Scrollbar(frame, orient="vertical", command=self.due_table.yview)
        self.due_table.configure(yscrollcommand=bar.set)
        self.due_table.pack(side="left", fill="both", expand=True)
        bar.pack(side="right", fill="y")
        self.due_table.bind("<Double-1>", lambda _e: self.open_selected())
        self.due_table.bind("<Return>", lambda _e: self.open_selected())

    def _fill_due(self) -> None:
        today = date.today()
        self.due = rehab.plans_due_review(self.actor, today)
        self.due_table.delete(*self.due_table.get_children())
        for p in self.due:
            self.due_table.insert("", "end", iid=str(p.id), values=(
                p.resident_code, p.resident_name, format_date(p.start_date), format_date(p.review_date),
                (today - p.review_date).days, p.responsible_name or ""))
        self.tabs.tab(self.due_page, text=_("Kế hoạch cần đánh giá lại ({n})").format(n=len(self.due)))

    def open_selected(self) -> None:
        selected = self.due_table.selection()
        if selected:
            plan = next(p for p in self.due if p.id == int(selected[0]))
            self.shell.open_resident(plan.resident_id, tab="rehab")

    def refresh(self) -> None:
        day = self.day()
        if day is not None:
            self._fill_day(day)
        self._fill_due()
