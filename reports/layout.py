"""The official layout every caremgr document uses (Decree 30/2020/NĐ-CP, shared/domain/LAYOUT.md).

One module, so that every return, roster, plan and record looks the same and an official never
sees a home-made page:

- A4 portrait (landscape for wide tables); margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm;
  body 13 pt in the embedded VNSerif family (Liberation Serif, metric-compatible with Times New Roman);
- the two-column first-page header: governing body / issuing body with a short rule / ``Số: …`` on
  the left; the national title / motto with a rule as long as the line / italic place and date on the
  right;
- the title in bold capitals and the subject line with a short rule under it; an optional
  ``Kính gửi: …``;
- section headings, justified paragraphs with a 1.27 cm first-line indent and 6 pt spacing;
- tables with a bold header row repeated on every page, ``STT`` first, numbers right-aligned and a
  bold totals row;
- the closing block: ``Nơi nhận:`` and the recipients on the left, the authority line, room for
  signature and seal and the signer's name on the right;
- page numbers centred in the top margin from page 2 on.

Everything that names an agency or a person comes in through :class:`DocumentHeader` and
:class:`Signature`, built from the centre's effective-dated profile: since 2025 the governing body,
the receiving agency and the province differ by province and by date, so nothing here is a constant.

Text is normalised to NFC before it reaches reportlab (which does no shaping: decomposed marks
would be misplaced) and escaped, so user data cannot inject paragraph markup.
"""

from __future__ import annotations

import io
import math
import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_of
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from caremgr.dates import format_long_date
from reports.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts

# --- page ----------------------------------------------------------------------------------------

PAGE_SIZE = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm

BODY_SIZE = 13
BODY_LEADING = 16  # about 1.2 lines: Decree 30 allows single to 1.5 lines
PARAGRAPH_SPACING = 6
FIRST_LINE_INDENT = 1.27 * cm
HEADER_SIZE = 12.5  # governing body, issuing body, national title
MOTTO_SIZE = 13.5
TITLE_SIZE = 14
TABLE_SIZE = 11
RECIPIENTS_HEAD_SIZE = 12
RECIPIENTS_SIZE = 11
SIGNATURE_SIZE = 13
PAGE_NUMBER_SIZE = 13
RULE_WIDTH = 0.6
RULE_GAP = 3.0  # between the lowest mark of a line and the rule under it
STT_WIDTH = 11 * mm  # "STT" in bold 11 pt plus cell padding
SIGNATURE_SPACE = 26 * mm  # room for the signature and the seal
# Plain-string cells (even empty ones) would otherwise pull in Helvetica, which is not embedded.
_TABLE_FONT = ("FONTNAME", (0, 0), (-1, -1), REGULAR)

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Header columns: the right one holds the national title on one line (92 mm at 12.5 pt bold) and
# takes at least 55 % of the text width; the left one (71 mm on A4 portrait) wraps long agency names
# where a typist would ("TRUNG TÂM BẢO TRỢ XÃ HỘI / TỈNH THANH HÓA").
HEADER_RIGHT_SHARE = 0.55
CLOSING_LEFT_SHARE = 0.45

DOC_TYPES = {
    "BC": "Báo cáo",
    "DS": "Danh sách",
    "KH": "Kế hoạch",
    "TB": "Thông báo",
    "HS": "Hồ sơ",
}


# --- text ----------------------------------------------------------------------------------------

