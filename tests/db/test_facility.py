"""The capability checklists: starter lists, editing with dates, order, import (append / replace),
export round-trip, the figures for the return, and permissions — on SQLite and PostgreSQL."""

import csv
from datetime import date, timedelta

import openpyxl
import pytest

from caremgr import audit, auth, demo, facility, settings, setup
from caremgr.errors import Conflict, PermissionDenied, ValidationError
from db.models import AuditLog, FacilityItem

TODAY = date.today()


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def nurse(admin):
    return auth.create_user(admin, "lan", "mat-khau-2", "nurse", "Nguyễn Thị Lan")


@pytest.fixture
def director(admin):
    return auth.create_user(admin, "giamdoc", "mat-khau-3", "director", "Lê Văn Thắng")


def titles(actor, checklist):
    return [i.title for i in facility.items(actor, checklist)]


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


# --- starter lists -----------------------------------------------------------------------------------

def test_seed_starters_fills_only_empty_lists(admin):
    assert facility.seed_starters(admin) == len(facility.STARTER_PHC_REHAB) + len(facility.STARTER_TECHNICAL)
    rows = facility.items(admin, "technical")
    assert [r.title for r in rows] == facility.STARTER_TECHNICAL
    assert [r.position for r in rows] == list(range(1, len(rows) + 1))
    assert all(r.starter and not r.met and r.met_on is None for r in rows)
    assert facility.seed_starters(admin) == 0  # never twice
    for row in facility.items(admin, "phc_rehab"):
        facility.delete_item(admin, row.id, version=row.version)
    assert facility.seed_starters(admin) == len(facility.STARTER_PHC_REHAB)
    assert len(facility.items(admin, "technical")) == len(facility.STARTER_TECHNICAL)


def test_a_new_centre_starts_with_the_starter_lists_and_the_demo_is_unchanged(database):
    setup.first_run(username="quantri", password="mat-khau-1", centre={
        "centre.name": "Trung tâm B", "centre.symbol": "TTB", "centre.province": "Huế",
        "centre.director": "Lê C", "agency.governing_body": "SỞ Y TẾ THÀNH PHỐ HUẾ",
        "agency.receiving": "Sở Y tế thành phố Huế"})
    assert [i.title for i in FacilityItem.select().where(FacilityItem.checklist == "phc_rehab")
            .order_by(FacilityItem.position)] == facility.STARTER_PHC_REHAB
    assert demo.STARTER_TECHNICAL is facility.STARTER_TECHNICAL


def test_demo_centre_gets_no_second_copy(admin):
    setup.load_demo_centre(admin, today=date(2026, 6, 30))
    counts = {c: FacilityItem.select().where(FacilityItem.checklist == c).count() for c in ("phc_rehab", "technical")}
    assert counts == {"phc_rehab": len(facility.STARTER_PHC_REHAB), "technical": len(facility.STARTER_TECHNICAL)}
    assert facility.seed_starters(admin) == 0


# --- editing -----------------------------------------------------------------------------------------

def test_add_update_delete_with_dates_and_audit(admin):
    item = facility.add_item(admin, "technical", {"title": "  Nội soi   tai mũi họng "})
    assert (item.title, item.met, item.met_on, item.starter, item.position) == (
        "Nội soi tai mũi họng", False, None, False, 1)
    with pytest.raises(ValidationError) as err:
        facility.update_item(admin, item.id, {"met": True}, version=item.version)
    assert err.value.for_field("met_on") == ["Ngày đạt/thực hiện: cần nhập khi đánh dấu đạt."]
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        facility.update_item(admin, item.id, {"met": True, "met_on": dmy(tomorrow)}, version=item.version)
    assert err.value.for_field("met_on") == [f"Ngày đạt/thực hiện: không được ở tương lai ({dmy(tomorrow)})"]
    with pytest.raises(ValidationError) as err:
        facility.update_item(admin, item.id, {"met": True, "met_on": "32/01/2026"}, version=item.version)
    assert err.value.for_field("met_on")[0].startswith("Ngày đạt/thực hiện: ngày không hợp lệ")
    met = facility.update_item(admin, item.id, {"met": True, "met_on": "15/03/2025", "note": "Có máy"},
                               version=item.version)
    assert (met.met, met.met_on, met.note, met.version) == (True, date(2025, 3, 15), "Có máy", item.version + 1)
    unticked = facility.update_item(admin, item.id, {"met": False}, version=met.version)
    assert (unticked.met, unticked.met_on, unticked.note) == (False, None, "Có máy")
    with pytest.raises(Conflict):
        facility.update_item(admin, item.id, {"note": "cũ"}, version=met.version)
    with pytest.raises(ValidationError) as err:
        facility.update_item(admin, item.id, {"title": " "}, version=unticked.version)
    assert err.value.for_field("title") == ["Nội dung: không được để trống."]
    with pytest.raises(ValidationError):
        facility.add_item(admin, "technical", {"title": ""})
    with pytest.raises(ValidationError):
        facility.add_item(admin, "khac", {"title": "X"})
    facility.delete_item(admin, item.id, version=unticked.version)
    assert facility.items(admin, "technical") == []
    actions = [e.action for e in AuditLog.select().where(AuditLog.entity == "facility_item").order_by(AuditLog.id)]
    assert actions == ["create", "update", "update", "delete"]
    assert audit.verify_chain().ok


