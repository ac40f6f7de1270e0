"""Small building blocks shared by the screens: labelled fields with their own error line."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from caremgr.dates import format_date, parse_date
from caremgr.i18n import _


class Field(ttk.Frame):
    """A label, an input and a red message line under it for what is wrong with this field."""

    def __init__(self, master, label: str, *, kind: str = "entry", choices=None, show: str | None = None,
                 width: int = 40, help_text: str = "", required: bool = False, height: int = 4,
                 compact: bool = False):
        super().__init__(master)
        self.kind = kind
        self.compact = compact  # the error line takes room only while there is an error
        text = label + (" *" if required else "")
        self.label = ttk.Label(self, text=text)
        self.label.grid(row=0, column=0, sticky="w")
        self.var = tk.StringVar()
        self.choices = list(choices or [])  # [(code, label)]
        if kind == "text":
            self.input = tk.Text(self, width=width, height=height, wrap="word", font="TkDefaultFont")
        elif kind == "choice":
            self.input = ttk.Combobox(self, textvariable=self.var, values=[lbl for _c, lbl in self.choices],
                                      state="readonly", width=width - 2)
        elif kind == "combo":  # a list to pick from, free text still allowed (old addresses, spellings)
            self.input = ttk.Combobox(self, textvariable=self.var, values=list(choices or []), width=width - 2)
            self.choices = []
        elif kind == "check":
            self.var = tk.BooleanVar()
            self.input = ttk.Checkbutton(self, variable=self.var, text=label)
            self.label.configure(text="")
        elif kind == "date":  # typed dd/mm/yyyy, or picked from the calendar (button, Alt+Down, F4)
            self.input = ttk.Entry(self, textvariable=self.var, width=max(width - 3, 8))
            self.picker = None
            self.calendar_button = ttk.Button(self, icon="calendar3", bootstyle="secondary-outline", takefocus=False,
                                              command=self.open_calendar, padding=(4, 2))
            self.calendar_button.grid(row=1, column=1, sticky="w", padx=(2, 0))
            ttk.ToolTip(self.calendar_button, text=_("Chọn ngày trên lịch (Alt+↓)"))
            for sequence in ("<Alt-Down>", "<F4>"):
                self.input.bind(sequence, lambda _e: self.open_calendar() or "break")
            self.input.bind("<FocusOut>", lambda _e: self.tidy_date(), add="+")
        else:
            self.input = ttk.Entry(self, textvariable=self.var, width=width, show=show or "")
        self.input.grid(row=1, column=0, sticky="we")
        self.help = ttk.Label(self, text=help_text, bootstyle="secondary", font=("TkDefaultFont", 8),
                              wraplength=width * 8) if help_text else None
        if self.help:
            self.help.grid(row=2, column=0, columnspan=2, sticky="w")
        self.error = ttk.Label(self, text="", bootstyle="danger", wraplength=width * 8)
        self.error.grid(row=3, column=0, columnspan=2, sticky="w")
        if compact:
            self.error.grid_remove()
        self.columnconfigure(0, weight=1)

    def open_calendar(self):
        from ui.date_picker import DatePicker

        if str(self.input.cget("state")) == "disabled":
            return None
        if self.picker is not None and self.picker.winfo_exists():
            self.picker.close()
        self.picker = DatePicker(self)
        return self.picker

    def tidy_date(self) -> None:
        """5/3/2024 or 05-03-2024 becomes 05/03/2024 when the user leaves the field; anything else (a year
        alone for a birth date, a mistake) stays as typed for the validation to name."""
        text = self.var.get().strip()
        if not text or text.isdigit():
            return
        try:
            tidy = format_date(parse_date(text))
        except ValueError:
            return
        if tidy != text:
            self.var.set(tidy)

    def get(self):
        if self.kind == "text":
            return self.input.get("1.0", "end").strip()
        if self.kind == "choice":
            shown = self.var.get()
            for code, lbl in self.choices:
                if lbl == shown:
                    return code
            return None
        if self.kind == "check":
            return bool(self.var.get())
        return self.var.get()

    def set(self, value) -> None:
        if self.kind == "text":
            self.input.delete("1.0", "end")
            if isinstance(value, list | tuple):
                value = "\n".join(value)
            self.input.insert("1.0", value or "")
        elif self.kind == "choice":
            self.var.set(next((lbl for code, lbl in self.choices if code == value), ""))
        elif self.kind == "check":
            self.var.set(bool(value))
        else:
            self.var.set("" if value is None else str(value))

    def set_options(self, values) -> None:
        """New list for an editable combo (e.g. the communes of the chosen province)."""
        self.input.configure(values=list(values))

    def set_enabled(self, enabled: bool) -> None:
        if self.kind == "text":
            self.input.configure(state="normal" if enabled else "disabled")
        elif self.kind == "choice":
            self.input.configure(state="readonly" if enabled else "disabled")
        else:
            self.input.configure(state="normal" if enabled else "disabled")
        if self.kind == "date":
            self.calendar_button.configure(state="normal" if enabled else "disabled")

    def show_error(self, message: str) -> None:
        self.error.configure(text=message)
        if self.compact:
            self.error.grid()

    def clear_error(self) -> None:
        self.error.configure(text="")
        if self.compact:
            self.error.grid_remove()


def show_problems(fields: dict[str, Field], problems, fallback: ttk.Label | None = None) -> None:
    """Puts each problem beside its field; problems for unknown fields go to ``fallback``."""
    for f in fields.values():
        f.clear_error()
    loose = []
    for p in problems:
        target = fields.get(p.field)
        if target is not None and p.is_error:
            current = target.error.cget("text")
            target.show_error((current + "\n" if current else "") + p.message)
        elif p.is_error:
            loose.append(p.message)
    if fallback is not None:
        fallback.configure(text="\n".join(loose))


def scrolled_table(master, columns, height: int = 10) -> ttk.Treeview:
    """A Treeview with its vertical scrollbar, packed to fill ``master``.

    ``columns`` = [(key, title, width, stretch)]; stretching columns are left-aligned, the others centred.
    """
    frame = ttk.Frame(master)
    frame.pack(fill="both", expand=True, pady=(6, 0))
    table = ttk.Treeview(frame, columns=[c[0] for c in columns], show="headings", height=height, selectmode="browse")
    scale = getattr(master.winfo_toplevel(), "font_scale", 1.0)  # bigger text needs wider columns
    for key, title, width, stretch in columns:
        table.heading(key, text=title)
        table.column(key, width=int(width * scale), stretch=stretch, anchor="w" if stretch else "center")
    keyboard_friendly(table)
    bar = ttk.Scrollbar(frame, orient="vertical", command=table.yview)
    table.configure(yscrollcommand=bar.set)
    table.pack(side="left", fill="both", expand=True)
    bar.pack(side="right", fill="y")
    return table


class _EntryText:
    """The get/set of a StringVar over a plain Entry (for date entries built without a Field)."""

    def __init__(self, entry):
        self.entry = entry

    def get(self) -> str:
        return self.entry.get()

    def set(self, text: str) -> None:
        self.entry.delete(0, "end")
        self.entry.insert(0, text)


class CalendarButton(ttk.Button):
    """The calendar for a date Entry that is not a Field (a toolbar's "Ngày:"); packs itself after it.

    ``on_pick`` runs after a day is picked (e.g. refresh the list for that day)."""

    def __init__(self, master, entry, on_pick=None):
        super().__init__(master, icon="calendar3", bootstyle="secondary-outline", takefocus=False,
                         command=self.open_calendar, padding=(4, 2))
        self.input = entry
        self.var = _EntryText(entry)
        self.picker = None
        self.on_pick = on_pick
        ttk.ToolTip(self, text=_("Chọn ngày trên lịch (Alt+↓)"))
        for sequence in ("<Alt-Down>", "<F4>"):
            entry.bind(sequence, lambda _e: self.open_calendar() or "break")
        if on_pick is not None:
            entry.bind("<<DatePicked>>", lambda _e: on_pick(), add="+")

    def clear_error(self) -> None:
        pass

    def open_calendar(self):
        from ui.date_picker import DatePicker

        if self.picker is not None and self.picker.winfo_exists():
            self.picker.close()
        self.picker = DatePicker(self)
        return self.picker


def show_empty(table: ttk.Treeview, message: str | None) -> None:
    """A sentence in the middle of an empty table saying what to do next (None or rows: hidden)."""
    label = getattr(table, "empty_note", None)
    if label is None:
        label = ttk.Label(table, text="", bootstyle="secondary", justify="center", anchor="center")
        table.empty_note = label
    if message and not table.get_children():
        label.configure(text=message, wraplength=max(300, int(table.winfo_width() * 0.8)))
        label.place(relx=0.5, rely=0.5, anchor="center")
    else:
        label.configure(text="")
        label.place_forget()


def keyboard_friendly(table: ttk.Treeview) -> ttk.Treeview:
    """Tabbing into a table puts the keyboard on its first row (ttk leaves no row focused, so ↓ would do
    nothing until a click)."""

    def entered(_event) -> None:
        rows = table.get_children()
        if rows and not table.focus():
            table.focus(rows[0])
            table.selection_set(rows[0])
            table.see(rows[0])

    table.bind("<FocusIn>", entered, add="+")
    return table


def notify(widget, message: str, error: bool = False) -> None:
    """The corner note ("toast") of the main window, from any widget inside it (nothing outside one)."""
    while widget is not None and not hasattr(widget, "toast"):
        widget = getattr(widget, "shell", None) or getattr(widget, "master", None)
    if widget is not None:
        widget.toast(message, error=error)
