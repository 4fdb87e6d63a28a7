"""The bilan's chart, as a PNG readable on a phone: kilos moved per bin (week, day or month)
stacked by category, and needs posted against needs filled.

A pure function (`ChartData` in, PNG bytes out) drawn with matplotlib: imported here, inside
the function, so that neither the bot's start nor `boucle parse` pays for it; the Agg backend
(no display) and the fonts matplotlib ships (DejaVu Sans: French accents, no download), so it
draws offline. Every word on it comes from the caller (the sentences live in handlers/texts.py).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import Final

# 1080 x 1350 pixels (4:5, the portrait format phones show full width).
WIDTH_PX: Final = 1080
HEIGHT_PX: Final = 1350
DPI: Final = 100
# Colour-blind-safe (Okabe-Ito); the grey is for « autres », the rest of the categories.
PALETTE: Final = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#999999",
)
POSTED_COLOUR: Final = "#BBBBBB"
FILLED_COLOUR: Final = "#009E73"
PARTLY_COLOUR: Final = "#A6DCC8"
# Characters of the title on one line (at 30 points, 1,080 pixels wide).
TITLE_WIDTH: Final = 40
# Characters of the note on one line (at 17 points).
NOTE_WIDTH: Final = 80
# Beyond this many bins, only every n-th label is written under the bars.
MAX_LABELS: Final = 13


@dataclass(frozen=True)
class ChartData:
    title: str
    kilos_title: str
    needs_title: str
    # One label per bin (« 2/11 », « lun. 23 », « nov. »).
    labels: tuple[str, ...]
    # Kilos per bin, one series per category label, drawn bottom up.
    kilos: tuple[tuple[str, tuple[float, ...]], ...]
    needs_posted: tuple[int, ...]
    needs_filled: tuple[int, ...]
    needs_partly: tuple[int, ...]
    posted_label: str
    filled_label: str
    partly_label: str
    kilos_axis: str
    needs_axis: str
    empty_label: str
    # Under the chart: the conversions used (« 1 carton = 10 kg »), or "".
    note: str = ""
    # The last series of `kilos` is the rest of the categories together (drawn in grey).
    rest_last: bool = False


def render_bilan_chart(data: ChartData) -> bytes:
    """The chart as PNG bytes, WIDTH_PX x HEIGHT_PX."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    figure.patch.set_facecolor("white")
    # A long association's name goes on two lines (or more), the plots a little lower.
    title = textwrap.wrap(data.title, TITLE_WIDTH) or [""]
    note = textwrap.wrap(data.note, NOTE_WIDTH, break_long_words=False) or [""]
    top, bottom = figure.subplots(
        2,
        1,
        gridspec_kw={
            "height_ratios": (3, 2),
            "hspace": 0.55,
            "top": 0.9 - 0.035 * (len(title) - 1),
            "bottom": 0.12 + 0.02 * (len(note) - 1),
        },
    )
    figure.suptitle("\n".join(title), fontsize=30, fontweight="bold", y=0.985, va="top")
    positions = list(range(len(data.labels)))
    _kilos(top, data, positions)
    _needs(bottom, data, positions)
    for axes in (top, bottom):
        _ticks(axes, data.labels, positions)
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(labelsize=20)
        axes.grid(axis="y", alpha=0.3)
        axes.set_axisbelow(True)
    if data.note:
        text = "\n".join(note)
        figure.text(0.5, 0.012, text, ha="center", va="bottom", fontsize=17, color="#444")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _kilos(axes: object, data: ChartData, positions: list[int]) -> None:
    from matplotlib.axes import Axes

    assert isinstance(axes, Axes)
    axes.set_title(data.kilos_title, fontsize=26, loc="left", pad=14)
    axes.set_ylabel(data.kilos_axis, fontsize=20)
    base = [0.0] * len(positions)
    total = 0.0
    for index, (label, values) in enumerate(data.kilos):
        colour = PALETTE[min(index, len(PALETTE) - 2)]
        if data.rest_last and index == len(data.kilos) - 1:
            colour = PALETTE[-1]  # « autres » in grey
        axes.bar(positions, values, 0.75, bottom=base, label=label, color=colour)
        base = [b + v for b, v in zip(base, values, strict=True)]
        total += sum(values)
    if total <= 0:
        axes.text(0.5, 0.5, data.empty_label, transform=axes.transAxes, ha="center", fontsize=22)
        axes.set_ylim(0, 1)
        axes.set_yticks([])
        return
    axes.legend(
        fontsize=18,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=min(3, len(data.kilos)),
    )


def _needs(axes: object, data: ChartData, positions: list[int]) -> None:
    from matplotlib.axes import Axes
    from matplotlib.ticker import MaxNLocator

    assert isinstance(axes, Axes)
    axes.set_title(data.needs_title, fontsize=26, loc="left", pad=14)
    axes.set_ylabel(data.needs_axis, fontsize=20)
    width = 0.38
    left = [p - width / 2 for p in positions]
    right = [p + width / 2 for p in positions]
    axes.bar(left, data.needs_posted, width, label=data.posted_label, color=POSTED_COLOUR)
    axes.bar(right, data.needs_filled, width, label=data.filled_label, color=FILLED_COLOUR)
    axes.bar(
        right,
        data.needs_partly,
        width,
        bottom=data.needs_filled,
        label=data.partly_label,
        color=PARTLY_COLOUR,
    )
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(fontsize=18, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3)


def _ticks(axes: object, labels: tuple[str, ...], positions: list[int]) -> None:
    from matplotlib.axes import Axes

    assert isinstance(axes, Axes)
    every = max(1, -(-len(labels) // MAX_LABELS))
    axes.set_xticks(positions[::every], [labels[i] for i in positions[::every]])
    axes.set_xlim(-0.6, max(len(positions), 1) - 0.4)
