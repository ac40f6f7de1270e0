"""Hostile files for every importer (residents, staff, training attendance, facility checklist), on
SQLite and PostgreSQL: the import refuses the file with a clear Vietnamese SheetError and writes
nothing, or keeps every valid row and lists every other row with its row number, column and reason.

Files: .xlsx and .csv with hypothesis cells (huge cells, formulas, control characters, numbers,
dates and booleans in text columns), a 100,000-row file, a file above MAX_ROWS, a zip bomb named
.xlsx, random bytes named .xlsx, empty files, an .xlsx without sheets or without a header, and CSV
files in cp1258 and UTF-16.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caremgr import facility, resident_io, sheets, staff_io, training_io
from caremgr.import_common import ImportResult
from caremgr.sheets import SheetError
from caremgr.text import name_sort_key, search_key
from db.models import (
    ALL_MODELS,
    FacilityItem,
    Resident,
    Staff,
    TrainingAttendance,
    TrainingCourse,
)
from tests.unit.test_fuzz_validators import FORMULAS, HOSTILE_TEXTS, fuzz_settings, is_vietnamese

TODAY = dt.date(2026, 6, 15)
POOL = ["NV901", "NV902", "NV903", "NV904", "NV905"]  # staff who can attend courses
NAMES = ["Nguyễn Thị Hồng", "Lò Văn Tuấn", "Đỗ Thị Đào", "H'Hen Niê", "Trần  Văn   Bình", "Ma Seo Chứ"]


# --- the importers -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    name: str
    headers: list[str]
    run: Callable[[Any, Any], ImportResult]
    valid_row: Callable[[int, int, Any], list]  # (example prefix, index, draw-free random value) -> cells
    exists: Callable[[list], bool]  # the valid row is in the database
    model: Any  # counted: its row count grows by ``added``


def _d(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _resident_row(prefix, i, r):
    birth = dt.date(1930 + r % 60, 1 + r % 12, 1 + r % 28)
    return [f"FZ{prefix}X{i}", NAMES[r % len(NAMES)], birth if r % 3 == 0 else _d(birth), ["Nam", "Nữ"][r % 2],
            ["NCT", "Người khuyết tật", "tt"][r % 3], _d(dt.date(2015 + r % 10, 1 + r % 12, 1)),
            [None, "0912 345 678", "+84 912345678"][r % 3], NAMES[(r + 1) % len(NAMES)],
            [None, "=cmd|' /C calc'!A0", "ghi chú\nhai dòng", "@SUM(1)", "Ghi chú " * 50][r % 5]]


def _resident_exists(row):
    return Resident.select().where(Resident.code == row[0].upper(), Resident.deleted == False).exists()  # noqa: E712


def _staff_row(prefix, i, r):
    return [f"NVF{prefix}X{i}", NAMES[r % len(NAMES)], ["Điều dưỡng", "Bác sĩ", "Khác", "nhan vien cham soc"][r % 4],
            _d(dt.date(2005 + r % 20, 1 + r % 12, 1 + r % 28)), ["Biên chế", "Hợp đồng", None][r % 3],
            [None, "+1", "Cao đẳng điều dưỡng"][r % 3]]


def _staff_exists(row):
    return Staff.select().where(Staff.code == row[0].upper()).exists()


def _training_row(prefix, i, r):
    start = dt.date(2024, 1 + r % 12, 1 + r % 20)
    return [f"TF{prefix}X{i}", "Kỹ năng chăm sóc " + str(r % 3), ["Chăm sóc", "Khác", None][r % 3], "Sở Y tế",
            _d(start), start + dt.timedelta(days=r % 5), ["8", "7,5", 24, None][r % 4], POOL[r % len(POOL)],
            ["Có", "Không", "x", None][r % 4], [None, "001/GCN", "-5"][r % 3]]


def _training_exists(row):
    return (TrainingAttendance.select().join(TrainingCourse).switch(TrainingAttendance).join(Staff)
            .where(TrainingCourse.code == row[0].upper(), Staff.code == row[7]).exists())


def _facility_row(prefix, i, r):
    met = ["Có", "Không", "x", "✓"][r % 4]
    return [f"Mục kiểm tra {prefix}-{i} " + ["phòng PHCN", "=1+1 tủ thuốc", "-2 giường"][r % 3], met,
            _d(dt.date(2024, 1 + r % 12, 1)) if met != "Không" and r % 2 else None, [None, "+1", "ghi chú"][r % 3]]


def _facility_exists(row):
    key = search_key(" ".join(unicodedata.normalize("NFC", row[0]).split()))
    return any(search_key(item.title) == key for item in FacilityItem.select().where(
        FacilityItem.checklist == "technical"))


SPECS = {
    "residents": Spec("residents", ["Mã đối tượng", "Họ và tên", "Ngày sinh", "Giới tính", "Nhóm đối tượng",
                                    "Ngày tiếp nhận", "Điện thoại liên hệ", "Người liên hệ", "Ghi chú"],
                      lambda actor, path: resident_io.import_residents(actor, path, today=TODAY),
                      _resident_row, _resident_exists, Resident),
    "staff": Spec("staff", ["Mã nhân viên", "Họ và tên", "Chức danh", "Ngày vào làm", "Loại hợp đồng",
                            "Trình độ chuyên môn"],
                  lambda actor, path: staff_io.import_staff(actor, path, today=TODAY),
                  _staff_row, _staff_exists, Staff),
    "training": Spec("training", ["Mã khóa", "Tên khóa tập huấn", "Lĩnh vực", "Đơn vị tổ chức", "Từ ngày",
                                  "Đến ngày", "Số giờ", "Mã nhân viên", "Hoàn thành", "Số chứng nhận"],
                     lambda actor, path: training_io.import_training(actor, path, today=TODAY),
                     _training_row, _training_exists, TrainingAttendance),
    "facility": Spec("facility", ["Nội dung", "Đạt", "Ngày đạt", "Ghi chú"],
                     lambda actor, path: facility.import_items(actor, "technical", path, today=TODAY),
                     _facility_row, _facility_exists, FacilityItem),
}
TEMPLATE_HEADERS = {
    "residents": resident_io.template_headers(), "staff": staff_io.template_headers(),
    "training": training_io.template_headers(), "facility": ["Nội dung", "Đạt", "Ngày đạt", "Ghi chú"],
}


@pytest.fixture
def actor(admin):
    for n, code in enumerate(POOL):
        name = NAMES[n]
        Staff.create(code=code, full_name=name, search_name=search_key(name), sort_key=name_sort_key(name),
                     position="nurse", start_date=dt.date(2000, 1, 1))
    return admin


def counts() -> dict[str, int]:
    """Row counts of every table (the audit log included), in one query."""
    names = [m._meta.table_name for m in ALL_MODELS]
    sql = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{name}")' for name in names)
    return dict(zip(names, ALL_MODELS[0]._meta.database.execute_sql(sql).fetchone(), strict=True))


# --- files -------------------------------------------------------------------------------------------

def write_xlsx(path, header, rows, text_rows=()):
    """Rows in ``text_rows`` (indexes) keep "=..." as text, as a user typing a leading apostrophe; in the
    others such a cell is a formula (saved without a value, as openpyxl does)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for number, values in enumerate([header, *rows], start=1):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=number, column=column)
            cell.value = sheets._ILLEGAL_XML.sub("", value) if isinstance(value, str) else value
            if number - 2 in text_rows and isinstance(value, str):
                cell.data_type = "s"
    wb.save(path)
    return path


