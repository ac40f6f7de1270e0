"""Thẻ BHYT in a profile: every card the resident has had, and a new card or renewal."""

from __future__ import annotations

import ttkbootstrap as ttk

from caremgr import insurance
from caremgr.dates import format_date
from caremgr.i18n import _
from ui.screens.insurance_screen import CardForm
from ui.widgets import show_empty


class CardsTab(ttk.Frame):
    def __init__(self, master, profile):
        super().__init__(master, padding=10)
        self.profile = profile
        self.actor = profile.actor
        self.resident_id = profile.detail.id
        self.table = ttk.Treeview(self, columns=("number", "group", "level", "from", "to", "facility", "status"),
                                  show="headings", height=6)
        for key, title, width in [("number", _("Số thẻ"), 150), ("group", _("Nhóm"), 260), ("level", _("Mức hưởng"), 80),
                                  ("from", _("Từ ngày"), 90), ("to", _("Đến ngày"), 90),
                                  ("facility", _("Nơi đăng ký KCB"), 220), ("status", _("Tình trạng"), 110)]:
            self.table.heading(key, text=title)
            self.table.column(key, width=width, stretch=key in ("group", "facility"))
        self.table.pack(fill="both", expand=True)
        self.details = ttk.Label(self, text="", wraplength=1000, bootstyle="secondary")
        self.details.pack(anchor="w", pady=(4, 8))
        self.table.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        box = ttk.Labelframe(self, text=_("Ghi thẻ mới / gia hạn (thẻ cũ vẫn giữ trong lịch sử)"), padding=10)
        box.pack(fill="x")
        self.form = CardForm(box, self.actor, on_saved=self.saved)
        self.form.pack(fill="x")
        self.reload()

    def reload(self) -> None:
        self.rows = insurance.card_history(self.actor, self.resident_id)
        self.table.delete(*self.table.get_children())
        for row in self.rows:
            self.table.insert("", "end", iid=str(row.id), values=(
                row.number, f"{row.group} – {row.group_label}" if row.group else _("(thẻ mẫu mới: chỉ mã số BHXH)"),
                row.level or "", format_date(row.valid_from), format_date(row.valid_to), row.facility,
                row.status_label))
        show_empty(self.table, _("Chưa có thẻ BHYT nào. Nhập số thẻ và hạn dùng ở dưới rồi bấm Lưu."))
        current = self.rows[0] if self.rows else None
        editable = not self.profile.detail.read_only
        self.form.for_resident(self.resident_id if editable else None, current.facility if current else "")

    def _selected(self) -> None:
        selected = self.table.selection()
        if selected:
            row = next(r for r in self.rows if r.id == int(selected[0]))
            self.details.configure(text=_("Mức hưởng {level}: {text}. Mã số BHXH {no}.").format(
                level=row.level or "—", text=row.level_label or "—", no=row.social_insurance_no or "—"))

    def saved(self) -> None:
        self.reload()
        self.profile.refresh_badges()
