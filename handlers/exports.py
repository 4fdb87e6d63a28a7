"""Exports of the transfers (issue 13): one row per completed claim, as CSV or as a spreadsheet.

`boucle export` (bot/cli.py) streams a file of any period to disk; `/export` sends a file of a
shorter one in the chat. Both read `storage.transfers` batch by batch and write as they read;
the summary (totals by category and unit, associations, the conversions used) is added up on
the way, so nothing is read twice and no period is ever held whole in memory.

Choices, for French spreadsheet programs (README, « Exporter les chiffres »):

- CSV: UTF-8 with a byte order mark (Excel reads the accents), `;` between columns and a
  decimal comma (« 12,5 »: French Excel and LibreOffice read numbers, not text), dates
  JJ/MM/AAAA, CRLF line ends. The transfers only: a CSV has one table; the summary is the
  spreadsheet's second sheet.
- XLSX (openpyxl, write-only: rows go to disk as they come): a sheet « Transferts » (real
  numbers and dates) and a sheet « Synthèse ». The default in the chat: a phone opens it as a
  table (Quick Look on iPhone, Sheets or Excel on Android) with both sheets, where a CSV often
  opens as raw text.
- A cell of text that a spreadsheet would run as a formula (« =… », « +… », « -… », « @… »)
  is written as text: a post's words are the network's, not a program.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from handlers import rights
from handlers.context import Context, Effects, UserError
from handlers.equivalents import Equivalents
from handlers.messages import Attachment, Outgoing
from handlers.periods import Period, PeriodError, parse_period
from handlers.texts import CATALOGUE, t
from handlers.understanding.text import key
from storage import indicators
from storage import transfers as stored
from storage.indicators import LoanFamily, Loans, Side
from storage.transfers import Transfer

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
MIME: dict[Format, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# In the chat the whole file is built in memory, inside the message's transaction, and stored
# in the outbox until sent: beyond this many transfers, a shorter period or `boucle export`. A
# month of the whole network is about 4,000 (100,000 posts a year, about half completed); 5,000
# rows make a spreadsheet of about 230 kB, built in about a second (openpyxl's pure-Python XML
# writer: ~180 µs a row; the CSV ~10 µs). docs/benchmarks.md, « Exports ».
MAX_CHAT_ROWS = 5_000
CHAT_FORMAT: Format = "xlsx"
# The files are in French whoever asks (the issue: French column names; they go into French
# grant reports); the chat's answers are in the reader's language.
FILE_LANG = "fr"

# The unit as the « Unité » column writes it: its own name (as in « 1 carton = 10 kg »).
UNIT_NAMES = {"unite": "unité"}
# Characters that start a formula in a spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# ------------------------------------------------------------------ periods
#
# `/export`'s period is read by handlers/periods.py (`parse_period`, the bilan's and the
# report's too): `mois`, `semaine`, `année`, a month's name, `2026-11`, two dates. Any length
# (the chat's limit is a number of rows).

FORMAT_WORDS: dict[str, Format] = {"csv": "csv", "xlsx": "xlsx", "excel": "xlsx", "tableur": "xlsx"}


def dates(first: date, last: date) -> Period:
    """The days from `first` to `last` (`boucle export --from --to`)."""
    return Period("range", first, last)


def whole_month(period: Period) -> bool:
    return period.first.day == 1 and period.last == _month_end(period.first)


def whole_year(period: Period) -> bool:
    first, last = period.first, period.last
    return first == date(first.year, 1, 1) and last == date(first.year, 12, 31)


def file_part(period: Period) -> str:
    """`2026-11` for a month, `2026` for a year, else `2026-11-01_2026-11-30`."""
    if whole_year(period):
        return f"{period.first.year}"
    if whole_month(period):
        return f"{period.first:%Y-%m}"
    return f"{period.first.isoformat()}_{period.last.isoformat()}"


def _month_end(day: date) -> date:
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


def parse_export_args(text: str, today: date) -> tuple[Period, Format]:
    """`/export`'s words: a period (handlers/periods.py) and a format, in any order. Raises
    PeriodError when the period cannot be read."""
    chosen: Format = CHAT_FORMAT
    rest = []
    for word in text.split():
        folded = key(word).strip(".,;:!?")
        if folded in FORMAT_WORDS:
            chosen = FORMAT_WORDS[folded]
        else:
            rest.append(word)
    return parse_period(" ".join(rest), today, longest=None), chosen


def day_text(value: date) -> str:
    return f"{value:%d/%m/%Y}"


# ------------------------------------------------------------------ rows and summary


@dataclass
class CategoryTotal:
    transfers: int = 0
    kilos: float = 0.0


@dataclass
class Summary:
    """What a file's transfers add up to, summed while they are written."""

    lang: str
    equivalents: Equivalents
    association_id: int | None = None
    transfers: int = 0
    kilos: float = 0.0
    given_kilos: float = 0.0
    received_kilos: float = 0.0
    without_kilos: int = 0
    by_category: dict[str | None, CategoryTotal] = field(default_factory=dict)
    # (category, unit) → [quantity, kilos (None: no equivalent)].
    by_unit: dict[tuple[str | None, str | None], list[float | None]] = field(default_factory=dict)
    givers: set[int] = field(default_factory=set)
    receivers: set[int] = field(default_factory=set)
    # The loans started in the period (claims on /materiel posts and the calendar's bookings,
    # storage.indicators.loans_started), for the summary sheet; set before it is written.
    loans: tuple[Loans, ...] = ()

    def add(self, transfer: Transfer) -> float | None:
        """Count one transfer; returns its kilos (None: none, counted apart)."""
        kilos = self.equivalents.kilos_of(transfer.quantity, transfer.unit)
        self.transfers += 1
        self.givers.add(transfer.giver_id)
        self.receivers.add(transfer.receiver_id)
        total = self.by_category.setdefault(transfer.category, CategoryTotal())
        total.transfers += 1
        if kilos is None:
            self.without_kilos += 1
        else:
            self.kilos += kilos
            total.kilos += kilos
            if transfer.giver_id == self.association_id:
                self.given_kilos += kilos
            if transfer.receiver_id == self.association_id:
                self.received_kilos += kilos
        if transfer.quantity is not None:
            line = self.by_unit.setdefault((transfer.category, transfer.unit), [0.0, None])
            line[0] = (line[0] or 0.0) + transfer.quantity
            if kilos is not None:
                line[1] = (line[1] or 0.0) + kilos
        return kilos

    @property
    def associations(self) -> int:
        return len(self.givers | self.receivers)

    def loaned(self, side: Side, family: LoanFamily) -> Loans:
        for loans in self.loans:
            if loans.side == side and loans.family == family:
                return loans
        return Loans(side, family, 0, 0, 0.0, 0.0)

    def conversions(self) -> str:
        """« 1 cagette = 8 kg ; 1 repas = 0,5 kg »: the equivalents these figures used."""
        used = {unit for (_, unit), line in self.by_unit.items() if line[1] is not None}
        return self.equivalents.note(used)

    def categories(self) -> list[tuple[str | None, CategoryTotal]]:
        """Most kilos first, then by name."""
        lang = self.lang
        return sorted(
            self.by_category.items(),
            key=lambda item: (
                -item[1].kilos,
                -item[1].transfers,
                key(category_name(lang, item[0])),
            ),
        )


