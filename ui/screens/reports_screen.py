"""Báo cáo: every document caremgr prints, from one place. The periodic return for the Sở is shown as
figures first, with the three narrative parts typed here, then numbered, kept and printed."""

from __future__ import annotations

from datetime import date

import ttkbootstrap as ttk

from caremgr import periods, returns
from caremgr.dates import format_date, parse_date
from caremgr.i18n import N_, _
from caremgr.vocab import CATEGORIES
from ui.tasks import run_in_background
from ui.widgets import Field, scrolled_table

KINDS = [
    ("return", N_("Báo cáo định kỳ gửi Sở (Chương trình 1942)")),
    ("roster", N_("Danh sách đối tượng đang chăm sóc")),
    ("insurance", N_("Danh sách cần cấp, gia hạn thẻ BHYT")),
    ("training", N_("Báo cáo đào tạo, tập huấn năm")),
    ("plan", N_("Kế hoạch phục hồi chức năng của một đối tượng")),
    ("record", N_("Hồ sơ một đối tượng")),
]

PERIOD_CHOICES = [("H1", N_("6 tháng đầu năm")), ("H2", N_("6 tháng cuối năm")), ("year", N_("Cả năm")),
                  ("range", N_("Khoảng ngày khác"))]

NARRATIVE = [("results", N_("Kết quả")), ("difficulties", N_("Khó khăn, vướng mắc")),
             ("proposals", N_("Đề xuất, kiến nghị"))]


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    text = f"{value:,.1f}".removesuffix(".0") if isinstance(value, float) else f"{value:,}"
    return text.translate(str.maketrans({",": ".", ".": ","}))  # Vietnamese: 1.234,5


def _pct(value) -> str:
    return "—" if value is None else _number(float(value)) + "%"


def _met(value) -> str:
    return "" if value is None else (_("Đạt") if value else _("Chưa đạt"))


def figure_rows(data: dict) -> list[tuple[str, str, str, str, str]]:
    """(section, indicator, value, target, met) for every figure of the return, in the order of the PDF."""
    r, h, i, rh, s, t, f = (data[k] for k in ("residents", "health", "insurance", "rehab", "staff", "training",
                                              "facility"))
    targets, met = data.get("targets") or {}, data.get("met") or {}
    section = _("II. Đối tượng")
    rows = [(section, _("Đang chăm sóc, nuôi dưỡng (cuối kỳ)"), _number(r["in_care"]), "", "")]
    rows += [(section, "  " + _(label) + f" ({code})", _number(r["by_category"][code]), "", "")
             for code, label in CATEGORIES]
    rows += [(section, _("Nam / nữ"), f"{_number(r['by_sex']['male'])} / {_number(r['by_sex']['female'])}", "", ""),
             (section, _("Trẻ em dưới 16 tuổi"), _number(r["children"]), "", ""),
             (section, _("Người từ 60 tuổi trở lên"), _number(r["elderly"]), "", ""),
             (section, _("Người khuyết tật đặc biệt nặng / nặng / nhẹ"),
              " / ".join(_number(r["with_disability"][k]) for k in ("especially_severe", "severe", "mild")), "", ""),
             (section, _("Tiếp nhận trong kỳ"), _number(r["admitted"]), "", ""),
             (section, _("Ra khỏi cơ sở trong kỳ"), _number(r["discharged"]["total"]), "", "")]
    section = _("III. Chăm sóc sức khỏe")
    rows += [(section, _("Được theo dõi sức khỏe điện tử"), f"{_number(h['tracked'])} ({_pct(h['tracked_pct'])})",
              _pct(targets.get("tracking_pct")), _met(met.get("tracking"))),
             (section, _("Lượt khám trong kỳ / số người được khám"),
              f"{_number(h['checks'])} / {_number(h['residents_checked'])}", "", ""),
             (section, _("Chuyển viện trong kỳ"), _number(h["referrals"]), "", ""),
             (section, _("Mắc bệnh mạn tính / rối loạn tâm thần (F00–F99)"),
              f"{_number(h['chronic'])} / {_number(h['mental'])}", "", "")]
    section = _("IV. Bảo hiểm y tế")
    rows += [(section, _("Có thẻ BHYT còn hạn"), f"{_number(i['valid'])} ({_pct(i['coverage_pct'])})",
              _pct(targets.get("insurance_pct")), _met(met.get("insurance"))),
             (section, _("Thẻ hết hạn trong 30 ngày tới"), _number(i["expiring_30"]), "", ""),
             (section, _("Thẻ đã hết hạn / chưa có thẻ"), f"{_number(i['expired'])} / {_number(i['none'])}", "", "")]
    section = _("V. Phục hồi chức năng")
    rows += [(section, _("Đối tượng có kế hoạch đang thực hiện"), _number(rh["active_plans"]), "", ""),
             (section, _("Buổi tập / giờ tập trong kỳ"), f"{_number(rh['sessions'])} / {_number(rh['hours'])}", "", ""),
             (section, _("Được đánh giá Barthel / tiến bộ"), f"{_number(rh['assessed'])} / {_number(rh['improved'])}",
              "", ""),
             (section, _("Mục tiêu đạt trong kỳ"), _number(rh["goals_achieved"]), "", "")]
    section = _("VI. Nhân lực và tập huấn")
    rows += [(section, _("Nhân viên / nhân viên y tế / có chứng chỉ hành nghề còn hạn"),
              f"{_number(s['total'])} / {_number(s['medical'])} / {_number(s['licensed'])}", "", ""),
             (section, _("Khóa tập huấn / lượt người / số người"),
              f"{_number(t['courses'])} / {_number(t['turns'])} / {_number(t['staff_trained'])}",
              _number(t.get("target")), _met(met.get("training")))]
    section = _("VII. Điều kiện cơ sở")
    rows += [(section, _("Đủ điều kiện chăm sóc sức khỏe ban đầu, phục hồi chức năng"),
              _number(f["phc_rehab_ready"]), "", _met(met.get("phc_rehab"))),
             (section, _("Kỹ thuật tuyến xã thực hiện được"), _pct(f["technical_pct"]),
              _pct(f.get("technical_target_pct")), _met(met.get("technical")))]
    return rows


