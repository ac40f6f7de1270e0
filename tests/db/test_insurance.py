"""Residents' insurance cards (caremgr.insurance): history and renewal, the group against the
category, status counts and the list of residents needing a card, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from caremgr import auth, bhyt, demo, insurance, residents, settings
from caremgr.cccd import cccd_for
from caremgr.errors import Conflict, NotFound, PermissionDenied, ValidationError
from caremgr.residents_query import in_care_on
from caremgr.text import name_sort_key
from db.models import AuditLog, InsuranceCard, Resident

TODAY = date(2026, 1, 15)


def form(**changes) -> dict:
    values = {
        "code": "DT0001", "full_name": "Nguyễn Văn An", "sex": "Nam", "birth": "12/03/1950", "ethnicity": "Kinh",
        "cccd": cccd_for("038", 1950, "male", 1), "address": "Thôn Trung, xã Hoằng Hóa, tỉnh Thanh Hóa",
        "province": "Thanh Hóa", "category": "NCT", "admission_date": "01/02/2020", "room": "A101",
    }
    values.update(changes)
    return values


def card(number="BT2380123456789", start="01/01/2025", end="31/12/2025", **extra) -> dict:
    return {"number": number, "valid_from": start, "valid_to": end,
            "facility": "38142 - Trạm Y tế phường Hạc Thành", **extra}


@pytest.fixture
def resident(admin):
    return residents.create(admin, form()).id


@pytest.fixture
def nurse(admin):
    return auth.create_user(admin, "dieuduong", "mat-khau-2", "nurse", "Điều dưỡng Lan")


# --- history, renewal, warnings ------------------------------------------------------------------

def test_renewal_keeps_the_old_card_and_the_current_card_is_derived(admin, resident):
    first = insurance.add_card(admin, resident, card())
    second = insurance.renew_card(admin, resident, card(start="01/01/2026", end="31/12/2026"), today=TODAY)
    assert second.id != first.id and second.warnings == []
    history = insurance.card_history(admin, resident, today=TODAY)
    assert [(c.valid_from, c.valid_to) for c in history] == [
        (date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31))]
    newest = history[0]
    assert (newest.group, newest.level, newest.province_code, newest.social_insurance_no) == (
        "BT", 2, "38", "0123456789")
    assert newest.group_label == bhyt.group_description("BT") and newest.level_label == bhyt.level_description(2)
    assert (newest.facility_code, newest.facility_name) == ("38142", "Trạm Y tế phường Hạc Thành")
    assert [c.status_on_today for c in history] == ["valid", "expired"]
    assert insurance.current_card(resident).id == second.id
    assert InsuranceCard.select().where(InsuranceCard.resident == resident).count() == 2


def test_renewal_that_does_not_extend_cover_or_changes_the_insurance_number_warns(admin, resident):
    insurance.add_card(admin, resident, card(start="01/01/2026", end="31/12/2026"))
    shorter = insurance.renew_card(admin, resident, card("BT2389999999999", start="01/06/2026", end="30/11/2026"))
    assert any("không sau hạn thẻ đang có" in w for w in shorter.warnings)
    assert any("Mã số BHXH" in w for w in shorter.warnings)


def test_a_group_not_expected_for_the_category_is_a_warning_not_an_error(admin):
    child = residents.create(admin, form(code="DT0002", full_name="Lê Thị Bé", sex="Nữ", birth="01/01/2015",
                                         cccd=cccd_for("038", 2015, "female", 2), category="TE")).id
    # A TE child holding an HN card: recorded as printed, with a warning.
    saved = insurance.add_card(admin, child, card("HN2380000000001"))
    assert saved.id and any("nhóm HN" in w and "TE, BT" in w for w in saved.warnings)
    assert insurance.group_warnings("TE", "BT") == [] and insurance.group_warnings("TE", None) == []
    assert insurance.group_warnings("NCC", "CC") == [] and insurance.group_warnings("NCC", "BT")
    assert insurance.group_warnings("K", "DN") == []  # no expectation for "other"
    _clean, findings = insurance.validate_card(card("BT2380000000002"), category="NCC")
    assert not findings.errors and any("nhóm BT" in w.message for w in findings.warnings)
    _clean, findings = insurance.validate_card(card("0123456789"), category="NCC")  # new form: no group
    assert not findings.warnings
    assert set(insurance.CATEGORY_GROUPS) <= {code for code, _label in insurance.vocab.CATEGORIES}
    assert all(g in bhyt.GROUPS for groups in insurance.CATEGORY_GROUPS.values() for g in groups)


def test_update_conflicts_on_a_stale_version(admin, resident, nurse):
    saved = insurance.add_card(admin, resident, card())
    updated = insurance.update_card(nurse, saved.id, {"valid_to": "31/03/2026", "note": "gia hạn tạm"},
                                    version=saved.version)
    assert updated.version == saved.version + 1 and updated.valid_to == date(2026, 3, 31)
    assert updated.facility_code == "38142"  # untouched keys keep their values
    with pytest.raises(Conflict) as caught:
        insurance.update_card(admin, saved.id, {"note": "sửa"}, version=saved.version)
    assert caught.value.theirs["note"] == "gia hạn tạm"
    assert InsuranceCard.get_by_id(saved.id).note == "gia hạn tạm"
    with pytest.raises(ValidationError):
        insurance.update_card(admin, saved.id, {"valid_to": "01/01/2024"}, version=updated.version)
    moved = insurance.update_card(admin, saved.id, {"facility": "38001 - Bệnh viện Đa khoa tỉnh"},
                                  version=updated.version)
    assert (moved.facility_code, moved.facility_name) == ("38001", "Bệnh viện Đa khoa tỉnh")
    assert AuditLog.select().where((AuditLog.entity == "insurance_card") & (AuditLog.action == "update")).count() == 2


def test_delete_only_by_an_administrator_with_a_reason_and_audited(admin, resident, nurse):
    saved = insurance.add_card(admin, resident, card())
    with pytest.raises(PermissionDenied):
        insurance.delete_card(nurse, saved.id, reason="nhập nhầm")
    with pytest.raises(ValidationError):
        insurance.delete_card(admin, saved.id, reason="  ")
    insurance.delete_card(admin, saved.id, reason="nhập nhầm người")
    assert not InsuranceCard.select().where(InsuranceCard.id == saved.id).exists()
    entry = AuditLog.select().where((AuditLog.entity == "insurance_card") & (AuditLog.action == "delete")).get()
    assert entry.resident_id == resident and "nhập nhầm người" in entry.summary
    assert entry.changes["number"] == ["BT2380123456789", None]
    with pytest.raises(NotFound):
        insurance.delete_card(admin, saved.id, reason="lần nữa")


def test_a_card_ending_on_the_day_is_valid_and_the_next_day_expired(admin, resident):
    insurance.add_card(admin, resident, card(start="01/01/2025", end="31/12/2025"))
    end = date(2025, 12, 31)
    # On its last day the card still covers (valid, and within any warning window: "expiring").
    on_end = insurance.status_counts(admin, end)
    assert (on_end["valid"], on_end["expiring"], on_end["expired"], on_end["coverage_pct"]) == (0, 1, 0, 100.0)
    assert [r.status for r in insurance.needing_cards(admin, end)] == ["expiring"]
    after = insurance.needing_cards(admin, end + timedelta(days=1))
    assert [(r.code, r.status, r.valid_to) for r in after] == [("DT0001", "expired", end)]
    counts = insurance.status_counts(admin, end + timedelta(days=1))
    assert (counts["expired"], counts["coverage_pct"]) == (1, 0.0)
    # The warning window (30 days by default): ending on day + 30 is expiring, on day + 31 valid.
    assert insurance.status_counts(admin, end - timedelta(days=30))["expiring"] == 1
    assert insurance.status_counts(admin, end - timedelta(days=31))["valid"] == 1
    assert insurance.needing_cards(admin, end - timedelta(days=31)) == []
    settings.put(admin, {"care.card_warning_days": 60})
    assert insurance.status_counts(admin, end - timedelta(days=31))["expiring"] == 1
    # Before the card starts, the resident has no card yet ("none", not "expired").
    before = insurance.needing_cards(admin, date(2024, 12, 31))
    assert [(r.status, r.valid_to, r.card_number) for r in before] == [("none", None, "")]


def test_reading_needs_permission(admin, resident):
    with pytest.raises(PermissionDenied):
        insurance.status_counts(None)
    with pytest.raises(PermissionDenied):
        insurance.needing_cards(None)


# --- the demo centre ---------------------------------------------------------------------------------

@pytest.fixture
def centre(admin):
    demo.load_demo(admin, today=TODAY)
    return admin


def expected_statuses(on: date) -> dict[int, str]:
    """Independently: bhyt.card_status over every card of every resident in care on ``on``."""
    days = settings.get("care.card_warning_days", on)
    days = 30 if days is None else days
    cards = defaultdict(list)
    for c in InsuranceCard.select():
        cards[c.resident_id].append(c)
    return {r.id: bhyt.card_status(cards[r.id], on, days) for r in Resident.select().where(in_care_on(on))}


@pytest.mark.parametrize("on", [TODAY, date(2025, 6, 30)])
def test_counts_and_list_on_the_demo_centre_equal_an_independent_count(centre, on):
    expected = expected_statuses(on)
    counts = insurance.status_counts(centre, on)
    for status in ("valid", "expiring", "expired", "none"):
        assert counts[status] == sum(1 for s in expected.values() if s == status), status
    assert counts["in_care"] == len(expected)
    holding = counts["valid"] + counts["expiring"]
    assert counts["coverage_pct"] == round(holding * 100 / len(expected), 1)

    rows = insurance.needing_cards(centre, on)
    assert {r.resident_id for r in rows} == {rid for rid, s in expected.items() if s in ("none", "expired", "expiring")}
    assert all(r.status == expected[r.resident_id] for r in rows)
    keys = [name_sort_key(r.full_name, r.birth) for r in rows]
    assert keys == sorted(keys)
    for r in rows:
        started = [c for c in InsuranceCard.select().where((InsuranceCard.resident == r.resident_id)
                                                           & (InsuranceCard.valid_from <= on))]
        latest = max((c.valid_to for c in started), default=None)
        assert r.valid_to == latest
        if r.status == "none":
            assert r.card_number == "" and r.group_text
    if on == TODAY:  # the demo centre has each kind
        assert {r.status for r in rows} == {"none", "expired", "expiring"}
