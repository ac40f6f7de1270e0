"""Barthel ADL scoring (caremgr.barthel): every item's allowed and refused scores, item by item, the
total and the Shah dependency bands at their boundaries. No database."""

from __future__ import annotations

import pytest

from caremgr import barthel
from caremgr.errors import ValidationError

# The published scale (Mahoney & Barthel 1965, 0–100 form), written out independently of the module.
SCALE = {
    "feeding": (0, 5, 10),
    "bathing": (0, 5),
    "grooming": (0, 5),
    "dressing": (0, 5, 10),
    "bowels": (0, 5, 10),
    "bladder": (0, 5, 10),
    "toilet_use": (0, 5, 10),
    "transfers": (0, 5, 10, 15),
    "mobility": (0, 5, 10, 15),
    "stairs": (0, 5, 10),
}
LABELS = {
    "feeding": "Ăn uống", "bathing": "Tắm", "grooming": "Vệ sinh cá nhân", "dressing": "Mặc quần áo",
    "bowels": "Kiểm soát đại tiện", "bladder": "Kiểm soát tiểu tiện", "toilet_use": "Sử dụng nhà vệ sinh",
    "transfers": "Di chuyển giường - ghế", "mobility": "Đi lại", "stairs": "Lên xuống cầu thang",
}
ALLOWED_TEXT = {
    (0, 5): "0 hoặc 5",
    (0, 5, 10): "0, 5 hoặc 10",
    (0, 5, 10, 15): "0, 5, 10 hoặc 15",
}


def full(**overrides) -> dict:
    """Every item at its lowest score, with some items set."""
    items = {key: 0 for key in SCALE}
    items.update(overrides)
    return items


def errors(findings, field=None):
    return [p.message for p in findings.errors if field is None or p.field == field]


def test_items_are_the_standard_scale_in_the_standard_order():
    assert [item.key for item in barthel.ITEMS] == list(SCALE)
    assert barthel.ALLOWED == SCALE and list(barthel.ALLOWED) == list(SCALE)
    assert {item.key: item.label for item in barthel.ITEMS} == LABELS
    for item in barthel.ITEMS:
        assert item.scores == SCALE[item.key]
        assert all(text.strip() for _score, text in item.options)
    assert sum(max(scores) for scores in SCALE.values()) == barthel.MAXIMUM == 100


@pytest.mark.parametrize("key, score", [(key, score) for key, scores in SCALE.items() for score in scores])
def test_every_allowed_score_of_every_item_is_accepted(key, score):
    clean, findings = barthel.validate_items(full(**{key: score}))
    assert findings.problems == []
    assert clean[key] == score
    assert barthel.total(full(**{key: score})) == score


# For each item: a score between two allowed ones, one above the top, a negative one, a multiple of
# 5 the item does not have (bathing/grooming stop at 5, most stop at 10), and a fraction.
REFUSED = [(key, bad) for key, scores in SCALE.items()
           for bad in sorted({1, 7, max(scores) + 5, -5, 2.5, max(scores) + 1})]


@pytest.mark.parametrize("key, bad", REFUSED)
def test_every_refused_score_names_the_item_and_its_allowed_scores(key, bad):
    clean, findings = barthel.validate_items(full(**{key: bad}))
    assert key not in clean
    assert [p.field for p in findings.errors] == [key]
    shown = f"{bad:g}".replace(".", ",") if isinstance(bad, float) else str(bad)
    assert errors(findings, key) == [
        f"{LABELS[key]}: điểm {shown} không hợp lệ, chỉ được {ALLOWED_TEXT[SCALE[key]]}."]
    with pytest.raises(ValidationError) as err:
        barthel.total(full(**{key: bad}))
    assert err.value.for_field(key)


def test_the_example_message_of_the_brief():
    _clean, findings = barthel.validate_items(full(mobility=7))
    assert errors(findings) == ["Đi lại: điểm 7 không hợp lệ, chỉ được 0, 5, 10 hoặc 15."]


@pytest.mark.parametrize("key", list(SCALE))
def test_every_item_is_required(key):
    for missing in (None, "", "   "):
        items = full()
        items[key] = missing
        _clean, findings = barthel.validate_items(items)
        assert [p.field for p in findings.errors] == [key]
        assert errors(findings, key)[0].startswith(f"{LABELS[key]}: chưa chấm điểm")
        assert ALLOWED_TEXT[SCALE[key]] in errors(findings, key)[0]
    items = full()
    del items[key]
    _clean, findings = barthel.validate_items(items)
    assert [p.field for p in findings.errors] == [key]


