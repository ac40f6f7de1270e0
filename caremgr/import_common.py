"""What every spreadsheet import shares (shared/domain/IMPORT.md): the result with its counts and
rejected rows, the rejected-rows file, and turning cells and findings into what services and people
read.

Used by ``caremgr.resident_io`` (residents), ``caremgr.staff_io`` (staff) and ``caremgr.facility``
(the checklists). A rejected row is reported as "Dòng N, <Cột>: <lý do>", with N the row number the
spreadsheet program shows and the column as the file's header names it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from caremgr import vocab
from caremgr.dates import format_date
from caremgr.errors import CaremgrError, ValidationError
from caremgr.i18n import _
from caremgr.sheets import ColumnSpec, SheetError, Table, format_cell_date, read_table, write_csv
from caremgr.text import normalize, search_key

# Columns that are neither read nor reported as unknown: a row counter, and the two columns the
# rejected-rows file adds (so that file can be corrected and imported again as it is).
ROW_HEADER = "Dòng"
REASON_HEADER = "Lý do"
IGNORED_HEADERS = ("STT", "Số TT", "Số thứ tự", "TT", ROW_HEADER, REASON_HEADER)


class ImportCancelled(CaremgrError):
    """The user stopped the import; nothing was written."""


@dataclass
class RejectedRow:
    row: int  # spreadsheet row number
    code: str | None
    reasons: list[str]  # each "Dòng N, <column>: <reason>"
    values: dict[str, Any]  # header -> value, as read from the file


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    total_rows: int = 0
    headers: list[str] = field(default_factory=list)  # the file's headers, for the rejected-rows file

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    def counts_line(self) -> str:
        return _("Đã thêm {added}, cập nhật {updated}, không đổi {unchanged}, bị từ chối {rejected} dòng").format(
            added=self.added, updated=self.updated, unchanged=self.unchanged, rejected=len(self.rejected))

    def summary(self, limit: int = 5) -> str:
        """The counts, the unknown columns, then the first ``limit`` notes and reasons of rejection."""
        lines = [self.counts_line()]
        if self.unknown_columns:
            lines.append(_("Các cột không dùng: {columns}.").format(columns=", ".join(self.unknown_columns)))
        for title, items in ((_("Lưu ý:"), self.notes),
                             (_("Các dòng bị từ chối:"), [r for rej in self.rejected for r in rej.reasons])):
            if items:
                lines.append(title)
                lines.extend("  " + item for item in items[:limit])
                if len(items) > limit:
                    lines.append("  " + _("… và {n} mục khác").format(n=len(items) - limit))
        return "\n".join(lines)

    def write_errors_csv(self, path: str | os.PathLike) -> Path:
        """The rejected rows with the file's own columns and values, plus the row number and the
        reasons, so the file can be corrected and imported again."""
        headers = [h for h in self.headers if h not in (ROW_HEADER, REASON_HEADER)]
        for rejected in self.rejected:  # cells beyond the header row get a column too
            headers += [h for h in rejected.values if h not in headers and h not in (ROW_HEADER, REASON_HEADER)]
        rows = [[r.row, *[r.values.get(h) for h in headers], "; ".join(r.reasons)] for r in self.rejected]
        write_csv(path, [ROW_HEADER, *headers, REASON_HEADER], rows)
        return Path(path)


# --- reading ---------------------------------------------------------------------------------------

def read_list(path: str | os.PathLike, sheet: str | None, columns: ColumnSpec, *, key: str, header: str) -> Table:
    """``sheets.read_table`` with IGNORED_HEADERS, refusing a file that has no column ``key``
    (named ``header`` in the message) — a file of something else."""
    table = read_table(path, sheet, columns=columns, ignore=IGNORED_HEADERS)
    if table.header_row and key not in table.known_keys:
        raise SheetError(_("Không thấy cột \"{column}\" trong tệp {file} (dòng tiêu đề là dòng {row}: {headers}). "
                           "Hãy dùng mẫu nhập liệu của caremgr.").format(
            column=header, file=Path(path).name, row=table.header_row,
            headers=", ".join(h for h in table.headers if h) or "—"))
    return table


def display_cell(value: Any) -> Any:
    """A cell for showing: dates as dd/mm/yyyy, anything else as read."""
    if isinstance(value, date):
        return format_cell_date(value)
    return value


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ".0", dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_choice(value: Any, choices: vocab.Vocab) -> Any:
    """The code when the cell names one (label or code, any case or diacritics); else the text as
    typed, so that validation names what was wrong."""
    if value is None:
        return ""
    return vocab.match(choices, cell_text(value)) or cell_text(value)


def cell_date(value: Any) -> Any:
    """A date cell as the services take it: a real date stays a date, anything else becomes text."""
    if isinstance(value, date):
        return value
    return cell_text(value)


_YES = {"co", "x", "1", "dat", "da dat", "yes", "y", "true", "c", "roi", "da thuc hien", "thuc hien", "v"}
_NO = {"khong", "0", "chua", "chua dat", "no", "n", "false", "k", "ko", "khong dat", "chua thuc hien"}


def yes_no(value: Any) -> bool | None:
    """"Có", "x", "✓", "Đạt", "1" → True; "Không", "Chưa", "0", "-" → False; empty → False; anything else
    (unreadable) → None."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {1: True, 0: False}.get(value)
    text = normalize(value)
    if text in ("✓", "✔", "☑", "√"):
        return True
    if text in ("", "-", "–", "—"):
        return False
    key = search_key(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


# --- messages --------------------------------------------------------------------------------------

def lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def row_reason(row: int, header: str, message: str, labels: tuple[str, ...] = ()) -> str:
    """"Dòng 14, Ngày vào làm: <reason>" — the column named once, whatever the message started with
    (the header itself or one of ``labels``, the field's names in the form)."""
    text = message.strip()
    for prefix in sorted({header, *labels}, key=len, reverse=True):
        if prefix and search_key(text[:len(prefix)]) == search_key(prefix) \
                and text[len(prefix):len(prefix) + 1] in (":", " "):
            text = text[len(prefix):].lstrip(" :")
            break
    text = lower_first(text.rstrip("."))
    return _("Dòng {row}, {column}: {reason}").format(row=row, column=header, reason=text)


def check_suffix(path: str | os.PathLike) -> str:
    """".xlsx" or ".csv" (lower case); ValidationError for any other file name."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError(_("Tên tệp phải có đuôi .xlsx hoặc .csv (nhận được \"{name}\").").format(
            name=Path(path).name), "path")
    return suffix