def nfc(text: object) -> str:
    """The text as NFC; None gives ""."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", str(text))


def markup(text: object) -> str:
    """Plain text made safe for a reportlab Paragraph: NFC, ``&<>`` escaped, newlines as breaks."""
    return escape(nfc(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def upper(text: object) -> str:
    """Vietnamese capitals (Python's upper() keeps every diacritic), NFC."""
    return unicodedata.normalize("NFC", nfc(text).upper())


def number(value: object, decimals: int | None = None) -> str:
    """A number the Vietnamese way: ``1.234``, ``36,5``. None and "" give ""; text passes through.

    ``decimals`` fixes the digits after the comma; without it a float shows the digits it has
    (``36.5`` -> ``36,5``, ``70.0`` -> ``70``).
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return nfc(value)
    if decimals is None:
        if isinstance(value, int) or float(value).is_integer():
            decimals = 0
        else:
            text = repr(float(value))
            decimals = min(len(text.split(".")[1]), 3) if "." in text and "e" not in text else 2
    formatted = f"{value:,.{decimals}f}"
    return formatted.replace(",", "\0").replace(".", ",").replace("\0", ".")


def number_text(number_: int | None, doc_type: str, symbol: str) -> str:
    """The document number line: ``Số: 05/BC-TTBTXH`` (below 10 with a leading zero).

    ``number_`` None leaves the number blank for the clerk to write by hand (``Số:    /BC-TTBTXH``).
    """
    doc_type = nfc(doc_type).strip().upper()
    symbol = nfc(symbol).strip()
    if number_ is None:
        return f"Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/{doc_type}-{symbol}"
    if number_ < 1:
        raise ValueError(f"document numbers start at 1, got {number_}")
    return f"Số: {number_:02d}/{doc_type}-{symbol}"


def _field(source: Mapping | object, key: str, default=None):
    if isinstance(source, Mapping):
        return source.get(key, default)
    return getattr(source, key, default)


# --- header and signature ------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentHeader:
    """What the first-page header says. Build it from the centre profile in force on the date."""

    governing_body: str
    issuing_body: str
    number_text: str | None
    place: str
    issued_on: date

    @classmethod
    def from_profile(cls, profile: Mapping | object, issued_on: date, number_text: str | None = None
                     ) -> DocumentHeader:
        """From a ``caremgr.settings.CentreProfile`` or its ``as_dict()``."""
        return cls(
            governing_body=nfc(_field(profile, "governing_body", "")),
            issuing_body=nfc(_field(profile, "name", "")),
            number_text=number_text,
            place=nfc(_field(profile, "place") or _field(profile, "province") or ""),
            issued_on=issued_on,
        )

    @property
    def date_line(self) -> str:
        return nfc(format_long_date(self.issued_on, self.place or None))


@dataclass(frozen=True)
class Signature:
    """The signature block: ``authority`` is the head's title (``GIÁM ĐỐC``), ``title`` the signer's
    own title (``PHÓ GIÁM ĐỐC`` when a deputy signs for the head, ``deputy=True`` -> ``KT.``).
    ``collective`` names a body signed for (``TM. …``, Decree 30 for collegial bodies)."""

    authority: str
    title: str
    name: str
    deputy: bool = False
    collective: str | None = None

    @classmethod
    def from_profile(cls, profile: Mapping | object, deputy_name: str | None = None) -> Signature:
        """The director signs; with ``deputy_name``, that deputy signs ``KT.`` for the director."""
        authority = nfc(_field(profile, "signer_title") or "GIÁM ĐỐC")
        if deputy_name:
            return cls(authority, nfc(_field(profile, "deputy_title") or "PHÓ GIÁM ĐỐC"), nfc(deputy_name), True)
        return cls(authority, authority, nfc(_field(profile, "director", "")))

    def lines(self) -> list[str]:
        out = [f"TM. {upper(self.collective)}"] if self.collective else []
        if self.deputy:
            out += [f"KT. {upper(self.authority)}", upper(self.title)]
        elif self.collective:
            out.append(upper(self.title or self.authority))
        else:
            out.append(upper(self.authority))
        return out


# --- styles --------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of the layout, by name."""
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=BODY_SIZE, leading=BODY_LEADING,
                          alignment=TA_JUSTIFY, firstLineIndent=FIRST_LINE_INDENT, spaceAfter=PARAGRAPH_SPACING)
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.2,
                          alignment=TA_LEFT)
    found = {
        "body": body,
        "body_plain": ParagraphStyle("body_plain", parent=body, firstLineIndent=0, alignment=TA_LEFT),
        "note": ParagraphStyle("note", parent=body, fontName=ITALIC),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, alignment=TA_LEFT, spaceBefore=6,
                                  spaceAfter=PARAGRAPH_SPACING, keepWithNext=1),
        "subheading": ParagraphStyle("subheading", parent=body, fontName=BOLD, alignment=TA_LEFT,
                                     spaceBefore=2, keepWithNext=1),
        "number": ParagraphStyle("number", fontName=REGULAR, fontSize=BODY_SIZE, leading=BODY_LEADING,
                                 alignment=TA_CENTER),
        "date": ParagraphStyle("date", fontName=ITALIC, fontSize=BODY_SIZE, leading=BODY_LEADING,
                               alignment=TA_CENTER),
        "addressee": ParagraphStyle("addressee", fontName=REGULAR, fontSize=TITLE_SIZE, leading=TITLE_SIZE * 1.2,
                                    alignment=TA_CENTER),
        "cell": cell,
        "cell_right": ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        "cell_centre": ParagraphStyle("cell_centre", parent=cell, alignment=TA_CENTER),
        "cell_head": ParagraphStyle("cell_head", parent=cell, fontName=BOLD, alignment=TA_CENTER),
        "cell_total": ParagraphStyle("cell_total", parent=cell, fontName=BOLD),
        "cell_total_right": ParagraphStyle("cell_total_right", parent=cell, fontName=BOLD, alignment=TA_RIGHT),
        "kv_label": ParagraphStyle("kv_label", fontName=REGULAR, fontSize=BODY_SIZE, leading=BODY_LEADING),
        "kv_value": ParagraphStyle("kv_value", fontName=REGULAR, fontSize=BODY_SIZE, leading=BODY_LEADING),
        "recipients_head": ParagraphStyle("recipients_head", fontName=BOLD_ITALIC, fontSize=RECIPIENTS_HEAD_SIZE,
                                          leading=RECIPIENTS_HEAD_SIZE * 1.2),
        "recipient": ParagraphStyle("recipient", fontName=REGULAR, fontSize=RECIPIENTS_SIZE,
                                    leading=RECIPIENTS_SIZE * 1.2, leftIndent=2.2 * mm, firstLineIndent=-2.2 * mm),
        "signer": ParagraphStyle("signer", fontName=BOLD, fontSize=SIGNATURE_SIZE, leading=SIGNATURE_SIZE * 1.25,
                                 alignment=TA_CENTER),
    }
    return found