def category_name(lang: str, slug: str | None) -> str:
    if slug is None:
        return t(lang, "export_no_category")
    return t(lang, f"cat_{slug}") if f"cat_{slug}" in CATALOGUE else slug


def unit_name(unit: str | None) -> str:
    return UNIT_NAMES.get(unit or "", unit or "")


def safe_text(value: str) -> str:
    """Text a spreadsheet program shows, never runs: « =SOMME(…) » gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_number(value: float | None) -> str:
    """« 12 », « 12,5 », « 0,125 »: a decimal comma, no thousands separator (French Excel and
    LibreOffice read it as a number); empty when unknown."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")


def sheet_number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 3)


def headers(lang: str) -> list[str]:
    return [t(lang, f"export_column_{name}") for name in COLUMNS]


COLUMNS = (
    "date",
    "giver",
    "receiver",
    "what",
    "category",
    "quantity",
    "unit",
    "kilos",
    "post",
    "claim",
)


# ------------------------------------------------------------------ CSV

CSV_FLUSH = 64 * 1024


async def write_csv(
    rows: AsyncIterable[Transfer], sink: IO[bytes], summary: Summary, zone: ZoneInfo
) -> None:
    """The transfers as CSV (UTF-8 with BOM, `;`, decimal comma), written as they come."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    sink.write(codecs.BOM_UTF8)
    writer.writerow(headers(summary.lang))
    async for transfer in rows:
        kilos = summary.add(transfer)
        writer.writerow(
            [
                day_text(transfer.completed_at.astimezone(zone).date()),
                safe_text(transfer.giver),
                safe_text(transfer.receiver),
                safe_text(transfer.what),
                category_name(summary.lang, transfer.category),
                csv_number(transfer.quantity),
                unit_name(transfer.unit),
                csv_number(kilos),
                transfer.post_id,
                transfer.claim_id,
            ]
        )
        if buffer.tell() >= CSV_FLUSH:
            sink.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    sink.write(buffer.getvalue().encode("utf-8"))


# ------------------------------------------------------------------ XLSX

DATE_FORMAT = "DD/MM/YYYY"
WIDTHS = (12, 34, 34, 30, 20, 10, 9, 12, 11, 9)


async def write_xlsx(
    rows: AsyncIterable[Transfer],
    sink: IO[bytes],
    summary: Summary,
    zone: ZoneInfo,
    heading: tuple[str, str],
) -> None:
    """A workbook in write-only mode (rows go to a temporary file as they come): the sheet
    « Transferts », then « Synthèse » (`heading`: the period and who, as shown at its top)."""
    from openpyxl import Workbook  # lazy: the bot's start does not pay for it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    lang = summary.lang
    book = Workbook(write_only=True)
    sheet = book.create_sheet(t(lang, "export_sheet_transfers"))
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def text(value: str) -> Any:
        """Plain text as is (openpyxl's fast path); one a spreadsheet would run as a formula
        goes in a cell typed as text."""
        if not value.startswith("="):
            return value
        made = WriteOnlyCell(sheet, value=value)
        made.data_type = "s"
        return made

    def header(value: str) -> Any:
        made = WriteOnlyCell(sheet, value=value)
        made.font = bold
        return made

    sheet.append([header(name) for name in headers(lang)])
    day = WriteOnlyCell(sheet)
    day.number_format = DATE_FORMAT
    async for transfer in rows:
        kilos = summary.add(transfer)
        # One styled cell reused for every row's date: openpyxl writes a cell when the row is
        # appended, so its value may change for the next.
        day.value = transfer.completed_at.astimezone(zone).date()
        sheet.append(
            [
                day,
                text(transfer.giver),
                text(transfer.receiver),
                text(transfer.what),
                category_name(lang, transfer.category),
                sheet_number(transfer.quantity),
                unit_name(transfer.unit),
                sheet_number(kilos),
                transfer.post_id,
                transfer.claim_id,
            ]
        )
    _summary_sheet(book.create_sheet(t(lang, "export_sheet_summary")), summary, heading)
    book.save(sink)


def _summary_sheet(sheet: WriteOnlyWorksheet, summary: Summary, heading: tuple[str, str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    lang = summary.lang
    bold = Font(bold=True)
    for letter, width in zip("ABCD", (34, 14, 14, 18), strict=True):
        sheet.column_dimensions[letter].width = width

    def strong(value: str) -> Any:
        made = WriteOnlyCell(sheet, value=value)
        made.data_type = "s"
        made.font = bold
        return made

    def text(value: str) -> Any:
        made = WriteOnlyCell(sheet, value=value)
        made.data_type = "s"
        return made

    period, who = heading
    sheet.append([strong(t(lang, "export_summary_title"))])
    sheet.append([text(t(lang, "export_summary_period")), text(period)])
    sheet.append([text(t(lang, "export_summary_who")), text(who)])
    sheet.append([text(t(lang, "export_summary_transfers")), summary.transfers])
    sheet.append([text(t(lang, "export_column_kilos")), sheet_number(round(summary.kilos, 3))])
    if summary.association_id is not None:
        sheet.append(
            [text(t(lang, "export_summary_given")), sheet_number(round(summary.given_kilos, 3))]
        )
        sheet.append(
            [
                text(t(lang, "export_summary_received")),
                sheet_number(round(summary.received_kilos, 3)),
            ]
        )
    sheet.append([text(t(lang, "export_summary_givers")), len(summary.givers)])
    sheet.append([text(t(lang, "export_summary_receivers")), len(summary.receivers)])
    sheet.append([text(t(lang, "export_summary_associations")), summary.associations])
    sheet.append([])
    sheet.append(
        [
            strong(t(lang, "export_column_category")),
            strong(t(lang, "export_summary_transfers")),
            strong(t(lang, "export_column_kilos")),
        ]
    )
    for category, total in summary.categories():
        sheet.append(
            [
                text(category_name(lang, category)),
                total.transfers,
                sheet_number(round(total.kilos, 3)),
            ]
        )
    sheet.append(
        [
            strong(t(lang, "export_summary_total")),
            summary.transfers,
            sheet_number(round(summary.kilos, 3)),
        ]
    )
    sheet.append([])
    sheet.append(
        [
            strong(t(lang, "export_column_category")),
            strong(t(lang, "export_column_unit")),
            strong(t(lang, "export_column_quantity")),
            strong(t(lang, "export_column_kilos")),
        ]
    )
    for (category, unit), (quantity, kilos) in sorted(
        summary.by_unit.items(),
        key=lambda item: (key(category_name(lang, item[0][0])), unit_name(item[0][1])),
    ):
        sheet.append(
            [
                text(category_name(lang, category)),
                text(unit_name(unit)),
                sheet_number(quantity),
                sheet_number(round(kilos, 3) if kilos is not None else None),
            ]
        )
    _loans_rows(sheet, summary, strong, text)
    sheet.append([])
    conversions = summary.conversions() or t(lang, "export_no_conversion")
    sheet.append([text(t(lang, "export_summary_conversions")), text(conversions)])
    if summary.without_kilos:
        sheet.append(
            [
                text(t(lang, "export_summary_without_kilos")),
                summary.without_kilos,
            ]
        )
    sheet.append([text(t(lang, "export_summary_rules"))])


def _loans_rows(
    sheet: WriteOnlyWorksheet,
    summary: Summary,
    strong: Callable[[str], Any],
    text: Callable[[str], Any],
) -> None:
    """The loans of the period (issue 14: the calendar's bookings with the /materiel posts),
    counted as /bilan counts them: per family, lent and borrowed for one association."""
    lang = summary.lang
    sheet.append([])
    sheet.append(
        [
            strong(t(lang, "export_loans_title")),
            strong(t(lang, "export_loans_count")),
            strong(t(lang, "export_loans_days")),
        ]
    )
    network = summary.association_id is None
    sides: tuple[Side, ...] = ("given",) if network else ("given", "received")
    families: tuple[LoanFamily, ...] = ("equipment", "volunteers")
    for family in families:
        for side in sides:
            loans = summary.loaned(side, family)
            label = f"export_loans_{family}_network" if network else f"export_loans_{family}_{side}"
            sheet.append([text(t(lang, label)), loans.loans, sheet_number(round(loans.days, 3))])
    sheet.append([text(t(lang, "export_loans_rule"))])


# ------------------------------------------------------------------ one file


def file_name(period: Period, chosen: Format, association: str | None) -> str:
    """`boucle-transferts-2026-11.csv`, `boucle-transferts-banque-alimentaire-2026.xlsx`."""
    return file_stem("boucle-transferts", period, association) + f".{chosen}"


def file_stem(prefix: str, period: Period, association: str | None) -> str:
    """`prefix`, the association's name as a slug (when given), then the period: the name of a
    file the bot writes (an export, the monthly report)."""
    parts = [prefix]
    if association:
        slug = "-".join(key(association).split())[:40].strip("-")
        if slug:
            parts.append(slug)
    parts.append(file_part(period))
    return "-".join(parts)


def match_association(typed: str, names: list[str], limit: int = 5) -> tuple[str | None, list[str]]:
    """The association a person meant (`boucle export --association`): the name itself, or the
    only one equal to it without accents and case; else None and the closest names (every word
    typed starts a word of the name, then spelling close to it)."""
    import difflib

    wanted = key(typed)
    same = [name for name in names if key(name) == wanted]
    if len(same) == 1:
        return same[0], []
    words = wanted.split()
    starting = [
        name
        for name in names
        if words and all(any(own.startswith(w) for own in key(name).split()) for w in words)
    ]
    by_key = {key(name): name for name in names}
    close = [by_key[k] for k in difflib.get_close_matches(wanted, list(by_key), limit, 0.6)]
    suggestions = list(dict.fromkeys([*same, *starting, *close]))[:limit]
    return None, suggestions


def heading(lang: str, period: Period, association: str | None) -> tuple[str, str]:
    dates = t(lang, "export_dates", start=day_text(period.first), end=day_text(period.last))
    return dates, association or t(lang, "export_whole_network")


async def write_export(
    rows: AsyncIterable[Transfer],
    sink: IO[bytes],
    chosen: Format,
    summary: Summary,
    zone: ZoneInfo,
    heading: tuple[str, str],
) -> None:
    if chosen == "csv":
        await write_csv(rows, sink, summary, zone)
    else:
        await write_xlsx(rows, sink, summary, zone, heading)


def figure_text(value: float) -> str:
    """« 1 234,5 »: a figure in a sentence, its thousands apart, a decimal comma."""
    whole = f"{round(value, 1):,.1f}".replace(",", " ").replace(".", ",")
    return whole[:-2] if whole.endswith(",0") else whole


# ------------------------------------------------------------------ /export


def is_export_args(args: str) -> bool:
    """`export mois csv` written without the slash (WhatsApp): words /export reads."""
    try:
        parse_export_args(args, date(2026, 1, 1))
    except PeriodError as error:
        return error.reason not in ("unknown", "one_date")
    return True


def period_error_text(lang: str, error: PeriodError) -> str:
    """Why `/export`'s period cannot be read, with an /export example."""
    if error.reason == "bad_date":
        return t(lang, "export_bad_date", text=error.values["text"])
    if error.reason == "reversed":
        return t(lang, "export_dates_order", start=error.values["first"], end=error.values["last"])
    if error.reason == "future":
        return t(lang, "export_period_future", first=error.values["first"])
    return t(lang, "export_usage")


async def export_command(ctx: Context, args: str) -> Effects:
    """`/export [mois|semaine|année|JJ/MM/AAAA-JJ/MM/AAAA] [csv|xlsx]`: the transfers of the
    period as a file in the chat. A coordinator's association; the network's for a network
    administrator."""
    member = ctx.need_member()
    rights.require(ctx, "export")
    try:
        period, chosen = parse_export_args(args, ctx.today)
    except PeriodError as error:
        raise UserError(period_error_text(ctx.lang, error)) from error
    association_id = None if member.is_admin else member.association_id
    association = None if member.is_admin else member.association_name
    start, end = period.bounds(ctx.tz)
    top = heading(ctx.lang, period, association)
    count = await stored.count_transfers(
        ctx.conn, start, end, association_id, limit=MAX_CHAT_ROWS + 1
    )
    if count == 0:
        return Effects.reply(Outgoing(t(ctx.lang, "export_nothing", dates=top[0], who=top[1])))
    if count > MAX_CHAT_ROWS:
        raise UserError(
            t(
                ctx.lang,
                "export_too_many",
                dates=top[0],
                limit=figure_text(MAX_CHAT_ROWS),
            )
        )
    summary = Summary(FILE_LANG, ctx.config.equivalents, association_id)
    if chosen == "xlsx":
        summary.loans = await indicators.loans_started(ctx.conn, start, end, association_id)
    sink = io.BytesIO()
    rows = stored.transfers(ctx.conn, start, end, association_id)
    await write_export(rows, sink, chosen, summary, ctx.tz, heading(FILE_LANG, period, association))
    name = file_name(period, chosen, association)
    caption = caption_text(ctx.lang, summary, top, chosen)
    return Effects.reply(
        Outgoing(caption, attachment=Attachment("document", name, MIME[chosen], sink.getvalue()))
    )


def caption_text(lang: str, summary: Summary, top: tuple[str, str], chosen: Format) -> str:
    lines = [
        t(
            lang,
            "export_caption",
            dates=top[0],
            who=top[1],
            count=summary.transfers,
            kilos=figure_text(summary.kilos),
        )
    ]
    conversions = summary.conversions()
    if conversions:
        lines.append(t(lang, "export_caption_conversions", conversions=conversions))
    lines.append(t(lang, f"export_caption_{chosen}"))
    return "\n".join(lines)
