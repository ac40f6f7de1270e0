import io

import pytest
from PIL import Image

from caremgr import photos
from caremgr.errors import ValidationError
from db.models import AuditLog, Resident


def picture(width=1200, height=900, fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def resident(admin):
    return Resident.create(code="DT0001", full_name="Nguyễn Thị Hồng", search_name="nguyen thi hong", sort_key="x",
                           sex="female", birth_year=1950, category="NCT", admission_date="2025-01-01")


def test_photo_is_shrunk_stored_and_removed(admin, resident):
    photos.set_photo(admin, resident.id, picture())
    stored = photos.photo(admin, resident.id)
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) == photos.MAX_SIDE and image.format == "JPEG"
    assert Resident.get_by_id(resident.id).version == 2
    photos.set_photo(admin, resident.id, None)
    assert photos.photo(admin, resident.id) is None
    entries = AuditLog.select().where(AuditLog.entity == "resident", AuditLog.resident_id == resident.id)
    assert [e.summary for e in entries.order_by(AuditLog.id)] == ["photo added", "photo removed"]


def test_not_a_picture_is_refused_with_a_message(admin, resident):
    with pytest.raises(ValidationError, match="Ảnh"):
        photos.set_photo(admin, resident.id, b"%PDF-1.4 not an image")
    assert photos.photo(admin, resident.id) is None