# --- centred lines with rules --------------------------------------------------------------------

# Where a typist breaks a long agency name: before the administrative unit ("… XÃ HỘI / TỈNH THANH
# HÓA") or before "và", never inside a two-syllable word of an agency name ("XÃ / HỘI"), never
# inside the place name that follows the unit, never next to a dash.
_UNIT_WORDS = {"TỈNH", "THÀNH", "HUYỆN", "QUẬN", "PHƯỜNG"}
_CONJUNCTIONS = {"VÀ"}
_COMPOUNDS = {
    "XÃ HỘI", "LAO ĐỘNG", "THƯƠNG BINH", "BẢO TRỢ", "TRUNG TÂM", "Y TẾ", "NỘI VỤ", "CÔNG AN", "NHÂN DÂN",
    "ỦY BAN", "PHỤC HỒI", "CHỨC NĂNG", "CHĂM SÓC", "ĐIỀU DƯỠNG", "CÓ CÔNG", "TÂM THẦN", "CAI NGHIỆN",
    "MA TÚY", "BẢO HIỂM", "SỨC KHỎE", "CÔNG TÁC", "GIÁO DỤC", "ĐÀO TẠO", "TRỢ GIÚP", "NUÔI DƯỠNG",
    "KHUYẾT TẬT", "CAO TUỔI", "TRẺ EM", "GIÁM ĐỐC", "CHƯƠNG TRÌNH", "THỰC HIỆN", "KẾT QUẢ", "DANH SÁCH",
    "BÁO CÁO", "KẾ HOẠCH", "THÔNG BÁO", "HỒ SƠ", "ĐỐI TƯỢNG", "CỘNG ĐỒNG", "THÀNH PHỐ", "THỊ XÃ",
    "BỆNH VIỆN", "CƠ SỞ", "CHÍNH PHỦ", "QUỐC GIA",
}
_DASHES = {"-", "–", "—"}
_FORBIDDEN = float("inf")


def _break_cost(words: list[str], j: int) -> float:
    """The cost of starting a new line at ``words[j]``."""
    before, after = words[j - 1].upper(), words[j].upper()
    following = words[j + 1].upper() if j + 1 < len(words) else ""
    if before in _DASHES or after in _DASHES:
        return _FORBIDDEN
    if f"{before} {after}" in _COMPOUNDS:
        return 4.0
    if after in _UNIT_WORDS or (after == "THỊ" and following == "XÃ"):
        return 0.0
    if any(word.upper() in _UNIT_WORDS for word in words[:j]):
        return 3.0  # inside the place name after "TỈNH", "HUYỆN" …
    if after in _CONJUNCTIONS:
        return 0.5
    return 1.0


def balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Splits ``text`` into as few lines as fit ``width``, breaking where a typist would, as even in
    length as possible. An explicit newline always breaks."""
    out: list[str] = []
    for part in nfc(text).split("\n"):
        words = part.split()
        if words:
            out.extend(_balance(words, font, size, width))
    return out


def _balance(words: list[str], font: str, size: float, width: float) -> list[str]:
    def w(i: int, j: int) -> float:
        return pdfmetrics.stringWidth(" ".join(words[i:j]), font, size)

    n = len(words)
    if w(0, n) <= width:
        return [" ".join(words)]
    # After k steps, best[j] = ((break cost, widest line), cuts) of the best split of words[:j] into
    # k lines that fit. The first k that reaches the end is the fewest lines; among those splits,
    # the cheapest breaks win, then the most even lines (lexicographic order keeps the DP exact).
    best: dict[int, tuple[tuple[float, float], list[int]]] = {0: ((0.0, 0.0), [])}
    for _k in range(n):
        nxt: dict[int, tuple[tuple[float, float], list[int]]] = {}
        for i, ((cost, worst), cuts) in best.items():
            for j in range(i + 1, n + 1):
                line = w(i, j)
                if line > width and j > i + 1:
                    break
                step = 0.0 if j == n else _break_cost(words, j)
                if step == _FORBIDDEN:
                    continue
                score = (cost + step, max(worst, line))
                if j not in nxt or score < nxt[j][0]:
                    nxt[j] = (score, [*cuts, j])
        best = nxt
        if n in best:
            cuts = best[n][1]
            return [" ".join(words[a:b]) for a, b in zip([0, *cuts[:-1]], cuts, strict=True)]
        if not best:
            break
    return [" ".join(words)]  # nothing fits (one word wider than the column): overflow visibly


class CentredLines(Flowable):
    """Lines of one font centred in the available width, optionally with a solid rule under them.

    ``rule``: None; ``"short"`` (a third of the longest line, as under the issuing body and the
    subject line); ``"full"`` (as long as the longest line, as under the motto).
    """

    def __init__(self, text: str, font: str, size: float, *, leading: float | None = None,
                 rule: str | None = None, rule_share: float = 1 / 3, min_rule: float = 18 * mm):
        super().__init__()
        self.text = nfc(text)
        self.font = font
        self.size = size
        self.leading = leading or size * 1.2
        self.rule = rule
        self.rule_share = rule_share
        self.min_rule = min_rule
        self._lines: list[str] = []
        self._width = 0.0

    def _geometry(self) -> tuple[list[float], float | None, float]:
        """Baselines and rule position measured down from the top, and the total height."""
        ascent = pdfmetrics.getAscent(self.font, self.size)
        descent = pdfmetrics.getDescent(self.font, self.size)  # negative
        pad = (self.leading - (ascent - descent)) / 2
        baselines = [pad + ascent + i * self.leading for i in range(len(self._lines))]
        height = len(self._lines) * self.leading
        rule_at = None
        if self.rule and self._lines:
            rule_at = baselines[-1] - descent + RULE_GAP  # clear of the dot under "ặ", "ộ" …
            height = max(height, rule_at + RULE_WIDTH / 2 + 1.0)
        return baselines, rule_at, height

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's signature
        self._width = availWidth
        self._lines = balanced_lines(self.text, self.font, self.size, availWidth)
        _baselines, _rule, height = self._geometry()
        self.width, self.height = availWidth, height
        return availWidth, height

    def line_widths(self) -> list[float]:
        return [pdfmetrics.stringWidth(line, self.font, self.size) for line in self._lines]

    def rule_length(self) -> float:
        longest = max(self.line_widths(), default=0.0)
        if self.rule == "full":
            return longest
        return min(longest, max(longest * self.rule_share, self.min_rule))

    def draw(self):
        canvas = self.canv
        baselines, rule_at, height = self._geometry()
        canvas.setFont(self.font, self.size)
        centre = self._width / 2
        for line, down in zip(self._lines, baselines, strict=True):
            canvas.drawCentredString(centre, height - down, line)
        if rule_at is not None:
            half = self.rule_length() / 2
            canvas.setLineWidth(RULE_WIDTH)
            canvas.line(centre - half, height - rule_at, centre + half, height - rule_at)


# --- building blocks -----------------------------------------------------------------------------

def heading(text: str) -> Paragraph:
    """A section heading (``I. …``, ``1. …``), bold, kept with what follows it."""
    return Paragraph(markup(text), styles()["heading"])


def subheading(text: str) -> Paragraph:
    return Paragraph(markup(text), styles()["subheading"])


def paragraph(text: str, style: str = "body", *, raw: bool = False, keep_with_next: bool = False) -> Paragraph:
    """A justified body paragraph with the first-line indent. ``raw`` keeps reportlab markup
    (``<b>``, ``<i>``) in ``text``; otherwise the text is escaped. ``keep_with_next`` for a line
    that introduces what follows it."""
    found = Paragraph(nfc(text) if raw else markup(text), styles()[style])
    if keep_with_next:
        found.keepWithNext = 1
    return found


def note(text: str) -> Paragraph:
    """An italic remark, e.g. ``Chưa có thông tin.``"""
    return Paragraph(markup(text), styles()["note"])


def text_width(landscape: bool = False) -> float:
    page_width = (landscape_of(PAGE_SIZE) if landscape else PAGE_SIZE)[0]
    return page_width - MARGIN_LEFT - MARGIN_RIGHT


def _cell(value: object, style: ParagraphStyle) -> Flowable:
    if isinstance(value, Flowable):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = number(value)
    return Paragraph(markup(value), style)


def _grid(extra: Iterable[tuple] = ()) -> TableStyle:
    return TableStyle([
        _TABLE_FONT,
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        *extra,
    ])


@lru_cache(maxsize=8)
def _cell_styles(size: float) -> dict[str, ParagraphStyle]:
    """The table cell styles at one font size (11 pt by default; 10–10.5 pt for wide tables)."""
    st = styles()
    if size == TABLE_SIZE:
        return st
    found = dict(st)
    for name in ("cell", "cell_right", "cell_centre", "cell_head", "cell_total", "cell_total_right"):
        found[name] = ParagraphStyle(f"{name}_{size}", parent=st[name], fontSize=size, leading=size * 1.2)
    return found


def table(header: Sequence[str], rows: Sequence[Sequence], col_widths: Sequence[float] | None = None,
          numeric_cols: Iterable[int] = (), total_row: Sequence | None = None, *,
          width: float | None = None, centre_cols: Iterable[int] = (), size: float = TABLE_SIZE) -> LongTable:
    """A ruled table in the official style.

    - ``header`` and every row give the data columns; an ``STT`` column is put first and numbered
      1, 2, 3 … unless ``header[0]`` already is ``STT`` (then the rows carry their own numbers);
    - the header row is bold, centred and repeated at the top of every page;
    - ``numeric_cols`` (indexes into ``header`` as passed) are right-aligned; ints and floats are
      written the Vietnamese way (``1.234``, ``36,5``); ``centre_cols`` are centred (dates, codes);
    - ``total_row`` (same columns as ``header``, its first cell the label, e.g. ``Tổng cộng``) is
      added in bold, its label spanning the ``STT`` column;
    - ``col_widths`` (points, for the data columns or for all columns including ``STT``) are scaled
      to fill the text width exactly; without them the columns share it evenly after ``STT``;
    - ``width`` defaults to the portrait text width (pass ``text_width(landscape=True)`` for landscape).
    """
    st = _cell_styles(size)
    width = width or text_width()
    own_numbers = bool(header) and nfc(header[0]).strip().upper() == "STT"
    shift = 0 if own_numbers else 1
    numeric = {i + shift for i in numeric_cols}
    centred = {i + shift for i in centre_cols} | {0}
    head = [nfc(h) for h in header] if own_numbers else ["STT", *(nfc(h) for h in header)]
    ncols = len(head)

    body_rows: list[list] = []
    for index, row in enumerate(rows, start=1):
        values = list(row) if own_numbers else [index, *row]
        if len(values) != ncols:
            raise ValueError(f"row {index} has {len(values)} cells, the header {ncols}")
        body_rows.append(values)

    data: list[list] = [[Paragraph(markup(h), st["cell_head"]) for h in head]]
    for values in body_rows:
        cells = []
        for c, value in enumerate(values):
            style = st["cell_right"] if c in numeric else st["cell_centre"] if c in centred else st["cell"]
            cells.append(_cell(value, style))
        data.append(cells)
    extra: list[tuple] = []
    if total_row is not None:
        values = list(total_row) if own_numbers else ["", *total_row]
        if len(values) != ncols:
            raise ValueError(f"total row has {len(values)} cells, the header {ncols}")
        if not own_numbers:
            values[0], values[1] = values[1], ""
            extra.append(("SPAN", (0, len(data)), (1, len(data))))
        data.append([_cell(v, st["cell_total_right"] if c in numeric else st["cell_total"])
                     for c, v in enumerate(values)])

    if col_widths is None:
        stt = STT_WIDTH
        rest = (width - stt) / max(1, ncols - 1)
        widths = [stt] + [rest] * (ncols - 1)
    else:
        widths = list(col_widths)
        if len(widths) == ncols - 1 and not own_numbers:
            widths = [STT_WIDTH, *widths]
        if len(widths) != ncols:
            raise ValueError(f"{len(widths)} column widths for {ncols} columns")
        scale = width / sum(widths)
        widths = [w * scale for w in widths]
    return LongTable(data, colWidths=widths, repeatRows=1, hAlign="CENTER", style=_grid(extra),
                     splitInRow=0)


def key_value_table(pairs: Iterable[tuple[str, object]], label_width: float = 50 * mm, *,
                    width: float | None = None, indent: float = FIRST_LINE_INDENT) -> Table:
    """``Label: value`` lines in two aligned columns, no rules (identity blocks, summaries).

    The labels start at the paragraph indent, under the section heading. Empty values are
    skipped, so a record never prints a label with nothing after it.
    """
    st = styles()
    width = width or text_width()
    data = []
    for label, value in pairs:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        label_text = nfc(label).rstrip()
        if not label_text.endswith(":"):
            label_text += ":"
        shown = number(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        data.append([Paragraph(markup(label_text), st["kv_label"]), _cell(shown, st["kv_value"])])
    if not data:
        data = [[Paragraph("", st["kv_label"]), Paragraph("", st["kv_value"])]]
    return Table(data, colWidths=[indent + label_width, width - indent - label_width], hAlign="LEFT",
                 style=TableStyle([
                     _TABLE_FONT,
                     ("VALIGN", (0, 0), (-1, -1), "TOP"),
                     ("LEFTPADDING", (0, 0), (0, -1), indent),
                     ("LEFTPADDING", (1, 0), (1, -1), 0),
                     ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                     ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                 ]))


def keep_with_table(lead: Sequence[Flowable], long_table: LongTable, rows: int = 3, *,
                    width: float | None = None) -> list[Flowable]:
    """Headings (and an intro line) followed by a long table that may split across pages.

    The lead stays on the page together with the table's header row and at least ``rows`` rows:
    if less room is left, the page breaks first. ``keepWithNext`` cannot do this: it glues the
    heading to the whole table and pushes a half-page table to the next page, leaving a gap.
    """
    width = width or text_width()
    needed = 0.0
    for flowable in lead:
        flowable.keepWithNext = 0
        needed += flowable.wrap(width, 10**6)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    long_table.wrap(width, 10**6)
    needed += sum(long_table._rowHeights[:rows + 1])  # header row and the first rows
    return [CondPageBreak(needed + 2), *lead, long_table]


# --- the fixed parts of a document ---------------------------------------------------------------

def header_flowables(header: DocumentHeader, width: float) -> list[Flowable]:
    """The two-column first-page header (LAYOUT.md "Header")."""
    st = styles()
    right_w = max(width * HEADER_RIGHT_SHARE, pdfmetrics.stringWidth(NATIONAL_TITLE, BOLD, HEADER_SIZE) + 2 * mm)
    left_w = width - right_w
    left: list[Flowable] = []
    if header.governing_body.strip():
        left.append(CentredLines(upper(header.governing_body), REGULAR, HEADER_SIZE))
    left.append(CentredLines(upper(header.issuing_body), BOLD, HEADER_SIZE, rule="short"))
    right = [
        CentredLines(NATIONAL_TITLE, BOLD, HEADER_SIZE),
        CentredLines(MOTTO, BOLD, MOTTO_SIZE, rule="full"),
    ]
    number_cell = Paragraph(markup(header.number_text), st["number"]) if header.number_text else ""
    date_cell = Paragraph(markup(header.date_line), st["date"])
    grid = Table([[left, right], [number_cell, date_cell]], colWidths=[left_w, right_w], hAlign="CENTER",
                 style=TableStyle([
                     _TABLE_FONT,
                     ("VALIGN", (0, 0), (-1, -1), "TOP"),
                     ("LEFTPADDING", (0, 0), (-1, -1), 0),
                     ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                     ("TOPPADDING", (0, 0), (-1, -1), 0),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                     ("TOPPADDING", (0, 1), (-1, 1), 5),
                 ]))
    return [grid]


def title_flowables(title: str, subject: str | None, addressee: str | Sequence[str] | None = None
                    ) -> list[Flowable]:
    """Title in bold capitals, the subject with a short rule, and ``Kính gửi: …`` when addressed."""
    out: list[Flowable] = [Spacer(1, 16), CentredLines(upper(title), BOLD, TITLE_SIZE)]
    if subject:
        out.append(CentredLines(subject, BOLD, TITLE_SIZE, rule="short"))
    out.append(Spacer(1, 10))
    if addressee:
        st = styles()
        if isinstance(addressee, str):
            out.append(Paragraph("Kính gửi: " + markup(nfc(addressee).strip().rstrip(" ;.")) + ".",
                                 st["addressee"]))
        else:
            names = [nfc(a).strip().rstrip(" ;.") for a in addressee]
            out.append(Paragraph("Kính gửi:", st["addressee"]))
            last = len(names) - 1
            out.extend(Paragraph("- " + markup(n) + ("." if i == last else ";"), st["addressee"])
                       for i, n in enumerate(names))
        out.append(Spacer(1, 8))
    return out


def recipient_lines(recipients: Iterable[str]) -> list[str]:
    """The ``Nơi nhận`` lines: each ``- …;``, the archive line ``- Lưu: VT, <unit>.`` last.

    Items may come with or without their dash and final punctuation (as typed in Settings). Without
    an archive item, ``- Lưu: VT.`` is added: every issued document keeps a copy.
    """
    items, archive = [], None
    for raw in recipients:
        text = nfc(raw).strip()
        text = text[1:].strip() if text.startswith(("-", "–")) else text
        text = text.rstrip(" ;.,")
        if not text:
            continue
        if text.lower().startswith("lưu"):
            archive = text
        else:
            items.append(text)
    lines = [f"- {t};" for t in items]
    lines.append(f"- {archive or 'Lưu: VT'}.")
    return lines


def closing_flowables(recipients: Iterable[str] | None, signature: Signature, width: float) -> list[Flowable]:
    """The closing block: recipients on the left, the signature on the right (LAYOUT.md "Closing")."""
    st = styles()
    left_w = width * CLOSING_LEFT_SHARE
    right_w = width - left_w
    left: list[Flowable] | str = ""
    if recipients is not None:
        left = [Paragraph("Nơi nhận:", st["recipients_head"])]
        left += [Paragraph(markup(line), st["recipient"]) for line in recipient_lines(recipients)]
    right: list[Flowable] = [CentredLines(line, BOLD, SIGNATURE_SIZE, leading=SIGNATURE_SIZE * 1.25)
                             for line in signature.lines()]
    right += [Spacer(1, SIGNATURE_SPACE), Paragraph(markup(signature.name), st["signer"])]
    block = Table([[left, right]], colWidths=[left_w, right_w], hAlign="CENTER", style=TableStyle([
        _TABLE_FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return [Spacer(1, 8), block]


def _draw_page_number(canvas, doc) -> None:
    """Arabic numerals, centred in the top margin, from page 2 on (page 1 shows none)."""
    if doc.page < 2:
        return
    canvas.saveState()
    canvas.setFont(REGULAR, PAGE_NUMBER_SIZE)
    x = doc.leftMargin + doc.width / 2
    y = doc.pagesize[1] - doc.topMargin / 2 - PAGE_NUMBER_SIZE * 0.35
    canvas.drawCentredString(x, y, str(doc.page))
    canvas.restoreState()


def build_pdf(path_or_buffer, header: DocumentHeader, title: str, subject: str | None,
              flowables: Sequence[Flowable], recipients: Iterable[str] | None, signature: Signature | None,
              addressee: str | Sequence[str] | None = None, landscape: bool = False, *,
              author: str | None = None) -> None:
    """Writes one document in the official layout to a path or a binary file object.

    ``flowables`` is the body (headings, paragraphs, tables from this module); the header, the
    title block and the closing block are added around it. ``recipients`` None leaves out the
    ``Nơi nhận`` column (an internal document); ``signature`` None leaves out the closing block.
    """
    register_fonts()
    if isinstance(path_or_buffer, os.PathLike):
        path_or_buffer = os.fspath(path_or_buffer)
    page = landscape_of(PAGE_SIZE) if landscape else PAGE_SIZE
    width = page[0] - MARGIN_LEFT - MARGIN_RIGHT
    doc = SimpleDocTemplate(
        path_or_buffer, pagesize=page,
        leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=upper(title) + (f" - {nfc(subject)}" if subject else ""),
        author=nfc(author or header.issuing_body), subject=nfc(subject or ""),
        creator="caremgr", lang="vi-VN",
        initialFontName=REGULAR, initialFontSize=BODY_SIZE, initialLeading=BODY_LEADING,
    )
    story: list[Flowable] = []
    story += header_flowables(header, width)
    story += title_flowables(title, subject, addressee)
    body = list(flowables)
    if signature is not None:
        closing = closing_flowables(recipients, signature, width)
        # The signature never sits alone on a page: it takes the last lines of the body along
        # (a short last block; a long table is left to split, its end stays before the closing).
        frame_height = page[1] - MARGIN_TOP - MARGIN_BOTTOM
        if body and _height(body[-1], width) <= frame_height / 3:
            body[-1:] = [KeepTogether([body[-1], *closing])]
        else:
            body += closing
    story += body
    doc.build(story, onFirstPage=_draw_page_number, onLaterPages=_draw_page_number)


def _height(flowable: Flowable, width: float) -> float:
    """The height a flowable takes at ``width`` (measured on a scratch canvas)."""
    scratch = Canvas(io.BytesIO())
    try:
        return flowable.wrapOn(scratch, width, 10**6)[1]
    except Exception:  # noqa: BLE001 - a flowable that cannot be measured alone counts as tall
        return float("inf")


def dual_signature_flowables(left: Signature, right: Signature, width: float) -> list[Flowable]:
    """A closing with two signatures side by side (a plan signed by the person who drew it up on the
    left and approved by the head on the right): each column centred, with the authority lines in
    bold capitals, room for the signature (and, on the right, the seal) and the signer's name."""
    st = styles()

    def column(signature: Signature) -> list[Flowable]:
        lines: list[Flowable] = [CentredLines(line, BOLD, SIGNATURE_SIZE, leading=SIGNATURE_SIZE * 1.25)
                                 for line in signature.lines()]
        return [*lines, Spacer(1, SIGNATURE_SPACE), Paragraph(markup(signature.name), st["signer"])]

    half = width / 2
    block = Table([[column(left), column(right)]], colWidths=[half, width - half], hAlign="CENTER",
                  style=TableStyle([
                      _TABLE_FONT,
                      ("VALIGN", (0, 0), (-1, -1), "TOP"),
                      ("LEFTPADDING", (0, 0), (-1, -1), 0),
                      ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                      ("TOPPADDING", (0, 0), (-1, -1), 0),
                      ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                  ]))
    return [Spacer(1, 8), block]


