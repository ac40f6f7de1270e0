"""The Barthel index of activities of daily living (ADL): ten items, each scored on fixed levels.

The scoring follows Mahoney & Barthel (1965) in its usual 0–100 form: feeding 0/5/10, bathing 0/5,
grooming 0/5, dressing 0/5/10, bowels 0/5/10, bladder 0/5/10, toilet use 0/5/10, transfers (bed to
chair and back) 0/5/10/15, mobility on level surfaces 0/5/10/15, stairs 0/5/10. Only those scores
exist: a 7 is a typing mistake, never rounded to a neighbour. The total is the sum of the ten items.

The dependency bands are those of Shah, Vanclay & Cooper (1989), used with the Collin form:
0–20 total, 21–60 severe, 61–90 moderate, 91–99 slight dependency, 100 independent.

Pure rules: no database. Labels are Vietnamese, marked with ``N_`` and translated where shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from caremgr.errors import Findings
from caremgr.i18n import N_, _


@dataclass(frozen=True)
class BarthelItem:
    key: str
    label: str  # N_ marked: translate with _() where shown
    options: tuple[tuple[int, str], ...]  # (score, description of that level, N_ marked), lowest first

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(score for score, _text in self.options)

    @property
    def maximum(self) -> int:
        return self.options[-1][0]


ITEMS: tuple[BarthelItem, ...] = (
    BarthelItem("feeding", N_("Ăn uống"), (
        (0, N_("Không tự ăn được")),
        (5, N_("Cần giúp đỡ (cắt nhỏ thức ăn, phết bơ…) hoặc cần chế độ ăn thay đổi")),
        (10, N_("Tự ăn được")),
    )),
    BarthelItem("bathing", N_("Tắm"), (
        (0, N_("Phụ thuộc")),
        (5, N_("Tự tắm được (kể cả tắm vòi sen)")),
    )),
    BarthelItem("grooming", N_("Vệ sinh cá nhân"), (
        (0, N_("Cần giúp đỡ vệ sinh cá nhân")),
        (5, N_("Tự rửa mặt, chải đầu, đánh răng, cạo râu")),
    )),
    BarthelItem("dressing", N_("Mặc quần áo"), (
        (0, N_("Phụ thuộc")),
        (5, N_("Cần giúp đỡ nhưng tự làm được khoảng một nửa")),
        (10, N_("Tự làm được (kể cả cài cúc, kéo khóa, buộc dây)")),
    )),
    BarthelItem("bowels", N_("Kiểm soát đại tiện"), (
        (0, N_("Không kiểm soát được (hoặc cần thụt tháo)")),
        (5, N_("Thỉnh thoảng không kiểm soát được")),
        (10, N_("Kiểm soát được")),
    )),
    BarthelItem("bladder", N_("Kiểm soát tiểu tiện"), (
        (0, N_("Không kiểm soát được, hoặc đặt ống thông mà không tự xoay xở được")),
        (5, N_("Thỉnh thoảng không kiểm soát được")),
        (10, N_("Kiểm soát được")),
    )),
    BarthelItem("toilet_use", N_("Sử dụng nhà vệ sinh"), (
        (0, N_("Phụ thuộc")),
        (5, N_("Cần giúp đỡ một phần nhưng tự làm được một số việc")),
        (10, N_("Tự làm được (ngồi lên, đứng dậy, mặc quần, lau chùi)")),
    )),
    BarthelItem("transfers", N_("Di chuyển giường - ghế"), (
        (0, N_("Không làm được, không giữ được thăng bằng khi ngồi")),
        (5, N_("Cần giúp đỡ nhiều (một hoặc hai người), ngồi được")),
        (10, N_("Cần giúp đỡ ít (nhắc nhở hoặc đỡ nhẹ)")),
        (15, N_("Tự làm được")),
    )),
    BarthelItem("mobility", N_("Đi lại"), (
        (0, N_("Không đi lại được hoặc đi dưới 50 m")),
        (5, N_("Tự di chuyển bằng xe lăn, kể cả qua góc, trên 50 m")),
        (10, N_("Đi được với sự giúp đỡ của một người (nhắc nhở hoặc đỡ), trên 50 m")),
        (15, N_("Tự đi được (có thể dùng dụng cụ trợ giúp như gậy), trên 50 m")),
    )),
    BarthelItem("stairs", N_("Lên xuống cầu thang"), (
        (0, N_("Không làm được")),
        (5, N_("Cần giúp đỡ (nhắc nhở, đỡ, mang dụng cụ trợ giúp)")),
        (10, N_("Tự làm được")),
    )),
)

BY_KEY: dict[str, BarthelItem] = {item.key: item for item in ITEMS}
ALLOWED: dict[str, tuple[int, ...]] = {item.key: item.scores for item in ITEMS}
KEYS: tuple[str, ...] = tuple(BY_KEY)
MAXIMUM = sum(item.maximum for item in ITEMS)  # 100

# (code, label, lowest total, highest total), Shah et al. 1989.
BANDS: tuple[tuple[str, str, int, int], ...] = (
    ("total", N_("Phụ thuộc hoàn toàn"), 0, 20),
    ("severe", N_("Phụ thuộc nặng"), 21, 60),
    ("moderate", N_("Phụ thuộc trung bình"), 61, 90),
    ("slight", N_("Phụ thuộc nhẹ"), 91, 99),
    ("independent", N_("Độc lập"), 100, 100),
)


def allowed_text(scores: tuple[int, ...]) -> str:
    """(0, 5, 10, 15) -> "0, 5, 10 hoặc 15"; (0, 5) -> "0 hoặc 5"."""
    words = [str(s) for s in scores]
    if len(words) == 1:
        return words[0]
    return _("{first} hoặc {last}").format(first=", ".join(words[:-1]), last=words[-1])


def _score(raw: object) -> int | None:
    """An int from an int, an integral float or numeric text ("10", " 5 ", "10,0"); None otherwise."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if math.isfinite(raw) and raw.is_integer() else None
    if isinstance(raw, str):
        text = raw.strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if math.isfinite(number) and number.is_integer() else None
    return None


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def validate_items(items: Mapping[str, object] | None) -> tuple[dict[str, int], Findings]:
    """Checks the ten item scores as typed or chosen.

    Every item is required; a value is an int or numeric text and must be one of the item's allowed
    scores. Each problem names the item (``Problem.field`` is the item key) and lists the allowed
    scores, e.g. "Đi lại: điểm 7 không hợp lệ, chỉ được 0, 5, 10 hoặc 15.". Keys that are not
    Barthel items are ignored with a warning. Returns the valid scores (in the standard order) and
    the findings.
    """
    items = items if isinstance(items, Mapping) else {}  # not a form of scores: every item is missing
    findings = Findings()
    clean: dict[str, int] = {}
    for item in ITEMS:
        raw = items.get(item.key)
        label = _(item.label)
        choices = allowed_text(item.scores)
        if _blank(raw):
            findings.error(item.key, _("{item}: chưa chấm điểm, chọn {choices}.").format(
                item=label, choices=choices))
            continue
        score = _score(raw)
        if score is None or score not in item.scores:
            shown = str(raw).strip() if not isinstance(raw, float) else f"{raw:g}".replace(".", ",")
            findings.error(item.key, _("{item}: điểm {value} không hợp lệ, chỉ được {choices}.").format(
                item=label, value=shown, choices=choices))
            continue
        clean[item.key] = score
    for key in items:
        if key not in BY_KEY:
            findings.warning(str(key), _("\"{key}\" không phải một mục của chỉ số Barthel: bỏ qua.").format(key=key))
    return clean, findings


def total(items: Mapping[str, object]) -> int:
    """The Barthel total (0–100) of ten valid item scores; ValidationError naming every bad item."""
    clean, findings = validate_items(items)
    findings.raise_if_errors()
    return sum(clean.values())


def band_of(total_: int) -> tuple[str, str]:
    """(code, untranslated Vietnamese label) of a total: for documents, which stay Vietnamese."""
    if isinstance(total_, bool) or not isinstance(total_, int) or not 0 <= total_ <= MAXIMUM:
        raise ValueError(f"a Barthel total is an integer from 0 to {MAXIMUM}, not {total_!r}")
    for code, label, low, high in BANDS:
        if low <= total_ <= high:
            return code, label
    raise AssertionError("bands cover 0–100")  # pragma: no cover


def band(total_: int) -> tuple[str, str]:
    """(code, label) of the dependency band of a total: 0–20 "total" (Phụ thuộc hoàn toàn), 21–60
    "severe", 61–90 "moderate", 91–99 "slight", 100 "independent". The label is translated."""
    code, label = band_of(total_)
    return code, _(label)