def write_csv(path, header, rows, *, delimiter=",", encoding="utf-8"):
    def text(v):
        if v is None:
            return ""
        if isinstance(v, dt.date):
            return _d(v)
        return str(v)

    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        for values in [header, *rows]:
            writer.writerow([text(v) for v in values])
    return path


cell = st.one_of(
    st.none(), st.sampled_from(HOSTILE_TEXTS[:20] + FORMULAS),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.text(alphabet=st.sampled_from("\x01\x02\x07\x0b\x1b\r\n\t \u202e\u0301aĐ0=+-@/;,\"'"), max_size=15),
    st.builds(lambda n, ch: ch * n, st.integers(10_001, 20_000), st.sampled_from("xĐ9 ")),
    st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)), st.booleans(),
    st.sampled_from(["31/02/2020", "1900", "NCT", "Nam", "Nữ", "Có", "Điều dưỡng", "NV901", "TH01", "0"]),
)


@st.composite
def table_rows(draw, spec: Spec):
    """Valid rows, hostile rows and valid rows with one hostile cell, in random order; returns the rows
    and the indexes of the rows that are valid as written."""
    prefix = draw(st.integers(0, 10**6))
    kinds = draw(st.lists(st.sampled_from(["valid", "hostile", "mutated"]), min_size=1, max_size=8))
    rows, valid = [], []
    for i, kind in enumerate(kinds):
        row = spec.valid_row(prefix, i, draw(st.integers(0, 10**4)))
        if kind == "hostile":
            row = draw(st.lists(cell, max_size=len(spec.headers) + 2))
        elif kind == "mutated":
            row[draw(st.integers(0, len(row) - 1))] = draw(cell)
        else:
            valid.append(i)
        rows.append(row)
    return rows, valid