class ReturnPanel(ttk.Frame):
    """Periodic return: period, figures, narrative, issue; and the returns issued before."""

    def __init__(self, master, screen):
        super().__init__(master)
        self.screen = screen
        self.actor = screen.actor
        self.data: dict | None = None
        self.task = None

        bar = ttk.Frame(self)
        bar.pack(fill="x")
        self.kind = Field(bar, _("Kỳ báo cáo"), kind="choice", choices=[(c, _(lbl)) for c, lbl in PERIOD_CHOICES],
                          width=18, compact=True)
        self.kind.grid(row=0, column=0, sticky="nw", padx=(0, 8))
        today = date.today()
        self.kind.set("H1" if today.month <= 6 else "year")
        self.kind.input.bind("<<ComboboxSelected>>", lambda _e: self._kind_changed())
        self.year = Field(bar, _("Năm"), width=6, compact=True)
        self.year.set(today.year)
        self.year.grid(row=0, column=1, sticky="nw", padx=(0, 8))
        self.start = Field(bar, _("Từ ngày"), kind="date", width=11, compact=True)
        self.end = Field(bar, _("Đến ngày"), kind="date", width=11, compact=True)
        self.start.grid(row=0, column=2, sticky="nw", padx=(0, 8))
        self.end.grid(row=0, column=3, sticky="nw", padx=(0, 8))
        self.view_button = ttk.Button(bar, text=_("Xem số liệu"), icon="table", bootstyle="primary",
                                      command=self.show_figures)
        self.view_button.grid(row=0, column=4, sticky="sw", padx=(4, 0))
        self.period_error = ttk.Label(self, text="", bootstyle="danger")
        self.period_error.pack(anchor="w")
        self._kind_changed()

        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        right = ttk.Frame(body, padding=(10, 0, 0, 0))
        right.pack(side="right", fill="y")
        left = ttk.Frame(body)
        left.pack(side="left", fill="both", expand=True)
        self.caption = ttk.Label(left, text=_("Chọn kỳ rồi bấm \"Xem số liệu\"."), bootstyle="secondary",
                                 wraplength=600)
        self.caption.pack(anchor="w")
        self.table = scrolled_table(left, [("indicator", _("Chỉ tiêu"), 330, True), ("value", _("Số liệu"), 110, False),
                                           ("target", _("Chỉ tiêu giao"), 95, False), ("met", _("Đánh giá"), 80, False)],
                                    height=14)
        self.table.tag_configure("section", font=("TkDefaultFont", 9, "bold"))
        self.table.tag_configure("not_met", foreground="#b45309")

        self.narrative: dict[str, Field] = {}
        for key, label in NARRATIVE:
            field = Field(right, _(label), kind="text", width=30, height=3, compact=True)
            field.pack(fill="x")
            self.narrative[key] = field
        buttons = ttk.Frame(right)
        buttons.pack(fill="x", pady=(6, 0))
        self.draft_button = ttk.Button(buttons, text=_("Xem trước PDF"), icon="eye", bootstyle="secondary",
                                       command=self.draft, state="disabled")
        self.draft_button.pack(side="left")
        self.issue_button = ttk.Button(buttons, text=_("Cấp số và in"), icon="printer", bootstyle="success",
                                       command=self.issue, state="disabled")
        self.issue_button.pack(side="left", padx=6)
        if not self.actor.can("reports.issue"):
            ttk.Label(right, text=_("Chỉ giám đốc hoặc quản trị viên được cấp số báo cáo."),
                      bootstyle="secondary", wraplength=300).pack(anchor="w")
        ttk.Label(right, text=_("Báo cáo đã cấp số"), font=("TkDefaultFont", 10, "bold")).pack(anchor="w", pady=(10, 0))
        self.history_empty = ttk.Label(right, text="", bootstyle="secondary")
        self.history_empty.pack(anchor="w")
        self.history = scrolled_table(right, [("number", _("Số"), 90, False), ("period", _("Kỳ"), 75, False),
                                              ("issued", _("Ngày"), 80, False), ("by", _("Người cấp"), 60, True)],
                                      height=6)
        self.history.bind("<Double-1>", lambda _e: self.reopen())
        self.reopen_button = ttk.Button(right, text=_("Mở lại đúng như đã cấp"), bootstyle="secondary-outline",
                                        command=self.reopen)
        self.reopen_button.pack(anchor="w", pady=(4, 0))
        self.fill_history()

    # --- period -------------------------------------------------------------------------------
    def _kind_changed(self) -> None:
        ranged = self.kind.get() == "range"
        for field in (self.start, self.end):
            field.set_enabled(ranged)
        self.year.set_enabled(not ranged)

    def period(self):
        kind = self.kind.get()
        try:
            if kind == "range":
                start, end = parse_date(self.start.get()), parse_date(self.end.get())
                return periods.parse_period(f"{start.isoformat()}:{end.isoformat()}")
            year = int(self.year.get())
            return periods.parse_period(str(year) if kind == "year" else f"{year}-{kind}")
        except ValueError as exc:
            self.period_error.configure(text=str(exc) or _("Kỳ báo cáo không hợp lệ."))
            return None

    def narrative_data(self) -> dict:
        return {key: field.get() for key, field in self.narrative.items()}

    # --- figures ------------------------------------------------------------------------------
    def show_figures(self) -> None:
        period = self.period()
        if period is None:
            return
        self.period_error.configure(text="")
        self.view_button.configure(state="disabled")
        self.caption.configure(text=_("Đang tính số liệu…"), bootstyle="info")
        actor = self.actor

        def done(data):
            self.screen.shell.busy(False)
            self.view_button.configure(state="normal")
            self.show(data)

        def failed(error):
            self.screen.shell.busy(False)
            self.view_button.configure(state="normal")
            self.caption.configure(text=str(error), bootstyle="danger")

        self.task = run_in_background(self, lambda: returns.preview(actor, period, None), done, failed)
        self.task.on_cancel = lambda: (self.view_button.configure(state="normal"),
                                       self.caption.configure(text=_("Đã hủy tính số liệu."), bootstyle="secondary"))
        self.screen.shell.busy(True, self.task)

    def show(self, data: dict) -> None:
        self.data = data
        p = data["period"]
        end = date.fromisoformat(p["end"])
        caption = _("Số liệu {title} ({start} – {end}), tính từ dữ liệu hiện có:").format(
            title=p["title"], start=format_date(date.fromisoformat(p["start"])), end=format_date(end))
        if end > date.today():
            # RETURN.md counts on the period's last day: cards ending before it already count as expired
            caption = _("Kỳ báo cáo chưa kết thúc: số liệu tính đến ngày {end} theo quy định (thẻ BHYT hết hạn "
                        "trước ngày đó được tính là hết hạn). Để báo cáo đến hôm nay, chọn \"Khoảng ngày khác\".").format(
                end=format_date(end))
        self.caption.configure(text=caption, bootstyle="warning" if end > date.today() else "default")
        self.table.delete(*self.table.get_children())
        last = None
        for section, indicator, value, target, met in figure_rows(data):
            if section != last:
                self.table.insert("", "end", values=(section, "", "", ""), tags=("section",))
                last = section
            tags = ("not_met",) if met == _("Chưa đạt") else ()
            self.table.insert("", "end", values=(indicator, value, target, met), tags=tags)
        self.draft_button.configure(state="normal")
        self.issue_button.configure(state="normal" if self.actor.can("reports.issue") else "disabled")

    def value_of(self, indicator: str) -> str | None:
        for iid in self.table.get_children():
            if self.table.set(iid, "indicator").strip() == indicator:
                return self.table.set(iid, "value")
        return None

    # --- printing -----------------------------------------------------------------------------
    def draft(self, path: str | None = None) -> None:
        from ui.files import draft_return

        period = self.period()
        if period is not None:
            draft_return(self, self.actor, period, self.narrative_data(), path=path)

    def issue(self, path: str | None = None) -> None:
        from ui.files import issue_return

        period = self.period()
        if period is None:
            return
        if not self.narrative["results"].get().strip():
            # a numbered return goes to the Sở: it must say what was achieved, not print "Không có"
            self.narrative["results"].show_error(_("Kết quả: hãy viết kết quả nổi bật trước khi cấp số."))
            return
        self.narrative["results"].clear_error()
        self.issue_button.configure(state="disabled")
        issue_return(self, self.actor, period, self.narrative_data(), then=self._issued, path=path)

    def _issued(self, result) -> None:
        self.issue_button.configure(state="normal")
        self.fill_history()

    def fill_history(self) -> None:
        self.history.delete(*self.history.get_children())
        runs = returns.history(self.actor)
        for run in runs:
            self.history.insert("", "end", iid=str(run.id), values=(
                run.number_text, run.period_label, format_date(run.issued_on), run.issued_by))
        self.history_empty.configure(text="" if runs else _("Chưa cấp số báo cáo nào."))
        self.reopen_button.configure(state="normal" if runs else "disabled")

    def reopen(self, path: str | None = None) -> None:
        from ui.files import reopen_return

        selected = self.history.selection()
        if selected:
            reopen_return(self, self.actor, int(selected[0]), path=path)


