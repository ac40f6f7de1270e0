"""The Sở's consolidation of centres' returns (caremgr.consolidate), on returns built by hand in the
contract's shape: counts are summed, percentages recomputed from the sums (not averaged), and mixed
periods, duplicate centres and invalid files are refused with the culprits named."""

from __future__ import annotations

import json
from datetime import date

import pytest

from caremgr.consolidate import consolidate, load_returns, percent, sum_counts
from caremgr.errors import ValidationError
from tests.return_samples import H2_2026, clone, make_return, schema_errors, three_demo_returns

RECOMPUTED = {("health", "tracked_pct"), ("insurance", "coverage_pct"), ("rehab", "hours"),
              ("facility", "technical_pct"), ("facility", "technical_target_pct"), ("training", "target"),
              ("facility", "phc_rehab_ready")}


def integer_leaves(node, path=()):
    """Every integer (not bool) in a nested dict, by its path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from integer_leaves(value, (*path, key))
    elif isinstance(node, int) and not isinstance(node, bool):
        yield path, node


def at(node, path):
    for key in path:
        node = node[key]
    return node


# --- sums and recomputed figures -----------------------------------------------------------------

def test_every_count_is_the_sum_of_the_centres_counts():
    returns = three_demo_returns()
    result = consolidate(returns, issued_on=date(2026, 6, 20))
    checked = 0
    for section in ("residents", "health", "insurance", "rehab", "staff", "training", "facility"):
        for path, _value in integer_leaves(returns[0][section], (section,)):
            if path in RECOMPUTED:
                continue
            assert at(result, path) == sum(at(r, path) for r in returns), path
            checked += 1
    assert checked > 50
    assert sum(result["residents"]["by_category"].values()) == result["residents"]["in_care"]
    assert result["staff"]["by_position"]["nurse"] == sum(r["staff"]["by_position"]["nurse"] for r in returns)


def test_the_result_has_the_shape_of_one_return_and_keeps_the_inputs():
    returns = three_demo_returns()
    result = consolidate(returns, issued_on=date(2026, 6, 20))
    assert schema_errors(result) == []
    assert result["centres"] == returns
    assert result["period"] == returns[0]["period"]
    assert result["issued_on"] == "2026-06-20" and result["number"] == ""
    assert result["centre"]["name"] == "Tổng hợp tỉnh Thanh Hóa"
    assert result["centre"]["province"] == "Thanh Hóa" and result["centre"]["code"] == ""
    # Issued by the agency the centres report to (their receiving agency), not by the code.
    assert result["centre"]["issuing_body"] == "Sở Y tế tỉnh Thanh Hóa"
    assert set(result["met"]) == {"tracking", "insurance", "training", "technical", "phc_rehab"}


def test_percentages_are_recomputed_from_the_sums_not_averaged():
    # A small centre with perfect figures and a large one with poor figures: the average of the two
    # percentages flatters the province; the figure from the sums does not.
    small = make_return("Trung tâm nhỏ", code="A", seed=1, residents__in_care=10, health__tracked=10,
                        insurance__valid=10, insurance__expiring_30=0, insurance__expired=0, insurance__none=0,
                        rehab__minutes=50, facility__technical_done=1, facility__technical_total=1)
    large = make_return("Trung tâm lớn", code="B", seed=2, residents__in_care=190, health__tracked=95,
                        insurance__valid=133, insurance__expiring_30=5, insurance__expired=30, insurance__none=27,
                        rehab__minutes=50, facility__technical_done=10, facility__technical_total=40)
    result = consolidate([small, large])
    averaged = (small["health"]["tracked_pct"] + large["health"]["tracked_pct"]) / 2
    assert (small["health"]["tracked_pct"], large["health"]["tracked_pct"], averaged) == (100.0, 50.0, 75.0)
    assert result["health"]["tracked_pct"] == round(105 * 100 / 200, 1) == 52.5
    assert result["insurance"]["coverage_pct"] == round(143 * 100 / 200, 1) == 71.5
    assert (small["insurance"]["coverage_pct"] + large["insurance"]["coverage_pct"]) / 2 == 85.0
    assert result["facility"]["technical_pct"] == round(11 * 100 / 41, 1) == 26.8
    assert (small["facility"]["technical_pct"] + large["facility"]["technical_pct"]) / 2 == 62.5
    # Hours from the summed minutes: 100 minutes are 1,7 hours, not 0,8 + 0,8.
    assert small["rehab"]["hours"] + large["rehab"]["hours"] == pytest.approx(1.6)
    assert result["rehab"]["hours"] == 1.7 and result["rehab"]["minutes"] == 100
    # Verdicts follow the recomputed figures: 52,5 % misses the 80 % tracking target although the
    # average (75 %) of a 100 % and a 50 % centre would have been closer.
    assert result["met"]["tracking"] is False and result["met"]["insurance"] is False
    assert result["met"]["technical"] is False  # 26,8 % < 60 %


def test_targets_and_readiness():
    a = make_return("Trung tâm A", code="A", seed=1, training__target=20, facility__phc_met=5, facility__phc_total=5,
                    training__turns=30)
    b = make_return("Trung tâm B", code="B", seed=2, training__target=None, facility__phc_met=4,
                    facility__phc_total=6, training__turns=5)
    c = make_return("Trung tâm C", code="C", seed=3, training__target=15, facility__phc_met=7, facility__phc_total=7,
                    training__turns=1)
    result = consolidate([a, b, c])
    assert result["training"]["target"] == 35 == result["targets"]["training_turns"]
    assert result["training"]["turns"] == 36 and result["met"]["training"] is True
    assert result["facility"]["phc_rehab_ready"] is False and result["met"]["phc_rehab"] is False
    assert result["facility"]["phc_ready_centres"] == 2
    assert (result["facility"]["phc_met"], result["facility"]["phc_total"]) == (16, 18)
    assert result["facility"]["technical_target_pct"] == 60.0 == result["targets"]["technical_pct"]

    no_targets = [make_return(f"Trung tâm {n}", code=n, seed=i, training__target=None)
                  for i, n in enumerate("XY")]
    result = consolidate(no_targets)
    assert result["training"]["target"] is None and result["met"]["training"] is None

    d = make_return("Trung tâm D", code="D", seed=4, facility__technical_target_pct=70.0)
    result = consolidate([a, d])
    assert result["facility"]["technical_target_pct"] is None and result["met"]["technical"] is None
    assert schema_errors(result) == []

    ready = [make_return(f"Trung tâm {n}", code=n, seed=i, facility__phc_met=3, facility__phc_total=3)
             for i, n in enumerate("PQ")]
    assert consolidate(ready)["facility"]["phc_rehab_ready"] is True


def test_a_target_differing_between_centres_is_not_invented():
    a = make_return("Trung tâm A", code="A", seed=1)
    b = make_return("Trung tâm B", code="B", seed=2)
    b["targets"]["tracking_pct"] = 100.0
    result = consolidate([a, b])
    assert result["targets"]["tracking_pct"] is None and result["met"]["tracking"] is None
    assert result["targets"]["insurance_pct"] == 100.0


def test_narratives_are_prefixed_with_each_centre_and_empty_ones_left_out():
    a = make_return("Trung tâm A", code="A", seed=1, narrative__results="Khám định kỳ đủ.",
                    narrative__difficulties="")
    b = make_return("Trung tâm B", code="B", seed=2, narrative__results="  ",
                    narrative__difficulties="Thiếu điều dưỡng.\nThiếu xe cứu thương.")
    result = consolidate([a, b])
    assert result["narrative"]["results"] == "Trung tâm A: Khám định kỳ đủ."
    assert result["narrative"]["difficulties"] == "Trung tâm B: Thiếu điều dưỡng.\nThiếu xe cứu thương."
    assert result["narrative"]["proposals"].splitlines() == [
        f"Trung tâm A: {a['narrative']['proposals']}", f"Trung tâm B: {b['narrative']['proposals']}"]


def test_name_issuing_body_and_date_can_be_given():
    returns = three_demo_returns()
    result = consolidate(returns, name="Tổng hợp các cơ sở trợ giúp xã hội", issued_on="2026-07-02",
                         issuing={"name": "Sở Y tế tỉnh Thanh Hóa", "governing_body": "UBND tỉnh Thanh Hóa",
                                  "symbol": "SYT", "director": "Trần Văn Bình",
                                  "receiving_agency": "Ủy ban nhân dân tỉnh Thanh Hóa",
                                  "recipients": ["Bộ Y tế", "Lưu: VT, BTXH"]})
    centre = result["centre"]
    assert centre["name"] == "Tổng hợp các cơ sở trợ giúp xã hội"
    assert (centre["issuing_body"], centre["governing_body"], centre["symbol"], centre["director"]) == (
        "Sở Y tế tỉnh Thanh Hóa", "UBND tỉnh Thanh Hóa", "SYT", "Trần Văn Bình")
    assert centre["receiving_agency"] == "Ủy ban nhân dân tỉnh Thanh Hóa"
    assert result["issued_on"] == "2026-07-02" and schema_errors(result) == []
    assert consolidate(returns, issuing="Sở Nội vụ tỉnh Thanh Hóa")["centre"]["issuing_body"] == (
        "Sở Nội vụ tỉnh Thanh Hóa")


def test_sum_counts_and_percent():
    assert sum_counts([{"a": 1, "b": {"c": 2}, "x": 1.5}, {"a": 3, "b": {"c": 4}, "x": 2.5}]) == {"a": 4, "b": {"c": 6}}
    assert sum_counts([True, False]) is None
    assert percent(1, 3) == 33.3 and percent(2, 3) == 66.7 and percent(5, 0) == 0.0


# --- refusals ------------------------------------------------------------------------------------

def test_mixed_periods_are_refused_naming_the_files():
    a, b = three_demo_returns()[:2]
    b = make_return(b["centre"]["name"], code=b["centre"]["code"], seed=12, period=H2_2026)
    with pytest.raises(ValidationError) as caught:
        consolidate([a, b], sources=["a.json", "b.json"])
    message = str(caught.value)
    assert "không cùng một kỳ" in message and "2026-H1" in message and "2026-H2" in message
    assert "a.json" in message and "b.json" in message and b["centre"]["name"] in message


def test_same_label_with_other_dates_is_a_mixed_period():
    a, b = three_demo_returns()[:2]
    b = clone(b)
    b["period"]["end"] = "2026-05-31"
    with pytest.raises(ValidationError, match="không cùng một kỳ"):
        consolidate([a, b])


def test_the_same_centre_twice_is_refused():
    a, b, c = three_demo_returns()
    again = clone(a)
    again["centre"]["name"] = "Tên khác nhưng cùng mã"
    with pytest.raises(ValidationError) as caught:
        consolidate([a, b, again], sources=["tt1.json", "tt2.json", "tt1-ban-sua.json"])
    message = str(caught.value)
    assert "hai báo cáo" in message and "tt1.json" in message and "tt1-ban-sua.json" in message
    assert "tt2.json" not in message

    # Without codes, the same name and province (whatever the case and marks) is the same centre.
    x = make_return("Trung tâm Điều dưỡng Sầm Sơn", seed=5)
    y = make_return("TRUNG TÂM ĐIỀU DƯỠNG SẦM SƠN", seed=6)
    with pytest.raises(ValidationError, match="hai báo cáo"):
        consolidate([x, y])
    # ... while two centres of the same name in different provinces, or with different codes, are two.
    z = make_return("Trung tâm Điều dưỡng Sầm Sơn", seed=7, province="Nghệ An")
    assert len(consolidate([x, z])["centres"]) == 2
    p = make_return("Trung tâm Bảo trợ xã hội", code="P1", seed=8)
    q = make_return("Trung tâm Bảo trợ xã hội", code="P2", seed=9)
    assert consolidate([p, q])["residents"]["in_care"] == p["residents"]["in_care"] + q["residents"]["in_care"]


def test_a_summary_given_back_and_missing_raw_counts_are_refused():
    returns = three_demo_returns()
    summary = consolidate(returns[:2])
    with pytest.raises(ValidationError, match="bản tổng hợp"):
        consolidate([summary, returns[2]])
    old = clone(returns[0])
    del old["rehab"]["minutes"]
    assert schema_errors(old) == []  # valid against the schema, but the hours cannot be recomputed
    with pytest.raises(ValidationError, match="rehab.minutes"):
        consolidate([old, returns[1]])
    with pytest.raises(ValidationError, match="Không có báo cáo"):
        consolidate([])


# --- files ---------------------------------------------------------------------------------------

def write(path, data) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_load_returns_reads_and_checks_each_file(tmp_path):
    returns = three_demo_returns()
    paths = [write(tmp_path / f"tt{i}.json", r) for i, r in enumerate(returns)]
    assert load_returns(paths) == returns


def test_load_returns_names_every_invalid_file(tmp_path):
    good = write(tmp_path / "tot.json", three_demo_returns()[0])
    broken = tmp_path / "hong.json"
    broken.write_text("{không phải JSON", encoding="utf-8")
    wrong = clone(three_demo_returns()[1])
    wrong["residents"]["in_care"] = -3
    del wrong["health"]
    wrong_path = write(tmp_path / "sai.json", wrong)
    with pytest.raises(ValidationError) as caught:
        load_returns([good, str(broken), wrong_path])
    fields = [p.field for p in caught.value.problems]
    assert fields == [str(broken), wrong_path]
    message = str(caught.value)
    assert "hong.json" in message and "JSON" in message
    assert "sai.json" in message and "health" in message and "residents.in_care" in message
    assert "tot.json" not in message


def test_an_unreadable_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        load_returns([str(tmp_path / "khong-co.json")])
