"""Dữ liệu cá nhân in a profile: consents to processing (Law 91/2025/QH15) and the export of everything held
about the resident when they or their guardian ask for it."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import ttkbootstrap as ttk

from caremgr import consent
from caremgr.dates import format_date
from caremgr.errors import CaremgrError, ValidationError
from caremgr.i18n import N_, _
from ui.widgets import Field, notify, scrolled_table, show_problems

RELATIONS = [("self", N_("Chính đối tượng")), ("guardian", N_("Người giám hộ")), ("relative", N_("Người thân")),
             ("other", N_("Khác"))]


class ConsentTab(ttk.Frame):
    def __init__(self, master, profile):
        super().__init__(master, padding=10)
        self.profile = profile
        self.actor = profile.actor
        self.resident_id = profile.detail.id
        self.rows: list = []
        can_edit = self.actor.can("residents.edit") and not profile.detail.read_only
        ttk.Label(self, text=_("Sự đồng ý xử lý dữ liệu cá nhân, sức khỏe (Luật Bảo vệ dữ liệu cá nhân 2025)"),
                  font=("TkDefaultFont", 10, "bold")).pack(anchor="w")
        form = ttk.Frame(self)
        form.pack(fill="x", pady=(6, 0))
        self.fields = {
            "given_on": Field(form, _("Ngày đồng ý"), kind="date", width=11, required=True, compact=True),
            "given_by": Field(form, _("Người đồng ý"), width=20, required=True, compact=True),
            "relation": Field(form, _("Quan hệ"), kind="choice", choices=[(c, _(lbl)) for c, lbl in RELATIONS],
                              width=16, compact=True),
            "scope": Field(form, _("Phạm vi đồng ý"), width=30, required=True, compact=True),
            "document": Field(form, _("Văn bản số"), width=14, compact=True),
        }
        for column, field in enumerate(self.fields.values()):
            field.grid(row=0, column=column, sticky="nw", padx=(0, 8))
        self.fields["given_on"].set(format_date(date.today()))
        self.fields["relation"].set("self")
        self.fields["scope"].set(_("Lưu trữ, theo dõi sức khỏe, báo cáo cơ quan quản lý"))
        buttons = ttk.Frame(self)
        buttons.pack(fill="x", pady=(6, 0))
        state = "normal" if can_edit else "disabled"
        self.add_button = ttk.Button(buttons, text=_("Ghi sự đồng ý"), bootstyle="success", command=self.add,
                                     state=state)
        self.add_button.pack(side="left")
        self.withdraw_button = ttk.Button(buttons, text=_("Ghi rút lại đồng ý"), bootstyle="warning-outline",
                                          command=self.withdraw, state=state)
        self.withdraw_button.pack(side="left", padx=6)
        self.export_button = ttk.Button(buttons, text=_("Xuất toàn bộ dữ liệu của đối tượng"), icon="box-arrow-up",
                                        bootstyle="secondary", command=self.export)
        self.export_button.pack(side="right")
        self.message = ttk.Label(self, text="", wraplength=900)
        self.message.pack(anchor="w", pady=(4, 0))
        self.table = scrolled_table(self, [
            ("given_on", _("Ngày"), 90, False), ("given_by", _("Người đồng ý"), 160, False),
            ("relation", _("Quan hệ"), 110, False), ("scope", _("Phạm vi"), 260, True),
            ("document", _("Văn bản"), 120, False), ("withdrawn", _("Rút lại ngày"), 100, False)], height=6)
        self.reload()

    def reload(self) -> None:
        self.rows = consent.list_consents(self.actor, self.resident_id)
        labels = dict(RELATIONS)
        self.table.delete(*self.table.get_children())
        for r in self.rows:
            self.table.insert("", "end", iid=str(r.id), values=(
                format_date(r.given_on), r.given_by, _(labels.get(r.relation, r.relation or "")), r.scope or "",
                r.document or "", format_date(r.withdrawn_on)))

    def add(self) -> None:
        data = {key: field.get() for key, field in self.fields.items()}
        try:
            consent.add_consent(self.actor, self.resident_id, data)
        except ValidationError as exc:
            show_problems(self.fields, exc.problems, self.message)
            self.message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        show_problems(self.fields, [], None)
        self.message.configure(text=_("Đã ghi sự đồng ý."), bootstyle="success")
        notify(self, self.message.cget("text"))
        self.reload()

    def withdraw(self) -> None:
        selected = self.table.selection()
        row = next((r for r in self.rows if selected and r.id == int(selected[0])), None)
        if row is None:
            self.message.configure(text=_("Chọn một dòng đồng ý trong bảng để ghi rút lại."), bootstyle="warning")
            return
        try:
            consent.withdraw(self.actor, row.id, date.today(), version=row.version)
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        self.message.configure(text=_("Đã ghi rút lại sự đồng ý từ hôm nay."), bootstyle="success")
        notify(self, self.message.cget("text"))
        self.reload()

    def export(self, path: str | None = None) -> None:
        """Everything held about the resident, as a .zip (JSON + the record PDF), for a data subject request."""
        from caremgr import records, subject_access
        from reports.record import render_record
        from ui.files import _run

        code = self.profile.detail.code
        path = path or str(Path(tempfile.gettempdir()) / f"du-lieu-{code}-{date.today():%Y%m%d}.zip")
        actor, resident_id = self.actor, self.resident_id

        def work():
            pdf = Path(tempfile.mkdtemp()) / f"ho-so-{code}.pdf"
            render_record(records.collect_record(actor, code), str(pdf))
            subject_access.export_subject_data(actor, resident_id, path,
                                               extra_files={f"ho-so-{code}.pdf": pdf.read_bytes()})
            return path

        _run(self, work, _("Đã xuất toàn bộ dữ liệu của đối tượng: {path}"), path, open_after=False)
