"""Reading and writing the tables centres keep in Excel and CSV (shared/domain/IMPORT.md).

Real centres' files are messy: a merged title or two above the header, headers typed with or without
diacritics, a ``(*)`` after required columns, line breaks inside header cells, empty rows in the
middle, numbers where text was meant (a CCCD that lost its leading zero), text where a date was meant.
``read_table`` takes all of that in and gives plain rows that remember their real spreadsheet row
number, so every message can point the user at the right line. Anything that is not a readable table
raises ``SheetError`` with a Vietnamese explanation instead of a traceback.

Writing neutralises formula injection: a text cell that starts with ``= + - @`` (or a tab or carriage
return) would be run as a formula by a spreadsheet program, so it is written as text (the xlsx
"quote prefix", the same as typing a leading apostrophe; a leading ``'`` in CSV, which ``read_table``
takes off again so that export → import round-trips).
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caremgr.errors import CaremgrError
from caremgr.i18n import _
from caremgr.text import search_key

MAX_CELL_CHARS = 10_000  # a longer cell is refused for its row (Excel itself allows 32,767)
MAX_ROWS = 200_000  # far above any centre's list; stops a hostile file from filling the memory
MAX_COLUMNS = 300
MAX_CSV_BYTES = 100 * 1024 * 1024
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024  # an .xlsx that unpacks to more than this is a zip bomb
HEADER_SCAN_ROWS = 30  # the header is looked for in the first rows only
DATE_FORMAT = "dd/mm/yyyy"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITERS = (",", ";", "\t")

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters an .xlsx cannot hold
_TRAILING_HINT = re.compile(r"\s*\([^()]*\)\s*$")
_CSV_FALLBACK_ENCODINGS = ("cp1258", "cp1252")


class SheetError(CaremgrError):
    """The file cannot be read as a table at all (the message says why, in Vietnamese)."""


@dataclass
class Row:
    """One non-empty data row of a table."""

    number: int  # the row number the spreadsheet program shows (1-based, counting every row)
    values: dict[str, Any]  # by column key, known columns only; empty cells are absent
    cells: dict[str, Any]  # by header text, every column of the file, as read (for error reports)
    problems: list[str] = field(default_factory=list)  # cell-level refusals (e.g. a huge cell)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass
class Table:
    path: Path
    sheet: str | None  # the worksheet read (None for CSV)
    header_row: int  # spreadsheet row number of the header (0 when the file has no rows at all)
    headers: list[str]  # header texts as written (line breaks and extra spaces removed), file order
    keys: list[str | None]  # the column key of each header, None for an unknown column
    unknown_columns: list[str]
    rows: list[Row]
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only

    @property
    def known_keys(self) -> set[str]:
        return {k for k in self.keys if k}


# --- headers -------------------------------------------------------------------------------------

def clean_header(text: object) -> str:
    """A header cell as text: NFC, line breaks and runs of spaces made one space."""
    if text is None:
        return ""
    if isinstance(text, _dt.datetime | _dt.date):
        return format_cell_date(text)
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def header_key(text: object) -> str:
    """What headers are compared on: no case, no diacritics, no ``(*)``, no punctuation or extra spaces."""
    return search_key(clean_header(text))


def _header_keys(text: object) -> list[str]:
    """The full key, then the key without a trailing parenthesised hint ("Ngày sinh (dd/mm/yyyy)")."""
    cleaned = clean_header(text)
    keys = [search_key(cleaned)]
    bare = _TRAILING_HINT.sub("", cleaned)
    if bare != cleaned:
        keys.append(search_key(bare))
    return [k for k in keys if k]


ColumnSpec = Iterable[tuple[str, str]]  # (header label or alias, column key)


def _index_columns(columns: ColumnSpec | None) -> dict[str, str]:
    index: dict[str, str] = {}
    for label, key in columns or ():
        index.setdefault(header_key(label), key)
    return index


def _match_header(text: object, index: dict[str, str]) -> str | None:
    for key in _header_keys(text):
        if key in index:
            return index[key]
    return None


# --- cell values ---------------------------------------------------------------------------------

def format_cell_date(value: _dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _unneutralise(text: str) -> str:
    """Takes off the apostrophe ``write_csv`` put before a formula-like text."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def clean_cell(value: Any, *, from_csv: bool = False) -> Any:
    """A cell as the import sees it: dates as ``date``, whole floats as ``int``, numbers as numbers,
    text NFC without surrounding spaces, empty text as None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, _dt.time | _dt.timedelta):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # NaN / infinity
            return None
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, int):
        return value
    text = unicodedata.normalize("NFC", str(value))
    if from_csv:
        text = _unneutralise(text)
    return text.strip() or None


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- reading -------------------------------------------------------------------------------------

def read_table(path: str | os.PathLike, sheet: str | None = None, *, columns: ColumnSpec | None = None,
               ignore: Iterable[str] = ()) -> Table:
    """Reads the first worksheet (or ``sheet``) of an .xlsx file, or a .csv file, into a Table.

    ``columns`` names the known headers (label or alias, key). The header is the first row whose
    cells match at least two of them (title rows above it are skipped), or else the first
    non-empty row. Headers in ``ignore`` (e.g. "STT") are neither read nor reported as unknown.
    """
    path = Path(path)
    if not path.exists():
        raise SheetError(_("Không tìm thấy tệp {file}.").format(file=path))
    if path.is_dir():
        raise SheetError(_("{file} là một thư mục, không phải tệp bảng tính.").format(file=path))
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise SheetError(_("Không đọc được tệp {file}: {error}").format(file=path.name, error=exc.strerror or exc)) \
            from exc
    suffix = path.suffix.lower()
    index = _index_columns(columns)
    ignored = {header_key(h) for h in ignore}
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError(_("Tệp {file} là bảng tính Excel 97-2003 (.xls) hoặc tệp Office cũ: hãy mở bằng Excel "
                           "và lưu lại dạng .xlsx, rồi nhập tệp .xlsx đó.").format(file=path.name))
    if suffix in (".xlsx", ".xlsm"):
        if not head.startswith(b"PK"):
            raise SheetError(_("Tệp {file} không phải bảng tính .xlsx (nội dung không đúng định dạng Excel).")
                             .format(file=path.name))
        return _read_xlsx(path, sheet, index, ignored)
    if suffix in (".csv", ".txt"):
        if head.startswith(b"PK"):
            raise SheetError(_("Tệp {file} có đuôi .csv nhưng thực ra là tệp nén (có thể là .xlsx đổi tên): "
                               "hãy đổi đuôi về .xlsx.").format(file=path.name))
        return _read_csv(path, index, ignored)
    raise SheetError(_("Chỉ nhập được tệp .xlsx hoặc .csv (nhận được \"{suffix}\").").format(suffix=suffix or path.name))


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise SheetError(_("Tệp {file} là tệp nén nhưng không phải bảng tính Excel .xlsx.").format(
                    file=path.name))
            if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
                raise SheetError(_("Tệp {file} quá lớn khi giải nén: không phải danh sách thông thường, không nhập.")
                                 .format(file=path.name))
            bad = archive.testzip()  # reads every part once: a damaged part fails here, not half-way
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise SheetError(_("Tệp {file} bị hỏng hoặc không phải bảng tính .xlsx ({error}).").format(
            file=path.name, error=exc)) from exc
    if bad is not None:
        raise SheetError(_("Tệp {file} bị hỏng (phần {part} không giải nén được).").format(file=path.name, part=bad))


def _find_sheet(workbook, sheet: str | None, path: Path):
    worksheets = workbook.worksheets
    if not worksheets:
        raise SheetError(_("Tệp {file} không có trang tính nào.").format(file=path.name))
    if sheet is None:
        return worksheets[0]
    for ws in worksheets:
        if ws.title == sheet:
            return ws
    for ws in worksheets:
        if header_key(ws.title) == header_key(sheet):
            return ws
    raise SheetError(_("Tệp {file} không có trang tính \"{sheet}\". Các trang tính có: {names}.").format(
        file=path.name, sheet=sheet, names=", ".join(ws.title for ws in worksheets)))


def _read_xlsx(path: Path, sheet: str | None, index: dict[str, str], ignored: set[str]) -> Table:
    import openpyxl

    _check_zip(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except SheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of errors on a broken file
        raise SheetError(_("Không đọc được bảng tính {file}: tệp bị hỏng hoặc không đúng định dạng .xlsx ({error}).")
                         .format(file=path.name, error=type(exc).__name__)) from exc
    try:
        ws = _find_sheet(workbook, sheet, path)
        if getattr(ws, "reset_dimensions", None):
            ws.reset_dimensions()  # a wrong <dimension> tag must not hide columns or rows

        def rows() -> Iterator[tuple[int, list[Any]]]:
            filled = 0
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [clean_cell(v) for v in values[:MAX_COLUMNS]]
                if any(not _is_empty(v) for v in cells):
                    filled += 1
                    if filled > MAX_ROWS:
                        raise SheetError(_("Trang tính có hơn {n} dòng: không phải danh sách thông thường, "
                                           "không nhập.").format(n=MAX_ROWS))
                yield number, cells

        try:
            table = _build_table(path, ws.title, rows(), index, ignored)
        except SheetError:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken sheet part deep inside the zip
            raise SheetError(_("Không đọc được trang tính \"{sheet}\" của {file}: tệp bị hỏng ({error}).").format(
                sheet=ws.title, file=path.name, error=type(exc).__name__)) from exc
    finally:
        workbook.close()
    return table


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise SheetError(_("Tệp {file} ghi là UTF-8 nhưng có byte không hợp lệ ở vị trí {pos}.").format(
                file=path.name, pos=exc.start)) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise SheetError(_("Tệp {file} ghi là UTF-16 nhưng không giải mã được.").format(file=path.name)) from exc
    if b"\x00" in data:
        raise SheetError(_("Tệp {file} không phải tệp văn bản CSV (có byte nhị phân).").format(file=path.name))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in _CSV_FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SheetError(_("Không nhận ra bảng mã của tệp {file}: hãy lưu lại dạng \"CSV UTF-8\" trong Excel.").format(
        file=path.name))


def _csv_rows(text: str, delimiter: str, limit: int | None = None) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    for n, record in enumerate(reader, start=1):
        if limit is not None and n > limit:
            return
        yield record


def _sniff_delimiter(text: str, index: dict[str, str]) -> str:
    """The delimiter under which some early row looks most like the header; else the one that splits
    the early rows into the most columns."""
    best, best_score = ",", (-1, -1)
    for delimiter in CSV_DELIMITERS:
        try:
            sample = list(_csv_rows(text, delimiter, HEADER_SCAN_ROWS))
        except csv.Error:
            continue
        matched = max((sum(1 for cell in record if _match_header(cell, index)) for record in sample), default=0)
        widths = [len([c for c in record if c.strip()]) for record in sample]
        score = (matched, max(widths, default=0))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path, index: dict[str, str], ignored: set[str]) -> Table:
    if path.stat().st_size > MAX_CSV_BYTES:
        raise SheetError(_("Tệp {file} quá lớn ({mb} MB): không phải danh sách thông thường, không nhập.").format(
            file=path.name, mb=path.stat().st_size // (1024 * 1024)))
    data = path.read_bytes()
    text, encoding = _decode(data, path)
    delimiter = _sniff_delimiter(text, index)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, record in enumerate(_csv_rows(text, delimiter), start=1):
                if number > MAX_ROWS:
                    raise SheetError(_("Tệp có hơn {n} dòng: không phải danh sách thông thường, không nhập.")
                                     .format(n=MAX_ROWS))
                yield number, [clean_cell(v, from_csv=True) for v in record[:MAX_COLUMNS]]
        except csv.Error as exc:
            raise SheetError(_("Tệp CSV {file} sai cấu trúc hoặc có ô quá lớn ({error}).").format(
                file=path.name, error=exc)) from exc

    table = _build_table(path, None, rows(), index, ignored)
    table.encoding, table.delimiter = encoding, delimiter
    return table


def _build_table(path: Path, sheet: str | None, rows: Iterator[tuple[int, list[Any]]], index: dict[str, str],
                 ignored: set[str]) -> Table:
    buffered: list[tuple[int, list[Any]]] = []
    header_at: int | None = None
    first_non_empty: int | None = None
    for number, values in rows:
        buffered.append((number, values))
        if any(not _is_empty(v) for v in values):
            if first_non_empty is None:
                first_non_empty = len(buffered) - 1
            if sum(1 for v in values if _match_header(v, index)) >= 2:
                header_at = len(buffered) - 1
                break
        if len(buffered) >= HEADER_SCAN_ROWS:
            break
    if header_at is None:
        header_at = first_non_empty
    if header_at is None:
        # Nothing in the first rows: look further for any non-empty row.
        for number, values in rows:
            buffered.append((number, values))
            if any(not _is_empty(v) for v in values):
                header_at = len(buffered) - 1
                break
    if header_at is None:
        return Table(path, sheet, 0, [], [], [], [])

    header_number, header_cells = buffered[header_at]
    headers: list[str] = []
    keys: list[str | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(header_cells):
        text = clean_header(cell)
        key = _match_header(cell, index) if text else None
        if key in seen:
            key = None  # the same column twice: the first one counts
            unknown.append(_("{header} (cột trùng)").format(header=text))
        elif key is None and text and header_key(text) not in ignored:
            unknown.append(text)
        if key:
            seen.add(key)
        headers.append(text or _("Cột {n}").format(n=_column_letter(position + 1)))
        keys.append(key if text else None)

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        yield from buffered[header_at + 1:]
        yield from rows

    out: list[Row] = []
    for number, values in data_rows():
        if not any(not _is_empty(v) for v in values):
            continue
        row = Row(number, {}, {})
        for position, value in enumerate(values):
            if position >= len(headers):
                if _is_empty(value):
                    continue
                while len(headers) <= position:  # columns right of the header (empty ones skipped before)
                    headers.append(_("Cột {n}").format(n=_column_letter(len(headers) + 1)))
                    keys.append(None)
            header = headers[position]
            key = keys[position]
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                row.problems.append(_("Dòng {row}, {column}: ô dài {n} ký tự, quá giới hạn {limit} ký tự").format(
                    row=number, column=header, n=f"{len(value):,}".replace(",", "."),
                    limit=f"{MAX_CELL_CHARS:,}".replace(",", ".")))
                value = value[:200] + "…"
            if not _is_empty(value):
                row.cells[header] = value
                if key:
                    row.values[key] = value
        if row.values or row.problems:
            out.append(row)
    return Table(path, sheet, header_number, headers, keys, unknown, out)


def _column_letter(n: int) -> str:
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- writing -------------------------------------------------------------------------------------

def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula gets a leading apostrophe (CSV)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, _dt.datetime | _dt.date):
        return format_cell_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return neutralise(str(value))


def _atomic_write(path: Path, write) -> None:
    """Writes through a temporary file in the same folder, so a failure leaves no half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(path: str | os.PathLike, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """UTF-8 with BOM (so Excel shows Vietnamese correctly), comma-separated, dates as dd/mm/yyyy."""

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([_csv_value(h) for h in headers])
            for row in rows:
                writer.writerow([_csv_value(v) for v in row])

    _atomic_write(Path(path), write)


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, _dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def write_xlsx(path: str | os.PathLike, headers: Sequence[str], rows: Iterable[Sequence[Any]],
               notes_row: Sequence[str] | None = None, *, sheet_title: str = "Danh sách",
               text_columns: Iterable[int] = (), blank_text_rows: int = 0) -> None:
    """An .xlsx with a bold, frozen header row, an optional notes row under it, real dates shown
    dd/mm/yyyy, and text cells that look like formulas kept as text.

    ``text_columns`` (0-based) are formatted as text ("@"), also for ``blank_text_rows`` empty rows
    below the data, so that a number typed later in a template (a CCCD) keeps its leading zeros.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    headers = list(headers)
    text_columns = set(text_columns)

    def write(target: Path) -> None:
        workbook = Workbook()
        ws = workbook.active
        ws.title = sheet_title[:31]
        widths = [max(10, min(40, _display_width(h) + 2)) for h in headers]
        bold = Font(bold=True)
        fill = PatternFill("solid", fgColor="DDEBF7")
        for col, header in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=col)
            _put(cell, header)
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        row_number = 1
        if notes_row is not None:
            row_number = 2
            italic = Font(italic=True, color="595959")
            for col, note in enumerate(notes_row, start=1):
                cell = ws.cell(row=2, column=col)
                _put(cell, note)
                cell.font = italic
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[2].height = 90
        for values in rows:
            row_number += 1
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row_number, column=col)
                _put(cell, value)
                if col - 1 in text_columns and isinstance(value, str):
                    cell.number_format = "@"
                if col <= len(widths):
                    widths[col - 1] = max(widths[col - 1], min(40, _display_width(value) + 2))
        for extra in range(row_number + 1, row_number + 1 + blank_text_rows):
            for col in text_columns:
                ws.cell(row=extra, column=col + 1).number_format = "@"
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "A2"
        workbook.save(target)

    _atomic_write(Path(path), write)


def _put(cell, value: Any) -> None:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
        # openpyxl treats a str starting with "=" as a formula: store it as a string instead, with
        # the quote prefix (what a typed leading apostrophe does) so Excel never evaluates it.
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return
    cell.value = value
