"""Importing and exporting residents (IMPORT.md), on SQLite and PostgreSQL."""

from datetime import date, datetime

import openpyxl
import pytest

from caremgr import audit, demo, insurance, resident_io, residents
from caremgr.resident_io import ImportCancelled, export_residents, import_residents, preview, write_template
from caremgr.sheets import SheetError, read_table
from db.models import AuditLog, Contact, InsuranceCard, Resident

HEADER = ["STT", "MÃ ĐỐI TƯỢNG", "Họ và tên (*)", "ngay sinh", "Giới tính", "Số\nCCCD", "Nhóm đối tượng",
          "Ngày tiếp nhận (*)", "Dạng khuyết tật", "Mức độ khuyết tật", "Số thẻ BHYT", "BHYT từ ngày",
          "BHYT đến ngày", "Nơi đăng ký KCB ban đầu", "Ngày ra khỏi cơ sở", "Lý do ra khỏi cơ sở",
          "Người liên hệ", "Điện thoại liên hệ", "Địa chỉ thường trú", "Ghi chú nội bộ"]

EXISTING = {"code": "DT900", "full_name": "Trần Văn Cũ", "birth": "02/02/1950", "sex": "Nam",
            "cccd": "038050001235", "category": "NCT", "admission_date": "01/06/2019", "address": "Thôn Cũ"}


def row(code, name, birth, sex, cccd, category, admitted, *, kind=None, severity=None, card=None, card_from=None,
        card_to=None, facility=None, out=None, reason=None, contact=None, phone=None, address=None, extra=None):
    return [None, code, name, birth, sex, cccd, category, admitted, kind, severity, card, card_from, card_to,
            facility, out, reason, contact, phone, address, extra]


