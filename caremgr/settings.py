"""The centre's settings: identity, who governs it and receives its reports, targets, intervals.

Some settings are effective-dated: since the 2025 reorganisation the governing department, the
receiving agency, the province name and the signer's title changed, and an old return must be
re-printed with the names that were true then. A dated setting keeps every value with the date it
took effect; the value on day d is the latest one not after d. Targets are dated by year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from caremgr import audit
from caremgr.auth import Actor, require
from caremgr.errors import ValidationError
from caremgr.i18n import N_, _
from db.connection import write_transaction
from db.models import Setting

ALWAYS = date(1900, 1, 1)  # effective_from of an undated setting

CENTRE_TYPES = [
    ("social_assistance", N_("Cơ sở trợ giúp xã hội")),
    ("merit_nursing", N_("Trung tâm điều dưỡng người có công")),
    ("mental_care", N_("Cơ sở nuôi dưỡng, chăm sóc người tâm thần")),
    ("drug_rehab", N_("Cơ sở cai nghiện ma túy")),
    ("other", N_("Cơ sở khác")),
]


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    kind: str  # text | int | percent | list | choice | bool
    section: str
    default: object = None
    dated: bool = False
    choices: tuple = ()
    help: str = ""
    required: bool = False


SECTION_CENTRE = N_("Thông tin cơ sở")
SECTION_AGENCY = N_("Cơ quan, nơi nhận")
SECTION_TARGETS = N_("Chỉ tiêu")
SECTION_CARE = N_("Chăm sóc, cảnh báo")
SECTION_APP = N_("Giao diện")
SECTION_BACKUP = N_("Sao lưu")

DEFINITIONS: list[SettingDef] = [
    SettingDef("centre.name", N_("Tên cơ sở"), "text", SECTION_CENTRE, "", required=True),
    SettingDef("centre.type", N_("Loại cơ sở"), "choice", SECTION_CENTRE, "social_assistance",
               choices=tuple(CENTRE_TYPES)),
    SettingDef("centre.code", N_("Mã cơ sở"), "text", SECTION_CENTRE, "",
               help=N_("Mã dùng khi Sở tổng hợp báo cáo của nhiều cơ sở")),
    SettingDef("centre.address", N_("Địa chỉ"), "text", SECTION_CENTRE, ""),
    SettingDef("centre.phone", N_("Điện thoại"), "text", SECTION_CENTRE, ""),
    SettingDef("centre.capacity", N_("Số giường / công suất"), "int", SECTION_CENTRE, None),
    SettingDef("centre.symbol", N_("Chữ viết tắt trên số văn bản"), "text", SECTION_CENTRE, "",
               help=N_("Ví dụ TTBTXH trong \"Số: 05/BC-TTBTXH\""), required=True),
    SettingDef("centre.director", N_("Họ tên Giám đốc"), "text", SECTION_CENTRE, "", required=True),
    SettingDef("centre.deputies", N_("Phó Giám đốc (mỗi dòng một người)"), "list", SECTION_CENTRE, []),
    SettingDef("centre.province", N_("Tỉnh, thành phố"), "text", SECTION_AGENCY, "", dated=True,
               required=True),
    SettingDef("centre.place", N_("Địa danh ghi ở dòng ngày tháng"), "text", SECTION_AGENCY, "", dated=True,
               help=N_("Để trống thì dùng tên tỉnh")),
    SettingDef("agency.governing_body", N_("Cơ quan chủ quản (in hoa ở góc trái)"), "text", SECTION_AGENCY, "",
               dated=True, required=True),
    SettingDef("agency.receiving", N_("Kính gửi (cơ quan nhận báo cáo)"), "text", SECTION_AGENCY, "",
               dated=True, required=True),
    SettingDef("agency.recipients", N_("Nơi nhận (mỗi dòng một nơi)"), "list", SECTION_AGENCY, [], dated=True),
    SettingDef("agency.signer_title", N_("Chức danh người ký"), "text", SECTION_AGENCY, "GIÁM ĐỐC", dated=True),
    SettingDef("agency.deputy_title", N_("Chức danh cấp phó khi ký thay"), "text", SECTION_AGENCY,
               "PHÓ GIÁM ĐỐC", dated=True),
    SettingDef("target.training_turns", N_("Số lượt người được tập huấn trong năm"), "int", SECTION_TARGETS,
               None, dated=True),
    SettingDef("target.tracking_pct", N_("Tỷ lệ đối tượng được theo dõi sức khỏe điện tử (%)"), "percent",
               SECTION_TARGETS, None, dated=True,
               help=N_("Quyết định 1942: 80% đến năm 2025, 100% đến năm 2030")),
    SettingDef("target.technical_pct", N_("Tỷ lệ kỹ thuật tuyến xã được thực hiện (%)"), "percent",
               SECTION_TARGETS, None, dated=True),
    SettingDef("target.insurance_pct", N_("Tỷ lệ đối tượng có thẻ BHYT (%)"), "percent", SECTION_TARGETS, 100,
               dated=True),
    SettingDef("care.check_interval_days", N_("Chu kỳ kiểm tra sức khỏe (ngày)"), "int", SECTION_CARE, 30),
    SettingDef("care.card_warning_days", N_("Cảnh báo thẻ BHYT sắp hết hạn trước (ngày)"), "int",
               SECTION_CARE, 30),
    SettingDef("ui.language", N_("Ngôn ngữ"), "choice", SECTION_APP, "vi",
               choices=(("vi", "Tiếng Việt"), ("en", "English"))),
    SettingDef("ui.theme", N_("Giao diện màu"), "choice", SECTION_APP, "light",
               choices=(("light", N_("Sáng")), ("dark", N_("Tối")))),
    SettingDef("security.idle_lock_minutes", N_("Tự khóa màn hình sau (phút không thao tác)"), "int", SECTION_APP,
               15, help=N_("0 = không tự khóa")),
    SettingDef("backup.folder", N_("Thư mục sao lưu"), "text", SECTION_BACKUP, "",
               help=N_("Ví dụ một ổ USB; để trống thì dùng thư mục \"backups\" cạnh tệp dữ liệu")),
    SettingDef("backup.daily", N_("Tự động sao lưu mỗi ngày"), "bool", SECTION_BACKUP, True,
               help=N_("Lần mở chương trình đầu tiên trong ngày; giữ 7 bản hằng ngày, 4 hằng tuần, 12 hằng tháng")),
]

BY_KEY = {d.key: d for d in DEFINITIONS}

# The programme's own targets (Decision 1942/QĐ-TTg), written at set-up so they show in Settings
# and can be changed there like any other value.
PROGRAMME_DEFAULTS = [
    ("target.tracking_pct", date(2021, 1, 1), 80),
    ("target.tracking_pct", date(2030, 1, 1), 100),
    ("target.insurance_pct", date(2021, 1, 1), 100),
]


def definition(key: str) -> SettingDef:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None


def coerce(key: str, value):
    """The value as stored for this setting, or ValidationError naming the field in Vietnamese."""
    d = definition(key)
    label = _(d.label)
    if d.kind == "text":
        text = " ".join(str(value or "").split())
        if d.required and not text:
            raise ValidationError(_("{field}: không được để trống.").format(field=label), key)
        return text
    if d.kind == "list":
        if isinstance(value, str):
            items = value.splitlines()
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            items = [] if value is None else [value]
        return [" ".join(str(i).split()) for i in items if str(i).strip()]
    if d.kind in ("int", "percent"):
        if value is None or str(value).strip() == "":
            if d.required:
                raise ValidationError(_("{field}: không được để trống.").format(field=label), key)
            return None
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise ValidationError(_("{field}: phải là một số.").format(field=label), key) from None
        if not math.isfinite(number):
            raise ValidationError(_("{field}: phải là một số.").format(field=label), key)
        if d.kind == "int" and number != int(number):
            raise ValidationError(_("{field}: phải là số nguyên.").format(field=label), key)
        if number < 0 or (d.kind == "percent" and number > 100):
            limit = _("từ 0 đến 100") if d.kind == "percent" else _("không âm")
            raise ValidationError(_("{field}: phải {limit}.").format(field=label, limit=limit), key)
        return int(number) if d.kind == "int" or number == int(number) else number
    if d.kind == "bool":
        if isinstance(value, str):
            text = value.strip().lower()
            if text in ("1", "true", "yes", "on", "có"):
                return True
            if text in ("0", "false", "no", "off", "không", ""):
                return False
            raise ValidationError(_("{field}: giá trị không hợp lệ.").format(field=label), key)
        return bool(value)
    if d.kind == "choice":
        codes = [c for c, _label in d.choices]
        if value not in codes:
            raise ValidationError(_("{field}: giá trị không hợp lệ.").format(field=label), key)
        return value
    raise AssertionError(d.kind)


def get(key: str, on: date | None = None):
    d = definition(key)
    on = on or date.today()
    row = (Setting.select(Setting.value)
           .where((Setting.key == key) & (Setting.effective_from <= on))
           .order_by(Setting.effective_from.desc())
           .first())
    if row is None:
        return d.default
    return row.value


def get_many(keys, on: date | None = None) -> dict:
    return {k: get(k, on) for k in keys}


def history(key: str) -> list[tuple[date, object]]:
    definition(key)
    rows = Setting.select().where(Setting.key == key).order_by(Setting.effective_from)
    return [(r.effective_from, r.value) for r in rows]


def put(actor: Actor, values: dict, effective_from: date | None = None) -> dict:
    """Saves several settings at once: all valid, or nothing saved.

    Dated settings take effect from ``effective_from`` (default today); undated ones always.
    Returns the stored values.
    """
    require(actor, "settings.edit")
    problems = []
    stored = {}
    for key, raw in values.items():
        try:
            stored[key] = coerce(key, raw)
        except ValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems)
    when = effective_from or date.today()
    with write_transaction():
        for key, value in stored.items():
            d = definition(key)
            start = when if d.dated else ALWAYS
            before = get(key, start)
            if before == value:
                continue
            row = Setting.get_or_none((Setting.key == key) & (Setting.effective_from == start))
            if row is None:
                Setting.create(key=key, effective_from=start, value=value, updated_by=actor.username)
            else:
                row.value = value
                row.updated_by = actor.username
                row.updated_at = datetime.now().replace(microsecond=0)
                row.save()
            audit.record(actor, "update", "setting", key,
                         summary=f"{key} from {start.isoformat() if d.dated else 'always'}",
                         changes={key: [before, value]})
    return stored


def seed_programme_defaults(actor: Actor) -> None:
    with write_transaction():
        for key, start, value in PROGRAMME_DEFAULTS:
            if not Setting.select().where((Setting.key == key) & (Setting.effective_from == start)).exists():
                Setting.create(key=key, effective_from=start, value=value, updated_by=actor.username)
                audit.record(actor, "create", "setting", key, summary=f"{key} from {start.isoformat()}",
                             changes={key: [None, value]})


@dataclass(frozen=True)
class CentreProfile:
    """Everything a document header and signature block needs, as true on one day."""

    on: date
    name: str
    type: str
    code: str
    address: str
    province: str
    place: str
    symbol: str
    director: str
    deputies: list[str] = field(default_factory=list)
    governing_body: str = ""
    receiving_agency: str = ""
    recipients: list[str] = field(default_factory=list)
    signer_title: str = "GIÁM ĐỐC"
    deputy_title: str = "PHÓ GIÁM ĐỐC"

    @property
    def type_label(self) -> str:
        return _(dict(CENTRE_TYPES).get(self.type, self.type))

    def as_dict(self) -> dict:
        from dataclasses import asdict

        data = asdict(self)
        data["on"] = self.on.isoformat()
        return data


def centre_profile(on: date | None = None) -> CentreProfile:
    on = on or date.today()
    v = get_many([d.key for d in DEFINITIONS if d.key.startswith(("centre.", "agency."))], on)
    return CentreProfile(
        on=on,
        name=v["centre.name"] or "",
        type=v["centre.type"] or "other",
        code=v["centre.code"] or "",
        address=v["centre.address"] or "",
        province=v["centre.province"] or "",
        place=v["centre.place"] or v["centre.province"] or "",
        symbol=v["centre.symbol"] or "",
        director=v["centre.director"] or "",
        deputies=list(v["centre.deputies"] or []),
        governing_body=v["agency.governing_body"] or "",
        receiving_agency=v["agency.receiving"] or "",
        recipients=list(v["agency.recipients"] or []),
        signer_title=v["agency.signer_title"] or "GIÁM ĐỐC",
        deputy_title=v["agency.deputy_title"] or "PHÓ GIÁM ĐỐC",
    )


def is_configured() -> bool:
    return bool(get("centre.name"))


def year_target(key: str, year: int):
    """A yearly target as set for that year (the value in force on 1 January)."""
    return get(key, date(year, 1, 1))
