"""Khóa màn hình khi không dùng: after N idle minutes (setting), health data is hidden behind a password.

The lock covers the window instead of logging out, so a form half filled in is still there after the
password is typed again. Another user may log in instead (that closes the current session).
"""

from __future__ import annotations

import time

import ttkbootstrap as ttk

from caremgr import auth, settings
from caremgr.errors import AuthenticationFailed
from caremgr.i18n import _

CHECK_MS = 15_000


def idle_minutes() -> int:
    value = settings.get("security.idle_lock_minutes")
    return 15 if value is None else int(value)  # 0: never lock


class IdleLock:
    """Watches input on the root window; ``lock()`` shows the cover, the right password removes it."""

    def __init__(self, app):
        self.app = app
        self.root = app.root
        self.last_input = time.monotonic()
        self.cover: ttk.Frame | None = None
        for sequence in ("<Any-KeyPress>", "<Any-ButtonPress>", "<Motion>", "<MouseWheel>"):
            self.root.bind_all(sequence, self._touched, add="+")
        self._job = self.root.after(CHECK_MS, self._check)

    def _touched(self, _event=None) -> None:
        self.last_input = time.monotonic()

    def _check(self) -> None:
        minutes = idle_minutes()
        if self.cover is None and self.app.actor is not None and minutes > 0 \
                and time.monotonic() - self.last_input >= minutes * 60:
            self.lock()
        self._job = self.root.after(CHECK_MS, self._check)

    @property
    def locked(self) -> bool:
        return self.cover is not None

    def lock(self) -> None:
        actor = self.app.actor
        if actor is None or self.cover is not None:
            return
        cover = ttk.Frame(self.root, padding=40)
        cover.place(relx=0, rely=0, relwidth=1, relheight=1)
        box = ttk.Frame(cover)
        box.place(relx=0.5, rely=0.4, anchor="center")
        ttk.Label(box, text=_("Màn hình đã khóa"), font=("TkDefaultFont", 18, "bold")).pack(pady=(0, 6))
        ttk.Label(box, text=_("Không dùng quá {n} phút: thông tin của đối tượng được che lại.").format(
            n=idle_minutes()), bootstyle="secondary").pack()
        ttk.Label(box, text=_("Mật khẩu của {name} ({user}):").format(name=actor.full_name, user=actor.username)
                  ).pack(anchor="w", pady=(14, 2))
        self.password = ttk.Entry(box, show="•", width=30)
        self.password.pack(fill="x")
        self.password.bind("<Return>", lambda _e: self.unlock())
        self.message = ttk.Label(box, text="", bootstyle="danger", wraplength=320)
        self.message.pack(anchor="w", pady=(4, 0))
        buttons = ttk.Frame(box)
        buttons.pack(fill="x", pady=(8, 0))
        self.unlock_button = ttk.Button(buttons, text=_("Mở khóa"), bootstyle="success", command=self.unlock)
        self.unlock_button.pack(side="left")
        ttk.Button(buttons, text=_("Đăng nhập người khác"), bootstyle="secondary-outline",
                   command=self.switch_user).pack(side="left", padx=8)
        cover.lift()
        self.cover = cover
        self.password.focus_set()

    def unlock(self) -> bool:
        actor = self.app.actor
        try:
            auth.authenticate(actor.username, self.password.get())
        except AuthenticationFailed as exc:
            self.message.configure(text=str(exc))
            self.password.delete(0, "end")
            return False
        self._remove()
        return True

    def switch_user(self) -> None:
        self._remove()
        self.app.show_login()

    def _remove(self) -> None:
        if self.cover is not None:
            self.cover.destroy()
            self.cover = None
        self.last_input = time.monotonic()