def messy_file(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "TRUNG TÂM BẢO TRỢ XÃ HỘI TỈNH"
    ws.merge_cells("A1:T1")
    ws["A2"] = "DANH SÁCH ĐỐI TƯỢNG"
    ws.merge_cells("A2:T2")
    ws.append(HEADER)  # row 3
    rows = {
        4: row("DT001", "Nguyễn Thị Hồng  ", datetime(1948, 3, 5), "Nữ", 38148001234, "NCT", date(2020, 1, 15),
               card="BT2380123456789", card_from="01/01/2025", card_to=date(2025, 12, 31),
               facility="38001 - Bệnh viện Đa khoa tỉnh Thanh Hóa", contact="Nguyễn Văn Nam", phone="0912 345 678",
               extra="nội bộ"),
        5: [None] * 20,
        6: row("DT002", "Lò Văn Tuấn", 1950, "nam", None, "Người khuyết tật", "15/01/2021", kind="vận động",
               severity="nặng", phone=None),
        7: row("DT003", "Phạm Thị Lan", "1948", "Nữ", "038248001234", "XYZ", "01/02/2021", card="BT2380123456780"),
        8: row("dt001", "Nguyễn Thị Hồng", "05/03/1948", "Nữ", None, "NCT", "15/01/2020"),
        9: row("DT004", "Lê Văn Mới", "1950", "Nam", "038050001235", "NCT", "01/03/2022"),
        10: row("DT005", "Hà Văn Ra", "1955", "Nam", None, "NCT", "01/03/2022", out="01/04/2023"),
        11: row("DT006", "Đinh Thị Mất", "1940", "Nữ", "chưa có", "NCT", "01/03/2018", out=date(2024, 5, 6),
                reason="Tử vong"),
        12: row("DT900", "Trần Văn Cũ", "02/02/1950", "Nam", "038050001235", "Người cao tuổi", "01/06/2019",
                address="Thôn Mới, xã Hoằng Hóa"),
        13: row("DT007", "Vũ Thị Gọi", "1960", "Nữ", None, "K", "01/03/2022", contact="Vũ Văn Con", phone="12345"),
    }
    for number in range(4, 14):
        ws.append(rows[number])
    wb.save(path)
    return path


@pytest.fixture
def messy(tmp_path, admin):
    residents.create(admin, EXISTING)
    return messy_file(tmp_path / "danh sach.xlsx")


def by_row(result):
    return {r.row: r for r in result.rejected}


def test_messy_sheet_gives_exact_counts_and_reasons(messy, admin):
    result = import_residents(admin, messy)
    assert (result.added, result.updated, result.unchanged, len(result.rejected)) == (3, 1, 0, 5)
    assert result.total_rows == 9  # the empty row 5 is not counted
    assert result.unknown_columns == ["Ghi chú nội bộ"]
    rejected = by_row(result)
    assert sorted(rejected) == [7, 8, 9, 10, 13]
    # every reason of a row, each as "Dòng N, <column>: <reason>" (IMPORT.md)
    assert rejected[7].reasons[0] == (
        "Dòng 7, Số CCCD: mã thế kỷ/giới tính (2) không khớp với năm sinh 1948 và giới tính Nữ")
    assert rejected[7].reasons[1].startswith('Dòng 7, Nhóm đối tượng: "XYZ" không có trong danh mục (')
    assert rejected[7].reasons[2:] == [
        "Dòng 7, BHYT từ ngày: số thẻ BHYT cần có ngày bắt đầu hiệu lực (BHYT từ ngày)",
        "Dòng 7, BHYT đến ngày: số thẻ BHYT cần có ngày hết hạn (BHYT đến ngày)",
    ]
    assert rejected[7].code == "DT003" and rejected[7].values["Họ và tên (*)"] == "Phạm Thị Lan"
    assert rejected[8].reasons == ["Dòng 8, Mã đối tượng: trùng mã với dòng 4"]
    assert rejected[9].reasons == ["Dòng 9, Số CCCD: đã thuộc đối tượng DT900 Trần Văn Cũ"]
    assert rejected[10].reasons == [
        "Dòng 10, Lý do ra khỏi cơ sở: không được để trống khi có ngày ra khỏi cơ sở"]
    assert len(rejected[13].reasons) == 1
    assert rejected[13].reasons[0].startswith("Dòng 13, Điện thoại liên hệ: ") and "12345" in rejected[13].reasons[0]
    # the padding of a CCCD typed as a number is noted, not refused
    assert any(n.startswith("Dòng 4, Số CCCD:") and "038148001234" in n for n in result.notes)

    first = Resident.get(Resident.code == "DT001")
    assert first.full_name == "Nguyễn Thị Hồng" and first.cccd == "038148001234"
    assert first.birth_date == date(1948, 3, 5) and first.sex == "female"
    card = InsuranceCard.get(InsuranceCard.resident == first.id)
    assert (card.number, card.group_code, card.benefit_level, card.province_code, card.social_insurance_no) == (
        "BT2380123456789", "BT", 2, "38", "0123456789")
    assert (card.valid_from, card.valid_to) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (card.facility_code, card.facility_name) == ("38001", "Bệnh viện Đa khoa tỉnh Thanh Hóa")
    assert [(c.full_name, c.phone) for c in Contact.select().where(Contact.resident == first.id)] == [
        ("Nguyễn Văn Nam", "0912345678")]
    second = Resident.get(Resident.code == "DT002")
    assert (second.birth_year, second.birth_date, second.category) == (1950, None, "NKT")
    assert (second.disability_type, second.disability_severity) == ("mobility", "severe")
    gone = Resident.get(Resident.code == "DT006")
    assert (gone.status, gone.discharge_date, gone.discharge_reason) == ("deceased", date(2024, 5, 6), "deceased")
    assert (gone.cccd, gone.cccd_note) == (None, "chưa có")
    assert Resident.get(Resident.code == "DT900").address == "Thôn Mới, xã Hoằng Hóa"
    assert not Resident.select().where(Resident.code.in_(["DT003", "DT004", "DT005", "DT007"])).exists()
    assert AuditLog.select().where(AuditLog.entity == "insurance_card", AuditLog.action == "create",
                                   AuditLog.resident_id == first.id).count() == 1
    assert audit.verify_chain().ok


def test_second_import_of_the_same_file_changes_nothing(messy, admin):
    import_residents(admin, messy)
    audit_before = AuditLog.select().count()
    versions = dict(Resident.select(Resident.code, Resident.version).tuples())
    again = import_residents(admin, messy)
    assert (again.added, again.updated, again.unchanged, len(again.rejected)) == (0, 0, 4, 5)
    assert AuditLog.select().count() == audit_before
    assert dict(Resident.select(Resident.code, Resident.version).tuples()) == versions
    assert InsuranceCard.select().count() == 1 and Contact.select().count() == 1


def test_errors_file_lists_rejected_rows_with_their_values_and_reasons(messy, admin, tmp_path):
    result = import_residents(admin, messy)
    out = result.write_errors_csv(tmp_path / "loi.csv")
    table = read_table(out, columns=resident_io.RESIDENT_COLUMNS)
    assert table.headers[0] == "Dòng" and table.headers[-1] == "Lý do"
    assert [r.cells["Dòng"] for r in table.rows] == ["7", "8", "9", "10", "13"]
    assert table.rows[0].values["code"] == "DT003"
    assert "Dòng 7, Số CCCD: mã thế kỷ/giới tính (2)" in table.rows[0].cells["Lý do"]
    # the corrected file imports again as it is: "Dòng", "STT" and "Lý do" are not reported as unknown
    assert preview(out)[2] == ["Ghi chú nội bộ"]


def test_existing_code_with_a_change_is_updated_and_contact_replaced(admin, tmp_path):
    created = residents.create(admin, EXISTING, contacts=[{"full_name": "Trần Thị Con", "phone": "0912000111",
                                                          "relationship": "Con gái"}])
    path = tmp_path / "phone.csv"
    path.write_text("Mã đối tượng;Người liên hệ;Điện thoại liên hệ\nDT900;Trần Thị Con;0987654321\n",
                    encoding="utf-8")
    result = import_residents(admin, path)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 0)
    contacts = list(Contact.select().where(Contact.resident == created.id))
    assert [(c.full_name, c.relationship, c.phone) for c in contacts] == [("Trần Thị Con", "Con gái", "0987654321")]
    resident = Resident.get_by_id(created.id)
    assert resident.address == "Thôn Cũ"  # columns the file does not have are left alone
    assert import_residents(admin, path).unchanged == 1


