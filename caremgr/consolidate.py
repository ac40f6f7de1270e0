"""The Sở side of the periodic return (RETURN.md "Consolidation"): many centres' JSON returns of one
period merged into a provincial summary of the same shape.

No database and no actor: the Sở runs ``caremgr consolidate`` on the files the centres sent.

- ``load_returns(paths)`` reads each file and checks it against ``return.schema.json``; every
  invalid file is named in one ``ValidationError`` (an unreadable file raises ``OSError``);
- ``consolidate(returns, …)`` refuses returns of different periods, the same centre twice and
  summaries fed back in; it sums every count (nested ones too) and recomputes each percentage
  from the sums — never an average of percentages, which would weigh a centre of 20 residents like
  one of 300. The result validates against the same schema, with ``centre`` naming the summary and
  an extra ``centres`` list holding each input unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from caremgr.dates import format_date
from caremgr.errors import Findings, ValidationError
from caremgr.i18n import _
from caremgr.insurance_report import province_unit
from caremgr.text import normalize, search_key

SCHEMA_ID = "caremgr-return-v1"
SECTIONS = ("residents", "health", "insurance", "rehab", "staff", "training", "facility")
# The raw counts a percentage is recomputed from (return-shape: extras every return carries).
RAW_COUNTS = (("rehab", "minutes"), ("facility", "phc_total"), ("facility", "phc_met"),
              ("facility", "technical_total"), ("facility", "technical_done"))
NARRATIVE = ("results", "difficulties", "proposals")
ISSUING_KEYS = ("governing_body", "symbol", "place", "director", "deputies", "receiving_agency", "recipients",
                "signer_title", "deputy_title")
MAX_PROBLEMS_PER_FILE = 2


# --- reading and checking ------------------------------------------------------------------------

def _validate(data: object) -> list[str]:
    """The problems of one return (Vietnamese, each naming its field); [] when it is valid.

    The check is ``caremgr.returns.validate``, the one the centre's side runs before issuing."""
    from caremgr.returns import validate

    if not isinstance(data, dict):
        return [_("nội dung không phải một báo cáo (cần một đối tượng JSON)")]
    try:
        validate(data)
    except ValidationError as exc:
        problems = [p for p in exc.problems if p.is_error]
        # A file that is no return at all says so first.
        problems.sort(key=lambda p: p.field != "schema")
        messages: list[str] = []
        for problem in problems:  # one missing-items message per level, not one per missing item
            text = problem.message.rstrip(". ")
            if text not in messages:
                messages.append(text)
        return messages
    return []


def load_returns(paths: Iterable[str | Path]) -> list[dict]:
    """The returns in ``paths``, in order, each checked against the schema.

    Raises ``OSError`` when a file cannot be read at all, and one ``ValidationError`` naming every
    file that is not JSON or not a valid return (``Problem.field`` is the file name).
    """
    found: list[dict] = []
    findings = Findings()
    for given in paths:
        path, shown = Path(given), str(given)
        raw = path.read_bytes()
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            findings.error(shown, _("Tệp {file}: không đọc được nội dung JSON ({error}).").format(
                file=shown, error=exc))
            continue
        problems = _validate(data)
        if problems:
            listed = "; ".join(problems[:MAX_PROBLEMS_PER_FILE])
            more = len(problems) - MAX_PROBLEMS_PER_FILE
            if more > 0:
                listed += _(" và {count} lỗi khác").format(count=more)
            findings.error(shown, _("Tệp {file} không phải báo cáo định kỳ hợp lệ: {problems}.").format(
                file=shown, problems=listed))
            continue
        found.append(data)
    findings.raise_if_errors()
    return found


# --- arithmetic ----------------------------------------------------------------------------------

def percent(part: int | float, whole: int | float) -> float:
    """``part`` × 100 ÷ ``whole``, one decimal, 0 when ``whole`` is 0 — rounded as a centre's own
    return rounds it (``caremgr.returns``), so a summary of one centre shows that centre's figure."""
    return round(part * 100 / whole, 1) if whole else 0.0


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def sum_counts(items: Sequence[object]) -> object:
    """Integers summed, dicts summed key by key (nested ones too); anything else gives None (the
    caller recomputes it). Keys keep the order of their first appearance."""
    if items and all(_is_count(v) for v in items):
        return sum(items)
    if items and all(isinstance(v, Mapping) for v in items):
        keys: list[str] = []
        for item in items:
            keys += [k for k in item if k not in keys]
        out = {}
        for key in keys:
            value = sum_counts([item[key] for item in items if key in item])
            if value is not None:
                out[key] = value
        return out
    return None


