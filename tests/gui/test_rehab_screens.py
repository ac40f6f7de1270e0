"""Rehabilitation in the windows: a plan with goals and interventions, the day's sessions for several
residents from one screen, the review with a new Barthel, the plan document."""

import subprocess
from datetime import date, timedelta

import pytest

from caremgr import barthel, rehab
from caremgr.dates import format_date
from db.models import Assessment, RehabGoal, RehabPlan, RehabSession, Resident
from tests.gui.conftest import login, pump
from ui.screens.rehab_screen import RehabScreen


@pytest.fixture
def shell(make_app, demo_db, monkeypatch):
    monkeypatch.setenv("CAREMGR_NO_OPEN", "1")
    monkeypatch.setattr("ui.dialogs.confirm", lambda *_a, **_k: True)
    app = make_app(demo_db)
    return login(app)


def resident_without_active_plan() -> Resident:
    active = RehabPlan.select(RehabPlan.resident).where(RehabPlan.status == "active")
    return (Resident.select().where((Resident.status == "in_care") & Resident.id.not_in(active)
                                    & (Resident.admission_date < date.today() - timedelta(days=60)))
            .order_by(Resident.code).first())


def weeks_since(start: date) -> int:
    """Weeks begun from the start day (the start day is day one of week one) up to today."""
    days = (date.today() - start).days + 1
    return -(-days // 7)


def open_rehab_tab(shell, resident):
    assert shell.open_resident(resident.id, tab="rehab")
    pump(shell.app.root)
    profile = shell.screen
    assert profile.notebook.select() == str(profile.rehab)
    return profile.rehab


def make_plan(shell, tab, start: date):
    tab.new_button.invoke()
    tab.plan_fields["start_date"].set(format_date(start))
    tab.plan_fields["review_date"].set(format_date(start + timedelta(days=90)))
    tab.plan_fields["responsible_id"].set(tab.staff[0][0])
    tab.plan_fields["status"].set("active")
    tab.plan_fields["summary"].set("Liệt nửa người trái sau tai biến, cần tập đi lại")
    tab.save_plan_button.invoke()
    pump(shell.app.root)
    assert tab.plan is not None, tab.plan_message.cget("text")
    return tab.plan


def add_goal(tab, domain: str, statement: str, target: date) -> None:
    tab.goal_fields["domain"].set(domain)
    tab.goal_fields["statement"].set(statement)
    tab.goal_fields["target_date"].set(format_date(target))
    tab.add_goal_button.invoke()


def add_intervention(tab, kind: str, per_week: str, minutes: str) -> None:
    tab.intervention_fields["kind"].set(kind)
    tab.intervention_fields["description"].set("Tập theo chương trình")
    tab.intervention_fields["per_week"].set(per_week)
    tab.intervention_fields["minutes"].set(minutes)
    tab.intervention_fields["responsible_id"].set(tab.staff[0][0])
    tab.add_intervention_button.invoke()


def test_plan_with_goals_and_interventions(shell):
    resident = resident_without_active_plan()
    tab = open_rehab_tab(shell, resident)
    start = date.today() - timedelta(days=14)
    plan = make_plan(shell, tab, start)
    stored = RehabPlan.get_by_id(plan.id)
    assert (stored.resident_id, stored.status, stored.start_date) == (resident.id, "active", start)
    assert tab.plan_table.set(str(plan.id), "status") == "Đang thực hiện"

    add_goal(tab, "mobility", "Tự đi 10 m với khung tập đi", start + timedelta(days=60))
    add_goal(tab, "self_care", "Tự mặc áo không cần trợ giúp", start + timedelta(days=80))
    tab.goal_fields["statement"].set("")
    tab.add_goal_button.invoke()  # no statement: refused beside the field, nothing added
    assert tab.goal_fields["statement"].error.cget("text")
    goals = RehabGoal.select().where(RehabGoal.plan == plan.id).order_by(RehabGoal.id)
    assert [g.statement for g in goals] == ["Tự đi 10 m với khung tập đi", "Tự mặc áo không cần trợ giúp"]
    shown = {tab.goal_table.set(iid, "statement") for iid in tab.goal_table.get_children()}
    assert shown == {g.statement for g in goals}

    add_intervention(tab, "physiotherapy", "3", "45")
    add_intervention(tab, "occupational", "2", "30")
    tab.intervention_fields["minutes"].set("2")  # below the allowed minimum
    tab.add_intervention_button.invoke()
    assert tab.intervention_fields["minutes"].error.cget("text")
    kinds = [tab.intervention_table.set(iid, "kind") for iid in tab.intervention_table.get_children()]
    assert kinds == ["Vật lý trị liệu", "Hoạt động trị liệu"]
    # week one starts on the start day: day 15 is in week three, so 3/week -> 9 planned, none done yet
    physio = tab.intervention_table.get_children()[0]
    attendance = rehab.attendance(shell.actor, plan.id)
    assert tab.intervention_table.set(physio, "done") == f"0/{attendance[0].planned}"
    assert attendance[0].planned == 3 * weeks_since(start)


def test_day_sessions_for_several_residents_then_review(shell, tmp_path):
    resident = resident_without_active_plan()
    tab = open_rehab_tab(shell, resident)
    plan = make_plan(shell, tab, date.today() - timedelta(days=21))
    add_goal(tab, "mobility", "Tự đi 10 m với khung tập đi", date.today() + timedelta(days=30))
    add_goal(tab, "communication", "Nói được câu ngắn 3 từ", date.today() + timedelta(days=30))
    add_intervention(tab, "physiotherapy", "3", "45")

    shell.nav_buttons["rehab"].invoke()
    pump(shell.app.root)
    screen = shell.screen
    assert isinstance(screen, RehabScreen)
    mine = [line for line in screen.lines if line.row.resident_id == resident.id]
    assert len(mine) == 1 and mine[0].minutes.get() == "45"
    others = [line for line in screen.lines if line.row.resident_id != resident.id and not line.row.recorded][:2]
    assert len({line.row.resident_id for line in others}) == 2

    # diacritics-free search narrows the list to this resident
    screen.search.insert(0, " ".join(resident.search_name.split()[:2]))
    screen._filter()
    assert mine[0] in screen.visible_lines()
    screen.search.delete(0, "end")
    screen._filter()

    before = RehabSession.select().count()
    for line in [*mine, *others]:
        line.done.set(True)
    others[1].minutes.delete(0, "end")
    others[1].minutes.insert(0, "abc")
    screen.record_button.invoke()
    assert others[1].error.cget("text"), "the bad line says what is wrong"
    assert RehabSession.select().count() == before, "nothing saved while one line is wrong"

    others[1].minutes.delete(0, "end")
    others[1].minutes.insert(0, "40")
    screen.record_button.invoke()
    pump(shell.app.root)
    assert RehabSession.select().count() == before + 3
    today = RehabSession.select().where(RehabSession.session_date == date.today())
    assert {s.resident_id for s in today} >= {resident.id, *(line.row.resident_id for line in others)}
    assert RehabSession.get((RehabSession.intervention == others[1].row.intervention_id)
                            & (RehabSession.session_date == date.today())).minutes == 40
    again = next(line for line in screen.lines if line.row.resident_id == resident.id)
    assert again.recorded.cget("text") == "đã ghi 1 buổi"

    # back in the profile: one of the planned sessions is done
    tab = open_rehab_tab(shell, resident)
    row = tab.intervention_table.get_children()[0]
    done, planned = tab.intervention_table.set(row, "done").split("/")
    assert done == "1" and int(planned) == 3 * weeks_since(plan.start_date)

    dialog = tab.open_review()
    pump(shell.app.root)
    dialog.save_button.invoke()  # no outcomes, no Barthel: refused, nothing changes
    assert dialog.winfo_exists() and "sửa" in dialog.message.cget("text")
    assert RehabPlan.get_by_id(plan.id).status == "active"
    assessments_before = Assessment.select().where(Assessment.resident == resident.id).count()

    goal_ids = list(dialog.goal_fields)
    dialog.goal_fields[goal_ids[0]]["status"].set("achieved")
    dialog.goal_fields[goal_ids[0]]["achieved_date"].set(format_date(date.today()))
    dialog.goal_fields[goal_ids[1]]["status"].set("partly")
    scores = {item.key: item.options[-1][0] if i % 2 else item.options[0][0] for i, item in enumerate(barthel.ITEMS)}
    dialog.barthel.set_items(scores)
    dialog.barthel.fields["assessor"].set(tab.staff[0][1])
    assert str(sum(scores.values())) in dialog.barthel.total_label.cget("text")
    dialog.next_plan.set(True)
    dialog.save_button.invoke()
    pump(shell.app.root)

    assert RehabPlan.get_by_id(plan.id).status == "reviewed"
    statuses = {g.id: (g.status, g.achieved_date) for g in RehabGoal.select().where(RehabGoal.plan == plan.id)}
    assert statuses[goal_ids[0]] == ("achieved", date.today()) and statuses[goal_ids[1]][0] == "partly"
    new = Assessment.select().where(Assessment.resident == resident.id).order_by(Assessment.id.desc()).first()
    assert Assessment.select().where(Assessment.resident == resident.id).count() == assessments_before + 1
    assert (new.kind, new.total, new.assessed_on) == ("barthel", sum(scores.values()), date.today())
    following = RehabPlan.get(RehabPlan.previous == plan.id)
    assert following.status == "draft"
    copied = [g.statement for g in RehabGoal.select().where(RehabGoal.plan == following.id)]
    assert copied == ["Nói được câu ngắn 3 từ"], "only goals not achieved go on"
    assert tab.plan is not None and tab.plan.id == following.id

    out = tmp_path / "plan.pdf"
    tab.show_plan(plan.id)
    tab.print_plan(path=str(out))
    pump(shell.app.root, lambda: tab.last_task.finished, timeout=60)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(out), "-"], capture_output=True,
                          text=True).stdout
    assert "KẾ HOẠCH" in text and resident.full_name in text
    assert "Tự đi 10 m với khung tập đi" in text and str(sum(scores.values())) in text