# --- the property ------------------------------------------------------------------------------------

REASON = re.compile(r"^Dòng (\d+), (.+?): (.+)$", re.S)


def check_import(spec: Spec, actor, path, rows: list[list] | None = None, valid: list[int] = (),
                 first_data_row: int = 2) -> ImportResult | None:
    """Runs the import and checks the property; returns the result, or None after a SheetError."""
    before = counts()
    try:
        result = spec.run(actor, path)
    except SheetError as exc:
        message = str(exc)
        assert message.strip() and is_vietnamese(message), message
        assert counts() == before, "a refused file changed the database"
        return None
    assert result.added + result.updated + result.unchanged + len(result.rejected) == result.total_rows
    allowed = set(result.headers) | set(TEMPLATE_HEADERS[spec.name]) | {
        h.replace(" (*)", "") for h in TEMPLATE_HEADERS[spec.name]}
    for rejected in result.rejected:
        assert rejected.reasons, rejected
        for reason in rejected.reasons:
            match = REASON.match(reason)
            assert match, reason[:300]
            assert int(match[1]) == rejected.row, reason[:300]
            assert match[2] in allowed, (match[2], reason[:300])
            assert match[3].strip() and is_vietnamese(reason), reason[:300]
            assert len(reason) < 2_000, reason[:300]  # a huge cell is not copied into the message
    after = counts()
    assert after[spec.model._meta.table_name] - before[spec.model._meta.table_name] == result.added
    if result.added + result.updated == 0 and not (spec.name == "training" and after != before):
        assert {k: v for k, v in after.items() if k != "audit_log"} == {
            k: v for k, v in before.items() if k != "audit_log"}
    rejected_rows = {r.row for r in result.rejected}
    for index in valid:
        number = first_data_row + index
        assert number not in rejected_rows, [r.reasons for r in result.rejected if r.row == number]
        assert spec.exists(rows[index]), rows[index]
    return result


# --- hypothesis: random tables as .xlsx and .csv --------------------------------------------------------

HOSTILE_TABLES = [
    [[f] * 10 for f in FORMULAS],
    [["x" * 20_000] * 10, ["\x00\x01\x1f"] * 10],
    [["Đ" * 20_000] * 10, ["\x01\x1f"] * 10],
    [[1.5, True, dt.date(2020, 1, 1), 10**15, -1, False, None, 0, 3, 4]],
]


@given(spec_name=st.sampled_from(list(SPECS)), fmt=st.sampled_from(["xlsx", "csv", "csv;", "csv-bom"]),
       data=st.data())
@fuzz_settings(60)
def test_fuzz_imports(database, actor, tmp_path, spec_name, fmt, data):
    """Random tables for random importers, in one database per backend."""
    spec = SPECS[spec_name]
    rows, valid = data.draw(table_rows(spec), label="rows")
    import_table(spec, actor, tmp_path, fmt, rows, valid)