def test_cccd_held_by_another_resident_and_by_an_earlier_row(admin, tmp_path):
    residents.create(admin, EXISTING)
    path = tmp_path / "cccd.csv"
    path.write_text(
        "Mã đối tượng,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Nhóm đối tượng,Ngày tiếp nhận\n"
        "A1,Lê Văn A,1950,Nam,038050001235,NCT,01/01/2020\n"
        "A2,Lê Văn B,1951,Nam,038051009999,NCT,01/01/2020\n"
        "A3,Lê Văn C,1951,Nam,038051009999,NCT,01/01/2020\n", encoding="utf-8")
    result = import_residents(admin, path)
    assert result.added == 1
    assert [r.reasons for r in result.rejected] == [
        ["Dòng 2, Số CCCD: đã thuộc đối tượng DT900 Trần Văn Cũ"],
        ["Dòng 4, Số CCCD: đã thuộc đối tượng A2 Lê Văn B"],
    ]


def test_export_then_import_round_trips_on_the_demo_centre(admin, tmp_path):
    demo.load_demo(admin, today=date.today())
    count = Resident.select().count()
    audit_before = AuditLog.select().count()
    for name in ("demo.xlsx", "demo.csv"):
        path = tmp_path / name
        assert export_residents(admin, path) == count
        progress: list[tuple[int, int]] = []
        result = import_residents(admin, path, progress=lambda done, total, seen=progress: seen.append((done, total)))
        assert (result.added, result.updated, result.unchanged, result.rejected) == (0, 0, count, []), name
        assert result.unknown_columns == []
        assert progress[0] == (100, count) and progress[-1] == (count, count)
    # only the two exports were audited: nothing changed
    new = list(AuditLog.select().where(AuditLog.id > 0).order_by(AuditLog.id.desc()).limit(
        AuditLog.select().count() - audit_before))
    assert {(e.action, e.entity) for e in new} == {("export", "resident")}


