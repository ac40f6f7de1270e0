"""Người dùng: administrators list accounts, add them and reset passwords."""

from __future__ import annotations

import ttkbootstrap as ttk

from caremgr import auth
from caremgr.errors import CaremgrError, ValidationError
from caremgr.i18n import _
from ui.widgets import Field, show_problems


class UsersPanel(ttk.Frame):
    def __init__(self, master, actor):
        super().__init__(master, padding=14)
        self.actor = actor
        self.table = ttk.Treeview(self, columns=("username", "full_name", "role"), show="headings", height=8)
        for column, title, width in [("username", _("Tên đăng nhập"), 160), ("full_name", _("Họ và tên"), 240),
                                     ("role", _("Vai trò"), 140)]:
            self.table.heading(column, text=title)
            self.table.column(column, width=width)
        self.table.grid(row=0, column=0, rowspan=2, sticky="nsew", padx=(0, 20))

        form = ttk.Labelframe(self, text=_("Thêm người dùng"), padding=10)
        form.grid(row=0, column=1, sticky="new")
        self.fields = {
            "username": Field(form, _("Tên đăng nhập"), required=True, width=30),
            "full_name": Field(form, _("Họ và tên"), width=30),
            "role": Field(form, _("Vai trò"), kind="choice", width=30,
                          choices=[(c, _(lbl)) for c, lbl in auth.ROLES.items()], required=True),
            "password": Field(form, _("Mật khẩu (ít nhất 8 ký tự)"), show="•", required=True, width=30),
        }
        for field in self.fields.values():
            field.pack(fill="x", pady=2)
        self.fields["role"].set("nurse")
        self.add_button = ttk.Button(form, text=_("Thêm"), bootstyle="success", command=self.add)
        self.add_button.pack(anchor="e", pady=(6, 0))
        self.message = ttk.Label(form, text="", wraplength=260)
        self.message.pack(anchor="w")

        reset = ttk.Labelframe(self, text=_("Đặt lại mật khẩu cho người được chọn"), padding=10)
        reset.grid(row=1, column=1, sticky="new", pady=(12, 0))
        self.new_password = Field(reset, _("Mật khẩu mới"), show="•", width=30)
        self.new_password.pack(fill="x")
        ttk.Button(reset, text=_("Đặt lại"), bootstyle="warning", command=self.reset).pack(anchor="e", pady=(6, 0))
        self.columnconfigure(0, weight=1)
        self.reload()

    def reload(self) -> None:
        self.table.delete(*self.table.get_children())
        for user in auth.list_users(self.actor):
            self.table.insert("", "end", iid=user.username, values=(user.username, user.full_name, user.role_label))

    def add(self) -> None:
        values = {key: field.get() for key, field in self.fields.items()}
        try:
            user = auth.create_user(self.actor, values["username"], values["password"], values["role"] or "",
                                    values["full_name"])
        except ValidationError as exc:
            show_problems(self.fields, exc.problems, self.message)
            self.message.configure(bootstyle="danger")
            return
        show_problems(self.fields, [], None)
        for key in ("username", "full_name", "password"):
            self.fields[key].set("")
        self.message.configure(text=_("Đã thêm {user}.").format(user=user.username), bootstyle="success")
        self.reload()

    def reset(self) -> None:
        selected = self.table.selection()
        if not selected:
            self.new_password.show_error(_("Hãy chọn một người dùng trong danh sách."))
            return
        try:
            auth.set_password(self.actor, selected[0], self.new_password.get())
        except CaremgrError as exc:
            self.new_password.show_error(str(exc))
            return
        self.new_password.set("")
        self.new_password.clear_error()
        self.message.configure(text=_("Đã đặt lại mật khẩu cho {user}.").format(user=selected[0]),
                               bootstyle="success")