def _common(values: Sequence[object]) -> object:
    """The value every item shares, else None."""
    first = values[0] if values else None
    return first if all(v == first for v in values) else None


def _met(part: float | int, whole: float | int, target: float | int | None) -> bool | None:
    """Whether the exact share (not the rounded one) reaches ``target``; None without a target."""
    if target is None:
        return None
    return (part * 100 / whole if whole else 0.0) >= target


# --- consolidation -------------------------------------------------------------------------------

def _centre_of(data: Mapping) -> Mapping:
    return data.get("centre") or {}


def _describe(data: Mapping, source: str | None) -> str:
    name = normalize(_centre_of(data).get("name")) or _("(không tên)")
    return f"{source} ({name})" if source else name


def _period_key(data: Mapping) -> tuple[str, str, str]:
    period = data.get("period") or {}
    return (normalize(period.get("label")), str(period.get("start", "")), str(period.get("end", "")))


def _period_text(key: tuple[str, str, str]) -> str:
    label, start, end = key
    try:
        return f"{label} ({format_date(date.fromisoformat(start))} - {format_date(date.fromisoformat(end))})"
    except ValueError:
        return f"{label} ({start} - {end})"


def _identity(data: Mapping) -> tuple[str, str]:
    centre = _centre_of(data)
    return normalize(centre.get("code")).upper(), f"{search_key(centre.get('name'))}|{search_key(centre.get('province'))}"


def _check(returns: Sequence[Mapping], names: list[str], sources: Sequence[str] | None) -> None:
    findings = Findings()
    if not returns:
        findings.error("files", _("Không có báo cáo nào để tổng hợp."))
        findings.raise_if_errors()
    for data, name in zip(returns, names, strict=True):
        if "centres" in data:
            findings.error(name, _("{source} là một bản tổng hợp, không phải báo cáo của một cơ sở.").format(
                source=name))
        for section, key in RAW_COUNTS:
            if not _is_count((data.get(section) or {}).get(key)):
                findings.error(name, _("{source}: thiếu số liệu gốc {field} để tính lại tỷ lệ (tệp do phiên bản "
                                       "cũ tạo?).").format(source=name, field=f"{section}.{key}"))
    groups: dict[tuple[str, str, str], list[str]] = {}
    for data, name in zip(returns, names, strict=True):
        groups.setdefault(_period_key(data), []).append(name)
    if len(groups) > 1:
        parts = [f"{_period_text(key)}: {', '.join(members)}" for key, members in groups.items()]
        findings.error("period", _("Các báo cáo không cùng một kỳ: {groups}. Chỉ tổng hợp các báo cáo cùng kỳ.")
                       .format(groups="; ".join(parts)))
    seen: list[tuple[tuple[str, str], int]] = []
    for index, data in enumerate(returns):
        code, named = _identity(data)
        for (other_code, other_named), other in seen:
            if code == other_code if code and other_code else named == other_named:
                first, second = ((sources[other], sources[index]) if sources else
                                 (_("báo cáo thứ {n}").format(n=other + 1), _("báo cáo thứ {n}").format(n=index + 1)))
                findings.error(names[index], _("Cơ sở {centre} có hai báo cáo: {first} và {second}. Mỗi cơ sở chỉ "
                                               "được tổng hợp một lần.").format(
                    centre=normalize(_centre_of(data).get("name")), first=first, second=second))
                break
        seen.append(((code, named), index))
    findings.raise_if_errors()


def _issuing(returns: Sequence[Mapping], issuing: Mapping | str | None) -> dict:
    """Who issues the summary: given, or else the agency the centres all report to."""
    if isinstance(issuing, Mapping):
        found = {key: issuing[key] for key in ("name", *ISSUING_KEYS) if key in issuing}
        found["name"] = normalize(found.get("name")) or _issuing(returns, None)["name"]
        return found
    if isinstance(issuing, str) and normalize(issuing):
        return {"name": normalize(issuing)}
    centres = [_centre_of(r) for r in returns]
    for key in ("receiving_agency", "governing_body"):
        shared = _common([normalize(c.get(key)) for c in centres])
        if shared:
            return {"name": shared}
    return {"name": ""}


def _narrative(returns: Sequence[Mapping]) -> dict:
    out = {}
    for key in NARRATIVE:
        parts = []
        for data in returns:
            text = str((data.get("narrative") or {}).get(key) or "").strip()
            if text:
                parts.append(f"{normalize(_centre_of(data).get('name'))}: {text}")
        out[key] = "\n".join(parts)
    return out


