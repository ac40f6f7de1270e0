"""``caremgr consolidate RETURN.json ... --out FILE.pdf [--json FILE.json] [--name ...]``, driven as the
Sở would run it: three centres' JSON returns give a provincial PDF and JSON whose totals are the
sums; refusals exit 1 with the file named, unreadable or unwritable files exit 2. No database and
no login are involved."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.return_samples import H2_2026, make_return, schema_errors, three_demo_returns
from ui.cli import main


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def vn(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def vn1(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}".replace(".", ",")


@pytest.fixture(autouse=True)
def no_database(monkeypatch, tmp_path):
    # Were the command to open a database or ask for a password, it would fail here.
    monkeypatch.setenv("CAREMGR_DB", str(tmp_path / "khong-co" / "khong-duoc-mo.sqlite"))
    monkeypatch.delenv("CAREMGR_PASSWORD", raising=False)


@pytest.fixture
def files(tmp_path):
    returns = three_demo_returns()
    paths = []
    for index, data in enumerate(returns, start=1):
        path = tmp_path / f"baocao-co-so-{index}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        paths.append(str(path))
    return returns, paths


def test_three_centres_give_a_provincial_pdf_and_json_whose_totals_are_the_sums(files, tmp_path, capsys):
    returns, paths = files
    out, twin = tmp_path / "tong-hop.pdf", tmp_path / "tong-hop.json"
    assert main(["consolidate", *paths, "--out", str(out), "--json", str(twin)]) == 0
    said = capsys.readouterr().out.strip().splitlines()
    in_care = sum(r["residents"]["in_care"] for r in returns)
    assert said[0] == f"Đã tổng hợp 3 cơ sở, kỳ 6 tháng đầu năm 2026: {in_care} đối tượng đang được chăm sóc."
    assert said[-2:] == [f"Đã ghi {out}", f"Đã ghi {twin}"]
    assert not list(tmp_path.glob("*.part"))

    data = json.loads(twin.read_text(encoding="utf-8"))
    assert schema_errors(data) == []
    assert data["centres"] == returns
    for section, key in [("residents", "in_care"), ("residents", "admitted"), ("health", "tracked"),
                         ("health", "checks"), ("insurance", "valid"), ("insurance", "none"), ("rehab", "sessions"),
                         ("rehab", "minutes"), ("staff", "total"), ("training", "turns"), ("facility", "technical_done")]:
        assert data[section][key] == sum(r[section][key] for r in returns), (section, key)
    for code in ("NCC", "NCT", "TE", "NKT", "TT", "CN", "K"):
        assert data["residents"]["by_category"][code] == sum(r["residents"]["by_category"][code] for r in returns)
    tracked = sum(r["health"]["tracked"] for r in returns)
    valid = sum(r["insurance"]["valid"] for r in returns)
    assert data["health"]["tracked_pct"] == round(tracked * 100 / in_care, 1)
    assert data["insurance"]["coverage_pct"] == round(valid * 100 / in_care, 1)

    text = pdf_text(out)
    words = " ".join(text.split())
    assert "Tổng hợp theo cơ sở" in words and "BÁO CÁO" in text
    for ret in returns:
        assert ret["centre"]["name"] in words
    total = next(line for line in text.splitlines() if line.strip().startswith("Tổng cộng") and vn(in_care) in line)
    assert total.split()[-5:-3] == [vn(in_care), vn1(tracked, in_care)]
    assert vn1(valid, in_care) in total


def test_the_name_of_the_summary_can_be_given(files, tmp_path):
    _returns, paths = files
    out, twin = tmp_path / "a.pdf", tmp_path / "a.json"
    assert main(["consolidate", *paths, "--out", str(out), "--json", str(twin),
                 "--name", "Tổng hợp các cơ sở trợ giúp xã hội tỉnh Thanh Hóa"]) == 0
    assert json.loads(twin.read_text(encoding="utf-8"))["centre"]["name"] == (
        "Tổng hợp các cơ sở trợ giúp xã hội tỉnh Thanh Hóa")
    assert out.read_bytes().startswith(b"%PDF")


def test_mixed_periods_are_refused_with_exit_1(files, tmp_path, capsys):
    _returns, paths = files
    other = tmp_path / "ky-khac.json"
    other.write_text(json.dumps(make_return("Trung tâm Nuôi dưỡng Hậu Lộc", code="TH-HL", seed=40, period=H2_2026),
                                ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "x.pdf"
    assert main(["consolidate", paths[0], str(other), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "không cùng một kỳ" in err and "ky-khac.json" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_the_same_centre_twice_is_refused_with_exit_1(files, tmp_path, capsys):
    _returns, paths = files
    out = tmp_path / "x.pdf"
    assert main(["consolidate", paths[0], paths[1], paths[0], "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "hai báo cáo" in err and "baocao-co-so-1.json" in err
    assert not out.exists()


def test_an_invalid_file_is_refused_naming_it(files, tmp_path, capsys):
    _returns, paths = files
    bad = tmp_path / "thieu-muc.json"
    with open(paths[1], encoding="utf-8") as handle:
        data = json.load(handle)
    del data["insurance"]
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    not_json = tmp_path / "khong-phai-json.json"
    not_json.write_text("Báo cáo 6 tháng", encoding="utf-8")
    out = tmp_path / "x.pdf"
    assert main(["consolidate", paths[0], str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "thieu-muc.json" in err and "insurance" in err
    assert main(["consolidate", paths[0], str(not_json), "--out", str(out)]) == 1
    assert "khong-phai-json.json" in capsys.readouterr().err
    assert not out.exists()


def test_an_unreadable_file_exits_2(files, tmp_path, capsys):
    _returns, paths = files
    missing = tmp_path / "chua-gui.json"
    assert main(["consolidate", paths[0], str(missing), "--out", str(tmp_path / "x.pdf")]) == 2
    assert "chua-gui.json" in capsys.readouterr().err


def test_an_unwritable_target_exits_2_and_leaves_nothing(files, tmp_path, capsys):
    _returns, paths = files
    twin = tmp_path / "tong-hop.json"
    out = tmp_path / "khong-co-thu-muc" / "tong-hop.pdf"
    assert main(["consolidate", *paths, "--out", str(out), "--json", str(twin)]) == 2
    assert "Không ghi được" in capsys.readouterr().err
    assert not twin.exists() and not list(tmp_path.rglob("*.part"))


def test_without_out_exits_1(files, capsys):
    _returns, paths = files
    assert main(["consolidate", *paths]) == 1
    assert "--out" in capsys.readouterr().err
