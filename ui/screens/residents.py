"""Đối tượng: the list of residents — search as you type, filters, Vietnamese order, paging.

Only one page of rows is ever put into the table, so the screen stays quick with 100,000 residents.
"""

from __future__ import annotations

import ttkbootstrap as ttk

from caremgr import residents
from caremgr.bhyt import STATUS_LABELS
from caremgr.i18n import N_, _
from caremgr.vocab import CATEGORIES, DISABILITY_TYPES, RESIDENT_STATUSES, SEXES, label
from ui.colours import text_colour

PAGE_SIZE = 100
SEARCH_DELAY_MS = 180  # wait for a pause in typing before asking the database
ANY = ""

COLUMNS = [
    # key, heading, width, anchor, sort order it maps to
    ("code", "Mã", 80, "w", "code"),
    ("full_name", "Họ và tên", 220, "w", "name"),
    ("birth", "Ngày sinh", 90, "center", "age"),
    ("age", "Tuổi", 50, "e", "age"),
    ("sex", "Giới tính", 70, "center", None),
    ("category", "Nhóm", 60, "center", None),
    ("room", "Phòng", 70, "center", "room"),
    ("status", "Tình trạng", 130, "w", None),
    ("insurance", "Thẻ BHYT", 110, "w", None),
]
# RETURN.md "managed and monitored electronically": a health check in the 365 days ending today.
TRACKING_LABELS = {"tracked": N_("Có theo dõi"), "untracked": N_("Chưa theo dõi")}
# Only rows that need action stand out; a valid card is the normal case.
INSURANCE_TAGS = {"expiring": "warning", "expired": "danger", "none": "danger"}


