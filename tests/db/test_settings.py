from datetime import date

import pytest

from caremgr import settings
from caremgr.errors import PermissionDenied, ValidationError
from db.models import AuditLog


def test_defaults_before_anything_is_set(database):
    assert settings.get("care.card_warning_days") == 30
    assert settings.get("centre.name") == ""
    assert not settings.is_configured()


def test_dated_values_follow_the_2025_reorganisation(admin):
    settings.put(admin, {"agency.governing_body": "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH KON TUM",
                         "centre.province": "Kon Tum"}, effective_from=date(2021, 1, 1))
    settings.put(admin, {"agency.governing_body": "SỞ Y TẾ TỈNH QUẢNG NGÃI",
                         "centre.province": "Quảng Ngãi"}, effective_from=date(2025, 7, 1))
    old = settings.centre_profile(date(2025, 6, 30))
    new = settings.centre_profile(date(2025, 7, 1))
    assert old.governing_body.startswith("SỞ LAO ĐỘNG") and old.province == "Kon Tum"
    assert new.governing_body == "SỞ Y TẾ TỈNH QUẢNG NGÃI" and new.place == "Quảng Ngãi"
    assert [d for d, _ in settings.history("centre.province")] == [date(2021, 1, 1), date(2025, 7, 1)]


def test_undated_values_apply_to_every_day(admin):
    settings.put(admin, {"centre.name": "Trung tâm  Bảo trợ   xã hội", "centre.deputies": "Lê A\n\nTrần B\n"},
                 effective_from=date(2026, 5, 1))
    assert settings.get("centre.name", date(2000, 1, 1)) == "Trung tâm Bảo trợ xã hội"
    assert settings.get("centre.deputies") == ["Lê A", "Trần B"]


def test_yearly_targets_and_programme_defaults(admin):
    settings.seed_programme_defaults(admin)
    assert settings.year_target("target.tracking_pct", 2025) == 80
    assert settings.year_target("target.tracking_pct", 2030) == 100
    settings.put(admin, {"target.training_turns": "50"}, effective_from=date(2026, 1, 1))
    assert settings.year_target("target.training_turns", 2026) == 50
    assert settings.year_target("target.training_turns", 2025) is None


def test_invalid_values_name_the_field_and_save_nothing(admin):
    before = AuditLog.select().count()
    with pytest.raises(ValidationError) as err:
        settings.put(admin, {"centre.name": "Trung tâm A", "target.tracking_pct": "120",
                             "care.check_interval_days": "ba mươi"})
    messages = str(err.value)
    assert "Tỷ lệ đối tượng được theo dõi" in messages and "từ 0 đến 100" in messages
    assert "Chu kỳ kiểm tra sức khỏe" in messages
    assert settings.get("centre.name") == ""
    assert AuditLog.select().count() == before


def test_only_administrators_change_settings(admin):
    from caremgr import auth

    nurse = auth.create_user(admin, "lan", "mat-khau-2", "nurse")
    with pytest.raises(PermissionDenied):
        settings.put(nurse, {"centre.name": "X"})


def test_every_change_is_audited_with_old_and_new_value(admin):
    settings.put(admin, {"care.check_interval_days": 45})
    entry = AuditLog.select().where(AuditLog.entity == "setting").order_by(AuditLog.id.desc()).first()
    assert entry.entity_id == "care.check_interval_days" and entry.changes == {"care.check_interval_days": [30, 45]}