def test_editing_a_starter_title_makes_it_the_centres_own(admin):
    facility.seed_starters(admin)
    first = facility.items(admin, "phc_rehab")[0]
    ticked = facility.update_item(admin, first.id, {"met": "x", "met_on": "01/02/2024"}, version=first.version)
    assert ticked.starter and ticked.met
    renamed = facility.update_item(admin, first.id, {"title": "Có phòng y tế riêng"}, version=ticked.version)
    assert not renamed.starter and renamed.met_on == date(2024, 2, 1)


def test_move_item_reorders_and_stops_at_the_ends(admin):
    rows = [facility.add_item(admin, "phc_rehab", {"title": t}) for t in ("A", "B", "C", "D")]
    assert [r.title for r in facility.move_item(admin, rows[3].id, -2)] == ["A", "D", "B", "C"]
    assert [r.title for r in facility.move_item(admin, rows[0].id, 10)] == ["D", "B", "C", "A"]
    assert [r.title for r in facility.move_item(admin, rows[1].id, -99)] == ["B", "D", "C", "A"]
    after = facility.items(admin, "phc_rehab")
    assert [r.position for r in after] == [1, 2, 3, 4]
    added = facility.add_item(admin, "phc_rehab", {"title": "E"})
    assert added.position == 5 and titles(admin, "phc_rehab")[-1] == "E"


# --- import and export -------------------------------------------------------------------------------

def test_import_append_updates_matching_items_and_adds_the_others(admin, tmp_path):
    facility.seed_starters(admin)
    path = write_csv(tmp_path / "ky-thuat.csv", [
        ["STT", "Nội dung (*)", "Đạt", "Ngày đạt", "Ghi chú"],
        [1, "đo huyet ap, duong huyet mao mach", "x", "02/01/2024", ""],   # matches a starter (no diacritics)
        [2, "Nội soi tai mũi họng", "Không", "", "Chưa có máy"],           # new
        [3, "Siêu âm ổ bụng", "Có", "", ""],                              # new, met without a date
        [4, "", "Có", "01/01/2024", ""],                                   # no title
        [5, "Điện tim", "Có lẽ", "", ""],                                  # unreadable tick
        [6, "Khí dung", "Không", "01/01/2024", ""],                        # a date but not met
        [7, "Nội soi tai mũi họng", "Có", "01/01/2024", ""],               # twice in the file
        [8, "Xét nghiệm máu", "x", "01/01/2099", ""],                      # in the future
    ])
    result = facility.import_items(admin, "technical", path)
    assert (result.added, result.updated, result.unchanged) == (2, 1, 0)
    by_row = {r.row: r.reasons for r in result.rejected}
    assert by_row == {
        5: ["Dòng 5, Nội dung (*): không được để trống"],
        6: ["Dòng 6, Đạt: ghi Có hoặc Không (đã nhập \"Có lẽ\")"],
        7: ["Dòng 7, Ngày đạt: chỉ ghi khi đã đạt"],
        8: ["Dòng 8, Nội dung (*): trùng nội dung với dòng 3"],
        9: ["Dòng 9, Ngày đạt: không được ở tương lai (01/01/2099)"],
    }
    rows = facility.items(admin, "technical")
    assert len(rows) == len(facility.STARTER_TECHNICAL) + 2
    first = rows[0]
    assert (first.title, first.met, first.met_on, first.starter) == (facility.STARTER_TECHNICAL[0], True,
                                                                      date(2024, 1, 2), True)
    assert [(r.title, r.met, r.met_on, r.note, r.starter) for r in rows[-2:]] == [
        ("Nội soi tai mũi họng", False, None, "Chưa có máy", False),
        ("Siêu âm ổ bụng", True, None, None, False)]
    again = facility.import_items(admin, "technical", path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_import_replace_swaps_the_whole_list_in_one_go(admin, tmp_path):
    facility.seed_starters(admin)
    path = tmp_path / "dieu-kien.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ĐIỀU KIỆN CỦA TRUNG TÂM"])
    ws.append(["Nội dung", "Đạt", "Ngày đạt", "Ghi chú"])
    ws.append(["Có phòng khám", "Có", date(2023, 5, 1), None])
    ws.append(["Có xe cứu thương", None, None, "Đang mua"])
    ws.append([None, "x", None, None])  # rejected
    wb.save(path)
    result = facility.import_items(admin, "phc_rehab", path, replace=True)
    assert (result.added, result.updated, len(result.rejected)) == (2, 0, 1)
    assert [(r.title, r.met, r.met_on, r.position, r.starter) for r in facility.items(admin, "phc_rehab")] == [
        ("Có phòng khám", True, date(2023, 5, 1), 1, False), ("Có xe cứu thương", False, None, 2, False)]
    assert titles(admin, "technical") == facility.STARTER_TECHNICAL  # the other list is untouched


