"""Small building blocks shared by the screens: labelled fields with their own error line."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk


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
        else:
            self.input = ttk.Entry(self, textvariable=self.var, width=width, show=show or "")
        self.input.grid(row=1, column=0, sticky="we")
        self.help = ttk.Label(self, text=help_text, bootstyle="secondary", font=("TkDefaultFont", 8),
                              wraplength=width * 8) if help_text else None
        if self.help:
            self.help.grid(row=2, column=0, sticky="w")
        self.error = ttk.Label(self, text="", bootstyle="danger", wraplength=width * 8)
        self.error.grid(row=3, column=0, sticky="w")
        if compact:
            self.error.grid_remove()
        self.columnconfigure(0, weight=1)

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
    for key, title, width, stretch in columns:
        table.heading(key, text=title)
        table.column(key, width=width, stretch=stretch, anchor="w" if stretch else "center")
    bar = ttk.Scrollbar(frame, orient="vertical", command=table.yview)
    table.configure(yscrollcommand=bar.set)
    table.pack(side="left", fill="both", expand=True)
    bar.pack(side="right", fill="y")
    return table
