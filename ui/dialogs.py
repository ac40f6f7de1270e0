"""Questions that need an answer before going on (kept in one place so tests can answer them)."""

from __future__ import annotations

from caremgr.i18n import _


def confirm(parent, title: str, message: str) -> bool:
    from ttkbootstrap.dialogs import Messagebox

    yes, no = _("Có"), _("Không")
    answer = Messagebox.yesno(message, title, parent=parent, buttons=[f"{no}:secondary", f"{yes}:primary"])
    return answer == yes


def choose_save_path(parent, title: str, default_name: str, filetypes) -> str | None:
    from tkinter import filedialog

    return filedialog.asksaveasfilename(parent=parent, title=title, initialfile=default_name,
                                        filetypes=filetypes) or None


def choose_open_path(parent, title: str, filetypes) -> str | None:
    from tkinter import filedialog

    return filedialog.askopenfilename(parent=parent, title=title, filetypes=filetypes) or None


def show_error(parent, title: str, message: str) -> None:
    from ttkbootstrap.dialogs import Messagebox

    Messagebox.show_error(message, title=title, parent=parent)
