"""Bảo hiểm y tế: card status of every resident in care on a chosen day, renewal, the list for the
social-insurance office (PDF and Excel)."""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import insurance
from caremgr.dates import format_date, parse_date
from caremgr.errors import CaremgrError, ValidationError
from caremgr.i18n import _
from ui.colours import text_colour
from ui.widgets import CalendarButton, Field, keyboard_friendly, notify, show_empty, show_problems

STATUS_STYLES = {"valid": "success", "expiring": "warning", "expired": "danger", "none": "danger"}


class CardForm(ttk.Frame):
    """Number, dates and facility of a new card; used for renewals here and in the profile."""

    def __init__(self, master, actor, on_saved):
        super().__init__(master)
        self.actor = actor
        self.on_saved = on_saved
        self.resident_id: int | None = None
        self.fields = {
            "number": Field(self, _("Số thẻ BHYT"), width=20, help_text=_("15 ký tự, hoặc mã số BHXH 10 số")),
            "valid_from": Field(self, _("Từ ngày"), kind="date", width=12),
            "valid_to": Field(self, _("Đến ngày"), kind="date", width=12),
            "facility": Field(self, _("Nơi đăng ký KCB ban đầu (mã - tên)"), width=30),
        }
        for i, field in enumerate(self.fields.values()):
            field.grid(row=0, column=i, sticky="nw", padx=(0, 8))
        self.save_button = ttk.Button(self, text=_("Ghi thẻ mới"), bootstyle="success", command=self.save,
                                      state="disabled")
        self.save_button.grid(row=0, column=4, sticky="s", pady=(0, 18))
        self.message = ttk.Label(self, text="", wraplength=900)
        self.message.grid(row=1, column=0, columnspan=5, sticky="w")

    def for_resident(self, resident_id: int | None, facility: str = "") -> None:
        self.resident_id = resident_id
        enabled = resident_id is not None and self.actor.can("insurance.edit")
        self.save_button.configure(state="normal" if enabled else "disabled")
        self.fields["facility"].set(facility)

    def save(self) -> None:
        if self.resident_id is None:
            return
        data = {key: field.get() for key, field in self.fields.items()}
        try:
            card = insurance.renew_card(self.actor, self.resident_id, data)
        except ValidationError as exc:
            show_problems(self.fields, exc.problems, self.message)
            self.message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        show_problems(self.fields, [], None)
        for key in ("number", "valid_from", "valid_to"):
            self.fields[key].set("")
        warnings = getattr(card, "warnings", [])
        self.message.configure(text=_("Đã ghi thẻ {number}.").format(number=card.number)
                               + (" " + " ".join(warnings) if warnings else ""),
                               bootstyle="warning" if warnings else "success")
        notify(self, _("Đã ghi thẻ {number}.").format(number=card.number))
        self.on_saved()


