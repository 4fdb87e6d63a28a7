"""Food-safety verdicts, partial corrections and the JSON lines of `boucle parse`."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.understanding import (
    CONTRACT_KEYS,
    Gazetteer,
    Understanding,
    check_offer_dates,
    contract_json_lines,
    understand,
    understand_correction,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
TODAY = NOW.date()


def offer(deadline: date | None, kind: str | None, cold: bool = True) -> Understanding:
    return Understanding(
        intent="offer",
        category="produits_laitiers",
        deadline=deadline,
        date_kind=kind,  # type: ignore[arg-type]
        cold_chain=cold,
    )


def test_offer_past_its_dlc_is_refused() -> None:
    verdict = check_offer_dates(offer(date(2026, 11, 28), "dlc"), TODAY)
    assert verdict.refused and verdict.note_key == "dlc_past"


def test_offer_past_its_ddm_is_accepted_with_a_note() -> None:
    verdict = check_offer_dates(offer(date(2026, 11, 28), "ddm", cold=False), TODAY)
    assert not verdict.refused and verdict.note_key == "ddm_past"


def test_good_offer_passes_and_dlc_today_is_flagged() -> None:
    assert check_offer_dates(offer(date(2026, 12, 4), "dlc"), TODAY).note_key is None
    verdict = check_offer_dates(offer(TODAY, "dlc"), TODAY)
    assert not verdict.refused and "dlc_today" in verdict.flags


def test_need_with_a_past_date_is_flagged_not_refused() -> None:
    need = Understanding(intent="need", deadline=date(2026, 11, 30))
    verdict = check_offer_dates(need, TODAY)
    assert not verdict.refused and verdict.note_key is None and "date_past" in verdict.flags


def test_cold_offer_without_date_and_invalid_dates_are_flagged() -> None:
    assert "dlc_missing" in check_offer_dates(offer(None, None), TODAY).flags
    u = Understanding(intent="offer", invalid_date="31/02")
    assert "date_invalid" in check_offer_dates(u, TODAY).flags


def test_end_to_end_refusal(gazetteer: Gazetteer) -> None:
    u = understand("yaourts à donner, DLC 28/11", NOW, gazetteer)
    assert check_offer_dates(u, TODAY).refused


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30 kg", {"quantity": 30, "unit": "kg"}),
        ("50", {"quantity": 50}),
        ("pour jeudi", {"deadline": date(2026, 12, 3)}),
        ("DLC 12/12", {"deadline": date(2026, 12, 12)}),
        ("à Narbonne", {"place": "Narbonne"}),
        ("TREBES", {"place": "Trèbes"}),
        ("urgent", {"urgent": True}),
        ("pas urgent", {"urgent": False}),
        (
            "camion non frigorifique",
            {"category": "vehicule", "what": "camion non frigorifique", "cold_chain": False},
        ),
        (
            "c'est des yaourts",
            {"category": "produits_laitiers", "what": "yaourts", "cold_chain": True},
        ),
        ("31/02", {"invalid_date": "31/02"}),
        ("merci", {}),
        ("", {}),
    ],
)
def test_correction_gives_only_what_is_said(
    gazetteer: Gazetteer, text: str, expected: dict[str, object]
) -> None:
    assert understand_correction(text, NOW, gazetteer, "Europe/Paris") == expected


def test_contract_json_lines(gazetteer: Gazetteer) -> None:
    lines = list(
        contract_json_lines(
            ["/fait 7", "Besoin de 2,5 kg de riz à Sète", ""], NOW, gazetteer, "Europe/Paris"
        )
    )
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert tuple(first)[:9] == CONTRACT_KEYS
    assert first["intent"] == "done" and first["post_ref"] == 7
    assert second["quantity"] == 2.5 and second["place"] == "Sète"
    assert third["intent"] == "unknown"
    assert "Sète" in lines[1] and " " not in lines[0]  # ensure_ascii=False, compact