# --- charts --------------------------------------------------------------------------------------

CHART_FONT_SIZE = 9.5
CHART_BAR = colors.HexColor("#5b7fa6")  # a muted blue that prints as a mid grey
CHART_HIGHLIGHT = colors.HexColor("#2f4f73")  # a total among its parts
CHART_TARGET = colors.HexColor("#b22222")
_CHART_BAR_PITCH = 7 * mm  # the room one horizontal bar takes, gap included
_CHART_MAX_HEIGHT = 150 * mm


def _nice_scale(value: float) -> tuple[float, float]:
    """The top and the step of a count axis from 0 that holds ``value``: about five steps of
    1, 2, 2.5 (from 25 on) or 5 × 10^k, never below 1, so counts get whole-number ticks."""
    raw = max(float(value), 1.0) / 5
    power = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 2.5, 5, 10) if power >= 10 else (1, 2, 5, 10)  # 2,5 is no step for single units
    step = next((m * power for m in steps if m * power >= raw), 10 * power)
    step = max(1.0, step)
    return math.ceil(max(float(value), 1.0) / step) * step, step


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text``, cut at a word with "…" when it is wider than ``width``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    words = text.split()
    while len(words) > 1 and pdfmetrics.stringWidth(" ".join(words) + "…", font, size) > width:
        words.pop()
    return " ".join(words) + "…"


