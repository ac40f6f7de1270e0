"""First-run wizard: the centre, its agencies, the first administrator, and optional demo data.

It appears while the database has no user, so a newcomer is never left without a password.
"""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import settings, setup
from caremgr.auth import MIN_PASSWORD_LENGTH
from caremgr.dates import format_date, parse_date
from caremgr.errors import CaremgrError, Problem, ValidationError
from caremgr.i18n import _
from ui.error_log import describe_failure
from ui.tasks import run_in_background
from ui.widgets import Field, show_problems

STEP_KEYS = [
    ["centre.name", "centre.type", "centre.symbol", "centre.province", "centre.address", "centre.director"],
    ["agency.governing_body", "agency.receiving", "agency.recipients", "agency.signer_title"],
]


class SetupWizard(ttk.Frame):
    def __init__(self, master, app):
        super().__init__(master, padding=30)
        self.app = app
        self.step = 0
        self.task = None
        ttk.Label(self, text=_("Chào mừng đến với caremgr"), font=("TkDefaultFont", 20, "bold"),
                  bootstyle="primary").pack(anchor="w")
        self.subtitle = ttk.Label(self, text="", font=("TkDefaultFont", 12), bootstyle="secondary")
        self.subtitle.pack(anchor="w", pady=(0, 14))
        self.pages = [ttk.Frame(self) for _i in range(3)]
        self.fields: dict[str, Field] = {}

        page = self.pages[0]
        self.demo = Field(page, _("Nạp dữ liệu mẫu (một cơ sở mẫu để dùng thử; có thể bỏ trống các mục dưới)"),
                          kind="check")
        self.demo.grid(row=0, column=0, columnspan=2, sticky="w", pady=(0, 8))
        self.demo.set(getattr(app, "demo_default", False))
        self.demo_warning = ttk.Label(page, text="", bootstyle="danger")
        self.demo_warning.grid(row=0, column=1, sticky="e")
        self.demo.var.trace_add("write", lambda *_a: self._demo_changed())
        self._demo_changed()
        self._add_fields(page, STEP_KEYS[0], start_row=1)

        page = self.pages[1]
        ttk.Label(page, text=_("Từ năm 2025, cơ quan chủ quản và nơi nhận báo cáo thay đổi theo tỉnh và theo "
                               "nhóm đối tượng. Ghi đúng tên đang áp dụng; khi thay đổi, sửa trong Cài đặt với "
                               "ngày hiệu lực mới."), wraplength=900, bootstyle="secondary").grid(
            row=0, column=0, columnspan=2, sticky="w", pady=(0, 8))
        self._add_fields(page, STEP_KEYS[1], start_row=1)
        self.effective = Field(page, _("Áp dụng từ ngày (dd/mm/yyyy)"), kind="date", width=20)
        self.effective.set(format_date(date(date.today().year, 1, 1)))
        self.effective.grid(row=10, column=0, sticky="w", pady=4)

        page = self.pages[2]
        ttk.Label(page, text=_("Tài khoản quản trị viên đầu tiên: dùng để đăng nhập và thêm người dùng khác."),
                  bootstyle="secondary").grid(row=0, column=0, columnspan=2, sticky="w", pady=(0, 8))
        self.account = {
            "username": Field(page, _("Tên đăng nhập"), required=True),
            "full_name": Field(page, _("Họ và tên")),
            "password": Field(page, _("Mật khẩu (ít nhất {n} ký tự)").format(n=MIN_PASSWORD_LENGTH), show="•",
                              required=True),
            "password2": Field(page, _("Nhập lại mật khẩu"), show="•", required=True),
        }
        self.account["username"].set("admin")
        for i, field in enumerate(self.account.values()):
            field.grid(row=1 + i // 2, column=i % 2, sticky="we", padx=(0, 24), pady=4)
        self.progress = ttk.Progressbar(page, mode="indeterminate", bootstyle="success")
        self.message = ttk.Label(page, text="", bootstyle="danger", wraplength=900)
        self.message.grid(row=5, column=0, columnspan=2, sticky="w")

        buttons = ttk.Frame(self)
        buttons.pack(side="bottom", fill="x", pady=(16, 0))
        self.back_button = ttk.Button(buttons, text=_("← Quay lại"), bootstyle="secondary", command=self.back)
        self.back_button.pack(side="left")
        self.next_button = ttk.Button(buttons, text=_("Tiếp →"), bootstyle="primary", command=self.next)
        self.next_button.pack(side="right")
        self.finish_button = ttk.Button(buttons, text=_("Hoàn tất"), bootstyle="success", command=self.finish)
        self._show_step(0)

    def _demo_changed(self) -> None:
        self.demo_warning.configure(text=_("Dữ liệu mẫu chỉ để dùng thử, không dùng cho số liệu thật.")
                                    if self.demo.get() else "")

    def _add_fields(self, page, keys, start_row):
        for i, key in enumerate(keys):
            d = settings.definition(key)
            kind = {"list": "text", "choice": "choice"}.get(d.kind, "entry")
            field = Field(page, _(d.label), kind=kind, choices=[(c, _(lbl)) for c, lbl in d.choices],
                          required=d.required, help_text=_(d.help) if d.help else "", height=3)
            field.set(d.default)
            field.grid(row=start_row + i // 2, column=i % 2, sticky="nwe", padx=(0, 24), pady=4)
            page.columnconfigure(i % 2, weight=1)
            self.fields[key] = field

    def _show_step(self, step: int) -> None:
        for page in self.pages:
            page.pack_forget()
        self.pages[step].pack(fill="both", expand=True)
        self.step = step
        titles = [_("Bước 1/3: Thông tin cơ sở"), _("Bước 2/3: Cơ quan chủ quản và nơi nhận báo cáo"),
                  _("Bước 3/3: Tài khoản quản trị")]
        self.subtitle.configure(text=titles[step])
        self.back_button.configure(state="normal" if step else "disabled")
        if step == 2:
            self.next_button.pack_forget()
            self.finish_button.pack(side="right")
        else:
            self.finish_button.pack_forget()
            self.next_button.pack(side="right")

    def _step_problems(self, step: int) -> list[Problem]:
        problems = []
        for key in STEP_KEYS[step]:
            value = self.fields[key].get()
            try:
                settings.coerce(key, value)
            except ValidationError as exc:
                if not (self.demo.get() and not value):
                    problems.extend(exc.problems)
        if step == 1:
            try:
                parse_date(self.effective.get())
            except ValueError as exc:
                problems.append(Problem("effective", str(exc)))
        return problems

    def next(self) -> None:
        problems = self._step_problems(self.step)
        show_problems({**self.fields, "effective": self.effective}, problems, None)
        if not problems:
            self._show_step(self.step + 1)

    def back(self) -> None:
        if self.step:
            self._show_step(self.step - 1)

    def centre_values(self) -> dict:
        return {key: field.get() for key, field in self.fields.items()}

    def finish(self) -> None:
        values = {k: f.get() for k, f in self.account.items()}
        if values["password"] != values["password2"]:
            show_problems(self.account, [Problem("password2", _("Hai lần nhập mật khẩu không khớp."))], None)
            return
        show_problems(self.account, [], None)
        effective = parse_date(self.effective.get())
        demo = bool(self.demo.get())
        centre = self.centre_values()

        def work():
            return setup.first_run(username=values["username"], password=values["password"],
                                   full_name=values["full_name"], centre=centre, effective_from=effective,
                                   demo=demo)

        self.finish_button.configure(state="disabled")
        self.back_button.configure(state="disabled")
        self.message.configure(text=_("Đang thiết lập…") + (" " + _("(nạp dữ liệu mẫu)") if demo else ""),
                               bootstyle="info")
        self.progress.grid(row=4, column=0, columnspan=2, sticky="we", pady=(10, 4))
        self.progress.start(12)
        self.task = run_in_background(self, work, self._done, self._failed)

    def _done(self, summary) -> None:
        self.progress.stop()
        self.app.show_login(summary.admin.username)

    def _failed(self, error: BaseException) -> None:
        self.progress.stop()
        self.progress.grid_forget()
        self.finish_button.configure(state="normal")
        self.back_button.configure(state="normal")
        if isinstance(error, ValidationError):
            show_problems({**self.account, **self.fields}, error.problems, self.message)
            wrong_pages = {i for i, keys in enumerate(STEP_KEYS) for p in error.problems if p.field in keys}
            if wrong_pages:
                self._show_step(min(wrong_pages))
            self.message.configure(text=_("Chưa thiết lập được: hãy sửa các mục báo đỏ."), bootstyle="danger")
        elif isinstance(error, CaremgrError):
            self.message.configure(text=str(error), bootstyle="danger")
        else:
            self.message.configure(text=describe_failure(error), bootstyle="danger")
