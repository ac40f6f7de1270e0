"""Imports point down only: ui -> caremgr/reports -> db (shared/design/ARCHITECTURE.md)."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "db": {"caremgr", "ui", "reports", "tkinter", "ttkbootstrap", "reportlab"},
    "caremgr": {"ui", "reports", "tkinter", "ttkbootstrap", "reportlab"},
    "reports": {"ui", "db", "tkinter", "ttkbootstrap", "peewee"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_do_not_import_upper_ones(package):
    offenders = {}
    for path in (ROOT / package).rglob("*.py"):
        bad = imported_roots(path) & FORBIDDEN[package]
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


QUERY = re.compile(r"\b[A-Z]\w*\.(select|where|update|delete|insert|get_or_none|get_by_id)\(|\.where\(")


def test_ui_builds_no_queries_itself():
    offenders = []
    for path in (ROOT / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "peewee" in imported_roots(path) or "db.models" in text or QUERY.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_query_check_catches_model_queries():
    assert QUERY.search("rows = Resident.select().where(x)")
    assert not QUERY.search("self.notebook.select(page)")