def bar_chart(labels: Sequence[str], values: Sequence[float], *, percent: bool = False,
              target: float | None = None, target_label: str | None = None, highlight: Iterable[int] = (),
              width: float | None = None, height: float | None = None, caption: str | None = None
              ) -> Flowable:
    """A small horizontal bar chart: one bar per label, top to bottom in the order given, the value
    written at the end of each bar the Vietnamese way (``1.234``, ``86,7%``).

    - ``percent``: a 0–100 % scale, values with one decimal and ``%``; otherwise counts on a scale
      that starts at 0;
    - ``target``: a dashed line across the bars at that value, labelled ``target_label`` (default
      ``Mục tiêu 80%``) — the figure a director compares the bars with;
    - ``highlight``: indexes of bars drawn darker (a province total among its centres);
    - ``height`` defaults to about 7 mm a bar (60 mm for eight), at most 150 mm;
    - ``caption``: an italic line centred under the chart.

    A chart never carries a figure alone: the tables of the document hold every value too.
    Labels are set in the embedded VNSerif font, so Vietnamese marks render as in the text.
    """
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, Line, String

    register_fonts()
    labels = [nfc(label) for label in labels]
    data = [float(v or 0) for v in values]
    if len(labels) != len(data):
        raise ValueError(f"{len(labels)} labels for {len(data)} values")
    width = width or text_width()
    count = max(1, len(data))
    top_room = 4 * mm if target is None else 9 * mm
    bottom_room = 7 * mm  # the value axis and its labels
    caption_room = 6 * mm if caption else 0
    if height is None:
        height = min(_CHART_MAX_HEIGHT, count * _CHART_BAR_PITCH + top_room + bottom_room + caption_room)
    plot_h = max(5 * mm, height - top_room - bottom_room - caption_room)
    label_w = max((pdfmetrics.stringWidth(label, REGULAR, CHART_FONT_SIZE) for label in labels), default=0)
    label_w = min(label_w, width * 0.45)
    labels = [_fit(label, REGULAR, CHART_FONT_SIZE, label_w) for label in labels]
    label_w += 3 * mm
    value_room = 16 * mm

    def shown(value: float) -> str:
        return f"{number(value, 1)}%" if percent else number(round(value, 3))

    if percent:
        top, step = 100.0, 20.0
    else:
        top, step = _nice_scale(max([*data, float(target or 0)], default=0))
    chart = HorizontalBarChart()
    chart.x, chart.y = label_w, bottom_room + caption_room
    chart.width, chart.height = max(20 * mm, width - label_w - value_room), plot_h
    # The first label on top: reportlab draws the first category at the bottom.
    chart.data = [list(reversed(data))]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = CHART_FONT_SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeWidth = 0.6
    chart.categoryAxis.tickLeft = 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = CHART_FONT_SIZE - 1
    chart.valueAxis.labelTextFormat = (lambda v: f"{number(v)}%") if percent else (lambda v: number(round(v, 3)))
    chart.valueAxis.strokeWidth = 0.6
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#c8c8c8")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.bars.strokeWidth = 0.4
    chart.bars.strokeColor = colors.black
    chart.bars[0].fillColor = CHART_BAR
    chart.barWidth = 1
    chart.groupSpacing = 0.6 if count > 1 else 1.6
    dark = set(highlight)
    for index in range(len(data)):
        if index in dark:
            chart.bars[(0, len(data) - 1 - index)].fillColor = CHART_HIGHLIGHT
    chart.barLabelFormat = shown
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = CHART_FONT_SIZE
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2.5

    drawing = Drawing(width, height)
    # The renderer starts every drawing in its default font (Helvetica, not embedded): start in ours.
    drawing.initialFontName, drawing.initialFontSize = REGULAR, CHART_FONT_SIZE
    drawing.add(chart)
    if target is not None:
        x = chart.x + chart.width * min(float(target), top) / top
        line = Line(x, chart.y - 1.5, x, chart.y + chart.height + 3, strokeColor=CHART_TARGET,
                    strokeWidth=1.1, strokeDashArray=[3, 2])
        drawing.add(line)
        text = nfc(target_label or f"Mục tiêu {number(target)}{'%' if percent else ''}")
        text_w = pdfmetrics.stringWidth(text, ITALIC, CHART_FONT_SIZE)
        anchor = "middle"
        if x + text_w / 2 > width:
            anchor = "end"
        elif x - text_w / 2 < 0:
            anchor = "start"
        drawing.add(String(x, chart.y + chart.height + 5, text, fontName=ITALIC, fontSize=CHART_FONT_SIZE,
                           fillColor=CHART_TARGET, textAnchor=anchor))
    if caption:
        drawing.add(String(width / 2, 1.5 * mm, nfc(caption), fontName=ITALIC, fontSize=CHART_FONT_SIZE + 0.5,
                           textAnchor="middle"))
    drawing.hAlign = "CENTER"
    return drawing