def test_a_file_without_any_valid_row_changes_nothing(admin, tmp_path):
    facility.seed_starters(admin)
    path = write_csv(tmp_path / "hong.csv", [["Nội dung", "Đạt"], ["", "x"], ["Điện tim", "???"]])
    before = AuditLog.select().count()
    result = facility.import_items(admin, "technical", path, replace=True)
    assert (result.added, len(result.rejected)) == (0, 2)
    assert titles(admin, "technical") == facility.STARTER_TECHNICAL
    assert AuditLog.select().count() == before


def test_export_then_import_round_trips(admin, tmp_path):
    demo.load_demo(admin, today=date(2026, 6, 30))
    for checklist in ("phc_rehab", "technical"):
        before = facility.items(admin, checklist)
        for name in (f"{checklist}.xlsx", f"{checklist}.csv"):
            path = tmp_path / name
            assert facility.export_items(admin, checklist, path) == len(before)
            result = facility.import_items(admin, checklist, path)
            assert (result.added, result.updated, result.unchanged, result.rejected) == (0, 0, len(before), [])
            replaced = facility.import_items(admin, checklist, path, replace=True)
            assert replaced.added == len(before)
            after = facility.items(admin, checklist)
            assert [(r.title, r.met, r.met_on, r.note) for r in after] == [
                (r.title, r.met, r.met_on, r.note) for r in before]


# --- the figures for the return ----------------------------------------------------------------------

def test_summary_counts_items_met_on_the_day(admin):
    day = date(2026, 6, 30)
    settings.put(admin, {"target.technical_pct": 70}, effective_from=date(2026, 1, 1))
    empty = facility.summary(day)
    assert (empty.phc_total, empty.phc_ready, empty.technical_total, empty.technical_pct) == (0, False, 0, 0.0)
    specs = {
        "phc_rehab": [(True, date(2025, 1, 1)), (True, None), (True, date(2026, 6, 30))],
        "technical": [(True, date(2024, 5, 1)), (True, date(2026, 7, 1)), (False, None), (True, None),
                      (False, None), (True, date(2026, 6, 30))],
    }
    for checklist, items in specs.items():
        for n, (met, met_on) in enumerate(items):
            FacilityItem.create(checklist=checklist, position=n, title=f"{checklist} {n}", met=met, met_on=met_on)
    s = facility.summary(day)
    # computed here from the specs: met and dated on or before the day (or undated)
    done = sum(1 for met, met_on in specs["technical"] if met and (met_on is None or met_on <= day))
    assert (s.technical_total, s.technical_done) == (6, done) == (6, 3)
    assert s.technical_pct == round(done / 6 * 100, 1) == 50.0
    assert (s.phc_total, s.phc_met, s.phc_ready) == (3, 3, True)
    assert s.technical_target_pct == 70.0
    earlier = facility.summary(date(2026, 6, 29))
    assert (earlier.phc_met, earlier.phc_ready, earlier.technical_done) == (2, False, 2)
    assert earlier.technical_pct == round(2 / 6 * 100, 1) == 33.3
    assert facility.summary(date(2025, 6, 30)).technical_target_pct is None


def test_summary_of_the_demo_centre(admin):
    demo.load_demo(admin, today=date(2026, 6, 30))
    s = facility.summary(date(2026, 6, 30))
    tech = list(FacilityItem.select().where(FacilityItem.checklist == "technical"))
    done = [i for i in tech if i.met and (i.met_on is None or i.met_on <= date(2026, 6, 30))]
    assert s.technical_pct == round(len(done) * 100 / len(tech), 1)
    assert not s.phc_ready  # the demo leaves one condition unmet


# --- permissions -------------------------------------------------------------------------------------

def test_permissions(admin, nurse, director, tmp_path):
    facility.seed_starters(admin)
    item = facility.items(nurse, "technical")[0]  # a nurse may look
    with pytest.raises(PermissionDenied):
        facility.update_item(nurse, item.id, {"met": True, "met_on": "01/01/2025"}, version=item.version)
    with pytest.raises(PermissionDenied):
        facility.add_item(nurse, "technical", {"title": "X"})
    with pytest.raises(PermissionDenied):
        facility.move_item(nurse, item.id, 1)
    with pytest.raises(PermissionDenied):
        facility.delete_item(nurse, item.id, version=item.version)
    path = write_csv(tmp_path / "x.csv", [["Nội dung"], ["Y"]])
    with pytest.raises(PermissionDenied):
        facility.import_items(nurse, "technical", path)
    updated = facility.update_item(director, item.id, {"met": True, "met_on": "01/01/2025"}, version=item.version)
    assert updated.met
    assert facility.add_item(director, "technical", {"title": "X"}).title == "X"
    assert facility.import_items(director, "technical", path).added == 1