def test_export_writes_the_current_card_first_contact_and_real_dates(admin, tmp_path):
    created = residents.create(admin, EXISTING, contacts=[{"full_name": "Trần Thị Con", "phone": "0912000111"},
                                                          {"full_name": "Trần Văn Cháu", "phone": "+84912000222"}])
    for start, end in ((date(2023, 1, 1), date(2023, 12, 31)), (date(2024, 1, 1), date(2024, 12, 31))):
        insurance.add_card(admin, created.id, {"number": "BT2380123456789", "valid_from": start, "valid_to": end,
                                               "facility": "38001"})
    path = tmp_path / "out.xlsx"
    export_residents(admin, path)
    ws = openpyxl.load_workbook(path).active
    headers = [c.value for c in ws[1]]
    assert headers == [h for h, _k in resident_io.RESIDENT_COLUMNS]
    values = dict(zip(headers, [c.value for c in ws[2]], strict=True))
    assert values["Ngày sinh"] == datetime(1950, 2, 2) and ws["C2"].number_format == "dd/mm/yyyy"
    assert values["Số CCCD"] == "038050001235"
    assert (values["BHYT từ ngày"], values["BHYT đến ngày"]) == (datetime(2024, 1, 1), datetime(2024, 12, 31))
    assert values["Nơi đăng ký KCB ban đầu"] == "38001"
    assert (values["Người liên hệ"], values["Điện thoại liên hệ"]) == ("Trần Thị Con", "0912000111")
    assert values["Nhóm đối tượng"] == "Người cao tuổi" and values["Giới tính"] == "Nam"


def test_cancel_writes_nothing(admin, tmp_path):
    demo.load_demo(admin, today=date.today())
    path = tmp_path / "demo.xlsx"
    export_residents(admin, path)
    Resident.delete().where(Resident.code >= "DT0100").execute()  # so the import would add rows
    before = (Resident.select().count(), AuditLog.select().count(), InsuranceCard.select().count())
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 110

    with pytest.raises(ImportCancelled):
        import_residents(admin, path, cancel=cancel)
    assert (Resident.select().count(), AuditLog.select().count(), InsuranceCard.select().count()) == before