def test_barthel_form_scores_and_chart(shell):
    resident = resident_without_active_plan()
    tab = open_rehab_tab(shell, resident)
    form = tab.barthel
    form.fields["feeding"].set(10)
    form.update_total()
    assert "1/10" in form.total_label.cget("text")
    scores = {item.key: item.options[1][0] for item in barthel.ITEMS}  # each item's second level
    form.set_items(scores)
    total = sum(scores.values())
    assert form.total_label.cget("text") == f"Tổng điểm Barthel: {total}/100 — {barthel.band(total)[1]}"
    form.fields["assessor"].set(tab.staff[1][1])
    form.fields["assessed_on"].set(format_date(date.today() + timedelta(days=3)))
    tab.add_barthel_button.invoke()
    assert form.fields["assessed_on"].error.cget("text"), "a future date is refused beside the field"
    form.fields["assessed_on"].set(format_date(date.today()))
    tab.add_barthel_button.invoke()
    saved = Assessment.select().where(Assessment.resident == resident.id).order_by(Assessment.id.desc()).first()
    assert saved.total == total and saved.assessor_id == tab.staff[1][0]
    assert tab.assessment_table.set(str(saved.id), "total") == str(total)
    assert tab._series[-1] == (date.today(), total)
    assert tab.chart.find_all(), "the trend is drawn"