def test_numeric_text_is_accepted_as_typed():
    items = {"feeding": "10", "bathing": " 5 ", "grooming": 5.0, "dressing": "10,0", "bowels": "10.0",
             "bladder": 10, "toilet_use": "5", "transfers": "15", "mobility": "10", "stairs": "0"}
    clean, findings = barthel.validate_items(items)
    assert findings.problems == []
    assert clean == {"feeding": 10, "bathing": 5, "grooming": 5, "dressing": 10, "bowels": 10, "bladder": 10,
                     "toilet_use": 5, "transfers": 15, "mobility": 10, "stairs": 0}
    assert all(type(v) is int for v in clean.values())
    assert barthel.total(items) == 10 + 5 + 5 + 10 + 10 + 10 + 5 + 15 + 10 + 0


@pytest.mark.parametrize("bad", ["mười", "5a", True, [5], "nan", "inf"])
def test_what_is_not_a_number_is_refused(bad):
    _clean, findings = barthel.validate_items(full(feeding=bad))
    assert [p.field for p in findings.errors] == ["feeding"]
    assert "không hợp lệ, chỉ được 0, 5 hoặc 10" in errors(findings, "feeding")[0]


def test_all_problems_are_reported_at_once_and_unknown_keys_only_warn():
    items = full(feeding=3, stairs=20, extra=5)
    del items["bathing"]
    clean, findings = barthel.validate_items(items)
    assert sorted(p.field for p in findings.errors) == ["bathing", "feeding", "stairs"]
    assert [p.field for p in findings.warnings] == ["extra"]
    assert "extra" not in clean
    with pytest.raises(ValidationError) as err:
        barthel.total(items)
    assert {p.field for p in err.value.problems if p.is_error} == {"bathing", "feeding", "stairs"}


def test_totals_are_the_sum_of_the_items():
    top = {key: max(scores) for key, scores in SCALE.items()}
    assert barthel.total(top) == 100
    assert barthel.total(full()) == 0
    middle = {key: scores[len(scores) // 2] for key, scores in SCALE.items()}
    assert barthel.total(middle) == sum(middle.values()) == 5 + 5 + 5 + 5 + 5 + 5 + 5 + 10 + 10 + 5
    # one step below the top on each item in turn
    for key, scores in SCALE.items():
        items = dict(top, **{key: scores[-2]})
        assert barthel.total(items) == 100 - (scores[-1] - scores[-2])


@pytest.mark.parametrize("total, code, label", [
    (0, "total", "Phụ thuộc hoàn toàn"),
    (20, "total", "Phụ thuộc hoàn toàn"),
    (21, "severe", "Phụ thuộc nặng"),
    (60, "severe", "Phụ thuộc nặng"),
    (61, "moderate", "Phụ thuộc trung bình"),
    (90, "moderate", "Phụ thuộc trung bình"),
    (91, "slight", "Phụ thuộc nhẹ"),
    (99, "slight", "Phụ thuộc nhẹ"),
    (100, "independent", "Độc lập"),
])
def test_band_boundaries(total, code, label):
    assert barthel.band(total) == (code, label)
    assert barthel.band_of(total) == (code, label)


def test_every_total_has_exactly_one_band_in_order():
    codes = [barthel.band(t)[0] for t in range(0, 101)]
    order = ["total", "severe", "moderate", "slight", "independent"]
    assert sorted(set(codes), key=order.index) == order
    assert [order.index(c) for c in codes] == sorted(order.index(c) for c in codes)
    assert codes.count("total") == 21 and codes.count("severe") == 40 and codes.count("moderate") == 30
    assert codes.count("slight") == 9 and codes.count("independent") == 1


@pytest.mark.parametrize("bad", [-1, 101, 50.0, None, "50"])
def test_band_refuses_what_is_not_a_total(bad):
    with pytest.raises(ValueError):
        barthel.band(bad)


def test_band_labels_follow_the_language():
    from caremgr.i18n import set_language

    set_language("en")
    try:
        code, label = barthel.band(45)
        assert code == "severe"
        assert barthel.band_of(45) == ("severe", "Phụ thuộc nặng")  # documents stay Vietnamese
    finally:
        set_language("vi")
