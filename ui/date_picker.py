"""A month calendar that drops down under a date field (the field still takes typed dd/mm/yyyy).

A small Toplevel of our own rather than a modal dialog: it closes by itself when the user picks a day,
presses Esc or clicks elsewhere, and works from the keyboard (arrows move the day, PageUp/PageDown the
month, Enter picks).
"""

from __future__ import annotations

import calendar
import datetime as dt
import tkinter as tk

import ttkbootstrap as ttk

from caremgr.dates import format_date, parse_date
from caremgr.i18n import _

WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


class DatePicker(tk.Toplevel):
    """Shows the month of the field's date (today when empty); ``pick(day)`` writes it into the field."""

    def __init__(self, field, *, today: dt.date | None = None):
        super().__init__(field)
        self.field = field
        self.today = today or dt.date.today()
        try:
            self.current = parse_date(field.var.get())
        except ValueError:
            self.current = self.today
        self.overrideredirect(True)
        self.transient(field.winfo_toplevel())
        frame = ttk.Frame(self, padding=6, bootstyle="light")
        frame.pack(fill="both", expand=True)
        head = ttk.Frame(frame)
        head.pack(fill="x")
        ttk.Button(head, text="‹", width=3, bootstyle="secondary-link", takefocus=False,
                   command=lambda: self.move(months=-1)).pack(side="left")
        self.title_label = ttk.Label(head, anchor="center", font=("TkDefaultFont", 10, "bold"))
        self.title_label.pack(side="left", fill="x", expand=True)
        ttk.Button(head, text="›", width=3, bootstyle="secondary-link", takefocus=False,
                   command=lambda: self.move(months=1)).pack(side="left")
        self.grid_frame = ttk.Frame(frame)
        self.grid_frame.pack(pady=(4, 0))
        ttk.Button(frame, text=_("Hôm nay"), bootstyle="link", takefocus=False,
                   command=lambda: self.pick(self.today)).pack(pady=(4, 0))
        self.day_buttons: dict[dt.date, ttk.Button] = {}
        for key, action in [("<Escape>", lambda _e: self.close()), ("<Return>", lambda _e: self.pick(self.current)),
                            ("<KP_Enter>", lambda _e: self.pick(self.current)),
                            ("<Left>", lambda _e: self.move(days=-1)), ("<Right>", lambda _e: self.move(days=1)),
                            ("<Up>", lambda _e: self.move(days=-7)), ("<Down>", lambda _e: self.move(days=7)),
                            ("<Prior>", lambda _e: self.move(months=-1)), ("<Next>", lambda _e: self.move(months=1))]:
            self.bind(key, action)
        self.bind("<FocusOut>", self._focus_left)
        self.draw()
        self._place()
        self.focus_force()

    def _place(self) -> None:
        self.update_idletasks()
        entry = self.field.input
        x, y = entry.winfo_rootx(), entry.winfo_rooty() + entry.winfo_height()
        screen_h = self.winfo_screenheight()
        if y + self.winfo_reqheight() > screen_h:  # no room below: open above the field
            y = entry.winfo_rooty() - self.winfo_reqheight()
        self.geometry(f"+{x}+{max(0, y)}")

    def draw(self) -> None:
        for child in self.grid_frame.winfo_children():
            child.destroy()
        self.day_buttons.clear()
        self.title_label.configure(text=_("Tháng {month}/{year}").format(month=self.current.month,
                                                                          year=self.current.year))
        for column, name in enumerate(WEEKDAYS):
            ttk.Label(self.grid_frame, text=name, width=4, anchor="center",
                      bootstyle="danger" if name == "CN" else "secondary").grid(row=0, column=column)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(self.current.year, self.current.month)
        for row, week in enumerate(weeks, start=1):
            for column, day in enumerate(week):
                if day.month != self.current.month:
                    continue
                style = "primary" if day == self.current else ("info-outline" if day == self.today else "light")
                button = ttk.Button(self.grid_frame, text=str(day.day), width=3, bootstyle=style, takefocus=False,
                                    command=lambda d=day: self.pick(d))
                button.grid(row=row, column=column, padx=1, pady=1)
                self.day_buttons[day] = button

    def move(self, *, days: int = 0, months: int = 0) -> str:
        self.current = _add_months(self.current, months) + dt.timedelta(days=days)
        self.draw()
        return "break"

    def pick(self, day: dt.date) -> None:
        self.field.var.set(format_date(day))
        self.field.clear_error()
        entry = self.field.input
        self.close()
        entry.focus_set()
        entry.icursor("end")
        entry.event_generate("<<DatePicked>>")

    def _focus_left(self, _event) -> None:
        # A click on one of our own buttons moves the focus inside; only leaving the picker closes it.
        self.after(50, self._close_if_unfocused)

    def _close_if_unfocused(self) -> None:
        if not self.winfo_exists():
            return
        focused = self.focus_get()
        if focused is None or not str(focused).startswith(str(self)):
            self.close()

    def close(self) -> None:
        if getattr(self.field, "picker", None) is self:
            self.field.picker = None
        self.destroy()
