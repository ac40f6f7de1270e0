"""Đánh giá lại kế hoạch: an outcome for every goal and a new Barthel assessment, saved together."""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import rehab, vocab
from caremgr.dates import format_date
from caremgr.errors import CaremgrError, ValidationError
from caremgr.i18n import _
from ui.barthel_form import BarthelForm
from ui.widgets import Field, show_problems

OUTCOMES = [(code, label) for code, label in vocab.GOAL_STATUSES if code != "open"]


class ReviewDialog(ttk.Toplevel):
    def __init__(self, tab, plan):
        super().__init__(title=_("Đánh giá lại kế hoạch phục hồi chức năng"))
        self.tab = tab
        self.actor = tab.actor
        self.plan = plan
        self.transient(tab.winfo_toplevel())
        self.geometry("1180x760")
        body = ttk.ScrolledFrame(self, padding=12)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=_("Kế hoạch từ {start}, hẹn đánh giá lại {review}").format(
            start=format_date(plan.start_date), review=format_date(plan.review_date)),
            font=("TkDefaultFont", 12, "bold")).pack(anchor="w")

        head = ttk.Frame(body)
        head.pack(fill="x", pady=(6, 0))
        self.fields: dict[str, Field] = {
            "reviewed_on": Field(head, _("Ngày đánh giá lại"), kind="date", width=12, required=True),
            "next_review_date": Field(head, _("Ngày đánh giá lại tiếp theo (bỏ trống nếu kết thúc kế hoạch)"), kind="date",
                                      width=12),
            "summary": Field(head, _("Nhận xét chung"), width=44),
        }
        for i, field in enumerate(self.fields.values()):
            field.grid(row=0, column=i, sticky="nw", padx=(0, 10))
        self.fields["reviewed_on"].set(format_date(date.today()))

        goals = ttk.Labelframe(body, text=_("Kết quả từng mục tiêu"), padding=8)
        goals.pack(fill="x", pady=(6, 0))
        self.goal_fields: dict[int, dict[str, Field]] = {}
        for row, goal in enumerate(plan.goals):
            ttk.Label(goals, text=f"{goal.domain_label}: {goal.statement}", wraplength=420).grid(
                row=row, column=0, sticky="nw", padx=(0, 10), pady=2)
            status = Field(goals, _("Kết quả"), kind="choice", choices=[(c, _(lbl)) for c, lbl in OUTCOMES], width=16)
            achieved = Field(goals, _("Ngày đạt"), kind="date", width=12)
            note = Field(goals, _("Nhận xét"), width=36)
            if goal.status != "open":
                status.set(goal.status)
                achieved.set(format_date(goal.achieved_date))
                note.set(goal.outcome_note or "")
            for column, field in enumerate((status, achieved, note), start=1):
                field.grid(row=row, column=column, sticky="nw", padx=(0, 8))
            self.goal_fields[goal.id] = {"status": status, "achieved_date": achieved, "outcome_note": note}
        if not plan.goals:
            ttk.Label(goals, text=_("Kế hoạch chưa có mục tiêu nào."), bootstyle="secondary").grid(row=0, column=0)

        box = ttk.Labelframe(body, text=_("Đánh giá Barthel khi đánh giá lại (bắt buộc)"), padding=8)
        box.pack(fill="x", pady=(6, 0))
        self.barthel = BarthelForm(box, tab.staff, columns=3)
        self.barthel.fields["assessed_on"].grid_remove()  # the review's own date is used
        self.barthel.pack(fill="x")

        self.next_plan = ttk.BooleanVar(value=False)
        ttk.Checkbutton(body, text=_("Sau khi ghi, lập kế hoạch kỳ sau từ kế hoạch này (chép mục tiêu chưa đạt và "
                                     "các can thiệp)"), variable=self.next_plan).pack(anchor="w", pady=(8, 0))
        self.message = ttk.Label(body, text="", bootstyle="danger", wraplength=1000)
        self.message.pack(anchor="w", pady=(4, 0))
        buttons = ttk.Frame(body)
        buttons.pack(fill="x", pady=(6, 0))
        self.save_button = ttk.Button(buttons, text=_("Ghi kết quả đánh giá lại"), bootstyle="success",
                                      command=self.save)
        self.save_button.pack(side="left")
        ttk.Button(buttons, text=_("Đóng"), bootstyle="secondary", command=self.destroy).pack(side="left", padx=8)

    def data(self) -> dict:
        barthel = self.barthel.data()
        barthel.pop("assessed_on", None)
        return {
            "reviewed_on": self.fields["reviewed_on"].get(),
            "next_review_date": self.fields["next_review_date"].get(),
            "summary": self.fields["summary"].get(),
            "outcomes": {goal_id: {k: f.get() for k, f in fields.items()} for goal_id, fields in self.goal_fields.items()},
            "barthel": barthel,
        }

    def _error_fields(self) -> dict[str, Field]:
        """Every field under the names a problem may carry: "barthel.feeding", "outcomes.12.status" …"""
        out = dict(self.fields)
        for key, field in self.barthel.fields.items():
            out[f"barthel.{key}"] = field
            out.setdefault(key, field)
        for key in ("assessor_id", "assessor_name"):
            out[f"barthel.{key}"] = self.barthel.fields["assessor"]
        for goal_id, fields in self.goal_fields.items():
            for key, field in fields.items():
                out[f"outcomes.{goal_id}.{key}"] = field
        return out

    def save(self) -> None:
        try:
            plan = rehab.review_plan(self.actor, self.plan.id, self.data(), version=self.plan.version)
            next_id = rehab.copy_plan(self.actor, plan.id).id if self.next_plan.get() else None
        except ValidationError as exc:
            fields = self._error_fields()
            show_problems(fields, exc.problems, self.message)
            loose = [p.message for p in exc.problems if p.is_error and p.field not in fields]
            self.message.configure(text="\n".join([_("Chưa ghi được: hãy sửa các mục báo đỏ."), *loose]))
            return
        except CaremgrError as exc:
            self.message.configure(text=str(exc))
            return
        self.destroy()
        self.tab.reviewed(plan.id, next_id)
