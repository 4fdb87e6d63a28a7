"""Reading a quantity typed after a command (`/prendre 12 10 kg`, `/fait 12 8`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.context import Context, UserError
from handlers.formatting import quantity
from handlers.texts import t
from handlers.understanding import understand_amount

# Beyond these a quantity is surely a typo (100 t of food, 100,000 cartons in one post).
MAX_QUANTITY = 100_000.0

NEGATIVE = re.compile(r"(^|\s)-\s*\d")
BARE_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
POST_REF = re.compile(r"^#?(\d{1,9})\b\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Amount:
    quantity: float
    unit: str | None  # None: "in the post's own unit" (a bare number)


def split_post_ref(args: str) -> tuple[int, str] | None:
    """`"12 10 kg"` -> (12, "10 kg"); None when the arguments do not start with a number."""
    match = POST_REF.match(args.strip())
    if not match:
        return None
    return int(match.group(1)), match.group(2).strip()


def parse_amount(ctx: Context, text: str, usage_key: str) -> Amount | None:
    """None for no amount; UserError (in the writer's language) for a wrong one."""
    text = text.strip()
    if not text:
        return None
    if NEGATIVE.search(text):
        raise UserError(t(ctx.lang, "quantity_invalid"))
    if BARE_NUMBER.match(text):
        value = float(text.replace(",", "."))
        unit: str | None = None
    else:
        amount = understand_amount(text)
        if amount is None:
            raise UserError(t(ctx.lang, usage_key))
        value, unit = float(amount.value), amount.unit
    check_quantity(ctx, value, unit)
    return Amount(value, unit)


def check_quantity(ctx: Context, value: float, unit: str | None) -> None:
    if value <= 0:
        raise UserError(t(ctx.lang, "quantity_invalid"))
    if value > MAX_QUANTITY:
        raise UserError(
            t(
                ctx.lang,
                "quantity_absurd",
                quantity=quantity(value, unit, ctx.lang),
                limit=quantity(MAX_QUANTITY, unit, ctx.lang),
            )
        )
