"""Sao lưu (in Settings, for administrators): back up now, see the copies kept, restore one."""

from __future__ import annotations

from pathlib import Path

import ttkbootstrap as ttk

from caremgr import backup, settings
from caremgr.errors import CaremgrError
from caremgr.i18n import _
from ui.error_log import describe_failure
from ui.tasks import run_in_background
from ui.widgets import Field, scrolled_table

BACKUP_TYPES = [(_("Bản sao lưu caremgr"), "*.cmbak"), (_("Mọi tệp"), "*")]


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB".replace(".", ",") if n >= 100_000 else f"{max(1, n // 1024)} KB"


class BackupPanel(ttk.Frame):
    def __init__(self, master, shell):
        super().__init__(master, padding=10)
        self.shell = shell
        self.actor = shell.actor
        self.task = None
        ttk.Label(self, text=_("Mỗi ngày chương trình tự sao lưu một lần khi mở lần đầu, và trước mỗi lần nâng cấp "
                               "cơ sở dữ liệu. Giữ 7 bản hằng ngày, 4 bản hằng tuần, 12 bản hằng tháng. Nên chọn "
                               "thư mục trên ổ USB hoặc máy khác để mất máy vẫn còn dữ liệu."),
                  wraplength=900, bootstyle="secondary").pack(anchor="w")
        form = ttk.Frame(self)
        form.pack(fill="x", pady=(8, 0))
        self.folder = Field(form, _("Thư mục lưu bản sao"), width=60, compact=True)
        self.folder.grid(row=0, column=0, columnspan=2, sticky="nw", padx=(0, 8))
        self.folder.set(str(backup.backup_folder()))
        ttk.Button(form, text=_("Chọn…"), bootstyle="secondary-outline", command=self.choose_folder).grid(
            row=0, column=2, sticky="sw")
        daily_row = ttk.Frame(form)
        daily_row.grid(row=1, column=0, columnspan=3, sticky="w", pady=(4, 0))
        self.daily = Field(daily_row, _("Tự động sao lưu mỗi ngày vào thư mục này"), kind="check", compact=True)
        self.daily.pack(side="left")
        self.daily.set(bool(settings.get("backup.daily")))
        self.keep_button = ttk.Button(daily_row, text=_("Lưu thiết lập sao lưu"), bootstyle="primary-outline",
                                      command=self.save_settings,
                                      state="normal" if self.actor.can("settings.edit") else "disabled")
        self.keep_button.pack(side="left", padx=(12, 0))
        self.passphrase = Field(form, _("Mật khẩu mã hóa bản sao (không bắt buộc)"), show="•", width=28, compact=True)
        self.passphrase.grid(row=2, column=0, sticky="nw", padx=(0, 8), pady=(6, 0))
        self.repeat = Field(form, _("Nhập lại mật khẩu mã hóa"), show="•", width=28, compact=True)
        self.repeat.grid(row=2, column=1, sticky="nw", pady=(6, 0))
        ttk.Label(form, text=_("Mật khẩu mã hóa không được lưu ở đâu cả: quên thì không mở được bản sao."),
                  bootstyle="warning").grid(row=3, column=0, columnspan=3, sticky="w")
        buttons = ttk.Frame(self)
        buttons.pack(fill="x", pady=(8, 0))
        self.backup_button = ttk.Button(buttons, text=_("Sao lưu ngay"), icon="cloud-arrow-up", bootstyle="success",
                                        command=self.backup_now)
        self.backup_button.pack(side="left")
        self.restore_button = ttk.Button(buttons, text=_("Khôi phục từ bản sao…"), icon="arrow-counterclockwise",
                                         bootstyle="danger-outline", command=self.restore)
        self.restore_button.pack(side="left", padx=8)
        self.message = ttk.Label(self, text="", wraplength=900)
        self.message.pack(anchor="w", pady=(6, 0))
        self.table = scrolled_table(self, [("name", _("Bản sao"), 380, True), ("size", _("Dung lượng"), 90, False)],
                                    height=8)
        self.fill()

    def choose_folder(self) -> None:
        from tkinter import filedialog

        chosen = filedialog.askdirectory(parent=self, title=_("Chọn thư mục lưu bản sao"))
        if chosen:
            self.folder.set(chosen)
            self.fill()

    def save_settings(self) -> None:
        """The folder above (e.g. a USB stick) becomes where the daily and before-upgrade copies go."""
        try:
            settings.put(self.actor, {"backup.folder": self.folder.get().strip(), "backup.daily": self.daily.get()})
        except CaremgrError as exc:
            self.message.configure(text=describe_failure(exc), bootstyle="danger")
            return
        self.message.configure(text=_("Đã lưu: bản sao tự động sẽ vào {folder}{daily}.").format(
            folder=backup.backup_folder(), daily="" if self.daily.get() else _(" (đang tắt sao lưu hằng ngày)")),
            bootstyle="success")
        self.fill()

    def fill(self) -> None:
        self.table.delete(*self.table.get_children())
        folder = Path(self.folder.get())
        files = sorted(folder.glob("*.cmbak"), reverse=True) if folder.is_dir() else []
        for path in files:
            self.table.insert("", "end", iid=str(path), values=(path.name, _size(path.stat().st_size)))

    def _secret(self) -> str | None:
        secret, again = self.passphrase.get(), self.repeat.get()
        self.repeat.clear_error()
        if secret != again:
            self.repeat.show_error(_("Hai mật khẩu mã hóa không giống nhau."))
            raise ValueError
        return secret or None

    def backup_now(self) -> None:
        try:
            secret = self._secret()
        except ValueError:
            return
        folder = self.folder.get().strip() or None
        self.backup_button.configure(state="disabled")
        self.message.configure(text=_("Đang sao lưu…"), bootstyle="info")
        actor = self.actor

        def done(info):
            self.shell.busy(False)
            self.backup_button.configure(state="normal")
            self.message.configure(text=_("Đã sao lưu vào {path} ({size}{encrypted}).").format(
                path=info.path, size=_size(info.size), encrypted=_(", có mã hóa") if info.encrypted else ""),
                bootstyle="success")
            self.fill()

        def failed(error):
            self.shell.busy(False)
            self.backup_button.configure(state="normal")
            self.message.configure(text=_("Không sao lưu được: {error}").format(error=describe_failure(error)), bootstyle="danger")

        self.task = run_in_background(
            self, lambda: backup.make_backup(actor, folder=folder, passphrase=secret), done, failed)
        self.task.on_cancel = lambda: (self.backup_button.configure(state="normal"),
                                       self.message.configure(text=_("Đã hủy sao lưu."), bootstyle="secondary"))
        self.task.after_cancel = lambda info: info.path.unlink(missing_ok=True)  # not a copy the user asked for
        self.shell.busy(True, self.task)

    def restore(self, path: str | None = None, confirmed: bool | None = None) -> None:
        from ui import dialogs

        path = path or dialogs.choose_open_path(self, _("Chọn bản sao để khôi phục"), BACKUP_TYPES)
        if not path:
            return
        secret = self.passphrase.get() or None
        if confirmed is None:
            confirmed = dialogs.confirm(self, _("Khôi phục"), _(
                "Khôi phục sẽ thay toàn bộ dữ liệu hiện tại bằng dữ liệu trong bản sao {name}. Một bản sao của dữ "
                "liệu hiện tại được tạo trước. Tiếp tục?").format(name=Path(path).name))
        if not confirmed:
            return
        self.restore_button.configure(state="disabled")
        self.message.configure(text=_("Đang kiểm tra và khôi phục…"), bootstyle="info")
        self.shell.busy(True)
        actor = self.actor

        def done(result):
            self.shell.busy(False)
            info = result.restored_from
            counts = ", ".join(f"{k}: {v}" for k, v in (info.counts or {}).items())
            self.shell.app.restored_message = _("Đã khôi phục bản sao ngày {date} ({counts}). Bản sao dữ liệu cũ: "
                                                "{safety}. Hãy đăng nhập lại.").format(
                date=info.created_at.strftime("%d/%m/%Y %H:%M"), counts=counts, safety=result.safety_copy)
            self.message.configure(text=self.shell.app.restored_message, bootstyle="success")
            # this thread's connection still points at the replaced file: open the restored one
            from db.connection import close_database, open_database

            close_database()
            open_database(self.shell.app.target)
            self.shell.app.show_login(actor.username)

        def failed(error):
            self.shell.busy(False)
            self.restore_button.configure(state="normal")
            self.message.configure(text=_("Không khôi phục: {error}").format(error=describe_failure(error)), bootstyle="danger")

        self.task = run_in_background(
            self, lambda: backup.restore_backup(actor, path, passphrase=secret), done, failed)
