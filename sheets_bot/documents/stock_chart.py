"""A small PNG of stock against reorder point, one panel per top mover, drawn with Pillow.

Pillow (already there as fpdf2's dependency) keeps the Lambda small where matplotlib would
add tens of megabytes. The drawing is deterministic: the same figures give the same bytes.
Item names come from the owner's sheet; in an image they are only pixels, and are cut short.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from sheets_bot.domain.calendar_names import MONTH_NAMES
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
_NAME_CHARACTERS: Final = 40


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
    axis_labels = [(ceiling, y(ceiling)), (floor, y(floor))]
    if mover.reorder_point is not None:
        level = y(mover.reorder_point)
        for start in range(left, right, 8):
            draw.line([(start, level), (min(start + 4, right), level)], fill=_REORDER, width=1)
        # The reorder label sits in the left margin, beside the axis, where no data is drawn;
        # axis labels it would touch make way for it.
        box = reorder_label_box(level)
        draw.text((box[0], box[1]), _label(mover.reorder_point), fill=_REORDER, font=small)
        axis_labels = [(v, at) for v, at in axis_labels if abs(at - level) > _LABEL_HEIGHT]
        draw.text(
            (right - 150, top + 6), "- - reorder point", fill=_REORDER, font=small
        )  # the legend, in the title row
    for value, at in axis_labels:
        draw.text((4, at - 6), _label(value), fill=_MUTED, font=small)
    points = [(x(i), y(v)) for i, v in enumerate(values)]
    if len(points) > 1:
        draw.line(points, fill=_LINE, width=2)
    elif points:
        px, py = points[0]
        draw.ellipse([(px - 2, py - 2), (px + 2, py + 2)], fill=_LINE)
    for position, label in day_ticks(mover.days):
        at = x(position)
        draw.line([(at, low_y), (at, low_y + 3)], fill=_AXIS)
        width = draw.textlength(label, font=small)
        draw.text(
            (min(max(at - width / 2, left - 10), WIDTH - width - 2), low_y + 4),
            label,
            fill=_MUTED,
            font=small,
        )


_LABEL_HEIGHT: Final = 11


def reorder_label_box(level: float) -> tuple[float, float, float, float]:
    """Where the reorder point's value is written: left of the plot, centred on its level."""
    return (4.0, level - 6, float(_MARGIN_LEFT - 4), level + 5)


def day_ticks(days: Sequence[date]) -> list[tuple[int, str]]:
    """Labels under the x axis, one a week: ``1 Nov``, ``8``, ``15``, ``22``, ``29``, and the
    last day when it is at least 3 days past the previous label."""
    ticks: list[tuple[int, str]] = []
    for position, day in enumerate(days):
        if (day - days[0]).days % 7 == 0:
            label = f"{day.day} {MONTH_NAMES[day.month - 1][:3]}" if not ticks else str(day.day)
            ticks.append((position, label))
    if days and ticks and (days[-1] - days[ticks[-1][0]]).days >= 3:
        ticks.append((len(days) - 1, str(days[-1].day)))
    return ticks
