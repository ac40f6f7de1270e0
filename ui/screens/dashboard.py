"""Tổng quan: live counts of the centre, four charts against the targets, and what needs attention today.

Every chart opens the list behind it with one click: a category bar → the residents in care of that
category; a BHYT segment → the residents in care with that card status (the residents list has the
card-status filter; the insurance screen lists everyone in care, so it would not narrow anything); the
tracking chart → the residents in care without electronic health tracking; the training chart → the
staff screen's training tab for this year. The alerts open the screen where each is dealt with.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass

import ttkbootstrap as ttk

from caremgr import dashboard
from caremgr.bhyt import STATUS_LABELS
from caremgr.i18n import N_, _
from caremgr.vocab import CATEGORIES
from ui.colours import DARK_AMBER, text_colour

CLICK_HINT = N_("Bấm để xem danh sách")
INSURANCE_ORDER = ("valid", "expiring", "expired", "none")
CHART_MIN_HEIGHT = 180


def pct(value: float) -> str:
    """86.7 -> "86,7%": Vietnamese writes a decimal comma."""
    return f"{value:g}".replace(".", ",") + "%"


def number(value: int) -> str:
    """1234 -> "1.234": Vietnamese groups thousands with a dot."""
    return f"{value:,}".replace(",", ".")


def verdict(met: bool | None) -> str:
    if met is None:
        return _("chưa đặt chỉ tiêu")
    return _("Đạt") if met else _("Chưa đạt")


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


# --- colours ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Palette:
    """The chart colours of the current theme (light or dark), read from the ttkbootstrap style."""

    bg: str
    fg: str
    muted: str  # secondary text
    track: str  # the empty part of a bar
    bar: str
    segments: dict[str, str]  # card status -> fill
    good: str  # "Đạt" text
    bad: str  # "Chưa đạt" text
    warn_text: str


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) != 6:
        return 1.0
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def palette(widget) -> Palette:
    colours = widget.winfo_toplevel().style.colors
    dark = _luminance(colours.bg) < 0.5
    return Palette(
        bg=colours.bg, fg=colours.fg, muted=colours.secondary, track=colours.border, bar=colours.primary,
        segments={"valid": colours.success, "expiring": colours.warning, "expired": colours.danger,
                  "none": colours.secondary},
        good=colours.success, bad=colours.danger, warn_text=colours.warning if dark else DARK_AMBER,
    )


# --- a clickable chart -----------------------------------------------------------------------------

class Chart:
    """A titled canvas redrawn to its size by ``draw(chart)``; ``link`` makes items open a list."""

    def __init__(self, master, title: str, draw: Callable[[Chart], None], hint: str | None):
        self.frame = ttk.Labelframe(master, text=title, padding=(8, 2, 8, 6))
        self.canvas = tk.Canvas(self.frame, height=CHART_MIN_HEIGHT, width=300, highlightthickness=0)
        self.canvas.pack(fill="both", expand=True)
        self.draw = draw
        self.commands: dict[str, Callable[[], None]] = {}
        self.items: dict[str, list[int]] = {}
        self.values: dict[str, str] = {}  # the value label of each item, as shown ("1.234")
        self.palette: Palette | None = None
        if hint:
            ttk.ToolTip(self.canvas, text=hint)
        self.canvas.bind("<Configure>", lambda _e: self.redraw())
        self.canvas.bind("<<ThemeChanged>>", lambda _e: self.redraw())

    @property
    def width(self) -> int:
        return max(self.canvas.winfo_width(), 240)

    @property
    def height(self) -> int:
        return max(self.canvas.winfo_height(), CHART_MIN_HEIGHT)

    def redraw(self) -> None:
        self.palette = palette(self.canvas)
        self.canvas.delete("all")
        self.canvas.configure(background=self.palette.bg)
        self.items.clear()
        self.values.clear()
        self.draw(self)

    def text(self, x, y, text: str, *, anchor="center", fill=None, size: int | None = None, bold=False) -> int:
        font = ("TkDefaultFont", size, "bold" if bold else "normal") if size else (
            ("TkDefaultFont", 10, "bold") if bold else "TkDefaultFont")
        return self.canvas.create_text(x, y, text=text, anchor=anchor, fill=fill or self.palette.fg, font=font)

    def link(self, key: str, items: list[int], command: Callable[[], None] | None) -> None:
        """Clicking any of ``items`` runs ``command`` (nothing when None: the user may not see that list)."""
        self.items[key] = items
        if command is None:
            return
        tag = f"link-{key}"
        for item in items:
            self.canvas.addtag_withtag(tag, item)
        self.canvas.tag_bind(tag, "<Button-1>", lambda _e: command())
        self.canvas.tag_bind(tag, "<Enter>", lambda _e: self.canvas.configure(cursor="hand2"))
        self.canvas.tag_bind(tag, "<Leave>", lambda _e: self.canvas.configure(cursor=""))
        self.commands[key] = command

    def invoke(self, key: str) -> None:
        self.commands[key]()

    def point_of(self, key: str) -> tuple[int, int]:
        """A point inside the first (largest) item of ``key``, to click in tests."""
        x0, y0, x1, y1 = self.canvas.bbox(self.items[key][0])
        return (x0 + x1) // 2, (y0 + y1) // 2


# --- the four charts (small functions of a Chart and plain figures) --------------------------------

def draw_categories(chart: Chart, by_category: dict[str, int], open_category) -> None:
    """Vertical bars of the residents in care by category; each bar (its whole column) opens that category."""
    c, p = chart.canvas, chart.palette
    width, height = chart.width, chart.height
    counts = [(code, by_category.get(code, 0)) for code, _label in CATEGORIES]
    top = max((n for _code, n in counts), default=0) or 1
    slot = width / len(counts)
    base = height - 22
    room = base - 24
    for i, (code, n) in enumerate(counts):
        left, right = i * slot, (i + 1) * slot
        hit = c.create_rectangle(left + 2, 2, right - 2, height - 2, fill=p.bg, outline="")
        bar_h = room * n / top
        x0, x1 = left + slot * 0.18, right - slot * 0.18
        bar = c.create_rectangle(x0, base - max(bar_h, 1), x1, base, fill=p.bar, outline="")
        value = chart.text((x0 + x1) / 2, base - bar_h - 10, number(n))
        code_text = chart.text((x0 + x1) / 2, base + 11, code, fill=p.muted)
        chart.link(code, [hit, bar, value, code_text], open_category and (lambda k=code: open_category(k)))
        chart.values[code] = number(n)
    c.create_line(0, base, width, base, fill=p.track)


BAR_TOP, BAR_BOTTOM = 58, 88  # the bar of the three charts against a target
BELOW = 128  # the legend or the detail line under the bar and its target label


def _header(chart: Chart, value_text: str, met: bool | None, target_text: str) -> list[int]:
    """The figure (large) and, under it, "Chỉ tiêu 80% · Đạt" in the colour of the verdict."""
    p = chart.palette
    fill = p.muted if met is None else p.good if met else p.bad
    text = f"{target_text} · {verdict(met)}" if target_text else verdict(met)
    return [chart.text(6, 14, value_text, anchor="w", size=13, bold=True),
            chart.text(6, 38, text, anchor="w", fill=fill, bold=True)]


def _target_mark(chart: Chart, x: float, y0: float, y1: float, label: str) -> None:
    p = chart.palette
    chart.canvas.create_line(x, y0 - 8, x, y1 + 8, fill=p.fg, width=2, dash=(4, 2))
    anchor = "ne" if x > chart.width - 60 else "nw" if x < 60 else "n"
    chart.text(x, y1 + 10, label, anchor=anchor, fill=p.fg)


def draw_insurance(chart: Chart, data: dashboard.Dashboard, open_status) -> None:
    """One stacked bar of the card statuses of the residents in care, the 100% target at its end, and a
    legend with the counts; each segment and its legend line opens the residents with that status."""
    c, p = chart.canvas, chart.palette
    width = chart.width
    total = data.in_care
    target = data.insurance_target
    target_text = _("Chỉ tiêu {n}").format(n=pct(target)) if target is not None else ""
    _header(chart, _("{pct} ({n}/{total} đối tượng)").format(
        pct=pct(data.coverage_pct), n=number(data.insured), total=number(total)), data.coverage_met, target_text)
    x0, x1, y0, y1 = 8, width - 8, BAR_TOP, BAR_BOTTOM
    c.create_rectangle(x0, y0, x1, y1, fill=p.track, outline="")
    segments: dict[str, list[int]] = {status: [] for status in INSURANCE_ORDER}
    x = x0
    for status in INSURANCE_ORDER:
        n = data.insurance.get(status, 0)
        if not n or not total:
            continue
        end = x + (x1 - x0) * n / total
        segments[status].append(c.create_rectangle(x, y0, end, y1, fill=p.segments[status], outline=p.bg))
        x = end
    if target is not None:
        _target_mark(chart, x0 + (x1 - x0) * min(float(target), 100.0) / 100, y0, y1,
                     target_text)
    column_w = (width - 12) / 2
    for i, status in enumerate(INSURANCE_ORDER):
        lx = 8 + (i % 2) * column_w
        ly = BELOW + (i // 2) * 24
        hit = c.create_rectangle(lx - 2, ly - 10, lx + column_w - 8, ly + 10, fill=p.bg, outline="")
        swatch = c.create_rectangle(lx, ly - 6, lx + 12, ly + 6, fill=p.segments[status], outline="")
        n = data.insurance.get(status, 0)
        fill = p.warn_text if status == "expiring" else p.fg
        text = chart.text(lx + 18, ly, f"{_(STATUS_LABELS[status])}: {number(n)}", anchor="w", fill=fill)
        items = segments[status] + [hit, swatch, text] if segments[status] else [hit, swatch, text]
        chart.link(status, items, open_status and (lambda s=status: open_status(s)))
        chart.values[status] = number(n)


def draw_against_target(chart: Chart, *, key: str, value: float, scale: float, target: float | None,
                        value_text: str, target_text: str, met: bool | None, detail: str, command) -> None:
    """A horizontal bar of ``value`` on a 0…``scale`` track with a dashed target line; the whole chart
    opens one list (``key``)."""
    c, p = chart.canvas, chart.palette
    width, height = chart.width, chart.height
    hit = c.create_rectangle(0, 0, width, height, fill=p.bg, outline="")
    header = _header(chart, value_text, met, target_text)
    x0, x1, y0, y1 = 8, width - 8, BAR_TOP, BAR_BOTTOM
    track = c.create_rectangle(x0, y0, x1, y1, fill=p.track, outline="")
    items = [hit, *header, track]
    if scale > 0 and value > 0:
        fill = p.segments["valid"] if met else p.bar
        items.append(c.create_rectangle(x0, y0, x0 + (x1 - x0) * min(value / scale, 1.0), y1, fill=fill, outline=""))
    if target is not None and scale > 0:
        _target_mark(chart, x0 + (x1 - x0) * min(target / scale, 1.0), y0, y1, target_text)
    items.append(c.create_text(6, BELOW - 8, text=detail, anchor="nw", fill=p.muted, width=width - 12,
                               font="TkDefaultFont"))
    chart.link(key, items, command)


def draw_tracking(chart: Chart, data: dashboard.Dashboard, open_untracked) -> None:
    target = data.tracking_target
    draw_against_target(
        chart, key="untracked", value=data.tracked_pct, scale=100.0, target=target,
        value_text=_("{pct} ({n}/{total} đối tượng)").format(pct=pct(data.tracked_pct), n=number(data.tracked),
                                                             total=number(data.in_care)),
        target_text=_("Chỉ tiêu {n}").format(n=pct(target)) if target is not None else "",
        met=data.tracking_met,
        detail=_("{n} đối tượng chưa có lần khám nào trong 365 ngày qua").format(n=number(data.untracked)),
        command=open_untracked)


def draw_training(chart: Chart, data: dashboard.Dashboard, open_training) -> None:
    target = data.training_target
    scale = max(data.training_turns, target or 0) * 1.1 or 1.0
    draw_against_target(
        chart, key="training", value=data.training_turns, scale=scale,
        target=float(target) if target is not None else None,
        value_text=_("{n} lượt người").format(n=number(data.training_turns)),
        target_text=_("Chỉ tiêu {n}").format(n=number(target)) if target is not None else "",
        met=data.training_met,
        detail=_("Năm {year}, các khóa bắt đầu đến ngày {day}").format(
            year=data.on.year, day=data.on.strftime("%d/%m/%Y")),
        command=open_training)


# --- the screen ------------------------------------------------------------------------------------

class DashboardScreen(ttk.Frame):
    def __init__(self, master, shell):
        super().__init__(master, padding=(20, 12))
        self.shell = shell
        self.data = dashboard.summary(shell.actor)
        d = self.data
        header = ttk.Frame(self)
        header.pack(fill="x")
        ttk.Label(header, text=_("Tổng quan"), font=("TkDefaultFont", 18, "bold")).pack(side="left")
        ttk.Label(header, text=_("Số liệu ngày {day}").format(day=d.on.strftime("%d/%m/%Y")),
                  bootstyle="secondary").pack(side="left", padx=12, anchor="s", pady=(0, 4))

        tiles = ttk.Frame(self)
        tiles.pack(fill="x", pady=(8, 0))
        tracking_target = _(" (chỉ tiêu {n})").format(n=pct(d.tracking_target)) \
            if d.tracking_target is not None else ""
        training_target = _(" (chỉ tiêu {n})").format(n=d.training_target) if d.training_target is not None else ""
        self.tiles = {}
        for column, (key, title, value, style) in enumerate([
            ("in_care", _("Đang chăm sóc"), number(d.in_care), "primary"),
            ("coverage", _("Có thẻ BHYT còn hạn"), pct(d.coverage_pct) if d.in_care else "—",
             "success" if d.coverage_pct >= 100 or not d.in_care else "warning" if d.coverage_pct >= 90 else "danger"),
            ("tracking", _("Theo dõi sức khỏe điện tử") + tracking_target, pct(d.tracked_pct),
             "success" if d.tracking_met else "warning"),
            ("plans_due", _("Kế hoạch PHCN đến hạn đánh giá"), number(d.plans_due_review), "info"),
            ("training", _("Lượt tập huấn năm nay") + training_target, number(d.training_turns),
             "success" if d.training_met else "secondary"),
        ]):
            tile = ttk.Frame(tiles, padding=(12, 6), bootstyle=style)
            tile.grid(row=0, column=column, sticky="nsew", padx=(0, 10))
            tiles.columnconfigure(column, weight=1, uniform="tile")
            value_label = ttk.Label(tile, text=value, font=("TkDefaultFont", 16, "bold"), bootstyle=f"@{style}")
            value_label.pack(anchor="w")
            ttk.Label(tile, text=title, bootstyle=f"@{style}", wraplength=150).pack(anchor="w")
            self.tiles[key] = value_label

        if not d.in_care:
            ttk.Label(self, text=_("Chưa có đối tượng nào. Vào mục \"Đối tượng\" để thêm hồ sơ hoặc nhập danh "
                                   "sách từ Excel; các số liệu ở đây sẽ tự cập nhật."),
                      bootstyle="info", wraplength=900).pack(anchor="w", pady=(8, 0))
        lower = ttk.Frame(self)
        lower.pack(fill="both", expand=True, pady=(10, 0))
        lower.columnconfigure(0, weight=1, uniform="chart")
        lower.columnconfigure(1, weight=1, uniform="chart")
        lower.columnconfigure(2, weight=0, minsize=290)
        lower.rowconfigure(0, weight=1, uniform="row")
        lower.rowconfigure(1, weight=1, uniform="row")

        can_residents = "residents" in shell.nav_buttons
        can_staff = "staff" in shell.nav_buttons
        hint = _(CLICK_HINT)
        self.charts: dict[str, Chart] = {
            "category": Chart(lower, _("Đối tượng đang chăm sóc theo nhóm"), lambda ch: draw_categories(
                ch, d.by_category, self.open_category if can_residents else None), hint if can_residents else None),
            "insurance": Chart(lower, _("Thẻ BHYT còn hạn"), lambda ch: draw_insurance(
                ch, d, self.open_insurance if can_residents else None), hint if can_residents else None),
            "tracking": Chart(lower, _("Theo dõi sức khỏe điện tử"), lambda ch: draw_tracking(
                ch, d, self.open_untracked if can_residents else None), hint if can_residents else None),
            "training": Chart(lower, _("Tập huấn năm {year} (lượt người)").format(year=d.on.year),
                              lambda ch: draw_training(ch, d, self.open_training if can_staff else None),
                              hint if can_staff else None),
        }
        for (row, column), chart in zip([(0, 0), (0, 1), (1, 0), (1, 1)], self.charts.values(), strict=True):
            chart.frame.grid(row=row, column=column, sticky="nsew", padx=(0, 10), pady=(0, 8))

        alerts = ttk.Labelframe(lower, text=_("Cần chú ý"), padding=10)
        alerts.grid(row=0, column=2, rowspan=2, sticky="nsew", pady=(0, 8))
        self.alert_labels = []
        if not d.alerts:
            ttk.Label(alerts, text=_("Không có việc cần chú ý."), bootstyle="success").pack(anchor="w")
        for kind, level, count in d.alerts:
            label = ttk.Label(alerts, text=f"• {number(count)} {_(ALERT_TEXT[kind])}", wraplength=260,
                              foreground=text_colour(shell.app.root, level))
            label.pack(anchor="w", pady=2)
            target = ALERT_TARGETS.get(kind)
            if target and target[0] in shell.nav_buttons:
                label.configure(cursor="hand2")
                label.bind("<Button-1>", lambda _e, t=target: self.follow(*t))
            self.alert_labels.append(label)

    # --- where a click goes ------------------------------------------------------------------------
    def open_residents(self, **filters: str) -> bool:
        """The residents list, in care, filtered (one of the charts was clicked)."""
        if not self.shell.show("residents"):
            return False
        self.shell.screen.apply_filters(status="in_care", **filters)
        return True

    def open_category(self, code: str) -> bool:
        return self.open_residents(category=code)

    def open_insurance(self, status: str) -> bool:
        return self.open_residents(insurance=status)

    def open_untracked(self) -> bool:
        return self.open_residents(tracking="untracked")

    def open_training(self) -> bool:
        year = self.data.on.year
        if not self.shell.show("staff"):
            return False
        self.shell.screen.show_training(year)
        return True

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
