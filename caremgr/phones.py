"""Vietnamese telephone numbers (CODES.md): ``0[1-9]xxxxxxxx`` or ``+84`` followed by the 9 digits,
plus 11-digit fixed lines ``02x xxxx xxxx`` (area codes since 2017).

People type numbers with spaces, dots or hyphens between groups ("0912 345 678", "0912.345.678");
those separators are dropped and the digits kept as typed, so "0912 345 678" is stored as
"0912345678" and "+84 912 345 678" as "+84912345678".
"""

from __future__ import annotations

import re

from caremgr.errors import Findings
from caremgr.i18n import _

_SEPARATORS = re.compile(r"[\s.\-()]")
_NATIONAL = re.compile(r"^0[1-9][0-9]{8}$")
_INTERNATIONAL = re.compile(r"^\+84[1-9][0-9]{8}$")
# Fixed lines since 2017: 0 + a two-digit area code starting with 2 + 8 digits (024 3xxx xxxx), one
# digit longer than CODES.md's rule; centres and relatives still give these, so they are accepted.
_LANDLINE = re.compile(r"^02[0-9]{9}$")
_LANDLINE_INTERNATIONAL = re.compile(r"^\+842[0-9]{9}$")


def clean_phone(text: object) -> str:
    """The number without the separators people type; "" for nothing."""
    if text is None:
        return ""
    return _SEPARATORS.sub("", str(text))


def check_phone(text: object, field: str = "phone") -> tuple[str, Findings]:
    """Cleans and checks a number. Empty gives ("", no findings): whether one is required is the
    caller's rule. A wrong number is an error naming what was typed."""
    findings = Findings()
    number = clean_phone(text)
    if not number:
        return "", findings
    if any(p.match(number) for p in (_NATIONAL, _INTERNATIONAL, _LANDLINE, _LANDLINE_INTERNATIONAL)):
        return number, findings
    typed = " ".join(str(text).split())
    if number.startswith("+") and not number.startswith("+84"):
        message = _("Số điện thoại: chỉ nhận số Việt Nam dạng +84, nhận được \"{text}\"")
    elif not re.fullmatch(r"\+?[0-9]+", number):
        message = _("Số điện thoại chỉ được gồm chữ số (có thể cách bằng dấu cách hoặc dấu chấm), "
                    "nhận được \"{text}\"")
    else:
        message = _("Số điện thoại phải có 10 chữ số bắt đầu bằng 0 (hoặc +84 và 9 chữ số), "
                    "nhận được \"{text}\"")
    findings.error(field, message.format(text=typed))
    return number, findings
