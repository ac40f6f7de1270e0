"""A resident's photo (optional): kept small inside the database so it travels with backups."""

from __future__ import annotations

import base64
import io

from caremgr import audit
from caremgr.auth import Actor, require
from caremgr.errors import NotFound, ValidationError
from caremgr.i18n import _
from db.connection import write_transaction
from db.models import Resident

MAX_SIDE = 320  # pixels: enough for a profile picture and for printing on the record
MAX_INPUT_BYTES = 20 * 1024 * 1024


def _resident(resident_id: int) -> Resident:
    resident = Resident.get_or_none((Resident.id == resident_id) & (Resident.deleted == False))  # noqa: E712
    if resident is None:
        raise NotFound(_("Không tìm thấy đối tượng."))
    return resident


def shrink(data: bytes) -> bytes:
    """The picture as a JPEG no larger than MAX_SIDE, or ValidationError if it is not a picture."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_INPUT_BYTES:
        raise ValidationError(_("Ảnh: tệp quá lớn (tối đa 20 MB)."), "photo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(_("Ảnh: không đọc được tệp ảnh (dùng JPG hoặc PNG)."), "photo") from exc
    return out.getvalue()


def set_photo(actor: Actor, resident_id: int, data: bytes | None) -> None:
    """Stores (or with ``None`` removes) the photo; audited without the picture itself."""
    require(actor, "residents.edit")
    encoded = base64.b64encode(shrink(data)).decode("ascii") if data else None
    with write_transaction():
        resident = _resident(resident_id)
        had = bool(resident.photo)
        resident.photo = encoded
        resident.version += 1
        resident.save()
        audit.record(actor, "update", "resident", resident.id, resident_id=resident.id,
                     summary=f"photo {'replaced' if had and encoded else 'added' if encoded else 'removed'}",
                     changes={"photo": [had, bool(encoded)]})


def photo(actor: Actor, resident_id: int) -> bytes | None:
    require(actor, "residents.view")
    stored = _resident(resident_id).photo
    return base64.b64decode(stored) if stored else None