def consolidate(returns: Sequence[Mapping], *, name: str | None = None, issuing: Mapping | str | None = None,
                issued_on: date | str | None = None, sources: Sequence[str] | None = None) -> dict:
    """The provincial summary of ``returns`` (each a valid return of one centre, same period).

    - ``name``: the summary's name (default ``Tổng hợp tỉnh <province>``);
    - ``issuing``: the body issuing the summary, for the document header — its name as text, or a
      mapping with ``name`` and any of governing_body, symbol, place, director, receiving_agency,
      recipients, signer_title, deputy_title; default: the agency every centre reports to;
    - ``issued_on``: the date of the summary (default today);
    - ``sources``: the file each return came from, to name them in refusals.

    Raises ``ValidationError`` for mixed periods, a centre given twice, a summary given as input or a
    return without the raw counts the percentages are recomputed from.
    """
    returns = list(returns)
    sources = [str(s) for s in sources] if sources is not None else None
    if sources is not None and len(sources) != len(returns):
        raise ValueError(f"{len(sources)} sources for {len(returns)} returns")
    names = [_describe(r, sources[i] if sources else None) for i, r in enumerate(returns)]
    _check(returns, names, sources)
    if isinstance(issued_on, str):
        issued_on = date.fromisoformat(issued_on)
    issued_on = issued_on or date.today()

    sums = {section: sum_counts([r[section] for r in returns]) for section in SECTIONS}
    residents, health, insurance = sums["residents"], sums["health"], sums["insurance"]
    rehab, training, facility = sums["rehab"], sums["training"], sums["facility"]
    in_care = residents["in_care"]
    health["tracked_pct"] = percent(health["tracked"], in_care)
    insurance["coverage_pct"] = percent(insurance["valid"], in_care)
    rehab["hours"] = round(rehab["minutes"] / 60, 1)
    targets_given = [r["training"]["target"] for r in returns if r["training"].get("target") is not None]
    training["target"] = sum(targets_given) if targets_given else None
    ready = [bool(r["facility"]["phc_rehab_ready"]) for r in returns]
    facility["phc_rehab_ready"] = all(ready)
    facility["phc_ready_centres"] = sum(ready)
    facility["technical_pct"] = percent(facility["technical_done"], facility["technical_total"])
    facility["technical_target_pct"] = _common([r["facility"].get("technical_target_pct") for r in returns])

    targets = {
        "tracking_pct": _common([(r.get("targets") or {}).get("tracking_pct") for r in returns]),
        "insurance_pct": _common([(r.get("targets") or {}).get("insurance_pct") for r in returns]),
        "training_turns": training["target"],
        "technical_pct": facility["technical_target_pct"],
    }
    met = {
        "tracking": _met(health["tracked"], in_care, targets["tracking_pct"]),
        "insurance": _met(insurance["valid"], in_care, targets["insurance_pct"]),
        "training": None if targets["training_turns"] is None else training["turns"] >= targets["training_turns"],
        "technical": _met(facility["technical_done"], facility["technical_total"], targets["technical_pct"]),
        "phc_rehab": facility["phc_rehab_ready"],
    }

    provinces: list[str] = []
    for data in returns:
        province = normalize(_centre_of(data).get("province"))
        if province and province not in provinces:
            provinces.append(province)
    province = ", ".join(provinces)
    default_name = f"Tổng hợp {province_unit(province)}" if len(provinces) == 1 else "Tổng hợp các cơ sở"
    body = _issuing(returns, issuing)
    centre = {
        "on": issued_on.isoformat(),
        "name": normalize(name) or default_name,
        "type": "consolidation",
        "code": "",
        "address": "",
        "province": province,
        "place": normalize(body.get("place")) or (provinces[0] if len(provinces) == 1 else ""),
        "symbol": normalize(body.get("symbol")),
        "director": normalize(body.get("director")),
        "deputies": list(body.get("deputies") or []),
        "governing_body": normalize(body.get("governing_body")),
        "issuing_body": body["name"],
        "receiving_agency": normalize(body.get("receiving_agency")),
        "recipients": list(body.get("recipients") or []),
        "signer_title": normalize(body.get("signer_title")) or "GIÁM ĐỐC",
        "deputy_title": normalize(body.get("deputy_title")) or "PHÓ GIÁM ĐỐC",
    }
    return {
        "schema": SCHEMA_ID,
        "centre": centre,
        "period": dict(returns[0]["period"]),
        "number": "",
        "issued_on": issued_on.isoformat(),
        **sums,
        "narrative": _narrative(returns),
        "targets": targets,
        "met": met,
        "centres": [dict(r) for r in returns],
    }