def test_failure_mid_import_writes_nothing(messy, admin, monkeypatch):
    real_create = residents.create
    calls = []

    def failing_create(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_create(*args, **kwargs)

    monkeypatch.setattr(residents, "create", failing_create)
    before = (Resident.select().count(), AuditLog.select().count(), InsuranceCard.select().count(),
              Contact.select().count())
    with pytest.raises(RuntimeError, match="disk full"):
        import_residents(admin, messy)
    assert len(calls) == 3
    assert (Resident.select().count(), AuditLog.select().count(), InsuranceCard.select().count(),
            Contact.select().count()) == before
    assert Resident.get(Resident.code == "DT900").address == "Thôn Cũ"


def test_template_imports_as_nothing_and_preview(admin, tmp_path):
    path = write_template(tmp_path / "mau.xlsx")
    headers, rows, unknown = preview(path)
    assert headers[0] == "Mã đối tượng (*)" and rows == [] and unknown == []
    result = import_residents(admin, path)
    assert (result.added, result.total_rows, result.rejected) == (0, 0, [])
    # a filled-in template: the notes row is skipped, the typed row imported
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.append(["DT010", "Mai Văn Tư", "1945", "Nam", None, None, None, "NCT", "02/01/2024"])
    wb.save(path)
    headers, rows, unknown = preview(path)
    assert rows == [["DT010", "Mai Văn Tư", "1945", "Nam", None, None, None, "NCT", "02/01/2024"] + [None] * 12]
    result = import_residents(admin, path)
    assert (result.added, len(result.rejected)) == (1, 0)


def test_unreadable_or_foreign_file(admin, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("không phải excel", encoding="utf-8")
    with pytest.raises(SheetError):
        import_residents(admin, bad)
    other = tmp_path / "other.csv"
    other.write_text("Họ và tên,Ngày sinh\nA,1950\n", encoding="utf-8")
    with pytest.raises(SheetError, match="Mã đối tượng"):
        import_residents(admin, other)
    assert Resident.select().count() == 0


def test_nurse_may_import_director_may_not(admin, tmp_path, messy):
    from caremgr import auth
    from caremgr.errors import PermissionDenied

    auth.create_user(admin, "giamdoc", "mat-khau-2", "director")
    director = auth.authenticate("giamdoc", "mat-khau-2")
    with pytest.raises(PermissionDenied):
        import_residents(director, messy)
    auth.create_user(admin, "yta", "mat-khau-3", "nurse")
    nurse = auth.authenticate("yta", "mat-khau-3")
    assert import_residents(nurse, messy).added == 3


def test_code_in_other_case_updates_without_renaming(admin, tmp_path):
    residents.create(admin, EXISTING)
    path = tmp_path / "case.csv"
    path.write_text("Mã đối tượng,Địa chỉ thường trú\ndt900,Thôn Mới\n", encoding="utf-8")
    result = import_residents(admin, path)
    assert (result.updated, result.rejected) == (1, [])
    assert list(Resident.select(Resident.code, Resident.address).tuples()) == [("DT900", "Thôn Mới")]


def test_rejected_number_cells_are_written_repaired(admin, tmp_path):
    path = tmp_path / "num.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Mã đối tượng", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Nhóm đối tượng",
                      "Ngày tiếp nhận", "Người liên hệ", "Điện thoại liên hệ"])
    # CCCD and phone typed as numbers; the row is wrong only in its category
    wb.active.append(["N1", "Lê Thị A", 1948, "Nữ", 38148001234, "???", "01/01/2020", "Lê Văn B", 912345678])
    wb.save(path)
    result = import_residents(admin, path)
    [rejected] = result.rejected
    assert [r.split(":")[0] for r in rejected.reasons] == ["Dòng 2, Nhóm đối tượng"]
    assert rejected.values["Số CCCD"] == "038148001234" and rejected.values["Điện thoại liên hệ"] == "0912345678"
    out = result.write_errors_csv(tmp_path / "loi.csv")
    fixed = out.read_text(encoding="utf-8-sig").replace("???", "NCT")
    out.write_text(fixed, encoding="utf-8")
    again = import_residents(admin, out)
    assert (again.added, again.rejected) == (1, [])
    resident = Resident.get(Resident.code == "N1")
    assert resident.cccd == "038148001234"
    assert Contact.get(Contact.resident == resident.id).phone == "0912345678"


def test_validate_card_rules():
    clean, findings = insurance.validate_card({"number": "bt 238 0123456789", "valid_from": "01/01/2025",
                                               "valid_to": date(2025, 12, 31),
                                               "facility": "38001 - Bệnh viện Đa khoa tỉnh"})
    assert findings.problems == []
    assert clean["number"] == "BT2380123456789" and clean["social_insurance_no"] == "0123456789"
    assert (clean["facility_code"], clean["facility_name"]) == ("38001", "Bệnh viện Đa khoa tỉnh")
    assert insurance.split_facility(1001) == ("01001", None)
    assert insurance.split_facility("Trạm Y tế xã") == (None, "Trạm Y tế xã")
    _clean, findings = insurance.validate_card({"number": "BT2380123456789", "valid_from": "31/12/2025",
                                                "valid_to": "01/01/2025", "facility": "3800"})
    assert {p.field for p in findings.errors} == {"valid_to", "facility"}
    clean, findings = insurance.validate_card({"valid_from": "01/01/2025"})
    assert clean == {} and [p.field for p in findings.errors] == ["number"]
    assert insurance.validate_card({"number": "", "facility": None}) == ({}, insurance.Findings())


