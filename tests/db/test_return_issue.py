"""Issuing the return: numbers per calendar year, re-issuing a period, the history, re-opening an issued
return exactly as issued, refusing a stored copy altered afterwards, and who may issue."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from caremgr import audit, auth, returns, settings
from caremgr.errors import CaremgrError, NotFound, PermissionDenied, ValidationError
from caremgr.periods import parse_period
from db.models import AuditLog, ReportRun, Resident

H1 = parse_period("2026-H1")


@pytest.fixture
def centre(admin):
    settings.put(admin, {"centre.name": "Trung tâm Bảo trợ xã hội A", "centre.province": "Thanh Hóa",
                         "centre.symbol": "TTBTXH"}, effective_from=date(2020, 1, 1))
    return admin


@pytest.fixture
def nurse(centre):
    return auth.create_user(centre, "lan", "mat-khau-2", "nurse", "Nguyễn Thị Lan")


@pytest.fixture
def director(centre):
    return auth.create_user(centre, "giamdoc", "mat-khau-3", "director", "Lê Văn Thắng")


def resident(code: str, admitted=date(2025, 1, 1)) -> Resident:
    return Resident.create(code=code, full_name=f"Người {code}", search_name=code.lower(), sort_key=code,
                           sex="male", birth_year=1950, category="NCT", admission_date=admitted)


def test_numbers_count_per_calendar_year_of_the_issue_date(centre):
    first = returns.issue(centre, "2025-H2", issued_on=date(2025, 12, 10))
    second = returns.issue(centre, "2025", issued_on=date(2025, 12, 31))
    third = returns.issue(centre, "2025", issued_on=date(2026, 1, 1))  # a new year starts at 1 again
    fourth = returns.issue(centre, H1, issued_on=date(2026, 6, 12))
    assert [(r.number, r.number_text) for r in (first, second, third, fourth)] == [
        (1, "01/BC-TTBTXH"), (2, "02/BC-TTBTXH"), (1, "01/BC-TTBTXH"), (2, "02/BC-TTBTXH")]
    assert fourth.data["number"] == "02/BC-TTBTXH" and fourth.data["issued_on"] == "2026-06-12"
    runs = {r.id: r for r in ReportRun.select()}
    assert [(runs[i.run_id].year, runs[i.run_id].number) for i in (first, second, third, fourth)] == [
        (2025, 1), (2025, 2), (2026, 1), (2026, 2)]


def test_two_digit_numbers_and_beyond(centre):
    for _ in range(10):
        issued = returns.issue(centre, H1, issued_on=date(2026, 6, 12))
    assert issued.number_text == "10/BC-TTBTXH"
    assert returns.format_number(7, "TTBTXH") == "07/BC-TTBTXH"
    assert returns.format_number(123, "TTBTXH") == "123/BC-TTBTXH"


def test_issue_stores_the_snapshot_with_its_checksum_and_audits(centre):
    resident("DT1")
    issued = returns.issue(centre, H1, {"results": "Đạt kế hoạch"}, issued_on=date(2026, 6, 12))
    run = ReportRun.get_by_id(issued.run_id)
    assert (run.kind, run.period_label, run.period_start, run.period_end, run.issued_on, run.issued_by) == (
        "return", "2026-H1", date(2026, 1, 1), date(2026, 6, 30), date(2026, 6, 12), "admin")
    assert run.snapshot == issued.data and issued.data["narrative"]["results"] == "Đạt kế hoạch"
    canonical = json.dumps(run.snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert run.checksum == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    returns.validate(run.snapshot)
    entry = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (entry.username, entry.action, entry.entity, entry.entity_id) == (
        "admin", "issue", "report_run", str(issued.run_id))
    assert "01/BC-TTBTXH" in entry.summary and "2026-H1" in entry.summary
    assert audit.verify_chain().ok


def test_reissuing_a_period_keeps_the_history(centre):
    resident("DT1")
    old = returns.issue(centre, H1, issued_on=date(2026, 6, 12))
    resident("DT2")
    new = returns.issue(centre, H1, issued_on=date(2026, 6, 14))
    assert (old.number, new.number) == (1, 2)
    assert old.data["residents"]["in_care"] == 1 and new.data["residents"]["in_care"] == 2
    rows = returns.history(centre)
    assert [r.id for r in rows] == [new.run_id, old.run_id]  # newest first
    top = rows[0]
    assert (top.kind, top.number, top.number_text, top.period_label, top.period_start, top.period_end,
            top.issued_on, top.issued_by) == ("return", 2, "02/BC-TTBTXH", "2026-H1", date(2026, 1, 1),
                                              date(2026, 6, 30), date(2026, 6, 14), "admin")
    assert top.created_at is not None
    assert returns.history(centre, kind="roster") == []


def test_reopen_gives_the_figures_as_issued_after_the_data_changed(centre):
    resident("DT1")
    resident("DT2")
    settings.put(centre, {"centre.name": "Tên cũ"}, effective_from=date(2020, 1, 1))
    issued = returns.issue(centre, H1, {"proposals": "Bổ sung"}, issued_on=date(2026, 6, 12))
    resident("DT3")
    resident("DT4")
    Resident.update(deleted=True).where(Resident.code == "DT1").execute()
    settings.put(centre, {"centre.name": "Tên mới"})
    assert returns.compute(H1, issued_on=date(2026, 6, 12))["residents"]["in_care"] == 3  # DT2, DT3, DT4
    reopened = returns.reopen(centre, issued.run_id)
    assert reopened == issued.data
    assert reopened["residents"]["in_care"] == 2 and reopened["centre"]["name"] == "Tên cũ"
    assert reopened["number"] == "01/BC-TTBTXH" and reopened["narrative"]["proposals"] == "Bổ sung"
    assert returns.compute(H1, issued_on=date(2026, 6, 12))["centre"]["name"] == "Tên mới"


def test_a_snapshot_altered_after_issue_is_refused(centre):
    resident("DT1")
    issued = returns.issue(centre, H1, issued_on=date(2026, 6, 12))
    changed = json.loads(json.dumps(issued.data))
    changed["residents"]["in_care"] = 99
    ReportRun.update(snapshot=changed).where(ReportRun.id == issued.run_id).execute()
    with pytest.raises(CaremgrError) as err:
        returns.reopen(centre, issued.run_id)
    assert str(err.value).startswith("Bản lưu báo cáo số 01/BC-TTBTXH đã bị thay đổi")
    # Putting the figures back makes it readable again; a checksum altered instead is refused too.
    ReportRun.update(snapshot=issued.data).where(ReportRun.id == issued.run_id).execute()
    assert returns.reopen(centre, issued.run_id) == issued.data
    ReportRun.update(checksum="0" * 64).where(ReportRun.id == issued.run_id).execute()
    with pytest.raises(CaremgrError, match="đã bị thay đổi"):
        returns.reopen(centre, issued.run_id)


def test_reopen_of_an_unknown_run(centre):
    with pytest.raises(NotFound, match="123"):
        returns.reopen(centre, 123)


def test_who_may_issue_view_and_reopen(nurse, director):
    issued = returns.issue(director, H1, issued_on=date(2026, 6, 12))
    assert ReportRun.get_by_id(issued.run_id).issued_by == "giamdoc"
    with pytest.raises(PermissionDenied):
        returns.issue(nurse, H1, issued_on=date(2026, 6, 13))
    assert ReportRun.select().count() == 1
    assert [r.id for r in returns.history(nurse)] == [issued.run_id]  # the nurse may read
    assert returns.reopen(nurse, issued.run_id) == issued.data
    outsider = auth.Actor(99, "khach", "Khách", "guest")
    for call in (lambda: returns.history(outsider), lambda: returns.reopen(outsider, issued.run_id)):
        with pytest.raises(PermissionDenied):
            call()


def test_refusals_leave_no_number_used(centre):
    with pytest.raises(ValidationError):
        returns.issue(centre, H1, {"unknown": "x"}, issued_on=date(2026, 6, 12))
    assert ReportRun.select().count() == 0
    assert returns.issue(centre, H1, issued_on=date(2026, 6, 12)).number == 1


def test_no_number_without_a_symbol(admin):
    settings.put(admin, {"centre.name": "Trung tâm A", "centre.province": "Huế"})
    with pytest.raises(ValidationError) as err:
        returns.issue(admin, H1, issued_on=date(2026, 6, 12))
    assert err.value.problems[0].field == "centre.symbol"
    assert ReportRun.select().count() == 0


def test_a_failed_delivery_issues_nothing(centre):
    audits = AuditLog.select().count()

    def deliver(issued):
        assert issued.number == 1 and ReportRun.get_by_id(issued.run_id).number_text == issued.number_text
        raise OSError("disk full")

    with pytest.raises(OSError):
        returns.issue(centre, H1, issued_on=date(2026, 6, 12), deliver=deliver)
    assert ReportRun.select().count() == 0 and AuditLog.select().count() == audits
    delivered = []
    issued = returns.issue(centre, H1, issued_on=date(2026, 6, 12), deliver=delivered.append)
    assert issued.number == 1 and delivered == [issued]