class ReportsScreen(ttk.Frame):
    def __init__(self, master, shell):
        super().__init__(master, padding=(20, 16))
        self.shell = shell
        self.actor = shell.actor
        ttk.Label(self, text=_("Báo cáo"), font=("TkDefaultFont", 18, "bold")).pack(anchor="w")
        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True, pady=(8, 0))
        self.return_panel = ReturnPanel(self.tabs, self)
        self.tabs.add(self.return_panel, text=_("Báo cáo định kỳ gửi Sở"), padding=10)
        self.others = ttk.Frame(self.tabs, padding=12)
        self.tabs.add(self.others, text=_("Danh sách và hồ sơ khác"))
        self._build_others()

    def _build_others(self) -> None:
        page = self.others
        self.message = ttk.Label(page, text="", wraplength=900)
        today = format_date(date.today())
        self.inputs: dict[str, Field] = {}
        rows = [
            ("roster", _("Đến ngày"), today, self.print_roster),
            ("insurance", _("Tính đến ngày"), today, self.print_insurance),
            ("training", _("Năm"), str(date.today().year), self.print_training),
            ("plan", _("Mã đối tượng"), "", self.print_plan),
            ("record", _("Mã đối tượng"), "", self.print_record),
        ]
        titles = dict(KINDS)
        for row, (key, label, default, command) in enumerate(rows):
            ttk.Label(page, text=_(titles[key]), font=("TkDefaultFont", 10, "bold")).grid(
                row=row, column=0, sticky="w", pady=8, padx=(0, 16))
            field = Field(page, label, width=14, compact=True)
            field.set(default)
            field.grid(row=row, column=1, sticky="w", padx=(0, 10))
            self.inputs[key] = field
            ttk.Button(page, text=_("In"), icon="printer", bootstyle="primary", command=command).grid(
                row=row, column=2, sticky="sw", pady=(0, 2))
        self.message.grid(row=len(rows), column=0, columnspan=3, sticky="w", pady=(10, 0))

    def _day(self, key: str) -> date | None:
        try:
            return parse_date(self.inputs[key].get())
        except ValueError as exc:
            self.inputs[key].show_error(str(exc))
            return None

    def _code(self, key: str) -> str | None:
        code = self.inputs[key].get().strip().upper()
        if not code:
            self.inputs[key].show_error(_("Mã đối tượng: hãy nhập mã, ví dụ DT0001."))
            return None
        self.inputs[key].clear_error()
        return code

    def print_roster(self, path: str | None = None) -> None:
        from ui.files import print_roster

        day = self._day("roster")
        if day:
            self.inputs["roster"].clear_error()
            print_roster(self, self.actor, day, path=path)

    def print_insurance(self, path: str | None = None) -> None:
        from ui.files import print_insurance_list

        day = self._day("insurance")
        if day:
            self.inputs["insurance"].clear_error()
            print_insurance_list(self, self.actor, day, path=path)

    def print_training(self, path: str | None = None) -> None:
        from ui.files import print_training

        try:
            year = int(self.inputs["training"].get())
        except ValueError:
            self.inputs["training"].show_error(_("Năm: hãy nhập năm, ví dụ 2026."))
            return
        self.inputs["training"].clear_error()
        print_training(self, self.actor, year, path=path)

    def print_plan(self, path: str | None = None) -> None:
        from ui.files import print_plan

        code = self._code("plan")
        if code:
            print_plan(self, self.actor, code, path=path)

    def print_record(self, path: str | None = None) -> None:
        from ui.files import print_record

        code = self._code("record")
        if code:
            print_record(self, self.actor, code, path=path)

    def refresh(self) -> None:
        self.return_panel.fill_history()
