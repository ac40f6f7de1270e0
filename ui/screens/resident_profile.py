"""Hồ sơ đối tượng: create and edit a resident in tabs, admit/discharge, health record.

Nothing is saved until every field is valid; problems are shown beside their fields. Possible
duplicates are shown before a new resident is saved, and leaving with unsaved changes asks first.
"""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import photos, places, residents
from caremgr.bhyt import STATUS_LABELS
from caremgr.dates import format_date, parse_date
from caremgr.errors import CaremgrError, Conflict, Problem, ValidationError
from caremgr.ethnicities import ETHNICITIES
from caremgr.i18n import _
from caremgr.vocab import (
    CATEGORIES,
    DISABILITY_SEVERITIES,
    DISABILITY_TYPES,
    DISCHARGE_REASONS,
    MERIT_TYPES,
    RESIDENT_STATUSES,
    SEXES,
    label,
)
from ui import dialogs
from ui.widgets import Field, show_problems

BLANK = ("", "—")


def _choices(vocab, blank=False):
    return ([BLANK] if blank else []) + [(c, _(lbl)) for c, lbl in vocab]


class ResidentProfile(ttk.Frame):
    def __init__(self, master, shell, resident_id: int | None):
        super().__init__(master, padding=(20, 14))
        self.shell = shell
        self.actor = shell.actor
        self.detail = residents.get(self.actor, resident_id) if resident_id else None
        self.contacts: list[dict] = [c.__dict__.copy() for c in self.detail.contacts] if self.detail else []
        self.duplicates_confirmed = False
        self.can_edit = self.actor.can("residents.edit") and not (self.detail and self.detail.read_only)

        header = ttk.Frame(self)
        header.pack(fill="x")
        # The buttons are packed first so a long name gives way, never "Lưu" or "In hồ sơ".
        self.save_button = ttk.Button(header, text=_("Lưu (Ctrl+S)"), icon="floppy", bootstyle="success",
                                      command=self.save, state="normal" if self.can_edit else "disabled")
        self.save_button.pack(side="right")
        if self.detail:
            self.print_button = ttk.Button(header, text=_("In hồ sơ"), icon="printer", bootstyle="secondary",
                                           command=self.print_record)
            self.print_button.pack(side="right", padx=6)
        ttk.Button(header, text=_("← Danh sách"), bootstyle="link", command=self.back).pack(side="left")
        self.title = ttk.Label(header, text="", font=("TkDefaultFont", 16, "bold"))
        self.title.pack(side="left", padx=(8, 12))
        self.badges = ttk.Frame(header)
        self.badges.pack(side="left")
        self.message = ttk.Label(self, text="", wraplength=1000)
        self.message.pack(anchor="w", pady=(4, 0))
        self.duplicates_label = ttk.Label(self, text="", bootstyle="warning", wraplength=1000)
        self.duplicates_label.pack(anchor="w")

        self.notebook = ttk.Notebook(self)
        self.notebook.pack(fill="both", expand=True, pady=(6, 0))
        self.notebook.enable_traversal()  # Ctrl+Tab / Ctrl+Shift+Tab move between the tabs
        self.fields: dict[str, Field] = {}
        self._build_identity()
        self._build_policy()
        self._build_contacts()
        self._build_discharge()
        self._build_notes()
        if self.detail:
            from ui.screens.cards_tab import CardsTab
            from ui.screens.health_tab import HealthTab

            self.cards = CardsTab(self.notebook, self)
            self.notebook.add(self.cards, text=_("Thẻ BHYT"))

            self.health = HealthTab(self.notebook, self)
            self.notebook.add(self.health, text=_("Sức khỏe"))

            from ui.screens.rehab_tab import RehabTab

            self.rehab = RehabTab(self.notebook, self)
            self.notebook.add(self.rehab, text=_("Phục hồi chức năng"))

            from ui.screens.consent_tab import ConsentTab

            self.consent = ConsentTab(self.notebook, self)
            self.notebook.add(self.consent, text=_("Dữ liệu cá nhân"))
            from caremgr import audit

            audit.record_view(self.actor, self.detail.id)  # who opened whose record (Law 91/2025)
        self.load()
        # The keyboard starts on the tabs of an opened record (←/→ or Ctrl+Tab, then Tab into the page);
        # a new record starts on its first field.
        self.after_idle(lambda: self.winfo_exists() and (
            self.notebook.focus_set() if self.detail else self.fields["code"].input.focus_set()))

    def select_tab(self, name: str) -> None:
        """Shows the tab ``name`` ("cards", "health", "rehab") when the profile has it."""
        page = getattr(self, name, None)
        if page is not None and self.detail:
            self.notebook.select(page)

    # --- layout -------------------------------------------------------------------------------
    def _page(self, title: str) -> ttk.Frame:
        page = ttk.Frame(self.notebook, padding=14)
        self.notebook.add(page, text=title)
        page.columnconfigure(0, weight=1, uniform="profile")
        page.columnconfigure(1, weight=1, uniform="profile")
        page.columnconfigure(2, weight=0)
        return page

    def _place(self, page, key: str, field: Field, row: int, column: int) -> None:
        field.grid(row=row, column=column, sticky="nwe", padx=(0, 24), pady=3)
        self.fields[key] = field

    def _build_identity(self) -> None:
        page = self._page(_("Nhân thân"))
        self._place(page, "code", Field(page, _("Mã đối tượng"), required=True, width=36), 0, 0)
        self._place(page, "full_name", Field(page, _("Họ và tên"), required=True, width=36), 0, 1)
        self._place(page, "sex", Field(page, _("Giới tính"), kind="choice", choices=_choices(SEXES), required=True,
                                       width=36), 1, 0)
        self._place(page, "birth", Field(page, _("Ngày sinh"), kind="date", required=True, width=36,
                                         help_text=_("dd/mm/yyyy, hoặc chỉ năm (yyyy) khi không rõ ngày")), 1, 1)
        self._place(page, "ethnicity", Field(page, _("Dân tộc"), kind="combo", width=36,
                                             choices=[name for _code, name in ETHNICITIES]), 2, 0)
        self._place(page, "cccd", Field(page, _("Số CCCD"), width=36, help_text=_("12 chữ số")), 2, 1)
        self._place(page, "cccd_note", Field(page, _("Lý do chưa có CCCD"), kind="combo", width=36,
                                             choices=[_("chưa có"), _("đang làm thủ tục")]), 3, 0)
        self._place(page, "address", Field(page, _("Địa chỉ thường trú"), width=36,
                                           help_text=_("Ghi tự do; địa chỉ cũ (có huyện) vẫn được chấp nhận")), 3, 1)
        self._place(page, "province", Field(page, _("Tỉnh, thành phố"), kind="combo", width=36,
                                            choices=places.provinces()), 4, 0)
        self._place(page, "commune", Field(page, _("Xã, phường"), kind="combo", width=36), 4, 1)
        self._build_photo(page)
        self.fields["cccd"].var.trace_add("write", lambda *_a: self._cccd_changed())
        self.fields["province"].input.bind("<<ComboboxSelected>>", lambda _e: self._province_changed())
        self.fields["province"].input.bind("<FocusOut>", lambda _e: self._province_changed())

    def _cccd_changed(self) -> None:
        """The reason for having no CCCD only matters while there is none."""
        note = self.fields["cccd_note"]
        if self.fields["cccd"].get().strip():
            note.grid_remove()
        else:
            note.grid()

    def _build_photo(self, page) -> None:
        box = ttk.Frame(page)
        box.grid(row=0, column=2, rowspan=4, sticky="n")
        self.photo_label = ttk.Label(box, text=_("Chưa có ảnh"), bootstyle="secondary", anchor="center", width=18)
        self.photo_label.pack(pady=(18, 6))
        buttons = ttk.Frame(box)
        buttons.pack()
        state = "normal" if self.detail and self.can_edit else "disabled"
        self.photo_button = ttk.Button(buttons, text=_("Chọn ảnh…"), bootstyle="secondary-outline",
                                       command=self.choose_photo, state=state)
        self.photo_button.pack(side="left")
        ttk.Button(buttons, text=_("Bỏ ảnh"), bootstyle="link", command=lambda: self.set_photo(None),
                   state=state).pack(side="left")
        self._photo_image = None

    def _show_photo(self) -> None:
        data = photos.photo(self.actor, self.detail.id) if self.detail else None
        if not data:
            self._photo_image = None
            self.photo_label.configure(image="", text=_("Chưa có ảnh"))
            return
        import io

        from PIL import Image, ImageTk

        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((160, 200))
            self._photo_image = ImageTk.PhotoImage(image)
        self.photo_label.configure(image=self._photo_image, text="")

    def choose_photo(self) -> None:
        path = dialogs.choose_open_path(self, _("Chọn ảnh"), [(_("Ảnh"), "*.jpg *.jpeg *.png *.gif *.bmp")])
        if path:
            with open(path, "rb") as fh:
                self.set_photo(fh.read())

    def set_photo(self, data: bytes | None) -> None:
        try:
            photos.set_photo(self.actor, self.detail.id, data)
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        self.detail = residents.get(self.actor, self.detail.id)  # the version moved on
        self._show_photo()

    def _build_policy(self) -> None:
        page = self._page(_("Chính sách, tiếp nhận"))
        self._place(page, "category", Field(page, _("Nhóm đối tượng"), kind="choice", required=True, width=36,
                                            choices=[(c, f"{c} – {_(lbl)}") for c, lbl in CATEGORIES]), 0, 0)
        self._place(page, "merit_type", Field(page, _("Diện người có công"), kind="choice", width=36,
                                              choices=_choices(MERIT_TYPES, blank=True)), 0, 1)
        self._place(page, "disability_type", Field(page, _("Dạng khuyết tật"), kind="choice", width=36,
                                                   choices=_choices(DISABILITY_TYPES, blank=True)), 1, 0)
        self._place(page, "disability_severity", Field(page, _("Mức độ khuyết tật"), kind="choice", width=36,
                                                       choices=_choices(DISABILITY_SEVERITIES, blank=True)), 1, 1)
        self._place(page, "admission_date", Field(page, _("Ngày tiếp nhận"), kind="date", required=True, width=36,
                                                  help_text="dd/mm/yyyy"), 2, 0)
        self._place(page, "admission_decision", Field(page, _("Số quyết định tiếp nhận"), width=36,
                                                      help_text=_("Ví dụ 125/QĐ-TTBTXH")), 2, 1)
        self._place(page, "room", Field(page, _("Phòng"), width=36), 3, 0)

    def _build_contacts(self) -> None:
        page = self._page(_("Người thân"))
        self.contact_table = ttk.Treeview(page, columns=("full_name", "relationship", "phone", "guardian"),
                                          show="headings", height=6)
        for key, title, width in [("full_name", _("Họ và tên"), 200), ("relationship", _("Quan hệ"), 120),
                                  ("phone", _("Điện thoại"), 120), ("guardian", _("Người giám hộ"), 110)]:
            self.contact_table.heading(key, text=title)
            self.contact_table.column(key, width=width)
        self.contact_table.grid(row=0, column=0, columnspan=2, sticky="nsew")
        self.contact_table.bind("<<TreeviewSelect>>", lambda _e: self._contact_selected())
        form = ttk.Frame(page)
        form.grid(row=1, column=0, columnspan=2, sticky="we", pady=(10, 0))
        self.contact_fields = {
            "full_name": Field(form, _("Họ và tên người thân"), width=28),
            "relationship": Field(form, _("Quan hệ"), kind="combo", width=18,
                                  choices=[_("Con"), _("Vợ"), _("Chồng"), _("Cha"), _("Mẹ"), _("Anh"), _("Chị"),
                                           _("Em"), _("Cháu"), _("Người giám hộ"), _("Khác")]),
            "phone": Field(form, _("Điện thoại"), width=16),
            "address": Field(form, _("Địa chỉ"), width=30),
            "is_guardian": Field(form, _("Là người giám hộ"), kind="check"),
        }
        for i, field in enumerate(self.contact_fields.values()):
            field.grid(row=0, column=i, sticky="nw", padx=(0, 10))
        buttons = ttk.Frame(page)
        buttons.grid(row=2, column=0, columnspan=2, sticky="w")
        self.contact_add = ttk.Button(buttons, text=_("Thêm / cập nhật người thân"), bootstyle="secondary",
                                      command=self.add_contact)
        self.contact_add.pack(side="left")
        self.contact_remove = ttk.Button(buttons, text=_("Bỏ người được chọn"), bootstyle="danger-link",
                                         command=self.remove_contact)
        self.contact_remove.pack(side="left", padx=8)
        page.rowconfigure(0, weight=1)

    def _build_discharge(self) -> None:
        page = self._page(_("Ra khỏi cơ sở"))
        self.status_label = ttk.Label(page, text="", font=("TkDefaultFont", 11, "bold"))
        self.status_label.grid(row=0, column=0, columnspan=2, sticky="w", pady=(0, 8))
        self.discharge_fields = {
            "on": Field(page, _("Ngày ra khỏi cơ sở"), kind="date", required=True, width=36, help_text="dd/mm/yyyy"),
            "reason": Field(page, _("Lý do"), kind="choice", required=True, width=36,
                            choices=_choices(DISCHARGE_REASONS)),
            "note": Field(page, _("Ghi chú"), width=36),
        }
        self.discharge_fields["on"].grid(row=1, column=0, sticky="nwe", padx=(0, 24))
        self.discharge_fields["reason"].grid(row=1, column=1, sticky="nwe")
        self.discharge_fields["note"].grid(row=2, column=0, sticky="nwe", padx=(0, 24))
        actions = ttk.Frame(page)
        actions.grid(row=3, column=0, columnspan=2, sticky="w", pady=(10, 0))
        self.discharge_button = ttk.Button(actions, text=_("Ra khỏi cơ sở"), bootstyle="warning",
                                           command=self.discharge)
        self.discharge_button.pack(side="left")
        self.readmit_button = ttk.Button(actions, text=_("Tiếp nhận lại từ ngày trên"), bootstyle="info",
                                         command=self.readmit)
        self.readmit_button.pack(side="left", padx=8)
        if self.actor.can("residents.delete"):
            self.delete_button = ttk.Button(actions, text=_("Xóa hồ sơ nhập nhầm…"), bootstyle="danger-link",
                                            command=self.delete)
            self.delete_button.pack(side="left", padx=8)
        self.discharge_message = ttk.Label(page, text="", wraplength=800)
        self.discharge_message.grid(row=4, column=0, columnspan=2, sticky="w", pady=(8, 0))

    def _build_notes(self) -> None:
        page = self._page(_("Ghi chú"))
        self._place(page, "notes", Field(page, _("Ghi chú"), kind="text", width=90, height=12), 0, 0)

    # --- state --------------------------------------------------------------------------------
    def load(self) -> None:
        values = self.detail.form_values() if self.detail else {
            "sex": "", "category": "", "admission_date": format_date(date.today()), "ethnicity": "Kinh"}
        for key, field in self.fields.items():
            field.set(values.get(key, ""))
        self._province_changed()
        self._show_photo()
        self._loaded = self.form_values()
        self._show_contacts()
        self.refresh_badges()
        self._show_status()
        for field in self.fields.values():
            field.set_enabled(self.can_edit)
        for field in self.contact_fields.values():
            field.set_enabled(self.can_edit)
        if self.detail and self.detail.read_only:
            self.message.configure(text=_("Đối tượng đã mất: hồ sơ chỉ được xem."), bootstyle="secondary")

    def refresh_badges(self) -> None:
        for badge in self.badges.winfo_children():
            badge.destroy()
        if self.detail:
            self.title.configure(text=f"{self.detail.full_name} · {self.detail.code}")
            status = self.detail.status
            style = {"in_care": "success", "discharged": "secondary", "deceased": "dark"}.get(status, "secondary")
            ttk.Label(self.badges, text=label(RESIDENT_STATUSES, status), bootstyle=f"@{style}",
                      padding=(8, 2)).pack(side="left", padx=2)
            insurance = residents.insurance_status(self.detail.id)
            style = {"valid": "success", "expiring": "warning", "expired": "danger"}.get(insurance, "secondary")
            self.insurance_badge = ttk.Label(self.badges, text=_("BHYT: {s}").format(
                s=_(STATUS_LABELS[insurance])), bootstyle=f"@{style}", padding=(8, 2))
            self.insurance_badge.pack(side="left", padx=2)
        else:
            self.title.configure(text=_("Đối tượng mới"))

    def _show_status(self) -> None:
        d = self.detail
        editable = self.actor.can("residents.edit")
        if d is None:
            self.status_label.configure(text=_("Lưu hồ sơ trước khi ghi ra khỏi cơ sở."))
            for w in (self.discharge_button, self.readmit_button):
                w.configure(state="disabled")
            return
        if d.status == "in_care":
            self.status_label.configure(text=_("Đang chăm sóc từ {day}").format(day=format_date(d.admission_date)))
        else:
            self.status_label.configure(text=_("{status} ngày {day} — {reason}").format(
                status=label(RESIDENT_STATUSES, d.status), day=format_date(d.discharge_date),
                reason=label(DISCHARGE_REASONS, d.discharge_reason)))
            self.discharge_fields["on"].set(format_date(d.discharge_date))
            self.discharge_fields["reason"].set(d.discharge_reason)
            self.discharge_fields["note"].set(d.discharge_note or "")
        self.discharge_button.configure(state="normal" if editable and d.status == "in_care" else "disabled")
        self.readmit_button.configure(state="normal" if editable and d.status == "discharged" else "disabled")

    def _province_changed(self) -> None:
        province = self.fields["province"].get()
        self.fields["commune"].set_options(places.communes(province) if province else [])

    def form_values(self) -> dict:
        return {key: field.get() for key, field in self.fields.items()}

    def is_dirty(self) -> bool:
        original = [c for c in (self.detail.contacts if self.detail else [])]
        contacts_changed = [c.__dict__ for c in original] != self.contacts
        return self.form_values() != self._loaded or contacts_changed

    def can_leave(self) -> bool:
        if not self.can_edit or not self.is_dirty():
            return True
        return dialogs.confirm(self, _("Chưa lưu"), _("Hồ sơ có thay đổi chưa lưu. Bỏ các thay đổi và rời đi?"))

    def back(self) -> None:
        self.shell.show("residents")

    # --- contacts -----------------------------------------------------------------------------
    def _show_contacts(self) -> None:
        self.contact_table.delete(*self.contact_table.get_children())
        for i, c in enumerate(self.contacts):
            self.contact_table.insert("", "end", iid=str(i), values=(
                c.get("full_name", ""), c.get("relationship", ""), c.get("phone", ""),
                _("Có") if c.get("is_guardian") else ""))

    def _contact_selected(self) -> None:
        selected = self.contact_table.selection()
        if selected:
            contact = self.contacts[int(selected[0])]
            for key, field in self.contact_fields.items():
                field.set(contact.get(key, ""))

    def add_contact(self) -> None:
        data = {key: field.get() for key, field in self.contact_fields.items()}
        selected = self.contact_table.selection()
        index = int(selected[0]) if selected else len(self.contacts)
        clean, findings = residents.validate_contact(data, index)
        problems = [Problem(p.field.split(".")[-1], p.message, p.severity) for p in findings.problems]
        show_problems(self.contact_fields, problems, None)
        if findings.errors:
            return
        entry = {"id": self.contacts[index].get("id") if selected else None, "notes": "", **data,
                 "phone": clean.get("phone", data["phone"])}
        if selected:
            self.contacts[index] = entry
        else:
            self.contacts.append(entry)
        for field in self.contact_fields.values():
            field.set("")
        self._show_contacts()

    def remove_contact(self) -> None:
        selected = self.contact_table.selection()
        if selected:
            del self.contacts[int(selected[0])]
            self._show_contacts()

    # --- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        if not self.can_edit:
            return
        values = self.form_values()
        _clean, findings = residents.validate(values, resident_id=self.detail.id if self.detail else None)
        show_problems(self.fields, findings.problems, None)
        if findings.errors:
            self._focus_first_error(findings.errors)
            self.message.configure(text=_("Chưa lưu: hãy sửa các mục báo đỏ ({n} lỗi).").format(
                n=len(findings.errors)), bootstyle="danger")
            return
        if not self.duplicates_confirmed:
            duplicates = residents.find_duplicates(values, resident_id=self.detail.id if self.detail else None)
            if duplicates:
                self.duplicates_label.configure(text=_("Có thể trùng với: {who}. Kiểm tra lại; bấm Lưu lần nữa "
                                                       "nếu đúng là người khác.").format(
                    who="; ".join(f"{d.code} {d.full_name} ({d.birth_display})" for d in duplicates)))
                self.duplicates_confirmed = True
                return
        try:
            if self.detail:
                self.detail = residents.update(self.actor, self.detail.id, values, version=self.detail.version,
                                               contacts=self.contacts)
            else:
                self.detail = residents.create(self.actor, values, contacts=self.contacts)
        except Conflict as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            self._show_conflict(exc)
            return
        except ValidationError as exc:
            show_problems(self.fields, exc.problems, self.message)
            self.message.configure(bootstyle="danger")
            return
        except CaremgrError as exc:
            self.message.configure(text=str(exc), bootstyle="danger")
            return
        self.duplicates_label.configure(text="")
        self.duplicates_confirmed = False
        self.contacts = [c.__dict__.copy() for c in self.detail.contacts]
        self.load()
        warnings = "; ".join(p.message for p in findings.warnings)
        self.message.configure(text=_("Đã lưu.") + (f" {_('Lưu ý')}: {warnings}" if warnings else ""),
                               bootstyle="success" if not warnings else "warning")
        self.shell.toast(_("Đã lưu hồ sơ {code}").format(code=self.detail.code))

    def _focus_first_error(self, errors) -> None:
        for problem in errors:
            field = self.fields.get(problem.field)
            if field is not None:
                page = field.master
                self.notebook.select(page)
                field.input.focus_set()
                return

    def _show_conflict(self, exc: Conflict) -> None:
        lines = [f"{key}: {_('của bạn')} «{exc.mine.get(key)}» — {_('đang lưu')} «{exc.theirs.get(key)}»"
                 for key in sorted(set(exc.mine) | set(exc.theirs)) if exc.mine.get(key) != exc.theirs.get(key)]
        self.duplicates_label.configure(text="\n".join(lines[:12]))

    # --- actions ------------------------------------------------------------------------------
    def discharge(self) -> None:
        values = {k: f.get() for k, f in self.discharge_fields.items()}
        problems = []
        try:
            on = parse_date(values["on"])
        except ValueError as exc:
            problems.append(Problem("on", str(exc)))
        if not values["reason"]:
            problems.append(Problem("reason", _("Lý do: hãy chọn lý do ra khỏi cơ sở.")))
        show_problems(self.discharge_fields, problems, None)
        if problems:
            return
        try:
            self.detail = residents.discharge(self.actor, self.detail.id, on=on, reason=values["reason"],
                                              note=values["note"], version=self.detail.version)
        except CaremgrError as exc:
            problems = exc.problems if isinstance(exc, ValidationError) else [Problem("", str(exc))]
            show_problems(self.discharge_fields, problems, self.discharge_message)
            self.discharge_message.configure(bootstyle="danger")
            return
        self.can_edit = self.actor.can("residents.edit") and not self.detail.read_only
        self.load()
        self.discharge_message.configure(text=_("Đã ghi ra khỏi cơ sở."), bootstyle="success")

    def readmit(self) -> None:
        try:
            on = parse_date(self.discharge_fields["on"].get())
            self.detail = residents.readmit(self.actor, self.detail.id, on=on)
        except ValueError as exc:
            self.discharge_fields["on"].show_error(str(exc))
            return
        except CaremgrError as exc:
            self.discharge_message.configure(text=str(exc), bootstyle="danger")
            return
        for field in self.discharge_fields.values():
            field.set("")
        self.load()
        self.discharge_message.configure(text=_("Đã tiếp nhận lại."), bootstyle="success")

    def delete(self) -> None:
        reason = self.discharge_fields["note"].get().strip()
        if not reason:
            self.discharge_fields["note"].show_error(_("Ghi lý do xóa (ví dụ: nhập trùng hồ sơ DT0123) vào ô Ghi chú."))
            return
        if not dialogs.confirm(self, _("Xóa hồ sơ"), _("Chỉ xóa hồ sơ nhập nhầm. Hồ sơ sẽ bị ẩn và việc xóa được "
                                                      "ghi nhật ký. Tiếp tục?")):
            return
        try:
            residents.delete_by_mistake(self.actor, self.detail.id, reason=reason)
        except CaremgrError as exc:
            self.discharge_message.configure(text=str(exc), bootstyle="danger")
            return
        self._loaded = self.form_values()
        self.shell.show("residents")

    def print_record(self) -> None:
        from ui.files import print_record

        print_record(self, self.actor, self.detail.code)
