"""The login window."""

from __future__ import annotations

import ttkbootstrap as ttk

from caremgr import settings
from caremgr.auth import authenticate
from caremgr.errors import AuthenticationFailed
from caremgr.i18n import _


class LoginView(ttk.Frame):
    def __init__(self, master, app, username: str = ""):
        super().__init__(master)
        self.app = app
        card = ttk.Frame(self, padding=36, bootstyle="light")
        card.place(relx=0.5, rely=0.45, anchor="center")
        ttk.Label(card, text="caremgr", font=("TkDefaultFont", 26, "bold"), bootstyle="primary @light").pack(anchor="w")
        centre = settings.get("centre.name") or ""
        ttk.Label(card, text=centre or _("Quản lý cơ sở trợ giúp xã hội"),
                  font=("TkDefaultFont", 12), bootstyle="secondary @light").pack(anchor="w", pady=(0, 20))

        ttk.Label(card, text=_("Tên đăng nhập"), bootstyle="@light").pack(anchor="w")
        self.username = ttk.Entry(card, width=34)
        self.username.pack(fill="x", pady=(2, 10))
        self.username.insert(0, username)
        ttk.Label(card, text=_("Mật khẩu"), bootstyle="@light").pack(anchor="w")
        self.password = ttk.Entry(card, width=34, show="•")
        self.password.pack(fill="x", pady=(2, 6))
        self.message = ttk.Label(card, text="", bootstyle="danger @light", wraplength=300)
        self.message.pack(anchor="w", pady=(0, 8))
        self.button = ttk.Button(card, text=_("Đăng nhập"), bootstyle="primary", command=self.submit)
        self.button.pack(fill="x")
        for widget in (self.username, self.password):
            widget.bind("<Return>", lambda _e: self.submit())
        (self.password if username else self.username).focus_set()

    def submit(self) -> None:
        try:
            actor = authenticate(self.username.get(), self.password.get())
        except AuthenticationFailed as exc:
            self.message.configure(text=str(exc))
            self.password.delete(0, "end")
            self.password.focus_set()
            return
        self.app.on_login(actor)
