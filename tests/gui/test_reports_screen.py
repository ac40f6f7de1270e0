"""Báo cáo: figures before printing, the narrative typed on screen, a numbered return kept in the history
and reopened exactly as issued after the data changed; the other documents from the same screen."""

import json
import subprocess
from datetime import date

import pytest

from caremgr import periods, returns
from db.models import ReportRun, Resident
from tests.gui.conftest import login, pump
from ui.screens.reports_screen import ReportsScreen


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          text=True).stdout


@pytest.fixture
def screen(make_app, demo_db, monkeypatch):
    monkeypatch.setenv("CAREMGR_NO_OPEN", "1")
    app = make_app(demo_db)
    shell = login(app)
    shell.nav_buttons["reports"].invoke()
    pump(app.root)
    assert isinstance(shell.screen, ReportsScreen)
    return app, shell, shell.screen


def test_figures_then_issue_then_reopen_as_issued(screen, tmp_path):
    app, shell, scr = screen
    panel = scr.return_panel
    year = date.today().year
    panel.kind.set("year")
    panel.year.set(str(year))
    panel.show_figures()
    pump(app.root, lambda: panel.data is not None, timeout=60)
    expected = returns.compute(periods.parse_period(str(year)))
    assert panel.value_of("Đang chăm sóc, nuôi dưỡng (cuối kỳ)") == str(expected["residents"]["in_care"])
    assert panel.value_of("Tiếp nhận trong kỳ") == str(expected["residents"]["admitted"])

    panel.narrative["results"].set("Hoàn thành tốt nhiệm vụ chăm sóc, nuôi dưỡng đối tượng.")
    panel.narrative["difficulties"].set("Thiếu bác sĩ chuyên khoa tâm thần.")
    before = ReportRun.select().count()
    out = tmp_path / "return.pdf"
    panel.issue(path=str(out))
    pump(app.root, lambda: panel.last_task.finished, timeout=90)
    assert ReportRun.select().count() == before + 1
    run = ReportRun.select().order_by(ReportRun.id.desc()).first()
    assert run.number_text in shell.last_toast
    assert panel.history.set(str(run.id), "number") == run.number_text
    text = pdf_text(out)
    assert run.number_text in text and "Thiếu bác sĩ chuyên khoa tâm thần" in text

    # the data changes after issuing: a reopened return still shows the figures it was issued with
    leaving = Resident.select().where((Resident.status == "in_care") & (Resident.admission_date < date(year, 1, 1))
                                      ).order_by(Resident.code).first()
    Resident.update(status="discharged", discharge_date=date(year, 1, 2), discharge_reason="other").where(
        Resident.id == leaving.id).execute()
    assert returns.compute(periods.parse_period(str(year)))["residents"]["discharged"]["total"] \
        != json.loads(json.dumps(run.snapshot))["residents"]["discharged"]["total"]
    panel.history.selection_set(str(run.id))
    again = tmp_path / "again.pdf"
    panel.reopen(path=str(again))
    pump(app.root, lambda: panel.last_task.finished, timeout=90)
    reopened = pdf_text(again)
    assert run.number_text in reopened
    assert str(run.snapshot["residents"]["in_care"]) in reopened


def test_bad_period_is_named(screen):
    app, _shell, scr = screen
    panel = scr.return_panel
    panel.kind.set("range")
    panel._kind_changed()
    panel.start.set("31/05/2026")
    panel.end.set("01/03/2026")
    panel.show_figures()
    assert panel.period_error.cget("text")
    assert panel.data is None


def test_roster_and_training_from_the_reports_screen(screen, tmp_path):
    app, shell, scr = screen
    out = tmp_path / "roster.pdf"
    scr.print_roster(path=str(out))
    pump(app.root, lambda: scr.last_task.finished, timeout=60)
    text = pdf_text(out)
    some = Resident.select().where(Resident.status == "in_care").order_by(Resident.code).first()
    assert "DANH SÁCH" in text and some.full_name in text
    scr.inputs["plan"].set("")
    scr.print_plan()
    assert scr.inputs["plan"].error.cget("text"), "a missing code is named"
