"""Importing a messy sheet through the window: preview, progress, counts, rejected rows saved."""

import csv
from datetime import date

import openpyxl

from db.models import Resident
from tests.gui.conftest import login, pump
from ui.import_dialog import ImportDialog


def messy_sheet(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "DANH SÁCH ĐỐI TƯỢNG ĐANG CHĂM SÓC"
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(["Mã đối tượng (*)", "HỌ VÀ TÊN", "ngay sinh", "Giới tính", "Số CCCD", "Nhóm đối tượng",
               "Ngày tiếp nhận", "Cột lạ"])
    ws.append(["NK0001", "Nguye\u0302\u0303n Thi\u0323 Lan  ", date(1950, 3, 2), "Nữ", 38150012345, "NCT",
               "05/01/2026", "x"])
    ws.append([])
    ws.append(["NK0002", "Trần Văn Bình", "1948", "Nam", "", "Người có công với cách mạng", date(2026, 1, 6), ""])
    ws.append(["NK0003", "Lê Thị C", "31/02/1950", "Nữ", "", "NCT", "05/01/2026", ""])
    ws.append(["NK0004", "Phạm Văn D", "1960", "Nam", "038260012345", "NKT", "05/01/2026", ""])
    wb.save(path)


def test_import_a_messy_sheet_from_the_window(make_app, demo_db, tmp_path):
    app = make_app(demo_db)
    shell = login(app)
    shell.nav_buttons["residents"].invoke()
    pump(app.root)
    source = tmp_path / "danh-sach.xlsx"
    messy_sheet(source)
    dialog = ImportDialog(shell.screen, app.actor, path=str(source), on_finished=lambda _r: shell.screen.refresh())
    pump(app.root)
    headers = [dialog.preview.heading(c, "text") for c in dialog.preview["columns"]]
    assert "HỌ VÀ TÊN" in headers and len(dialog.preview.get_children()) == 4
    assert "Cột lạ" in dialog.info.cget("text")
    dialog.import_button.invoke()
    pump(app.root, lambda: dialog.result is not None, timeout=60)
    result = dialog.result
    assert (result.added, result.updated, len(result.rejected)) == (2, 0, 2)
    summary = dialog.info.cget("text")
    assert "2" in summary
    lan = Resident.get(Resident.code == "NK0001")
    assert lan.full_name == "Nguyễn Thị Lan" and lan.cccd == "038150012345"
    reasons = " ".join(r for row in result.rejected for r in row.reasons)
    assert "Dòng 7" in reasons and "Dòng 8" in reasons and "CCCD" in reasons
    errors = tmp_path / "loi.csv"
    dialog.save_errors(str(errors))
    with errors.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 3  # header + the two rejected rows
    dialog.destroy()
    pump(app.root)
