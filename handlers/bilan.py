"""`/bilan [semaine|mois|année|JJ/MM/AAAA-JJ/MM/AAAA]` (issue 13): what the cooperation moved.

A coordinator gets their association's figures, a network administrator the network's; each
figure next to the previous period's, short enough for a phone, with a chart (a PNG). The
figures are storage's (`storage/indicators.py`, definitions there), in kilos with the network's
equivalents (`handlers/indicators.py`), and every line that used a conversion has it under.

The exports and the monthly report (handlers/report.py) reuse `compute`, `figure`,
`duration`, `period_label`, `chart_data` and `handlers.charts.render_bilan_chart`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from handlers import charts, rights
from handlers.context import Context, Effects, UserError
from handlers.equivalents import Equivalents
from handlers.formatting import MONTHS, WEEKDAYS
from handlers.indicators import Moved, kilos_per_bin, moved
from handlers.messages import Attachment, Outgoing
from handlers.periods import Period, PeriodError, parse_period
from handlers.texts import t
from storage import indicators, members
from storage.db import Conn
from storage.indicators import Figures, Side

# Categories drawn and written one by one; the rest together (« autres »).
TOP_CATEGORIES: Final = 3
CHART_CATEGORIES: Final = 6
# U+202F, the narrow no-break space French writes thousands with (« 1 240 »).
THIN_SPACE: Final = "\u202f"

MONTH_NAMES: Final = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


@dataclass(frozen=True)
class Bilan:
    """A period's and its previous period's figures, for the network or one association."""

    period: Period
    current: Figures
    previous: Figures
    association: str | None  # None: the network


async def compute(conn: Conn, period: Period, tz: ZoneInfo, association_id: int | None) -> Bilan:
    """Both periods' figures (the current one in the chart's bins)."""
    current = await indicators.figures(conn, period.bin_bounds(tz), association_id)
    previous = await indicators.figures(conn, period.previous().bounds(tz), association_id)
    name = None
    if association_id is not None:
        found = await members.association_by_id(conn, association_id)
        name = found.name if found else str(association_id)
    return Bilan(period, current, previous, name)


# ------------------------------------------------------------------ the command


def is_bilan_args(args: str) -> bool:
    """`bilan mois` written without the slash (WhatsApp): a period follows."""
    try:
        parse_period(args, date(2000, 6, 15))
    except PeriodError as error:
        return error.reason not in ("unknown", "one_date")
    return True


async def bilan_command(ctx: Context, args: str) -> Effects:
    member = ctx.need_member()
    rights.require(ctx, "bilan")
    period = read_period(ctx, args)
    association_id = None if member.is_admin else member.association_id
    bilan = await compute(ctx.conn, period, ctx.tz, association_id)
    equivalents = ctx.config.equivalents
    text = bilan_text(bilan, ctx.lang, equivalents)
    data = chart_data(bilan, ctx.lang, equivalents)
    # Drawn off the event loop: other channels keep being read meanwhile (about 0.3 s).
    png = await asyncio.to_thread(charts.render_bilan_chart, data)
    # The text is the photo's caption; a channel sends a text longer than a caption holds
    # first, then the photo (docs/attachments.md).
    photo = Attachment("photo", chart_filename(bilan), "image/png", png)
    return Effects.reply(Outgoing(text, attachment=photo))


def read_period(ctx: Context, args: str) -> Period:
    try:
        return parse_period(args, ctx.today)
    except PeriodError as error:
        raise UserError(t(ctx.lang, f"bilan_period_{error.reason}", **error.values)) from None


def chart_filename(bilan: Bilan) -> str:
    scope = "reseau" if bilan.association is None else f"association-{bilan.current.association_id}"
    return f"bilan-{scope}-{bilan.period.first.isoformat()}-{bilan.period.last.isoformat()}.png"


# ------------------------------------------------------------------ numbers and words


def figure(value: float, lang: str) -> str:
    """1240 → « 1 240 » (a narrow no-break space; English: 1,240); 2.5 → « 2,5 »; whole
    from 100 up, one decimal below."""
    rounded = round(value) if abs(value) >= 100 else round(value, 1)
    text = f"{int(rounded):,}" if float(rounded).is_integer() else f"{rounded:,.1f}"
    if lang == "en":
        return text
    return text.replace(",", THIN_SPACE).replace(".", ",")


def duration(value: timedelta | None, lang: str) -> str:
    """« 40 min », « 3 h 20 », « 2,5 jours »: a median time to the first claim."""
    if value is None:
        return t(lang, "bilan_no_median")
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return t(lang, "duration_minutes", minutes=minutes)
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        if rest == 0:
            return t(lang, "duration_whole_hours", hours=hours)
        return t(lang, "duration_hours", hours=hours, minutes=rest)
    return t(lang, "duration_days", days=figure(minutes / (24 * 60), lang))


def day_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def period_label(period: Period, lang: str) -> str:
    """« novembre 2026 », « semaine du 23/11/2026 au 29/11/2026 », « 2025 », « du … au … »."""
    months = MONTH_NAMES.get(lang, MONTH_NAMES["fr"])
    if period.kind == "month":
        label = t(
            lang, "bilan_period_month", month=months[period.first.month - 1], year=period.first.year
        )
    elif period.kind == "year":
        label = t(lang, "bilan_period_year", year=period.first.year)
    elif period.kind == "week":
        first, last = day_text(period.first), day_text(period.last)
        return t(lang, "bilan_period_week", first=first, last=last)
    else:
        first, last = day_text(period.first), day_text(period.last)
        return t(lang, "bilan_period_range", first=first, last=last)
    if period.to_date:
        return t(lang, "bilan_period_to_date", label=label, last=day_text(period.last))
    return label


def category_name(category: str | None, lang: str) -> str:
    return t(lang, f"cat_{category or 'autre'}")


# ------------------------------------------------------------------ the text


def bilan_text(bilan: Bilan, lang: str, equivalents: Equivalents) -> str:
    """The bilan as a chat message: a title, then one line per figure, previous in brackets."""
    period, current, previous = bilan.period, bilan.current, bilan.previous
    before = period.previous()
    short = t(lang, f"bilan_previous_{period.kind}")
    if bilan.association is None:
        title = t(lang, "bilan_title_network", period=period_label(period, lang))
    else:
        title = t(
            lang,
            "bilan_title_association",
            association=bilan.association,
            period=period_label(period, lang),
        )
    lines = [title, t(lang, "bilan_compared", previous=short, label=period_label(before, lang)), ""]
    sides: tuple[Side, ...] = ("given",) if bilan.association is None else ("given", "received")
    for side in sides:
        now = moved(current.flows_of(side), equivalents)
        then = moved(previous.flows_of(side), equivalents)
        key = "bilan_moved" if bilan.association is None else f"bilan_{side}"
        lines.append(
            t(
                lang,
                key,
                kilos=figure(now.kilos, lang),
                previous=short,
                kilos_before=figure(then.kilos, lang),
                transfers=figure(now.transfers, lang),
                transfers_before=figure(then.transfers, lang),
            )
        )
        lines += _detail_lines(now, then, lang)
        # Under the figure that used them: the conversions (this period's and the previous').
        note = equivalents.note([*now.converted, *then.converted])
        if note:
            lines.append("   " + t(lang, "bilan_note", note=note))
        if bilan.association is None:
            lines.append(
                t(
                    lang,
                    "bilan_transfers",
                    transfers=figure(now.transfers, lang),
                    transfers_before=figure(then.transfers, lang),
                )
            )
    lines += _post_lines(current, previous, lang)
    lines += _loan_lines(bilan, lang)
    lines += _purchase_lines(bilan, lang)
    reach_key = "bilan_reach_network" if bilan.association is None else "bilan_reach_association"
    lines.append(
        t(
            lang,
            reach_key,
            count=figure(current.reach.associations, lang),
            before=figure(previous.reach.associations, lang),
        )
    )
    if not current.flows and not current.posts and not current.loans:
        lines += ["", t(lang, "bilan_empty")]
    return "\n".join(lines)


def _detail_lines(now: Moved, then: Moved, lang: str) -> list[str]:
    """Under a kilos figure: its main categories, what has no kilos, transfers without figure."""
    lines: list[str] = []
    shown = [category for category, _ in now.by_category[:TOP_CATEGORIES]]
    parts = [
        t(
            lang,
            "bilan_category",
            category=category_name(category, lang),
            kilos=figure(now.kilos_of(category), lang),
            before=figure(then.kilos_of(category), lang),
        )
        for category in shown
    ]
    rest_now = now.kilos - sum(now.kilos_of(c) for c in shown)
    rest_then = then.kilos - sum(then.kilos_of(c) for c in shown)
    if len(now.by_category) > len(shown):
        parts.append(
            t(
                lang,
                "bilan_category",
                category=t(lang, "bilan_other_categories"),
                kilos=figure(rest_now, lang),
                before=figure(rest_then, lang),
            )
        )
    if parts:
        lines.append("   " + " · ".join(parts))
    also = []
    for unit, key in (("unite", "bilan_units"), ("personne", "bilan_people")):
        if now.counted_of(unit) or then.counted_of(unit):
            also.append(
                t(
                    lang,
                    key,
                    count=figure(now.counted_of(unit), lang),
                    before=figure(then.counted_of(unit), lang),
                )
            )
    if also:
        lines.append("   " + t(lang, "bilan_also", items=" · ".join(also)))
    if now.without_figure:
        lines.append("   " + t(lang, "bilan_without_figure", count=now.without_figure))
    return lines


def _post_lines(current: Figures, previous: Figures, lang: str) -> list[str]:
    lines = []
    for key, urgent in (("bilan_needs", None), ("bilan_urgent", True)):
        now, then = current.posted("need", urgent), previous.posted("need", urgent)
        if urgent and not now.posted and not then.posted:
            continue
        lines.append(
            t(
                lang,
                key,
                posted=figure(now.posted, lang),
                posted_before=figure(then.posted, lang),
                filled=figure(now.filled, lang),
                filled_before=figure(then.filled, lang),
                partly=figure(now.partly, lang),
                partly_before=figure(then.partly, lang),
            )
        )
    if current.first_claim or previous.first_claim:
        line = t(
            lang,
            "bilan_first_claim",
            median=duration(current.first_claim, lang),
            before=duration(previous.first_claim, lang),
        )
        if current.first_claim_urgent or previous.first_claim_urgent:
            line += t(
                lang,
                "bilan_first_claim_urgent",
                median=duration(current.first_claim_urgent, lang),
                before=duration(previous.first_claim_urgent, lang),
            )
        lines.append(line)
    now, then = current.posted("offer"), previous.posted("offer")
    lines.append(
        t(
            lang,
            "bilan_offers",
            posted=figure(now.posted, lang),
            posted_before=figure(then.posted, lang),
            taken=figure(now.answered, lang),
            taken_before=figure(then.answered, lang),
            lost=figure(now.lost, lang),
            lost_before=figure(then.lost, lang),
        )
    )
    return lines


def _loan_lines(bilan: Bilan, lang: str) -> list[str]:
    current, previous = bilan.current, bilan.previous
    lines = []
    for family in ("equipment", "volunteers"):
        lent, lent_before = current.loaned("given", family), previous.loaned("given", family)
        got = current.loaned("received", family)
        got_before = previous.loaned("received", family)
        if not (lent.loans or lent_before.loans or got.loans or got_before.loans):
            continue
        if bilan.association is None:
            lines.append(
                t(
                    lang,
                    f"bilan_{family}_network",
                    loans=figure(lent.loans, lang),
                    loans_before=figure(lent_before.loans, lang),
                    days=figure(lent.days, lang),
                    days_before=figure(lent_before.days, lang),
                    people=figure(lent.people, lang),
                    people_before=figure(lent_before.people, lang),
                )
            )
            continue
        lines.append(
            t(
                lang,
                f"bilan_{family}_association",
                lent=figure(lent.loans, lang),
                lent_before=figure(lent_before.loans, lang),
                days=figure(lent.days, lang),
                days_before=figure(lent_before.days, lang),
                borrowed=figure(got.loans, lang),
                borrowed_before=figure(got_before.loans, lang),
            )
        )
    return lines


def _purchase_lines(bilan: Bilan, lang: str) -> list[str]:
    """The group purchases reached (issue 14), when there are some now or before."""
    now, then = bilan.current.purchases, bilan.previous.purchases
    if not now.reached and not then.reached:
        return []
    scope = "network" if bilan.association is None else "association"
    return [
        t(
            lang,
            f"bilan_purchases_{scope}",
            count=figure(now.reached, lang),
            before=figure(then.reached, lang),
            amount=figure(now.cents / 100, lang),
            amount_before=figure(then.cents / 100, lang),
        )
    ]


# ------------------------------------------------------------------ the chart


def bin_label(first: date, period: Period, lang: str) -> str:
    """Under a bar: « lun. 23 » (days), « 2/11 » (weeks), « nov. » (months; « nov. 26 » over
    several years)."""
    months = MONTHS.get(lang, MONTHS["fr"])
    if period.step == "day":
        return f"{WEEKDAYS.get(lang, WEEKDAYS['fr'])[first.weekday()]} {first.day}"
    if period.step == "week":
        return f"{first.day}/{first.month}"
    if period.first.year != period.last.year:
        return f"{months[first.month - 1]} {first.year % 100:02d}"
    return months[first.month - 1]


def chart_data(bilan: Bilan, lang: str, equivalents: Equivalents) -> charts.ChartData:
    """What the chart shows: kilos per bin by category (both sides for an association), the
    needs posted and filled per bin."""
    period, current = bilan.period, bilan.current
    bins = period.bins()
    series = kilos_per_bin(current.flows, equivalents, len(bins))
    ranked = sorted(series.items(), key=lambda item: (-sum(item[1]), item[0] or "~"))
    kept = ranked[: CHART_CATEGORIES - 1] if len(ranked) > CHART_CATEGORIES else ranked
    stacks = [(category_name(category, lang), tuple(values)) for category, values in kept]
    if len(ranked) > len(kept):
        rest = [sum(values) for values in zip(*(v for _, v in ranked[len(kept) :]), strict=True)]
        stacks.append((t(lang, "bilan_other_categories"), tuple(rest)))
    needs = [current.posted_in_bin("need", index) for index in range(len(bins))]
    label = period_label(period, lang)
    if bilan.association is None:
        title = t(lang, "chart_title_network", period=label)
    else:
        title = t(lang, "chart_title_association", association=bilan.association, period=label)
    units = {flow.unit for flow in current.flows if equivalents.is_converted(flow.unit)}
    note = equivalents.note(units)
    return charts.ChartData(
        title=title,
        kilos_title=t(lang, f"chart_kilos_{period.step}"),
        needs_title=t(lang, "chart_needs"),
        labels=tuple(bin_label(first, period, lang) for first, _ in bins),
        kilos=tuple(stacks),
        needs_posted=tuple(n.posted for n in needs),
        needs_filled=tuple(n.filled for n in needs),
        needs_partly=tuple(n.partly for n in needs),
        posted_label=t(lang, "chart_posted"),
        filled_label=t(lang, "chart_filled"),
        partly_label=t(lang, "chart_partly"),
        kilos_axis=t(lang, "chart_kilos_axis"),
        needs_axis=t(lang, "chart_needs_axis"),
        empty_label=t(lang, "chart_empty"),
        note=t(lang, "chart_note", note=note) if note else "",
        rest_last=len(ranked) > len(kept),
    )
