"""Reading the tables centres really keep in Excel and CSV, and writing tables safely."""

import csv
import datetime as dt
import unicodedata
import zipfile

import openpyxl
import pytest

from caremgr.sheets import SheetError, header_key, read_table, write_csv, write_xlsx

COLUMNS = [
    ("Mã đối tượng", "code"),
    ("Họ và tên", "full_name"),
    ("Ngày sinh", "birth"),
    ("Giới tính", "sex"),
    ("Số CCCD", "cccd"),
    ("Ngày tiếp nhận", "admission_date"),
    ("Nhóm đối tượng", "category"),
]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def messy_workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DS doi tuong"
    ws["A1"] = "SỞ Y TẾ TỈNH THANH HÓA"
    ws.merge_cells("A1:H1")
    ws["A2"] = "DANH SÁCH ĐỐI TƯỢNG ĐANG CHĂM SÓC (cập nhật tháng 5)"
    ws.merge_cells("A2:H2")
    ws.append([])  # row 3 left empty
    ws.append(["STT", "MÃ ĐỐI TƯỢNG", "HỌ VÀ TÊN (*)", "ngay sinh", "Số\nCCCD", "  Giới   tính ",
               "Ngày tiếp nhận\n(*)", "Cột lạ"])
    ws.append([1, "DT0001", "Nguyễn Thị Hồng  ", dt.datetime(1948, 3, 5), 38148001234, "Nữ",
               dt.date(2020, 1, 15), "x"])
    ws.append([None, None, None, None, None, None, None, None])  # row 6: empty in the middle
    ws.append([2, "DT0002", nfd("Lò Văn Tuấn"), "05/03/1950", "038050001234", "Nam", "15/01/2021"])
    ws.append([])  # row 8
    ws.append([3, "DT0003", "Phạm Thị Lan", 1948, 1148001234.0, "Nữ", dt.datetime(2022, 2, 1, 0, 0)])
    ws.append([4])  # row 10: only the STT column: nothing to import
    wb.save(path)


def test_messy_xlsx_header_found_below_title_rows(tmp_path):
    path = tmp_path / "danh sach.xlsx"
    messy_workbook(path)
    table = read_table(path, columns=COLUMNS, ignore=["STT"])
    assert table.sheet == "DS doi tuong"
    assert table.header_row == 4
    assert table.keys == [None, "code", "full_name", "birth", "cccd", "sex", "admission_date", None]
    assert table.headers[4] == "Số CCCD" and table.headers[5] == "Giới tính"
    assert table.unknown_columns == ["Cột lạ"]
    assert [row.number for row in table.rows] == [5, 7, 9]

    first, second, third = table.rows
    assert first.values == {
        "code": "DT0001", "full_name": "Nguyễn Thị Hồng", "birth": dt.date(1948, 3, 5),
        "cccd": 38148001234, "sex": "Nữ", "admission_date": dt.date(2020, 1, 15),
    }
    assert first.cells["Cột lạ"] == "x" and first.cells["STT"] == 1
    # NFD text becomes NFC; text dates stay text (the import parses them)
    assert second.values["full_name"] == "Lò Văn Tuấn"
    assert unicodedata.is_normalized("NFC", second.values["full_name"])
    assert second.values["birth"] == "05/03/1950" and second.values["cccd"] == "038050001234"
    # whole floats become ints; a year-only birth stays a number; midnight datetimes become dates
    assert third.values["cccd"] == 1148001234 and isinstance(third.values["cccd"], int)
    assert third.values["birth"] == 1948
    assert third.values["admission_date"] == dt.date(2022, 2, 1)
    assert type(third.values["admission_date"]) is dt.date


def test_header_variants_match():
    for variant in ("HỌ VÀ TÊN (*)", "ho va ten", "Họ và\ntên", "  họ   và tên*", "Ho Va Ten (*)"):
        assert header_key(variant) == header_key("Họ và tên"), variant


def test_header_with_a_hint_in_brackets(tmp_path):
    path = tmp_path / "hint.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Mã đối tượng", "Ngày sinh (dd/mm/yyyy)", "Họ và tên"])
    wb.active.append(["DT1", "01/02/1950", "A B"])
    wb.save(path)
    table = read_table(path, columns=COLUMNS)
    assert table.keys == ["code", "birth", "full_name"]