def test_add_card_skips_a_card_already_recorded(admin):
    created = residents.create(admin, EXISTING)
    data = {"number": "BT2380123456789", "valid_from": "01/01/2025", "valid_to": "31/12/2025",
            "facility": "38001 - Bệnh viện Đa khoa tỉnh"}
    first = insurance.add_card(admin, created.id, data)
    entries = AuditLog.select().where(AuditLog.entity == "insurance_card").count()
    again = insurance.add_card(admin, created.id, dict(data, facility="38002"))
    assert again.id == first.id and InsuranceCard.select().count() == 1
    assert AuditLog.select().where(AuditLog.entity == "insurance_card").count() == entries == 1
    entry = AuditLog.get(AuditLog.entity == "insurance_card")
    assert (entry.action, entry.resident_id, entry.entity_id) == ("create", created.id, str(first.id))


def test_discharge_from_the_file(admin, tmp_path):
    created = residents.create(admin, EXISTING)
    path = tmp_path / "ra.csv"
    path.write_text("Mã đối tượng,Ngày ra khỏi cơ sở,Lý do ra khỏi cơ sở\n"
                    "DT900,01/03/2024,hoi gia/tai hoa nhap\n", encoding="utf-8")
    result = import_residents(admin, path)
    assert (result.updated, result.rejected) == (1, [])
    resident = Resident.get_by_id(created.id)
    assert (resident.status, resident.discharge_date, resident.discharge_reason) == (
        "discharged", date(2024, 3, 1), "reintegrated")
    assert import_residents(admin, path).unchanged == 1  # already discharged on that day: nothing to do
    wrong = tmp_path / "sai.csv"
    wrong.write_text("Mã đối tượng,Họ và tên,Ngày sinh,Giới tính,Nhóm đối tượng,Ngày tiếp nhận,"
                     "Ngày ra khỏi cơ sở,Lý do ra khỏi cơ sở\n"
                     "DT901,Lê Văn D,1950,Nam,NCT,01/06/2019,01/01/2019,Đi chơi\n", encoding="utf-8")
    [rejected] = import_residents(admin, wrong).rejected
    assert rejected.reasons == [
        "Dòng 2, Lý do ra khỏi cơ sở: \"Đi chơi\" không có trong danh mục "
        "(Hồi gia/tái hòa nhập, Chuyển cơ sở khác, Tử vong, Khác)",
        "Dòng 2, Ngày ra khỏi cơ sở: không được trước ngày tiếp nhận (01/06/2019)",
    ]


def test_a_row_undone_after_its_audit_entry_leaves_the_chain_whole(database, admin, tmp_path, monkeypatch):
    """The import keeps the chain's last hash in memory; a row whose savepoint is rolled back after it
    wrote entries must not leave the next row chained to an entry that no longer exists."""
    from caremgr.errors import ValidationError

    path = tmp_path / "ds.csv"
    path.write_text("Mã đối tượng,Họ và tên,Năm sinh,Giới tính,Nhóm đối tượng,Ngày tiếp nhận,Số thẻ BHYT,"
                    "BHYT từ ngày,BHYT đến ngày\n"
                    "HC001,Lê Văn Một,1950,Nam,NCT,01/02/2024,,,\n"
                    "HC002,Lê Văn Hai,1951,Nam,NCT,01/02/2024,BT2383827526704,01/01/2025,31/12/2025\n"
                    "HC003,Lê Văn Ba,1952,Nam,NCT,01/02/2024,,,\n", encoding="utf-8")
    real_add = insurance.add_card

    def refuse_late(actor, resident_id, data, **kwargs):
        real_add(actor, resident_id, data, **kwargs)  # written and audited, then refused: the row is undone
        raise ValidationError("Thẻ bị từ chối", "number")

    monkeypatch.setattr(insurance, "add_card", refuse_late)
    result = import_residents(admin, path)
    assert (result.added, [r.row for r in result.rejected]) == (2, [3])
    assert sorted(r.code for r in Resident.select()) == ["HC001", "HC003"]
    report = audit.verify(admin)
    assert report.ok, report.message