def import_table(spec, actor, tmp_path, fmt, rows, valid):
    if fmt == "xlsx":
        path = write_xlsx(tmp_path / "fuzz.xlsx", spec.headers, rows, text_rows=set(valid))
    else:
        path = write_csv(tmp_path / "fuzz.csv", spec.headers, rows, delimiter=";" if fmt == "csv;" else ",",
                         encoding="utf-8-sig" if fmt == "csv-bom" else "utf-8")
    return check_import(spec, actor, path, rows, valid)


def test_hostile_tables(database, actor, tmp_path):
    """The issue's hostile cells (formulas, 20,000-character cells, control characters, numbers, dates
    and booleans in text columns) in every importer, as .xlsx and .csv."""
    for spec in SPECS.values():
        for rows in HOSTILE_TABLES:
            for fmt in ("xlsx", "csv"):
                import_table(spec, actor, tmp_path, fmt, rows, [])


# --- hostile files -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    """Built once per module; the zip bomb is a real one: ~0.4 MB on disk, > MAX_UNZIPPED_BYTES unpacked."""
    folder = tmp_path_factory.mktemp("hostile")
    files = {}
    bomb = folder / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        chunk = b"\0" * (1 << 20)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(sheets.MAX_UNZIPPED_BYTES // len(chunk) + 2):
                member.write(chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    files["zip bomb"] = bomb
    files["random bytes"] = folder / "ngau-nhien.xlsx"
    files["random bytes"].write_bytes(bytes(range(256)) * 40)
    files["zip not xlsx"] = folder / "nen.xlsx"
    with zipfile.ZipFile(files["zip not xlsx"], "w") as zf:
        zf.writestr("readme.txt", "không phải bảng tính")
    files["damaged xlsx"] = folder / "hong.xlsx"
    good = write_xlsx(folder / "good.xlsx", ["a", "b"], [[1, 2]])
    files["damaged xlsx"].write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    files["empty xlsx"] = folder / "rong.xlsx"
    files["empty xlsx"].write_bytes(b"")
    files["empty csv"] = folder / "rong.csv"
    files["empty csv"].write_bytes(b"")
    files["xls renamed"] = folder / "cu.xlsx"
    files["xls renamed"].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    files["no sheets"] = folder / "khong-trang.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(files["no sheets"], "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data, flags=re.S)
            dst.writestr(info, data)
    files["no header"] = folder / "trang-trong.xlsx"
    openpyxl.Workbook().save(files["no header"])
    files["binary csv"] = folder / "nhi-phan.csv"
    files["binary csv"].write_bytes(b"a,b\n\x00\x01\x02\xff\n")
    return files


def test_hostile_files_are_refused_with_a_clear_message(database, actor, hostile_files):
    for spec in SPECS.values():
        for name, path in hostile_files.items():
            before = counts()
            try:
                result = spec.run(actor, path)
            except SheetError as exc:
                message = str(exc)
                assert message.strip() and is_vietnamese(message), (spec.name, name, message)
                if name == "zip bomb":
                    assert "quá lớn khi giải nén" in message
            else:
                # Only an empty file or a sheet without a header may be read, as nothing to import.
                assert name in ("empty csv", "no header"), (spec.name, name, result)
                assert result.total_rows == 0 and not result.added and not result.rejected
            assert counts() == before, (spec.name, name)


def test_a_file_above_max_rows_is_refused(sqlite_database, tmp_path):
    """Refused while reading, before the database is touched (so one backend is enough)."""
    from caremgr import auth

    actor = auth.create_user(None, "admin", "mat-khau-1", "administrator", "Quản trị viên")
    path = tmp_path / "qua-nhieu.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("Mã,Tên\n" + "x\n" * (sheets.MAX_ROWS + 5))
    for spec in SPECS.values():
        before = counts()
        with pytest.raises(SheetError) as refused:
            spec.run(actor, path)
        assert f"{sheets.MAX_ROWS}" in str(refused.value) and is_vietnamese(str(refused.value))
        assert counts() == before


@given(data=st.binary(max_size=3000), prefix=st.sampled_from([b"", b"PK", b"PK\x03\x04", b"\xef\xbb\xbf"]),
       suffix=st.sampled_from([".xlsx", ".csv"]))
@example(data=b"\x00" * 100, prefix=b"PK\x03\x04", suffix=".xlsx")
@fuzz_settings(25)
def test_random_bytes(database, actor, tmp_path, data, prefix, suffix):
    path = tmp_path / ("ngau-nhien" + suffix)
    path.write_bytes(prefix + data)
    for spec in SPECS.values():
        check_import(spec, actor, path)


# --- encodings ---------------------------------------------------------------------------------------

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """What Excel's "CSV" gives on a Vietnamese Windows: the base letter (â, ơ, ư...) precomposed and the
    tone as a combining mark."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


@pytest.mark.parametrize("encoding", ["cp1258", "utf-16"])
@pytest.mark.parametrize("spec_name", list(SPECS))
def test_csv_in_cp1258_and_utf16(database, actor, tmp_path, encoding, spec_name):
    spec = SPECS[spec_name]
    rows = [spec.valid_row(7, i, r) for i, r in enumerate([1, 4, 5])]
    text_path = write_csv(tmp_path / "utf8.csv", spec.headers, rows)
    text = text_path.read_text(encoding="utf-8")
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode("utf-16"))
    result = check_import(spec, actor, path, rows, [0, 1, 2])
    assert result is not None and result.total_rows == 3 and not result.rejected
    if spec_name == "residents":  # the names come back as written (NFC), not as cp1258 bytes
        assert {r.full_name for r in Resident.select()} >= {" ".join(rows[i][1].split()) for i in range(3)}


# --- big files ---------------------------------------------------------------------------------------

BIG = 100_000
GOOD_EVERY = 10_000


@pytest.fixture(scope="module")
def big_files(tmp_path_factory):
    """100,000 checklist rows (one in 10,000 valid, the others with an unreadable "Đạt"), as .csv and .xlsx."""
    folder = tmp_path_factory.mktemp("big")
    header = ["Nội dung", "Đạt"]
    rows = [[f"Mục lớn {i}", "Có"] if i % GOOD_EVERY == 0 else [f"Dòng sai {i}", "có lẽ"] for i in range(BIG)]
    csv_path = write_csv(folder / "lon.csv", header, rows)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("DS")
    ws.append(header)
    for values in rows:
        ws.append(values)
    xlsx_path = folder / "lon.xlsx"
    wb.save(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


def _check_big(actor, path):
    result = check_import(SPECS["facility"], actor, path, [[f"Mục lớn {i}", "Có"] for i in range(BIG)],
                          list(range(0, BIG, GOOD_EVERY)))
    assert result.total_rows == BIG
    assert result.added == BIG // GOOD_EVERY and len(result.rejected) == BIG - BIG // GOOD_EVERY
    first = result.rejected[0]
    assert first.row == 3 and first.reasons[0].startswith("Dòng 3, Đạt: ")


# A 100,000-row import takes ~8 s (.csv) and ~20 s (.xlsx): each runs once, the .csv on PostgreSQL and
# the .xlsx on SQLite (reading is the same on both; what is written, 10 items, is the same for both).

def test_big_csv_keeps_the_valid_rows(pg_target, big_files):
    from caremgr import auth
    from db.connection import close_database, open_database

    open_database(pg_target)
    try:
        _check_big(auth.create_user(None, "admin", "mat-khau-1", "administrator", "Quản trị viên"),
                   big_files["csv"])
    finally:
        close_database()


def test_big_xlsx_keeps_the_valid_rows(sqlite_database, big_files):
    from caremgr import auth

    _check_big(auth.create_user(None, "admin", "mat-khau-1", "administrator", "Quản trị viên"), big_files["xlsx"])