def test_named_sheet_and_missing_sheet(tmp_path):
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Ghi chú"
    wb.active.append(["Không phải danh sách"])
    other = wb.create_sheet("Đối tượng")
    other.append(["Mã đối tượng", "Họ và tên"])
    other.append(["DT1", "Nguyễn Văn A"])
    wb.save(path)
    assert read_table(path, columns=COLUMNS).rows == []  # the first sheet by default: nothing known there
    table = read_table(path, "doi tuong", columns=COLUMNS)  # case and diacritics do not matter
    assert table.sheet == "Đối tượng" and table.rows[0].values == {"code": "DT1", "full_name": "Nguyễn Văn A"}
    with pytest.raises(SheetError, match="Ghi chú, Đối tượng"):
        read_table(path, "Nhân viên", columns=COLUMNS)


def test_first_non_empty_row_is_the_header_when_nothing_matches(tmp_path):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append([])
    wb.active.append(["Cột A", "Cột B"])
    wb.active.append(["1", "2"])
    wb.save(path)
    table = read_table(path, columns=COLUMNS)
    assert table.header_row == 2 and table.unknown_columns == ["Cột A", "Cột B"]
    assert table.rows == []  # no known column: nothing to import


def test_csv_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "ds.csv"
    text = ("DANH SÁCH;;;\n"
            "Mã đối tượng;Họ và tên;Nhóm đối tượng;Ngày sinh\n"
            "DT1;Nguyễn Văn An  ;Người tâm thần, rối nhiễu tâm trí;01/02/1950\n"
            ";;;\n"
            f"DT2;{nfd('Hà Thị Bình')};NCT;1948\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    table = read_table(path, columns=COLUMNS)
    assert table.delimiter == ";" and table.encoding == "utf-8-sig"
    assert table.header_row == 2
    assert [r.number for r in table.rows] == [3, 5]
    assert table.rows[0].values == {"code": "DT1", "full_name": "Nguyễn Văn An",
                                    "category": "Người tâm thần, rối nhiễu tâm trí", "birth": "01/02/1950"}
    assert table.rows[1].values["full_name"] == "Hà Thị Bình"
    assert table.rows[1].values["birth"] == "1948"  # CSV cells are text


def test_csv_comma_without_bom(tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text('Mã đối tượng,Họ và tên,Nhóm đối tượng\nDT1,"Lê Văn C","Người tâm thần, rối nhiễu tâm trí"\n',
                    encoding="utf-8")
    table = read_table(path, columns=COLUMNS)
    assert table.delimiter == "," and table.encoding == "utf-8"
    assert table.rows[0].values["category"] == "Người tâm thần, rối nhiễu tâm trí"


def to_cp1258(text: str) -> bytes:
    """cp1258 has the shaped letters (â ê ô ơ ư ă đ) but writes tones as combining marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        tone = "".join(m for m in decomposed if m in tones)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in tones))
        out.append(base + tone)
    return "".join(out).encode("cp1258")


def test_csv_in_windows_vietnamese_code_page(tmp_path):
    path = tmp_path / "cp.csv"
    # the reader gives NFC back
    path.write_bytes(to_cp1258("Mã đối tượng;Họ và tên\nDT1;Nguyễn Văn Ân\n"))
    table = read_table(path, columns=COLUMNS)
    assert table.encoding == "cp1258"
    assert table.rows[0].values == {"code": "DT1", "full_name": "Nguyễn Văn Ân"}


@pytest.mark.parametrize("name,content,message", [
    ("text.xlsx", "Mã đối tượng,Họ và tên\nDT1,A\n".encode(), "không phải bảng tính .xlsx"),
    ("broken.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, "bị hỏng"),
    ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    ("binary.csv", b"Ma\x00\x01\x02\x03", "không phải tệp văn bản CSV"),
    ("list.pdf", b"%PDF-1.4", "Chỉ nhập được tệp .xlsx hoặc .csv"),
])
def test_unreadable_files_raise_sheet_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SheetError, match=message):
        read_table(path, columns=COLUMNS)


def test_truncated_and_foreign_zip_files(tmp_path):
    good = tmp_path / "good.xlsx"
    messy_workbook(good)
    data = good.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(SheetError):
        read_table(cut, columns=COLUMNS)
    other = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    with pytest.raises(SheetError, match="không phải bảng tính Excel"):
        read_table(other, columns=COLUMNS)
    with pytest.raises(SheetError, match="Không tìm thấy"):
        read_table(tmp_path / "missing.xlsx", columns=COLUMNS)


def test_huge_cell_rejects_its_row_only(tmp_path):
    path = tmp_path / "huge.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Mã đối tượng", "Họ và tên"])
    wb.active.append(["DT1", "x" * 12_000])
    wb.active.append(["DT2", "Nguyễn Văn B"])
    wb.save(path)
    table = read_table(path, columns=COLUMNS)
    huge, fine = table.rows
    assert huge.number == 2 and len(huge.problems) == 1
    assert "Dòng 2, Họ và tên" in huge.problems[0] and "10.000" in huge.problems[0]
    assert len(huge.values["full_name"]) < 300
    assert fine.problems == []


def test_formulas_are_never_evaluated(tmp_path):
    path = tmp_path / "formula.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã đối tượng", "Họ và tên"])
    ws.append(["DT1", "=1+2"])  # a real formula cell, no cached value
    ws.cell(row=3, column=1, value="DT2")
    cell = ws.cell(row=3, column=2, value="=HYPERLINK(\"http://x\")")
    cell.data_type = "s"  # typed as text
    wb.save(path)
    table = read_table(path, columns=COLUMNS)
    values = [row.values.get("full_name") for row in table.rows]
    assert values == [None, '=HYPERLINK("http://x")']
    csv_path = tmp_path / "formula.csv"
    csv_path.write_text("Mã đối tượng,Họ và tên\nDT1,=1+2\n", encoding="utf-8")
    assert read_table(csv_path, columns=COLUMNS).rows[0].values["full_name"] == "=1+2"


def test_write_xlsx_neutralises_formulas_and_writes_real_dates(tmp_path):
    path = tmp_path / "out.xlsx"
    rows = [["=cmd|' /C calc'!A0", dt.date(1948, 3, 5), "+84912345678", "@SUM(1)", "-1", "Bình thường", 42]]
    write_xlsx(path, ["a", "b", "c", "d", "e", "f", "g"], rows, notes_row=["n1", "n2"])
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[2]][:2] == ["n1", "n2"]
    data = ws[3]
    for cell in (data[0], data[2], data[3], data[4]):
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert data[0].value == "=cmd|' /C calc'!A0"  # the text itself is kept
    assert not data[5].quotePrefix
    assert data[1].value == dt.datetime(1948, 3, 5) and data[1].number_format == "dd/mm/yyyy"
    assert data[6].value == 42
    # and it reads back as written
    table = read_table(path, columns=[("a", "a"), ("b", "b"), ("c", "c")])
    assert table.rows[-1].values == {"a": "=cmd|' /C calc'!A0", "b": dt.date(1948, 3, 5), "c": "+84912345678"}


def test_write_csv_neutralises_formulas_and_round_trips(tmp_path):
    path = tmp_path / "out.csv"
    write_csv(path, ["Mã đối tượng", "Họ và tên", "Ngày sinh"],
              [["=1+2", "@x", dt.date(2001, 2, 3)], ["\tTab", "-5", None], ["DT3", "Lê Thị Ánh", "1948"]])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.reader(fh))
    assert records[1] == ["'=1+2", "'@x", "03/02/2001"]
    assert records[2] == ["'\tTab", "'-5", ""]
    table = read_table(path, columns=COLUMNS)
    assert [r.values for r in table.rows] == [
        {"code": "=1+2", "full_name": "@x", "birth": "03/02/2001"},
        {"code": "Tab", "full_name": "-5"},  # surrounding whitespace is always trimmed
        {"code": "DT3", "full_name": "Lê Thị Ánh", "birth": "1948"},
    ]


def test_failed_write_leaves_no_file(tmp_path):
    path = tmp_path / "out.csv"

    def rows():
        yield ["a"]
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_csv(path, ["x"], rows())
    assert list(tmp_path.iterdir()) == []
