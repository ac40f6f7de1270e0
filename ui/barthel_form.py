"""The Barthel ADL form: ten items, each a list of its allowed scores, the total and band as you pick.

Used in the resident's rehabilitation tab and in the review dialog. The scoring rules themselves
live in ``caremgr.barthel``; the form only shows them and collects the choices.
"""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import barthel
from caremgr.dates import format_date
from caremgr.i18n import _
from ui.widgets import Field


def assessor_fields(data: dict, text: str, choices: list[tuple[int, str]]) -> None:
    """Puts ``assessor_id`` when the typed text is a staff member of the list, else ``assessor_name``."""
    text = (text or "").strip()
    for staff_id, label in choices:
        if text == label:
            data["assessor_id"] = staff_id
            return
    data["assessor_name"] = text


class BarthelForm(ttk.Frame):
    """``items()`` gives {item: score or None}; ``fields`` maps item keys (and the others) to Fields."""

    def __init__(self, master, staff_choices: list[tuple[int, str]], *, with_header: bool = True, columns: int = 2,
                 item_width: int = 34):
        super().__init__(master)
        self.staff_choices = staff_choices
        self.fields: dict[str, Field] = {}
        row = 0
        if with_header:
            head = ttk.Frame(self)
            head.grid(row=0, column=0, columnspan=columns, sticky="we")
            self.fields["assessed_on"] = Field(head, _("Ngày đánh giá"), kind="date", width=12, required=True, compact=True)
            self.fields["assessed_on"].grid(row=0, column=0, sticky="nw", padx=(0, 10))
            self.fields["assessor"] = Field(head, _("Người đánh giá (chọn hoặc gõ tên)"), kind="combo",
                                            choices=[label for _id, label in staff_choices], width=30,
                                            required=True, compact=True)
            self.fields["assessor"].grid(row=0, column=1, sticky="nw", padx=(0, 10))
            self.fields["note"] = Field(head, _("Ghi chú"), width=18, compact=True)
            self.fields["note"].grid(row=0, column=2, sticky="nw")
            self.fields["assessed_on"].set(format_date(date.today()))
            row = 1
        for index, item in enumerate(barthel.ITEMS):
            choices = [(score, f"{score} — {_(text)}") for score, text in item.options]
            field = Field(self, f"{index + 1}. {_(item.label)}", kind="choice", choices=choices, width=item_width,
                          compact=True)
            field.grid(row=row + index // columns, column=index % columns, sticky="nwe", padx=(0, 12), pady=(4, 0))
            field.input.bind("<<ComboboxSelected>>", lambda _e: self.update_total())
            self.fields[item.key] = field
        for column in range(columns):
            self.columnconfigure(column, weight=1)
        self.total_label = ttk.Label(self, text="", font=("TkDefaultFont", 11, "bold"))
        self.total_label.grid(row=row + (len(barthel.ITEMS) + columns - 1) // columns, column=0, columnspan=columns,
                              sticky="w", pady=(4, 0))
        self.update_total()

    def items(self) -> dict[str, int | None]:
        return {item.key: self.fields[item.key].get() for item in barthel.ITEMS}

    def set_items(self, items: dict | None) -> None:
        for item in barthel.ITEMS:
            self.fields[item.key].set((items or {}).get(item.key))
        self.update_total()

    def update_total(self) -> None:
        chosen = {k: v for k, v in self.items().items() if v is not None}
        if len(chosen) < len(barthel.ITEMS):
            self.total_label.configure(
                text=_("Đã chấm {n}/10 mục — tạm tính {total} điểm").format(n=len(chosen), total=sum(chosen.values())),
                bootstyle="secondary")
            return
        total = sum(chosen.values())
        _code, label = barthel.band(total)
        self.total_label.configure(text=_("Tổng điểm Barthel: {total}/100 — {band}").format(total=total, band=label),
                                   bootstyle="primary")

    def data(self) -> dict:
        """What ``rehab.add_barthel`` takes (and the ``barthel`` part of a review)."""
        out = {"items": self.items()}
        if "assessed_on" in self.fields:
            out["assessed_on"] = self.fields["assessed_on"].get()
            out["note"] = self.fields["note"].get()
            assessor_fields(out, self.fields["assessor"].get(), self.staff_choices)
        return out

    def clear(self) -> None:
        self.set_items(None)
        if "note" in self.fields:
            self.fields["note"].set("")
