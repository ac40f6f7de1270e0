"""Mở cơ sở dữ liệu được mã hóa: the first view when the SQLite file is encrypted (SQLCipher) and no key was
found (none given, none in CAREMGR_DB_KEY, none remembered on this PC, or the one found is wrong).

The right key opens the database and the start carries on as usual (set-up wizard or login); a wrong key
is said beside the field and the user tries again.
"""

from __future__ import annotations

import contextlib

import ttkbootstrap as ttk

from caremgr.errors import database_locked_message, user_message
from caremgr.i18n import _
from db import cipher
from db.connection import open_database
from db.errors import DatabaseLocked


class UnlockView(ttk.Frame):
    def __init__(self, master, app, locked: DatabaseLocked | None = None):
        super().__init__(master)
        self.app = app
        card = ttk.Frame(self, padding=36, bootstyle="light")
        card.place(relx=0.5, rely=0.45, anchor="center")
        ttk.Label(card, text=_("Cơ sở dữ liệu được mã hóa"), font=("TkDefaultFont", 20, "bold"),
                  bootstyle="primary @light").pack(anchor="w")
        ttk.Label(card, text=app.database_label, bootstyle="secondary @light", wraplength=380).pack(
            anchor="w", pady=(2, 4))
        ttk.Label(card, text=_("Nhập khóa cơ sở dữ liệu để mở dữ liệu của cơ sở."), bootstyle="@light",
                  wraplength=380).pack(anchor="w", pady=(0, 16))

        ttk.Label(card, text=_("Khóa cơ sở dữ liệu"), bootstyle="@light").pack(anchor="w")
        self.key = ttk.Entry(card, width=38, show="•")
        self.key.pack(fill="x", pady=(2, 4))
        self.key.bind("<Return>", lambda _e: self.submit())
        first = ""
        if locked is not None and locked.reason == "wrong_key":  # the key in CAREMGR_DB_KEY or remembered
            first = _("Khóa đã nhớ trên máy này (hoặc trong CAREMGR_DB_KEY) không mở được tệp: hãy nhập khóa.")
        self.message = ttk.Label(card, text=first, bootstyle="danger @light", wraplength=380)
        self.message.pack(anchor="w", pady=(0, 6))
        self.remember = ttk.BooleanVar(value=False)
        self.remember_check = ttk.Checkbutton(card, text=_("Nhớ khóa trên máy này"), variable=self.remember,
                                              bootstyle="@light")
        self.remember_check.pack(anchor="w", pady=(0, 12))
        self.button = ttk.Button(card, text=_("Mở"), bootstyle="primary", command=self.submit)
        self.button.pack(fill="x")
        self.key.focus_set()

    def _say(self, text: str) -> None:
        self.message.configure(text=text)
        self.key.delete(0, "end")
        self.key.focus_set()

    def submit(self) -> None:
        key = self.key.get()
        if not key:
            self._say(_("Hãy nhập khóa cơ sở dữ liệu."))
            return
        self.configure(cursor="watch")
        self.update_idletasks()
        try:
            open_database(self.app.target, key=key)
        except DatabaseLocked as exc:
            self._say(database_locked_message(exc))
            return
        except Exception as exc:  # noqa: BLE001 - e.g. a database from a newer caremgr: said, not raised
            self._say(user_message(exc))
            return
        finally:
            with contextlib.suppress(Exception):
                self.configure(cursor="")
        if self.remember.get():
            with contextlib.suppress(OSError):  # not remembered: the key is asked again next time, that is all
                cipher.remember_key(self.app.target, key)
        self.app.unlocked()
