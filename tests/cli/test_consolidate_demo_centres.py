"""End to end as in the field: three demo centres (different seeds, so different figures) each issue their
half-year return with `caremgr report return`, and the Sở consolidates the three JSON files."""

from __future__ import annotations

import json
import subprocess
from datetime import date

from caremgr import auth, demo, settings
from db.connection import close_database, open_database
from ui.cli import main

PASSWORD = "mat-khau-1"
COUNTS = [("residents", "in_care"), ("residents", "admitted"), ("health", "tracked"), ("health", "checks"),
          ("insurance", "valid"), ("insurance", "none"), ("rehab", "sessions"), ("rehab", "minutes"),
          ("staff", "total"), ("training", "turns"), ("facility", "technical_done"), ("facility", "technical_total")]


def make_centre(path, seed: int, number: int) -> None:
    open_database(str(path))
    admin = auth.create_user(None, "admin", PASSWORD, "administrator", "Quản trị")
    demo.load_demo(admin, seed=seed)
    settings.put(admin, {"centre.name": f"Trung tâm Bảo trợ xã hội số {number}", "centre.code": f"TH-BTXH-0{number}"},
                 effective_from=date(2020, 1, 1))
    close_database()


def test_three_demo_centres_consolidate_to_their_sums(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CAREMGR_PASSWORD", PASSWORD)
    period = f"{date.today().year}-H1"
    paths = []
    for number, seed in enumerate((1942, 7, 2021), start=1):
        db = tmp_path / f"centre{number}.sqlite"
        make_centre(db, seed, number)
        out, twin = tmp_path / f"bc{number}.pdf", tmp_path / f"bc{number}.json"
        assert main(["report", "return", "--period", period, "--out", str(out), "--json", str(twin),
                     "--db", str(db), "--user", "admin"]) == 0
        paths.append(twin)
    capsys.readouterr()
    returns = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    assert len({r["residents"]["in_care"] for r in returns} | {r["health"]["checks"] for r in returns}) > 2, \
        "the seeds give different centres"

    out, twin = tmp_path / "tong-hop.pdf", tmp_path / "tong-hop.json"
    assert main(["consolidate", *map(str, paths), "--out", str(out), "--json", str(twin)]) == 0
    total = json.loads(twin.read_text(encoding="utf-8"))
    for section, key in COUNTS:
        assert total[section][key] == sum(r[section][key] for r in returns), (section, key)
    in_care = total["residents"]["in_care"]
    assert total["health"]["tracked_pct"] == round(total["health"]["tracked"] * 100 / in_care, 1)
    assert total["insurance"]["coverage_pct"] == round(total["insurance"]["valid"] * 100 / in_care, 1)
    assert [c["centre"]["code"] for c in total["centres"]] == ["TH-BTXH-01", "TH-BTXH-02", "TH-BTXH-03"]

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(out), "-"], capture_output=True,
                          text=True).stdout
    for number in (1, 2, 3):
        assert f"Trung tâm Bảo trợ xã hội số {number}" in text
    assert f"{in_care:,}".replace(",", ".") in text


def test_the_departments_own_header_and_signer(tmp_path, monkeypatch):
    from tests.return_samples import three_demo_returns

    paths = []
    for index, data in enumerate(three_demo_returns(), start=1):
        path = tmp_path / f"c{index}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(str(path))
    out = tmp_path / "tong-hop.pdf"
    assert main(["consolidate", *paths, "--out", str(out), "--issuing", "Sở Y tế tỉnh Thanh Hóa",
                 "--governing-body", "UBND tỉnh Thanh Hóa", "--symbol", "SYT", "--to", "Bộ Y tế",
                 "--recipient", "Cục Bảo trợ xã hội (để b/c)", "--signer", "Nguyễn Văn An"]) == 0
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(out), "-"], capture_output=True,
                          text=True).stdout
    for expected in ("UBND TỈNH THANH HÓA", "SỞ Y TẾ TỈNH THANH HÓA", "/BC-SYT", "Kính gửi: Bộ Y tế",
                     "Cục Bảo trợ xã hội (để b/c)", "Nguyễn Văn An"):
        assert expected in text, expected
