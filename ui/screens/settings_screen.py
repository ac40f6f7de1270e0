"""Cài đặt: the centre's details, agencies (effective-dated), targets, care intervals, users."""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import auth, settings
from caremgr.dates import format_date, parse_date
from caremgr.errors import CaremgrError, Problem, ValidationError
from caremgr.i18n import _
from ui.widgets import CalendarButton, Field, notify, show_problems

SECTIONS = [settings.SECTION_CENTRE, settings.SECTION_AGENCY, settings.SECTION_TARGETS, settings.SECTION_CARE,
            settings.SECTION_APP]


def _shown(value) -> str:
    if isinstance(value, list):
        return "; ".join(value)
    return "—" if value in (None, "") else str(value)


class SettingsScreen(ttk.Frame):
    def __init__(self, master, shell):
        super().__init__(master, padding=20)
        self.shell = shell
        self.actor = shell.actor
        self.can_edit = self.actor.can("settings.edit")
        ttk.Label(self, text=_("Cài đặt"), font=("TkDefaultFont", 18, "bold")).pack(anchor="w")

        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(6, 10))
        ttk.Label(bar, text=_("Các mục có ngày hiệu lực áp dụng từ ngày (dd/mm/yyyy):")).pack(side="left")
        self.effective = ttk.Entry(bar, width=12)
        self.effective.insert(0, format_date(date.today()))
        self.effective.pack(side="left", padx=(6, 2))
        CalendarButton(bar, self.effective).pack(side="left", padx=(0, 6))
        self.save_button = ttk.Button(bar, text=_("Lưu cài đặt"), bootstyle="success", command=self.save,
                                      state="normal" if self.can_edit else "disabled")
        self.save_button.pack(side="right")
        self.message = ttk.Label(self, text="", wraplength=900)
        self.message.pack(anchor="w")

        self.notebook = ttk.Notebook(self)
        self.notebook.pack(fill="both", expand=True)
        self.fields: dict[str, Field] = {}
        for section in SECTIONS:
            page = ttk.Frame(self.notebook, padding=14)
            self.notebook.add(page, text=_(section))
            defs = [d for d in settings.DEFINITIONS if d.section == section]
            for i, d in enumerate(defs):
                kind = {"list": "text", "choice": "choice", "bool": "check"}.get(d.kind, "entry")
                choices = [(c, _(lbl)) for c, lbl in d.choices]
                label = _(d.label) + (" " + _("(theo ngày hiệu lực)") if d.dated else "")
                help_text = _(d.help) if d.help else ""
                if d.dated:
                    history = settings.history(d.key)
                    if len(history) > 1:
                        help_text = (help_text + "  " if help_text else "") + _("Lịch sử: ") + "; ".join(
                            f"{format_date(start)}: {_shown(value)}" for start, value in history)
                field = Field(page, label, kind=kind, choices=choices, help_text=help_text, required=d.required,
                              width=40, height=6 if d.kind == "list" else 3)
                field.grid(row=i // 2, column=i % 2, sticky="nwe", padx=(0, 24), pady=4)
                field.set(settings.get(d.key))
                if not self.can_edit:
                    field.input.configure(state="disabled")
                self.fields[d.key] = field
            page.columnconfigure(0, weight=1, uniform="settings")
            page.columnconfigure(1, weight=1, uniform="settings")
        from ui.screens.facility_panel import FacilityPanel

        self.facility_panel = FacilityPanel(self.notebook, self.actor)
        self.notebook.add(self.facility_panel, text=_("Điều kiện cơ sở"))
        if self.actor.can("audit.view"):
            from ui.screens.audit_panel import AuditPanel

            self.audit_panel = AuditPanel(self.notebook, self.actor)
            self.notebook.add(self.audit_panel, text=_("Nhật ký"))
        if self.actor.can("backup.run"):
            from ui.screens.backup_panel import BackupPanel

            self.backup_panel = BackupPanel(self.notebook, shell)
            self.notebook.add(self.backup_panel, text=_("Sao lưu"))
        if self.actor.can("users.manage"):
            from ui.screens.users_panel import UsersPanel

            self.users_panel = UsersPanel(self.notebook, self.actor)
            self.notebook.add(self.users_panel, text=_("Người dùng"))

    def values(self) -> dict:
        return {key: field.get() for key, field in self.fields.items()}

    def save(self) -> None:
        try:
            effective = parse_date(self.effective.get())
        except ValueError as exc:
            self.message.configure(text=_("Ngày hiệu lực: {error}").format(error=exc), bootstyle="danger")
            return
        changed = {}
        for key, typed in self.values().items():
            try:
                if settings.coerce(key, typed) == settings.get(key, effective):
                    continue
            except ValidationError:
                pass  # put() reports it beside the field
            changed[key] = typed
        try:
            settings.put(self.actor, changed, effective_from=effective)
        except ValidationError as exc:
            show_problems(self.fields, exc.problems, None)
            self.message.configure(text=_("Chưa lưu: hãy sửa các mục báo đỏ."), bootstyle="danger")
            return
        except CaremgrError as exc:
            show_problems(self.fields, [Problem("", str(exc))], None)
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        show_problems(self.fields, [], None)
        self.message.configure(text=_("Đã lưu {n} mục.").format(n=len(changed)), bootstyle="success")
        notify(self, self.message.cget("text"))
        if {"ui.language", "ui.theme"} & set(changed):
            self.shell.app.apply_appearance()
        self.shell.refresh_status()

    # test and keyboard helpers
    def field(self, key: str) -> Field:
        return self.fields[key]


def role_choices():
    return [(code, _(label)) for code, label in auth.ROLES.items()]
