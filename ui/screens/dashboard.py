"""Tổng quan: live counts of the centre and what needs attention today."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from caremgr import dashboard
from caremgr.i18n import N_, _
from caremgr.vocab import CATEGORIES
from ui.colours import text_colour


def pct(value: float) -> str:
    """86.7 -> "86,7%": Vietnamese writes a decimal comma."""
    return f"{value:g}".replace(".", ",") + "%"

ALERT_TEXT = {
    "cards_expired": N_("đối tượng có thẻ BHYT đã hết hạn"),
    "cards_expiring": N_("thẻ BHYT sắp hết hạn"),
    "no_card": N_("đối tượng đang chăm sóc chưa có thẻ BHYT"),
    "checks_overdue": N_("đối tượng quá hạn kiểm tra sức khỏe"),
    "plans_due": N_("kế hoạch PHCN đến hạn đánh giá lại"),
    "licences_expired": N_("chứng chỉ hành nghề đã hết hạn"),
    "licences_expiring": N_("chứng chỉ hành nghề hết hạn trong 90 ngày"),
}

# Where a click on an alert goes: (screen, what to show there).
ALERT_TARGETS = {
    "cards_expired": ("insurance", None), "cards_expiring": ("insurance", None), "no_card": ("insurance", None),
    "plans_due": ("rehab", "due"), "licences_expired": ("staff", "expired"), "licences_expiring": ("staff", "expiring"),
}


class DashboardScreen(ttk.Frame):
    def __init__(self, master, shell):
        super().__init__(master, padding=20)
        self.shell = shell
        self.data = dashboard.summary(shell.actor)
        d = self.data
        ttk.Label(self, text=_("Tổng quan"), font=("TkDefaultFont", 18, "bold")).pack(anchor="w")
        ttk.Label(self, text=_("Số liệu ngày {day}").format(day=d.on.strftime("%d/%m/%Y")),
                  bootstyle="secondary").pack(anchor="w", pady=(0, 12))

        tiles = ttk.Frame(self)
        tiles.pack(fill="x")
        tracking_target = _(" (chỉ tiêu {n})").format(n=pct(d.tracking_target)) \
            if d.tracking_target is not None else ""
        training_target = _(" (chỉ tiêu {n})").format(n=d.training_target) if d.training_target is not None else ""
        self.tiles = {}
        for column, (key, title, value, style) in enumerate([
            ("in_care", _("Đang chăm sóc"), str(d.in_care), "primary"),
            ("coverage", _("Có thẻ BHYT còn hạn"), pct(d.coverage_pct) if d.in_care else "—",
             "success" if d.coverage_pct >= 100 or not d.in_care else "warning" if d.coverage_pct >= 90 else "danger"),
            ("tracking", _("Theo dõi sức khỏe điện tử") + tracking_target, pct(d.tracked_pct),
             "success" if d.tracking_target is not None and d.tracked_pct >= d.tracking_target else "warning"),
            ("plans_due", _("Kế hoạch PHCN đến hạn đánh giá"), str(d.plans_due_review), "info"),
            ("training", _("Lượt tập huấn năm nay") + training_target, str(d.training_turns),
             "success" if d.training_target is not None and d.training_turns >= d.training_target else "secondary"),
        ]):
            tile = ttk.Frame(tiles, padding=14, bootstyle=style)
            tile.grid(row=0, column=column, sticky="nsew", padx=(0, 10))
            tiles.columnconfigure(column, weight=1, uniform="tile")
            value_label = ttk.Label(tile, text=value, font=("TkDefaultFont", 20, "bold"),
                                    bootstyle=f"@{style}")
            value_label.pack(anchor="w")
            ttk.Label(tile, text=title, bootstyle=f"@{style}", wraplength=150).pack(anchor="w")
            self.tiles[key] = value_label

        if not d.in_care:
            ttk.Label(self, text=_("Chưa có đối tượng nào. Vào mục \"Đối tượng\" để thêm hồ sơ hoặc nhập danh "
                                   "sách từ Excel; các số liệu ở đây sẽ tự cập nhật."),
                      bootstyle="info", wraplength=900).pack(anchor="w", pady=(12, 0))
        lower = ttk.Frame(self)
        lower.pack(fill="both", expand=True, pady=(18, 0))
        lower.columnconfigure(0, weight=3)
        lower.columnconfigure(1, weight=2)

        chart_box = ttk.Labelframe(lower, text=_("Đối tượng đang chăm sóc theo nhóm"), padding=10)
        chart_box.grid(row=0, column=0, sticky="nsew", padx=(0, 12))
        self.category_table = ttk.Treeview(chart_box, columns=("label", "count"), show="headings", height=7)
        self.category_table.heading("label", text=_("Nhóm đối tượng"))
        self.category_table.heading("count", text=_("Số người"))
        self.category_table.column("count", width=90, anchor="e")
        for code, label in CATEGORIES:
            self.category_table.insert("", "end", iid=code, values=(f"{code} – {_(label)}", d.by_category.get(code, 0)))
        self.category_table.pack(fill="x")
        self.chart = tk.Canvas(chart_box, height=170, highlightthickness=0,
                               background=shell.app.root.style.colors.bg)
        self.chart.pack(fill="both", expand=True, pady=(10, 0))
        self.chart.bind("<Configure>", lambda _e: self._draw_chart())

        side = ttk.Frame(lower)
        side.grid(row=0, column=1, sticky="nsew")
        cards = ttk.Labelframe(side, text=_("Thẻ bảo hiểm y tế"), padding=10)
        cards.pack(fill="x")
        self.card_labels = {}
        for status, label, style in [("valid", _("Còn hạn (chưa cần gia hạn)"), "success"), ("expiring", _("Sắp hết hạn"), "warning"),
                                     ("expired", _("Hết hạn"), "danger"), ("none", _("Chưa có thẻ"), "secondary")]:
            row = ttk.Frame(cards)
            row.pack(fill="x", pady=1)
            ttk.Label(row, text=label, foreground=text_colour(shell.app.root, style)).pack(side="left")
            self.card_labels[status] = ttk.Label(row, text=str(d.insurance[status]), font=("TkDefaultFont", 10, "bold"))
            self.card_labels[status].pack(side="right")

        alerts = ttk.Labelframe(side, text=_("Cần chú ý"), padding=10)
        alerts.pack(fill="both", expand=True, pady=(12, 0))
        self.alert_labels = []
        if not d.alerts:
            ttk.Label(alerts, text=_("Không có việc cần chú ý."), bootstyle="success").pack(anchor="w")
        for kind, level, count in d.alerts:
            label = ttk.Label(alerts, text=f"• {count} {_(ALERT_TEXT[kind])}", wraplength=360,
                              foreground=text_colour(shell.app.root, level))
            label.pack(anchor="w", pady=1)
            target = ALERT_TARGETS.get(kind)
            if target and target[0] in shell.nav_buttons:
                label.configure(cursor="hand2")
                label.bind("<Button-1>", lambda _e, t=target: self.follow(*t))
            self.alert_labels.append(label)

    def follow(self, screen: str, detail: str | None) -> None:
        """An alert opens the screen where it is dealt with."""
        if not self.shell.show(screen):
            return
        target = self.shell.screen
        if detail == "due" and hasattr(target, "due_page"):
            target.tabs.select(target.due_page)
        elif detail in ("expired", "expiring") and hasattr(target, "staff_panel"):
            target.staff_panel.filters["licence"].set(detail)
            target.staff_panel.refresh()

    def _draw_chart(self) -> None:
        canvas = self.chart
        canvas.delete("all")
        width = max(canvas.winfo_width(), 200)
        height = max(canvas.winfo_height(), 100)
        counts = [(code, self.data.by_category.get(code, 0)) for code, _label in CATEGORIES]
        top = max((c for _code, c in counts), default=0) or 1
        slot = width / len(counts)
        colours = self.shell.app.root.style.colors
        for i, (code, count) in enumerate(counts):
            bar_h = (height - 40) * count / top
            x0 = i * slot + slot * 0.2
            x1 = (i + 1) * slot - slot * 0.2
            canvas.create_rectangle(x0, height - 20 - bar_h, x1, height - 20, fill=colours.primary, width=0)
            canvas.create_text((x0 + x1) / 2, height - 8, text=code, fill=colours.fg)
            canvas.create_text((x0 + x1) / 2, height - 28 - bar_h, text=str(count), fill=colours.fg)
