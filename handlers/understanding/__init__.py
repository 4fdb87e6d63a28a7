"""Understanding French messages as volunteers write them (see docs/understanding.md).

Pure functions over text: no I/O apart from loading the packaged data (communes, the
vocabulary of foods and products) once.
"""

from .foods import names_goods_or_resource
from .gazetteer import Commune, Gazetteer, distance_km, load_gazetteer
from .model import CONTRACT_KEYS, INTENTS, Intent, Understanding
from .parser import (
    contract_json_lines,
    understand,
    understand_amount,
    understand_correction,
    understand_details,
)
from .replies import Reply, ReplyKind, names_goods, read_reply
from .safety import SafetyVerdict, check_offer_dates

__all__ = [
    "CONTRACT_KEYS",
    "INTENTS",
    "Commune",
    "Gazetteer",
    "Intent",
    "Reply",
    "ReplyKind",
    "SafetyVerdict",
    "Understanding",
    "check_offer_dates",
    "contract_json_lines",
    "distance_km",
    "load_gazetteer",
    "names_goods",
    "names_goods_or_resource",
    "read_reply",
    "understand",
    "understand_amount",
    "understand_correction",
    "understand_details",
]