class InsuranceScreen(ttk.Frame):
    def __init__(self, master, shell):
        super().__init__(master, padding=(20, 16))
        self.shell = shell
        self.actor = shell.actor
        self.rows: list = []

        top = ttk.Frame(self)
        top.pack(fill="x")
        ttk.Label(top, text=_("Bảo hiểm y tế"), font=("TkDefaultFont", 18, "bold")).pack(side="left")
        self.xlsx_button = ttk.Button(top, text=_("Xuất Excel"), icon="file-earmark-arrow-down",
                                      bootstyle="secondary", command=lambda: self.print_list(xlsx=True))
        self.xlsx_button.pack(side="right")
        self.pdf_button = ttk.Button(top, text=_("In danh sách gửi BHXH"), icon="printer", bootstyle="primary",
                                     command=self.print_list)
        self.pdf_button.pack(side="right", padx=6)

        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(10, 6))
        ttk.Label(bar, text=_("Tính đến ngày:")).pack(side="left")
        self.on_entry = ttk.Entry(bar, width=12)
        self.on_entry.insert(0, format_date(date.today()))
        self.on_entry.pack(side="left", padx=(6, 2))
        CalendarButton(bar, self.on_entry, on_pick=self.refresh).pack(side="left", padx=(0, 6))
        self.on_entry.bind("<Return>", lambda _e: self.refresh())
        self.view_button = ttk.Button(bar, text=_("Xem"), bootstyle="secondary-outline", command=self.refresh)
        self.view_button.pack(side="left")
        self.date_error = ttk.Label(bar, text="", bootstyle="danger")
        self.date_error.pack(side="left", padx=8)

        tiles = ttk.Frame(self)
        tiles.pack(fill="x", pady=(4, 8))
        self.counts: dict[str, ttk.Label] = {}
        for column, (key, title, style) in enumerate([
            ("valid", _("Còn hạn"), "success"), ("expiring", _("Sắp hết hạn"), "warning"),
            ("expired", _("Hết hạn"), "danger"), ("none", _("Chưa có thẻ"), "secondary"),
            ("coverage_pct", _("Tỷ lệ có thẻ còn hạn"), "primary"),
        ]):
            tile = ttk.Frame(tiles, padding=10, bootstyle=style)
            tile.grid(row=0, column=column, sticky="nsew", padx=(0, 8))
            tiles.columnconfigure(column, weight=1, uniform="ins")
            self.counts[key] = ttk.Label(tile, text="", font=("TkDefaultFont", 18, "bold"), bootstyle=f"@{style}")
            self.counts[key].pack(anchor="w")
            ttk.Label(tile, text=title, bootstyle=f"@{style}").pack(anchor="w")

        ttk.Label(self, text=_("Đối tượng đang chăm sóc cần cấp mới hoặc gia hạn thẻ:"),
                  font=("TkDefaultFont", 10, "bold")).pack(anchor="w")
        self.table = ttk.Treeview(self, columns=("code", "name", "birth", "card", "valid_to", "status"),
                                  show="headings", height=12, selectmode="browse")
        for key, title, width in [("code", _("Mã"), 80), ("name", _("Họ và tên"), 220), ("birth", _("Ngày sinh"), 90),
                                  ("card", _("Số thẻ"), 150), ("valid_to", _("Hạn thẻ"), 90),
                                  ("status", _("Tình trạng"), 120)]:
            self.table.heading(key, text=title)
            self.table.column(key, width=width, stretch=key == "name")
        for status, style in STATUS_STYLES.items():
            self.table.tag_configure(status, foreground=text_colour(shell.app.root, style))
        self.table.pack(fill="both", expand=True)
        keyboard_friendly(self.table)
        self.table.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        self.table.bind("<Double-1>", lambda _e: self.open_selected())

        renew = ttk.Labelframe(self, text=_("Ghi thẻ mới / gia hạn cho người được chọn (thẻ cũ vẫn giữ trong lịch sử)"),
                               padding=10)
        renew.pack(fill="x", pady=(8, 0))
        self.form = CardForm(renew, self.actor, on_saved=self.refresh)
        self.form.pack(fill="x")
        self.refresh()

    def day(self) -> date | None:
        try:
            day = parse_date(self.on_entry.get())
        except ValueError as exc:
            self.date_error.configure(text=str(exc))
            return None
        self.date_error.configure(text="")
        return day

    def save(self) -> None:
        """Ctrl+S records the new card typed for the selected resident."""
        self.form.save()

    def refresh(self) -> None:
        day = self.day()
        if day is None:
            return
        counts = insurance.status_counts(self.actor, day)
        for key, label in self.counts.items():
            value = counts[key]
            label.configure(text=f"{value:g}%".replace(".", ",") if key == "coverage_pct" else str(value))
        self.rows = insurance.needing_cards(self.actor, day)
        self.table.delete(*self.table.get_children())
        for row in self.rows:
            self.table.insert("", "end", iid=str(row.resident_id), tags=(row.status,), values=(
                row.code, row.full_name, row.birth.display, row.card_number or "", format_date(row.valid_to),
                row.status_label))
        show_empty(self.table, _("Không có ai cần cấp hay gia hạn thẻ vào ngày này: mọi đối tượng đang chăm sóc "
                                 "đều có thẻ còn hạn, chưa đến lúc gia hạn."))
        self.form.for_resident(None)

    def status_of(self, code: str) -> str | None:
        """What the list shows for a resident (None when the card needs nothing)."""
        for iid in self.table.get_children():
            if self.table.set(iid, "code") == code:
                return self.table.set(iid, "status")
        return None

    def _selected(self) -> None:
        selected = self.table.selection()
        if selected:
            row = next(r for r in self.rows if r.resident_id == int(selected[0]))
            self.form.for_resident(row.resident_id, row.facility)

    def open_selected(self) -> None:
        selected = self.table.selection()
        if selected:
            self.shell.open_resident(int(selected[0]))

    def print_list(self, xlsx: bool = False, path: str | None = None) -> None:
        from ui.files import print_insurance_list

        day = self.day()
        if day is not None:
            print_insurance_list(self, self.actor, day, xlsx=xlsx, path=path)
