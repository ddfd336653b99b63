"""A small PNG of stock against reorder point, one panel per top mover, drawn with Pillow.

Pillow (already there as fpdf2's dependency) keeps the Lambda small where matplotlib would
add tens of megabytes. The drawing is deterministic: the same figures give the same bytes.
Item names come from the owner's sheet; in an image they are only pixels, and are cut short.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from sheets_bot.domain.monthly import MoverSeries

WIDTH: Final = 600
PANEL: Final = 130
_MARGIN_LEFT: Final = 44
_MARGIN_RIGHT: Final = 12
_TOP: Final = 22
_BOTTOM: Final = 18
_LINE: Final = (9, 105, 218)
_REORDER: Final = (180, 35, 24)
_AXIS: Final = (208, 215, 222)
_TEXT: Final = (31, 35, 40)
_MUTED: Final = (87, 96, 106)
_NAME_CHARACTERS: Final = 48


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size)


def _label(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def stock_chart_png(movers: Sequence[MoverSeries]) -> bytes:
    """The chart for ``movers`` (at least one): closing on hand per day as a blue line, the
    reorder point as a red one, the day numbers below."""
    if not movers:
        raise ValueError("a stock chart needs at least one item")
    image = Image.new("RGB", (WIDTH, PANEL * len(movers)), "white")
    draw = ImageDraw.Draw(image)
    title_font, small = _font(13), _font(10)
    for index, mover in enumerate(movers):
        _panel(draw, mover, index * PANEL, title_font, small)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _panel(
    draw: ImageDraw.ImageDraw,
    mover: MoverSeries,
    top: int,
    title_font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    small: ImageFont.FreeTypeFont | ImageFont.ImageFont,
) -> None:
    name = " ".join(mover.name.split())
    if len(name) > _NAME_CHARACTERS:
        name = name[: _NAME_CHARACTERS - 1] + "…"
    draw.text((_MARGIN_LEFT, top + 4), name, fill=_TEXT, font=title_font)
    left, right = _MARGIN_LEFT, WIDTH - _MARGIN_RIGHT
    high_y, low_y = top + _TOP, top + PANEL - _BOTTOM
    values = list(mover.closing)
    ceiling = max([*values, mover.reorder_point or 0.0, 1.0]) * 1.1
    floor = min([*values, 0.0])

    def y(value: float) -> float:
        return low_y - (value - floor) / (ceiling - floor) * (low_y - high_y)

    count = len(values)

    def x(position: int) -> float:
        return left + (position / (count - 1) if count > 1 else 0.5) * (right - left)

    draw.line([(left, low_y), (right, low_y)], fill=_AXIS)
    draw.line([(left, high_y), (left, low_y)], fill=_AXIS)
    draw.text((4, high_y - 5), _label(ceiling), fill=_MUTED, font=small)
    draw.text((4, low_y - 6), _label(floor), fill=_MUTED, font=small)
    if mover.reorder_point is not None:
        level = y(mover.reorder_point)
        for start in range(left, right, 8):
            draw.line([(start, level), (min(start + 4, right), level)], fill=_REORDER, width=1)
        draw.text(
            (right - 90, level - 12), f"reorder {_label(mover.reorder_point)}", fill=_REORDER,
            font=small,
        )  # fmt: skip
    points = [(x(i), y(v)) for i, v in enumerate(values)]
    if len(points) > 1:
        draw.line(points, fill=_LINE, width=2)
    elif points:
        px, py = points[0]
        draw.ellipse([(px - 2, py - 2), (px + 2, py + 2)], fill=_LINE)
    if mover.days:
        first, last = mover.days[0], mover.days[-1]
        draw.text((left, low_y + 3), f"{first.day}", fill=_MUTED, font=small)
        draw.text((right - 12, low_y + 3), f"{last.day}", fill=_MUTED, font=small)
