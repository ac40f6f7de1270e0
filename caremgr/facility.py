"""The centre's capability checklists (RETURN.md, section VII "Điều kiện cơ sở").

Two lists, each item marked met (or performed) with the date it became so and a note:

- ``phc_rehab`` — conditions for primary health care and rehabilitation; the return says whether
  *all* of them are met (``facility.phc_rehab_ready``);
- ``technical`` — technical activities of the commune level the centre can perform; the return
  gives the share performed (``facility.technical_pct``) against the yearly target in the settings.

Nothing official fixes these lists for a centre, so caremgr ships a *starter* list for each
(``STARTER_PHC_REHAB``, ``STARTER_TECHNICAL``; items carry ``starter=True`` until their text is
changed) that the centre edits, reorders, extends or replaces by importing its own list from
.xlsx/.csv (columns "Nội dung", "Đạt", "Ngày đạt", "Ghi chú").

Reads need "settings.view", writes "facility.edit" (administrator and director). Every write is
audited; edits carry the version the user opened and a stale one raises Conflict.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import fn

from caremgr import audit, settings, vocab
from caremgr.auth import Actor, require
from caremgr.dates import format_date, parse_date
from caremgr.errors import Conflict, Findings, NotFound, ValidationError
from caremgr.i18n import N_, _
from caremgr.import_common import (
    ImportCancelled,
    ImportResult,
    RejectedRow,
    cell_date,
    cell_text,
    check_suffix,
    read_list,
    row_reason,
    yes_no,
)
from caremgr.sheets import write_csv, write_xlsx
from caremgr.text import normalize, search_key
from db.connection import write_transaction
from db.models import FacilityItem

VIEW = "settings.view"
EDIT = "facility.edit"
ENTITY = "facility_item"

CHECKLISTS: vocab.Vocab = [
    ("phc_rehab", N_("Điều kiện chăm sóc sức khỏe ban đầu, phục hồi chức năng")),
    ("technical", N_("Danh mục kỹ thuật tuyến xã thực hiện được")),
]

# Conditions for primary care and rehabilitation (checklist "phc_rehab"): a starting point only.
STARTER_PHC_REHAB: list[str] = [
    "Có phòng y tế/phòng khám đạt tiêu chuẩn",
    "Có bác sĩ hoặc y sĩ làm việc thường xuyên",
    "Có phòng phục hồi chức năng và dụng cụ tập luyện cơ bản",
    "Có tủ thuốc và danh mục thuốc thiết yếu",
    "Có hợp đồng khám chữa bệnh BHYT với cơ sở y tế",
    "Có hồ sơ theo dõi sức khỏe điện tử cho đối tượng",
    "Có quy trình chuyển tuyến",
    "Có nhân viên được tập huấn sơ cấp cứu",
]

# Technical activities of the commune level (checklist "technical"): a starting point only.
STARTER_TECHNICAL: list[str] = [
    "Đo huyết áp, đường huyết mao mạch",
    "Tiêm bắp, tiêm dưới da, tiêm tĩnh mạch",
    "Sơ cứu, băng bó vết thương",
    "Thay băng, cắt chỉ",
    "Đặt sonde dạ dày",
    "Xoa bóp bấm huyệt",
    "Vật lý trị liệu cơ bản",
    "Châm cứu",
    "Khám và quản lý tăng huyết áp",
    "Khám và quản lý đái tháo đường",
    "Quản lý người bệnh tâm thần phân liệt, động kinh tại cộng đồng",
    "Tư vấn dinh dưỡng",
    "Xét nghiệm nước tiểu bằng que thử",
    "Điện tim",
    "Khí dung",
]

STARTERS: dict[str, list[str]] = {"phc_rehab": STARTER_PHC_REHAB, "technical": STARTER_TECHNICAL}

FIELD_LABELS = {
    "title": N_("Nội dung"),
    "met": N_("Đạt"),
    "met_on": N_("Ngày đạt/thực hiện"),
    "note": N_("Ghi chú"),
}
MAX_TITLE = 500

# The file format (never translated: export → import must round-trip).
ITEM_COLUMNS: list[tuple[str, str]] = [
    ("Nội dung", "title"),
    ("Đạt", "met"),
    ("Ngày đạt", "met_on"),
    ("Ghi chú", "note"),
]
HEADERS = {key: header for header, key in ITEM_COLUMNS}
ALIASES: list[tuple[str, str]] = [
    ("Tên", "title"), ("Nội dung điều kiện", "title"), ("Điều kiện", "title"), ("Tên kỹ thuật", "title"),
    ("Kỹ thuật", "title"), ("Danh mục", "title"), ("Danh mục kỹ thuật", "title"), ("Nội dung kỹ thuật", "title"),
    ("Đạt/Không", "met"), ("Đã đạt", "met"), ("Thực hiện", "met"), ("Thực hiện được", "met"),
    ("Đã thực hiện", "met"), ("Có/Không", "met"),
    ("Ngày thực hiện", "met_on"), ("Ngày đạt/thực hiện", "met_on"), ("Từ ngày", "met_on"),
    ("Ghi chú/lý do", "note"), ("Lý do chưa đạt", "note"),
]


def field_label(key: str) -> str:
    return _(FIELD_LABELS[key])


def checklist_label(checklist: str) -> str:
    return vocab.label(CHECKLISTS, checklist)


@dataclass(frozen=True)
class ItemRow:
    id: int
    version: int
    checklist: str
    position: int
    title: str
    met: bool
    met_on: date | None
    note: str | None
    starter: bool


@dataclass(frozen=True)
class FacilitySummary:
    on: date
    phc_total: int
    phc_met: int
    phc_ready: bool  # every item met on the day, and the list is not empty
    technical_total: int
    technical_done: int
    technical_pct: float  # done ÷ total × 100, one decimal; 0 for an empty list
    technical_target_pct: float | None  # settings "target.technical_pct" for the year of ``on``


def _row(item: FacilityItem) -> ItemRow:
    return ItemRow(id=item.id, version=item.version, checklist=item.checklist, position=item.position,
                   title=item.title, met=bool(item.met), met_on=item.met_on, note=item.note,
                   starter=bool(item.starter))


def _check_list(checklist: str) -> str:
    if checklist not in vocab.codes(CHECKLISTS):
        raise ValidationError(_("Không có danh mục \"{name}\" (chọn một trong: {choices}).").format(
            name=checklist, choices=", ".join(vocab.codes(CHECKLISTS))), "checklist")
    return checklist


def _ordered(checklist: str):
    return (FacilityItem.select().where(FacilityItem.checklist == checklist)
            .order_by(FacilityItem.position, FacilityItem.id))


def _load(item_id: int) -> FacilityItem:
    item = FacilityItem.get_or_none(FacilityItem.id == item_id)
    if item is None:
        raise NotFound(_("Không tìm thấy mục trong danh mục (có thể đã bị xóa)."))
    return item


def _conflict(item_id: int, mine: Mapping) -> Conflict:
    current = FacilityItem.get_or_none(FacilityItem.id == item_id)
    return Conflict(_("Mục này đã được người khác sửa sau khi bạn mở; chưa có gì bị ghi đè. "
                      "Hãy tải lại để xem thay đổi."),
                    mine=dict(mine), theirs=audit.snapshot(current) if current else {})


def _summary_text(item: FacilityItem | ItemRow) -> str:
    return f"{item.checklist} item: {item.title[:200]}"


# --- reading ---------------------------------------------------------------------------------------

def items(actor: Actor, checklist: str) -> list[ItemRow]:
    """The items of one checklist in their order."""
    require(actor, VIEW)
    return [_row(i) for i in _ordered(_check_list(checklist))]


def _met_on(item_met: bool, item_met_on: date | None, on: date) -> bool:
    return bool(item_met) and (item_met_on is None or item_met_on <= on)


def summary(on: date | None = None) -> FacilitySummary:
    """The checklists' figures on ``on`` (default today) for the return: an item counts as met on
    a day when it is met and its date is empty or not after that day."""
    on = on or date.today()
    counts = {}
    for checklist in vocab.codes(CHECKLISTS):
        rows = list(FacilityItem.select(FacilityItem.met, FacilityItem.met_on)
                    .where(FacilityItem.checklist == checklist).tuples())
        counts[checklist] = (len(rows), sum(1 for met, met_on in rows if _met_on(met, met_on, on)))
    phc_total, phc_met = counts["phc_rehab"]
    technical_total, technical_done = counts["technical"]
    target = settings.year_target("target.technical_pct", on.year)
    return FacilitySummary(
        on=on, phc_total=phc_total, phc_met=phc_met, phc_ready=phc_total > 0 and phc_met == phc_total,
        technical_total=technical_total, technical_done=technical_done,
        technical_pct=round(technical_done * 100.0 / technical_total, 1) if technical_total else 0.0,
        technical_target_pct=None if target is None else float(target),
    )


# --- validation ------------------------------------------------------------------------------------

def _flag(value: Any) -> bool | None:
    """Ticked or not from a checkbox (bool) or a cell ("Có", "x", "Không"); None when unreadable."""
    return yes_no(value)


def validate_item(data: Mapping, *, today: date | None = None, date_required: bool = True) -> tuple[dict, Findings]:
    """Checks an item as typed: title required; met as a tick; met_on (dd/mm/yyyy) required when
    met (unless ``date_required`` is False, for imported lists without dates) and not in the future;
    an item not met keeps no date."""
    today = today or date.today()
    findings = Findings()
    title = normalize(data.get("title"))
    if not title:
        findings.error("title", _("{field}: không được để trống.").format(field=field_label("title")))
    elif len(title) > MAX_TITLE:
        findings.error("title", _("{field}: tối đa {limit} ký tự (đã nhập {n})").format(
            field=field_label("title"), limit=MAX_TITLE, n=len(title)))
    met = _flag(data.get("met"))
    if met is None:
        findings.error("met", _("{field}: ghi Có hoặc Không (đã nhập \"{value}\").").format(
            field=field_label("met"), value=normalize(cell_text(data.get("met")))))
        met = False
    met_on = None
    raw = data.get("met_on")
    if met and raw is not None and not (isinstance(raw, str) and not raw.strip()):
        try:
            met_on = parse_date(raw)
        except ValueError as exc:
            message = str(exc)
            findings.error("met_on", f"{field_label('met_on')}: {message[:1].lower()}{message[1:]}")
        else:
            if met_on > today:
                findings.error("met_on", _("{field}: không được ở tương lai ({date})").format(
                    field=field_label("met_on"), date=format_date(met_on)))
    elif met and date_required:
        findings.error("met_on", _("Ngày đạt/thực hiện: cần nhập khi đánh dấu đạt."))
    note_raw = data.get("note")
    note = None
    if note_raw is not None:
        note = "\n".join(normalize(line) for line in str(note_raw).splitlines()).strip() or None
    return {"title": title, "met": bool(met), "met_on": met_on if met else None, "note": note}, findings


# --- writing ---------------------------------------------------------------------------------------

def _next_position(checklist: str) -> int:
    last = (FacilityItem.select(fn.MAX(FacilityItem.position))
            .where(FacilityItem.checklist == checklist).scalar())
    return (last or 0) + 1


def add_item(actor: Actor, checklist: str, data: Mapping) -> ItemRow:
    """A new item at the end of the list (title required; met, met_on and note as in ``update_item``)."""
    require(actor, EDIT)
    _check_list(checklist)
    with write_transaction():
        values, findings = validate_item(data)
        findings.raise_if_errors()
        item = FacilityItem.create(checklist=checklist, position=_next_position(checklist), starter=False, **values)
        audit.record(actor, "create", ENTITY, item.id, summary=_summary_text(item),
                     changes=audit.diff(None, audit.snapshot(item)))
    return _row(item)


def update_item(actor: Actor, item_id: int, data: Mapping, *, version: int) -> ItemRow:
    """Changes title, met, met_on and note (``data`` may hold only those that change). Ticking met
    needs its date; unticking clears it. An edited title is no longer the starter text."""
    require(actor, EDIT)
    with write_transaction():
        item = _load(item_id)
        if item.version != version:
            raise _conflict(item_id, data)
        merged = {"title": item.title, "met": item.met, "met_on": item.met_on, "note": item.note}
        merged.update({k: v for k, v in data.items() if k in merged})
        values, findings = validate_item(merged)
        findings.raise_if_errors()
        if values["title"] != item.title:
            values["starter"] = False
        changed = {k: v for k, v in values.items() if getattr(item, k) != v}
        if not changed:
            return _row(item)
        before = audit.snapshot(item)
        count = (FacilityItem.update(**changed, version=FacilityItem.version + 1,
                                     updated_at=datetime.now().replace(microsecond=0))
                 .where((FacilityItem.id == item_id) & (FacilityItem.version == version)).execute())
        if count != 1:
            raise _conflict(item_id, data)
        item = FacilityItem.get_by_id(item_id)
        audit.record(actor, "update", ENTITY, item.id, summary=_summary_text(item),
                     changes=audit.diff(before, audit.snapshot(item)))
    return _row(item)


def delete_item(actor: Actor, item_id: int, *, version: int) -> None:
    require(actor, EDIT)
    with write_transaction():
        item = _load(item_id)
        if item.version != version:
            raise _conflict(item_id, {})
        before = audit.snapshot(item)
        if FacilityItem.delete().where((FacilityItem.id == item_id)
                                       & (FacilityItem.version == version)).execute() != 1:
            raise _conflict(item_id, {})
        audit.record(actor, "delete", ENTITY, item_id, summary=_summary_text(item) + " deleted",
                     changes=audit.diff(before, None))


def move_item(actor: Actor, item_id: int, delta: int) -> list[ItemRow]:
    """Moves an item ``delta`` places (negative: up), stopping at either end; the list is numbered
    1…n again. Returns the list in its new order."""
    require(actor, EDIT)
    with write_transaction():
        item = _load(item_id)
        ordered = list(_ordered(item.checklist))
        index = next(i for i, other in enumerate(ordered) if other.id == item.id)
        target = max(0, min(len(ordered) - 1, index + int(delta)))
        if target != index:
            ordered.insert(target, ordered.pop(index))
        moved = False
        for position, other in enumerate(ordered, start=1):
            if other.position != position:
                FacilityItem.update(position=position).where(FacilityItem.id == other.id).execute()
                moved = True
        if moved:
            audit.record(actor, "move", ENTITY, item.id,
                         summary=f"{_summary_text(item)} moved to place {target + 1}",
                         changes={"position": [index + 1, target + 1]})
        return [_row(i) for i in _ordered(item.checklist)]


def seed_starters(actor: Actor) -> int:
    """Puts the starter list into each checklist that is empty (items marked ``starter``, none met).
    Returns how many items were added; a list the centre has filled is never touched."""
    require(actor, EDIT)
    added = 0
    with write_transaction():
        for checklist, titles in STARTERS.items():
            if FacilityItem.select().where(FacilityItem.checklist == checklist).exists():
                continue
            FacilityItem.insert_many([
                {"checklist": checklist, "position": position, "title": title, "met": False, "met_on": None,
                 "note": None, "starter": True}
                for position, title in enumerate(titles, start=1)
            ]).execute()
            added += len(titles)
            audit.record(actor, "seed", ENTITY, None,
                         summary=f"starter list {checklist}: {len(titles)} items",
                         changes={"checklist": checklist, "titles": titles})
    return added


# --- files -----------------------------------------------------------------------------------------

def _header_of(key: str) -> str:
    return HEADERS.get(key, key)


def import_items(actor: Actor, checklist: str, path: str | os.PathLike, *, replace: bool = False,
                 sheet: str | None = None, today: date | None = None,
                 cancel: Callable[[], bool] | None = None) -> ImportResult:
    """Reads a checklist from .xlsx/.csv: "Nội dung" (required), "Đạt" (Có/Không, "x"), "Ngày đạt",
    "Ghi chú". An item met without a date is accepted (it counts as met on any day).

    ``replace=False`` (append): a row whose text matches an item of the list (ignoring case and
    diacritics) updates that item's tick, date and note (its wording stays), other rows are added
    at the end. ``replace=True``: the current
    list is deleted and the file's rows become the list. All in one transaction; a file without
    any valid row changes nothing. Rejected rows are reported "Dòng N, <Cột>: <lý do>".
    """
    require(actor, EDIT)
    _check_list(checklist)
    today = today or date.today()
    table = read_list(path, sheet, ITEM_COLUMNS + ALIASES, key="title", header=HEADERS["title"])
    present = table.known_keys
    result = ImportResult(unknown_columns=list(table.unknown_columns), total_rows=len(table.rows),
                          headers=list(table.headers))
    header_of = {k: h for h, k in zip(table.headers, table.keys, strict=False) if k}

    valid: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        values = row.values
        data = {"title": cell_text(values.get("title")),
                "met": values.get("met") if "met" in present else False,
                "met_on": cell_date(values.get("met_on")) if values.get("met_on") is not None else None,
                "note": cell_text(values.get("note")) if values.get("note") is not None else None}
        if "met" not in present and data["met_on"] is not None:
            data["met"] = True  # a list with only a date column: dated items are met
        clean, findings = validate_item(data, today=today, date_required=False)
        reasons = list(row.problems)
        if "met" in present and yes_no(values.get("met")) is False and values.get("met_on") is not None:
            findings.error("met_on", _("{field}: chỉ ghi khi đã đạt.").format(field=field_label("met_on")))
        reasons += [row_reason(row.number, header_of.get(p.field, _header_of(p.field)), p.message,
                               (field_label(p.field), _header_of(p.field)))
                    for p in findings.errors]
        key = search_key(clean["title"])
        if key and key in seen and not reasons:
            reasons.append(_("Dòng {row}, {column}: trùng nội dung với dòng {first}").format(
                row=row.number, column=header_of.get("title", HEADERS["title"]), first=seen[key]))
        if reasons:
            result.rejected.append(RejectedRow(row.number, clean["title"] or None, reasons, dict(row.cells)))
            continue
        seen[key] = row.number
        valid.append((row.number, clean))

    if not valid:
        return result
    with write_transaction():
        existing = {} if replace else {search_key(i.title): i for i in _ordered(checklist)}
        if replace:
            removed = [audit.snapshot(i) for i in _ordered(checklist)]
            FacilityItem.delete().where(FacilityItem.checklist == checklist).execute()
            if removed:
                audit.record(actor, "delete", ENTITY, None,
                             summary=f"{checklist}: {len(removed)} items replaced by import {Path(path).name}",
                             changes={"removed": removed})
        position = _next_position(checklist)
        for _number, clean in valid:
            if cancel is not None and cancel():
                raise ImportCancelled(_("Đã hủy nhập: không có dòng nào được ghi."))
            item = existing.get(search_key(clean["title"]))
            if item is None:
                created = FacilityItem.create(checklist=checklist, position=position, starter=False, **clean)
                audit.record(actor, "create", ENTITY, created.id, summary=_summary_text(created),
                             changes=audit.diff(None, audit.snapshot(created)))
                position += 1
                result.added += 1
                continue
            # the same item (text equal ignoring case and diacritics): its wording stays as stored
            changed = {k: v for k, v in clean.items() if k != "title" and getattr(item, k) != v}
            if not changed:
                result.unchanged += 1
                continue
            before = audit.snapshot(item)
            FacilityItem.update(**changed, version=FacilityItem.version + 1,
                                updated_at=datetime.now().replace(microsecond=0)).where(
                FacilityItem.id == item.id).execute()
            audit.record(actor, "update", ENTITY, item.id, summary=_summary_text(item),
                         changes=audit.diff(before, audit.snapshot(FacilityItem.get_by_id(item.id))))
            result.updated += 1
        audit.record(actor, "import", ENTITY, None,
                     summary=f"import {Path(path).name} into {checklist} ({'replace' if replace else 'append'}): "
                             f"{result.added} added, {result.updated} updated, {result.unchanged} unchanged, "
                             f"{len(result.rejected)} rejected")
    return result


def export_items(actor: Actor, checklist: str, path: str | os.PathLike) -> int:
    """Writes one checklist to .xlsx or .csv with the import's columns; returns the number of items."""
    require(actor, VIEW)
    _check_list(checklist)
    suffix = check_suffix(path)
    rows = [[i.title, "Có" if i.met else "Không", i.met_on, i.note] for i in _ordered(checklist)]
    headers = [h for h, _k in ITEM_COLUMNS]
    if suffix == ".csv":
        write_csv(path, headers, rows)
    else:
        # the list's own name, Vietnamese (the file is data for the centre), within Excel's 31 characters
        title = {"phc_rehab": "Điều kiện CSSKBĐ, PHCN", "technical": "Kỹ thuật tuyến xã"}[checklist]
        write_xlsx(path, headers, rows, sheet_title=title)
    return len(rows)