class ResidentsScreen(ttk.Frame):
    def __init__(self, master, shell):
        super().__init__(master, padding=(20, 16))
        self.shell = shell
        self.actor = shell.actor
        self.offset = 0
        self.order = "name"
        self.page = None
        self._pending = None

        top = ttk.Frame(self)
        top.pack(fill="x")
        ttk.Label(top, text=_("Đối tượng"), font=("TkDefaultFont", 18, "bold")).pack(side="left")
        if self.actor.can("residents.edit"):
            self.new_button = ttk.Button(top, text=_("Thêm đối tượng (Ctrl+N)"), icon="person-plus-fill",
                                         bootstyle="success", command=self.new_resident)
            self.new_button.pack(side="right")
            self.import_button = ttk.Button(top, text=_("Nhập từ Excel"), icon="file-earmark-arrow-up",
                                            bootstyle="secondary", command=self.import_file)
            self.import_button.pack(side="right", padx=6)
        self.export_button = ttk.Button(top, text=_("Xuất Excel"), icon="file-earmark-arrow-down",
                                        bootstyle="secondary", command=self.export_file)
        self.export_button.pack(side="right")

        search_bar = ttk.Frame(self)
        search_bar.pack(fill="x", pady=(12, 4))
        ttk.Label(search_bar, text=_("Tìm (Ctrl+F):")).pack(side="left")
        self.search = ttk.Entry(search_bar, width=50)
        self.search.pack(side="left", padx=(6, 4))
        ttk.Label(search_bar, text=_("tên không cần dấu, mã, số CCCD hoặc số thẻ BHYT"), bootstyle="secondary").pack(
            side="left", padx=6)
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 6))
        ttk.ToolTip(self.search, text=_("Gõ tên (không cần dấu), mã, số CCCD hoặc số thẻ BHYT"))
        self.search.bind("<KeyRelease>", lambda _e: self.schedule_search())
        self.search.bind("<Return>", lambda _e: self.refresh())
        self.search.bind("<Down>", lambda _e: self.focus_list() or "break")
        self.filters: dict[str, ttk.Combobox] = {}
        self._filter_choices: dict[str, list[tuple[str, str]]] = {}
        for key, title, choices, default in [
            ("status", _("Tình trạng"), [(c, _(lbl)) for c, lbl in RESIDENT_STATUSES], "in_care"),
            ("category", _("Nhóm"), [(c, f"{c} – {_(lbl)}") for c, lbl in CATEGORIES], ANY),
            ("sex", _("Giới tính"), [(c, _(lbl)) for c, lbl in SEXES], ANY),
            ("age_band", _("Tuổi"), [(k, _(v)) for k, v in residents.AGE_BAND_LABELS.items()], ANY),
            ("disability", _("Khuyết tật"), [("any", _("Có khuyết tật")), ("none", _("Không"))]
             + [(c, _(lbl)) for c, lbl in DISABILITY_TYPES], ANY),
            ("insurance", _("Thẻ BHYT"), [(k, _(v)) for k, v in STATUS_LABELS.items()], ANY),
            ("tracking", _("Theo dõi SK điện tử"), [(k, _(v)) for k, v in TRACKING_LABELS.items()], ANY),
        ]:
            box = ttk.Frame(bar)
            box.pack(side="left", padx=(0, 6))
            ttk.Label(box, text=title, font=("TkDefaultFont", 8), bootstyle="secondary").pack(anchor="w")
            choices = [(ANY, _("Tất cả"))] + choices
            # seven filters side by side still fit a 1280-pixel window (the full labels are in the list)
            combo = ttk.Combobox(box, state="readonly", width=11 if key in ("status", "tracking") else 10,
                                 values=[lbl for _c, lbl in choices])
            combo.set(next(lbl for c, lbl in choices if c == default))
            combo.bind("<<ComboboxSelected>>", lambda _e: self.refresh(reset=True))
            combo.pack()
            self.filters[key] = combo
            self._filter_choices[key] = choices
        ttk.Button(bar, text=_("Xóa lọc"), bootstyle="link", command=self.clear_filters).pack(side="left", anchor="s")

        table_frame = ttk.Frame(self)
        table_frame.pack(fill="both", expand=True)
        self.table = ttk.Treeview(table_frame, columns=[c[0] for c in COLUMNS], show="headings", selectmode="browse")
        for key, heading, width, anchor, sort in COLUMNS:
            self.table.heading(key, text=_(heading), command=(lambda s=sort: self.sort_by(s)) if sort else "")
            self.table.column(key, width=width, anchor=anchor, stretch=key == "full_name")
        for status, style in INSURANCE_TAGS.items():
            self.table.tag_configure(status, foreground=text_colour(shell.app.root, style))
        scroll = ttk.Scrollbar(table_frame, orient="vertical", command=self.table.yview)
        self.table.configure(yscrollcommand=scroll.set)
        self.table.pack(side="left", fill="both", expand=True)
        scroll.pack(side="right", fill="y")
        self.table.bind("<Double-1>", lambda _e: self.open_selected())
        self.table.bind("<Return>", lambda _e: self.open_selected())

        bottom = ttk.Frame(self)
        bottom.pack(fill="x", pady=(6, 0))
        self.count_label = ttk.Label(bottom, text="")
        self.count_label.pack(side="left")
        self.next_button = ttk.Button(bottom, text=_("Trang sau ▶"), bootstyle="secondary-outline",
                                      command=lambda: self.turn(1))
        self.next_button.pack(side="right")
        self.page_label = ttk.Label(bottom, text="")
        self.page_label.pack(side="right", padx=10)
        self.prev_button = ttk.Button(bottom, text=_("◀ Trang trước"), bootstyle="secondary-outline",
                                      command=lambda: self.turn(-1))
        self.prev_button.pack(side="right")
        self.empty_label = ttk.Label(self, text="", bootstyle="info", wraplength=800)
        self.empty_label.pack(anchor="w")
        self.refresh()
        self.search.focus_set()

    # --- keyboard entry points (the shell binds Ctrl+F / Ctrl+N / F5) -----------------------------
    def focus_search(self) -> None:
        self.search.focus_set()
        self.search.select_range(0, "end")

    def focus_list(self) -> None:
        """↓ from the search box: the keyboard moves into the list, first row selected (Enter opens it)."""
        rows = self.table.get_children()
        if rows:
            self.table.focus_set()
            self.table.focus(rows[0])
            self.table.selection_set(rows[0])

    def new_resident(self) -> None:
        if self.actor.can("residents.edit"):
            self.shell.open_resident(None)

    # --- querying -----------------------------------------------------------------------------
    def current_filter(self) -> residents.ResidentFilter:
        values = {}
        for key, combo in self.filters.items():
            shown = combo.get()
            values[key] = next((c for c, lbl in self._filter_choices[key] if lbl == shown), ANY) or None
        return residents.ResidentFilter(text=self.search.get(), **values)

    def schedule_search(self) -> None:
        if self._pending is not None:
            self.after_cancel(self._pending)
        self._pending = self.after(SEARCH_DELAY_MS, lambda: self.refresh(reset=True))

    def refresh(self, reset: bool = False) -> None:
        self._pending = None
        if reset:
            self.offset = 0
        self.page = residents.search(self.actor, self.current_filter(), offset=self.offset, limit=PAGE_SIZE,
                                     order=self.order)
        self.table.delete(*self.table.get_children())
        for row in self.page.rows:
            status = label(RESIDENT_STATUSES, row.status)
            self.table.insert("", "end", iid=str(row.id), tags=(row.insurance_status,), values=(
                row.code, row.full_name, row.birth_display, row.age, label(SEXES, row.sex), row.category,
                row.room or "", status, _(STATUS_LABELS.get(row.insurance_status, row.insurance_status))))
        total = self.page.total
        first = self.offset + 1 if total else 0
        last = self.offset + len(self.page.rows)
        self.count_label.configure(text=_("Hiển thị {first}–{last} trong {total} đối tượng").format(
            first=first, last=last, total=total))
        pages = max(1, -(-total // PAGE_SIZE))
        self.page_label.configure(text=_("Trang {n}/{pages}").format(n=self.offset // PAGE_SIZE + 1, pages=pages))
        self.prev_button.configure(state="normal" if self.offset > 0 else "disabled")
        self.next_button.configure(state="normal" if last < total else "disabled")
        if total:
            self.empty_label.configure(text="")
        elif residents.search(self.actor, residents.ResidentFilter(), limit=1).total:
            self.empty_label.configure(text=_("Không có đối tượng nào khớp. Thử bỏ bớt điều kiện lọc hoặc gõ ít chữ hơn."))
        else:
            self.empty_label.configure(text=_("Chưa có đối tượng nào. Bấm \"Thêm đối tượng\" hoặc \"Nhập từ Excel\" "
                                              "để bắt đầu."))

    def turn(self, step: int) -> None:
        self.offset = max(0, self.offset + step * PAGE_SIZE)
        self.refresh()

    def sort_by(self, order: str) -> None:
        self.order = order
        self.refresh(reset=True)

    def clear_filters(self) -> None:
        self.search.delete(0, "end")
        for key, combo in self.filters.items():
            combo.set(self._filter_choices[key][0][1])
        self.refresh(reset=True)

    def apply_filters(self, **codes: str | None) -> None:
        """Shows the list filtered by filter codes, e.g. ``apply_filters(status="in_care", category="NCT")``;
        the search text and every filter not named are cleared (another screen opening "the list behind")."""
        unknown = set(codes) - set(self.filters)
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        self.search.delete(0, "end")
        for key, combo in self.filters.items():
            wanted = codes.get(key) or ANY
            combo.set(next(lbl for c, lbl in self._filter_choices[key] if c == wanted))
        self.refresh(reset=True)

    def shown_codes(self) -> list[str]:
        return [self.table.set(iid, "code") for iid in self.table.get_children()]

    def open_selected(self) -> None:
        selected = self.table.selection() or self.table.focus()
        if selected:
            iid = selected[0] if isinstance(selected, tuple) else selected
            self.shell.open_resident(int(iid))

    # --- files --------------------------------------------------------------------------------
    def import_file(self) -> None:
        from ui.import_dialog import ImportDialog

        ImportDialog(self, self.actor, on_finished=lambda _result: self.refresh())

    def export_file(self) -> None:
        from ui.files import export_residents

        export_residents(self, self.actor)
