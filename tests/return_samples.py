"""Periodic returns built by hand in the exact shape of return-shape.md / return.schema.json, for the
tests of the return PDF and of the provincial consolidation (no database needed).

``make_return`` draws a coherent centre (parts add up to their totals, percentages computed from
the counts) from a seed; ``overrides`` set any field by dotted path, and the derived percentages
are recomputed after them unless they are overridden too.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_SCHEMA = ROOT.parent / "shared" / "domain" / "return.schema.json"
PACKAGE_SCHEMA = ROOT / "caremgr" / "data" / "return.schema.json"
CATEGORIES = ("NCC", "NCT", "TE", "NKT", "TT", "CN", "K")
POSITIONS = ("doctor", "assistant_doctor", "nurse", "rehab_technician", "social_worker", "carer", "manager",
             "other")
H1_2026 = {"label": "2026-H1", "start": "2026-01-01", "end": "2026-06-30", "kind": "H1",
           "title": "6 tháng đầu năm 2026"}
H2_2026 = {"label": "2026-H2", "start": "2026-07-01", "end": "2026-12-31", "kind": "H2",
           "title": "6 tháng cuối năm 2026"}


def schema_path() -> Path:
    """The package's copy of the schema when the other half of issue 8 has put it there, else the
    shared contract (the same file)."""
    return PACKAGE_SCHEMA if PACKAGE_SCHEMA.is_file() else SHARED_SCHEMA


def schema_errors(data: dict) -> list[str]:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def pct(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def centre_profile(name: str, *, code: str = "", province: str = "Thanh Hóa", symbol: str = "TTBTXH",
                   director: str = "Lê Văn Thắng") -> dict:
    return {
        "on": "2026-06-30",
        "name": name,
        "type": "social_assistance",
        "code": code,
        "address": f"Số 08 đường Trịnh Khả, tỉnh {province}",
        "province": province,
        "place": province,
        "symbol": symbol,
        "director": director,
        "deputies": ["Nguyễn Thị Thu Hà"],
        "governing_body": f"SỞ Y TẾ TỈNH {province.upper()}",
        "receiving_agency": f"Sở Y tế tỉnh {province}",
        "recipients": [f"Sở Y tế tỉnh {province} (để b/c)", "Ban Giám đốc", "Lưu: VT, HC-TH"],
        "signer_title": "GIÁM ĐỐC",
        "deputy_title": "PHÓ GIÁM ĐỐC",
    }


def _split(rnd: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rnd.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _set(data: dict, dotted: str, value) -> None:
    *path, last = dotted.split(".")
    node = data
    for key in path:
        node = node[key]
    node[last] = value


def make_return(name: str, *, code: str = "", seed: int = 1, province: str = "Thanh Hóa", symbol: str = "TTBTXH",
                director: str = "Lê Văn Thắng", period: dict = H1_2026, number: str = "05/BC-TTBTXH",
                issued_on: str = "2026-06-10", **overrides) -> dict:
    """A valid return of one centre. ``overrides`` use ``__`` for dots: ``health__tracked=40``."""
    rnd = random.Random(seed)
    in_care = rnd.randint(60, 180)
    by_category = dict(zip(CATEGORIES, _split(rnd, in_care, len(CATEGORIES)), strict=True))
    male = rnd.randint(in_care // 3, in_care * 2 // 3)
    disabled = _split(rnd, rnd.randint(5, in_care // 3), 3)
    discharged = _split(rnd, rnd.randint(0, 12), 4)
    valid = rnd.randint(in_care * 7 // 10, in_care)
    expired = rnd.randint(0, in_care - valid)
    minutes = rnd.randint(200, 600) * 45
    by_position = dict(zip(POSITIONS, [rnd.randint(0, 12) for _ in POSITIONS], strict=True))
    medical = sum(by_position[p] for p in POSITIONS[:4])
    technical_total = rnd.randint(20, 40)
    phc_total = rnd.randint(8, 14)
    target = rnd.choice([None, 20, 25, 30])
    data = {
        "schema": "caremgr-return-v1",
        "centre": centre_profile(name, code=code, province=province, symbol=symbol, director=director),
        "period": dict(period),
        "number": number,
        "issued_on": issued_on,
        "residents": {
            "in_care": in_care,
            "by_category": by_category,
            "by_sex": {"male": male, "female": in_care - male},
            "children": by_category["TE"],
            "elderly": by_category["NCT"] + rnd.randint(0, by_category["NCC"]),
            "with_disability": dict(zip(("especially_severe", "severe", "mild"), disabled, strict=True)),
            "admitted": rnd.randint(0, 20),
            "discharged": {**dict(zip(("reintegrated", "transferred", "deceased", "other"), discharged,
                                      strict=True)), "total": sum(discharged)},
        },
        "health": {
            "tracked": rnd.randint(in_care // 2, in_care),
            "tracked_pct": 0.0,
            "checks": rnd.randint(in_care, in_care * 3),
            "residents_checked": rnd.randint(in_care // 2, in_care),
            "referrals": rnd.randint(0, 15),
            "chronic": rnd.randint(0, in_care // 2),
            "mental": by_category["TT"],
        },
        "insurance": {
            "valid": valid,
            "expiring_30": rnd.randint(0, valid // 5),
            "expired": expired,
            "none": in_care - valid - expired,
            "coverage_pct": 0.0,
        },
        "rehab": {
            "active_plans": rnd.randint(5, 40),
            "sessions": minutes // 45,
            "hours": 0.0,
            "assessed": rnd.randint(5, 40),
            "improved": rnd.randint(0, 10),
            "goals_achieved": rnd.randint(0, 25),
            "minutes": minutes,
        },
        "staff": {
            "total": sum(by_position.values()),
            "by_position": by_position,
            "medical": medical,
            "licensed": rnd.randint(0, medical),
        },
        "training": {
            "courses": rnd.randint(0, 6),
            "turns": rnd.randint(0, 40),
            "staff_trained": rnd.randint(0, 25),
            "target": target,
        },
        "facility": {
            "phc_rehab_ready": False,
            "technical_pct": 0.0,
            "technical_target_pct": 60.0,
            "phc_total": phc_total,
            "phc_met": rnd.randint(phc_total - 2, phc_total),
            "technical_total": technical_total,
            "technical_done": rnd.randint(technical_total // 3, technical_total),
        },
        "narrative": {
            "results": f"{name} duy trì khám sức khỏe định kỳ cho đối tượng.",
            "difficulties": "",
            "proposals": "Đề nghị bổ sung 02 biên chế điều dưỡng.",
        },
        "targets": {"tracking_pct": 80.0, "insurance_pct": 100.0, "training_turns": target, "technical_pct": 60.0},
        "met": {},
    }
    for key, value in overrides.items():
        _set(data, key.replace("__", "."), value)
    derive(data, keep={k.replace("__", ".") for k in overrides})
    return data


def derive(data: dict, keep: set[str] = frozenset()) -> dict:
    """Recomputes the percentages, hours, readiness and verdicts from the counts (except ``keep``)."""
    r, h, i, f, t = data["residents"], data["health"], data["insurance"], data["facility"], data["training"]
    targets = data["targets"]
    fields = {
        "health.tracked_pct": lambda: pct(h["tracked"], r["in_care"]),
        "insurance.coverage_pct": lambda: pct(i["valid"], r["in_care"]),
        "rehab.hours": lambda: round(data["rehab"]["minutes"] / 60, 1),
        "facility.technical_pct": lambda: pct(f["technical_done"], f["technical_total"]),
        "facility.phc_rehab_ready": lambda: f["phc_met"] == f["phc_total"],
        "targets.training_turns": lambda: t["target"],
    }
    for dotted, compute in fields.items():
        if dotted not in keep:
            _set(data, dotted, compute())

    def met(value, target):
        return None if target is None else value >= target

    computed = {
        "tracking": met(h["tracked_pct"], targets["tracking_pct"]),
        "insurance": met(i["coverage_pct"], targets["insurance_pct"]),
        "training": met(t["turns"], t["target"]),
        "technical": met(f["technical_pct"], f["technical_target_pct"]),
        "phc_rehab": f["phc_rehab_ready"],
    }
    given = data.get("met") or {}
    data["met"] = {k: given[k] if f"met.{k}" in keep else v for k, v in computed.items()}
    return data


THREE_CENTRES = (
    ("Trung tâm Bảo trợ xã hội tỉnh Thanh Hóa", "TH-BTXH-01", 11),
    ("Trung tâm Điều dưỡng người có công Thanh Hóa", "TH-DDNCC-02", 12),
    ("Cơ sở Chăm sóc người tâm thần Thanh Hóa", "TH-TT-03", 13),
)


def three_demo_returns(period: dict = H1_2026) -> list[dict]:
    """Three centres of one province, one period — what the Sở receives."""
    return [make_return(name, code=code, seed=seed, period=period) for name, code, seed in THREE_CENTRES]


def clone(data: dict) -> dict:
    return copy.deepcopy(data)
