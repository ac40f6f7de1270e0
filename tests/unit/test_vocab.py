import pytest

from caremgr import i18n, vocab
from caremgr.text import search_key

ALL = {
    name: value
    for name, value in vars(vocab).items()
    if name.isupper() and isinstance(value, list)
}


def test_all_vocabularies_present():
    assert set(ALL) == {
        "CATEGORIES", "SEXES", "DISABILITY_TYPES", "DISABILITY_SEVERITIES", "DISCHARGE_REASONS",
        "STAFF_POSITIONS", "GOAL_DOMAINS", "CONTRACT_TYPES", "TRAINING_FIELDS", "RESIDENT_STATUSES", "MERIT_TYPES",
        "INTERVENTION_TYPES", "PLAN_STATUSES", "GOAL_STATUSES",
    }


@pytest.mark.parametrize("name", sorted(ALL))
def test_codes_and_labels_are_unambiguous(name):
    entries = ALL[name]
    keys = [search_key(code) for code, _ in entries] + [search_key(label) for _, label in entries]
    # A code may equal its own label's key, never another entry's.
    owners: dict[str, set[str]] = {}
    for code, label in entries:
        for key in {search_key(code), search_key(label)}:
            owners.setdefault(key, set()).add(code)
    assert all(len(codes) == 1 for codes in owners.values()), owners
    assert all(keys)
    for code, label in entries:
        assert vocab.match(entries, code) == code
        assert vocab.match(entries, label) == code
        assert vocab.label(entries, code) == label


def test_import_md_categories():
    assert vocab.CATEGORIES == [
        ("NCC", "Người có công với cách mạng"),
        ("NCT", "Người cao tuổi"),
        ("TE", "Trẻ em có hoàn cảnh đặc biệt"),
        ("NKT", "Người khuyết tật"),
        ("TT", "Người tâm thần, rối nhiễu tâm trí"),
        ("CN", "Người nghiện ma túy"),
        ("K", "Đối tượng cần trợ giúp xã hội khác"),
    ]


def test_import_md_lists():
    assert [label for _, label in vocab.DISABILITY_TYPES] == [
        "vận động", "nghe, nói", "nhìn", "thần kinh, tâm thần", "trí tuệ", "khác",
    ]
    assert [label for _, label in vocab.DISABILITY_SEVERITIES] == ["đặc biệt nặng", "nặng", "nhẹ"]
    assert [label for _, label in vocab.DISCHARGE_REASONS] == [
        "Hồi gia/tái hòa nhập", "Chuyển cơ sở khác", "Tử vong", "Khác",
    ]
    assert [label for _, label in vocab.STAFF_POSITIONS] == [
        "Bác sĩ", "Y sĩ", "Điều dưỡng", "Kỹ thuật viên PHCN", "Nhân viên công tác xã hội",
        "Nhân viên chăm sóc", "Quản lý", "Khác",
    ]
    assert [label for _, label in vocab.CONTRACT_TYPES] == ["Biên chế", "Hợp đồng"]
    assert [label for _, label in vocab.TRAINING_FIELDS] == [
        "Chăm sóc", "Điều dưỡng", "Phục hồi chức năng", "Chỉnh hình", "Công tác xã hội",
        "Sức khỏe tâm thần", "Cai nghiện ma túy", "Vận hành cơ sở dữ liệu", "Khác",
    ]
    assert vocab.SEXES == [("male", "Nam"), ("female", "Nữ")]


@pytest.mark.parametrize(
    ("entries", "text", "code"),
    [
        (vocab.SEXES, "Nữ", "female"),
        (vocab.SEXES, "nu", "female"),
        (vocab.SEXES, " NAM ", "male"),
        (vocab.SEXES, "Male", "male"),
        (vocab.CATEGORIES, "nct", "NCT"),
        (vocab.CATEGORIES, "người cao tuoi", "NCT"),
        (vocab.CATEGORIES, "Người  tâm thần,rối nhiễu tâm trí", "TT"),
        (vocab.CATEGORIES, "k", "K"),
        (vocab.DISABILITY_TYPES, "Nghe nói", "hearing_speech"),
        (vocab.DISABILITY_TYPES, "THẦN KINH, TÂM THẦN", "mental_neuro"),
        (vocab.DISABILITY_SEVERITIES, "dac biet nang", "especially_severe"),
        (vocab.DISABILITY_SEVERITIES, "Nặng", "severe"),
        (vocab.DISCHARGE_REASONS, "hồi gia / tái hòa nhập", "reintegrated"),
        (vocab.STAFF_POSITIONS, "kỹ thuật viên phcn", "rehab_technician"),
        (vocab.CONTRACT_TYPES, "bien che", "permanent"),
        (vocab.GOAL_STATUSES, "Đạt một phần", "partly"),
        (vocab.GOAL_STATUSES, "đạt", "achieved"),
        (vocab.PLAN_STATUSES, "Đang thực hiện", "active"),
    ],
)
def test_match(entries, text, code):
    assert vocab.match(entries, text) == code


@pytest.mark.parametrize("text", ["", None, "   ", "không rõ", "Nam Nữ"])
def test_no_match(text):
    assert vocab.match(vocab.SEXES, text) is None


def test_label():
    assert vocab.label(vocab.SEXES, "female") == "Nữ"
    assert vocab.label(vocab.SEXES, None) == ""
    assert vocab.label(vocab.SEXES, "") == ""
    assert vocab.label(vocab.SEXES, "unknown_code") == "unknown_code"
    assert vocab.codes(vocab.SEXES) == ["male", "female"]


def test_labels_are_extracted_for_translation():
    from pathlib import Path

    messages = i18n.extract_messages([Path(vocab.__file__)])
    for entries in ALL.values():
        for _, label in entries:
            assert label in messages
