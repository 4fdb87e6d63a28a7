"""The labelled corpus of tests/corpus (see README.md there): rows and how they are scored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from handlers.understanding import CONTRACT_KEYS, Gazetteer, understand

HERE = Path(__file__).resolve().parent
POST_INTENTS = frozenset({"need", "offer", "equipment_request", "equipment_offer"})


@dataclass(frozen=True)
class Row:
    id: str
    now: datetime
    text: str
    expect: dict[str, object]
    tags: tuple[str, ...]

    @property
    def is_post(self) -> bool:
        return self.expect["intent"] in POST_INTENTS


def load(part: str) -> list[Row]:
    """`part`: "dev" or "heldout"."""
    lines = (HERE / f"{part}.jsonl").read_text(encoding="utf-8").splitlines()
    rows = []
    for line in lines:
        if line.strip():
            data = json.loads(line)
            rows.append(
                Row(
                    id=data["id"],
                    now=datetime.fromisoformat(data["now"]),
                    text=data["text"],
                    expect=data["expect"],
                    tags=tuple(data.get("tags", ())),
                )
            )
    return rows


def wrong_keys(row: Row, gazetteer: Gazetteer) -> list[str]:
    """The contract keys on which the parser disagrees with the label."""
    got = understand(row.text, row.now, gazetteer).to_contract()
    return [key for key in CONTRACT_KEYS if got[key] != row.expect[key]]


@dataclass(frozen=True)
class Score:
    rows: int
    whole: float
    intent: float
    failures: list[tuple[Row, list[str]]]


def score(rows: list[Row], gazetteer: Gazetteer) -> Score:
    failures = [(row, bad) for row in rows if (bad := wrong_keys(row, gazetteer))]
    intent_wrong = sum(1 for _, bad in failures if "intent" in bad)
    return Score(
        rows=len(rows),
        whole=1 - len(failures) / len(rows),
        intent=1 - intent_wrong / len(rows),
        failures=failures,
    )
