"""The result of reading a message: :class:`Understanding`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

Intent = Literal[
    "need",
    "offer",
    "equipment_request",
    "equipment_offer",
    "claim",
    "done",
    "cancel",
    "list",
    "help",
    "unknown",
]
DateKind = Literal["dlc", "ddm"]

INTENTS: tuple[Intent, ...] = get_args(Intent)
FOOD_CATEGORIES = (
    "fruits_legumes",
    "produits_laitiers",
    "viande_poisson_oeufs",
    "epicerie_seche",
    "conserves",
    "surgeles",
    "boulangerie",
    "plats_prepares",
    "boissons",
    "hygiene",
    "bebe",
    "autre",
)
RESOURCE_CATEGORIES = (
    "vehicule_frigo",
    "vehicule",
    "stockage_froid",
    "stockage",
    "conserverie",
    "manutention",
    "benevoles",
)
UNITS = ("kg", "l", "unite", "carton", "cagette", "palette", "colis", "repas", "personne")
# At or above this confidence a free-text post is published at once; below, it is shown to its
# writer with « ✅ Publier / ✏️ Corriger / ✖ Annuler » first.
CERTAIN = 0.8
CONTRACT_KEYS = (
    "intent",
    "urgent",
    "category",
    "quantity",
    "unit",
    "deadline",
    "place",
    "cold_chain",
    "post_ref",
)


def json_number(value: float | None) -> int | float | None:
    """An int when integral (30.0 → 30), else the float rounded to 3 decimals."""
    if value is None:
        return None
    if float(value).is_integer():
        return int(value)
    return round(float(value), 3)


@dataclass(frozen=True)
class Understanding:
    intent: Intent
    urgent: bool = False
    category: str | None = None
    quantity: float | None = None
    unit: str | None = None
    deadline: date | None = None
    place: str | None = None
    cold_chain: bool = False
    post_ref: int | None = None
    what: str | None = None
    date_kind: DateKind | None = None
    invalid_date: str | None = None
    missing: tuple[str, ...] = ()
    # How sure the reading is, 0..1 (see docs/understanding.md, "Confidence"); `guessed` names
    # the fields that were inferred rather than read (« what », « intent », « place »...).
    confidence: float = 1.0
    guessed: tuple[str, ...] = ()

    @property
    def certain(self) -> bool:
        """Sure enough to publish free text to everyone without asking the writer first."""
        return self.confidence >= CERTAIN

    def to_contract(self) -> dict[str, object]:
        """The nine keys of the contract (JSON-ready), then the extra ones."""
        return {
            "intent": self.intent,
            "urgent": self.urgent,
            "category": self.category,
            "quantity": json_number(self.quantity),
            "unit": self.unit,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "place": self.place,
            "cold_chain": self.cold_chain,
            "post_ref": self.post_ref,
            "what": self.what,
            "date_kind": self.date_kind,
            "invalid_date": self.invalid_date,
            "missing": list(self.missing),
            "confidence": round(self.confidence, 2),
            "guessed": list(self.guessed),
        }
