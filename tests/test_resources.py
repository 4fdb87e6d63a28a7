"""Registering shared equipment (issue 14): `/ressource` guided (one question at a time,
numbered answers, buttons, « annuler »), in one line, withdrawn; the kinds are the
understanding's resource categories; `/ressources`, nearest first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers import resources
from handlers.resources import Place, kind_of, place_of, read_one_line
from handlers.understanding import Gazetteer
from handlers.understanding.model import RESOURCE_CATEGORIES
from storage import members, profiles
from storage import resources as stored
from storage.resources import Resource
from tests.aude import PLACES
from tests.network import Network

LENDER = "Restos du Cœur Narbonne"


async def placed(network: Network, user: str, association: str, commune: str, role: str) -> None:
    await network.join(user, association, commune, role)  # type: ignore[arg-type]
    async with network.db.transaction() as conn:
        found = await members.association_by_name(conn, association)
        assert found is not None
        latitude, longitude = PLACES[commune]
        await profiles.set_profile(
            conn, found.id, commune=commune, latitude=latitude, longitude=longitude
        )
    network.take_inbox(user)


async def lender(network: Network) -> None:
    await placed(network, "nora", LENDER, "Narbonne", "coordinator")
    await placed(network, "mo", LENDER, "Narbonne", "member")


async def resource(network: Network, resource_id: int) -> Resource:
    async with network.db.transaction() as conn:
        found = await stored.resource_by_id(conn, resource_id)
    assert found is not None
    return found


async def say(network: Network, user: str, text: str, *, button: bool = False) -> str:
    return "\n".join(await network.say(user, text, button=button))


# ------------------------------------------------------------------ pure readings


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Camion frigo Renault 12 m³", "vehicule_frigo"), ("Renault Master 20 m3", None),
     ("camionnette", "vehicule"), ("Chambre froide 20 m3", "stockage_froid"),
     ("Entrepôt de la ZI", "stockage"), ("autoclave mobile", "conserverie"),
     ("transpalette", "manutention"), ("3 bénévoles le samedi", "benevoles"),
     ("stockage froid", "stockage_froid"), ("véhicule frigo", "vehicule_frigo"),
     ("cold storage", "stockage_froid"), ("vehicule_frigo", "vehicule_frigo")],
)  # fmt: skip
def test_the_kind_is_read_from_the_name_with_the_understanding_s_lexicon(
    name: str, kind: str | None
) -> None:
    assert kind_of(name) == kind


def test_the_kinds_are_the_understanding_s_resource_categories() -> None:
    assert tuple(resources.KIND_EMOJI) == RESOURCE_CATEGORIES


def test_one_line() -> None:
    line = read_one_line(
        "Camion frigo Renault 12 m³ ; Narbonne ; permis B, à rendre propre ; libre"
    )
    assert line == resources.OneLine(
        "vehicule_frigo",
        "Camion frigo Renault 12 m³",
        "Narbonne",
        "permis B, à rendre propre",
        False,
    )
    # A kind first when the name does not say it; approval by default; « aucune » condition.
    line = read_one_line("véhicule ; Renault Master ; ; aucune")
    assert (line.kind, line.name, line.place, line.conditions) == (
        "vehicule",
        "Renault Master",
        "",
        "",
    )
    assert line.needs_approval is True


@pytest.mark.parametrize(
    ("text", "key"),
    [("Renault Master ; Narbonne", "resource_kind_unknown"),
     (" ; Narbonne", "resource_name_missing"),
     ("Camion frigo ; Narbonne ; ; peut-être", "resource_approval_unknown"),
     ("Camion frigo ; a ; b ; accord ; e", "resource_too_many_fields")],
)  # fmt: skip
def test_one_line_mistakes(text: str, key: str) -> None:
    with pytest.raises(resources.Unreadable) as raised:
        read_one_line(text)
    assert raised.value.key == key


def test_the_place_is_a_commune_free_words_or_the_association(gazetteer: Gazetteer) -> None:
    home = Place("Narbonne", 43.18, 3.0)
    limoux = place_of(gazetteer, "Limoux", home)
    assert limoux.text == "Limoux" and limoux.latitude is not None and limoux.latitude < 43.1
    zone = place_of(gazetteer, "entrepôt de la ZI de Limoux", home)
    assert zone.text == "entrepôt de la ZI de Limoux" and zone.latitude == limoux.latitude
    assert place_of(gazetteer, "notre local, derrière la mairie", home) == Place(
        "notre local, derrière la mairie", 43.18, 3.0
    )
    assert place_of(gazetteer, "chez nous", home) == home
    assert place_of(gazetteer, "", home) == home


# ------------------------------------------------------------------ guided


async def test_guided_registration_with_numbers(network: Network) -> None:
    await lender(network)
    first = await say(network, "nora", "/ressource")
    assert "1/5 · Quelle sorte de ressource" in first and "1 🚚❄️ véhicule frigo" in first
    assert "7 🙋 bénévoles" in first
    assert "2/5 · Son nom" in await say(network, "nora", "1")
    place = await say(network, "nora", "Camion frigo Renault 12 m³")
    assert "3/5 · Où est-elle ?" in place and "1 📍 Chez nous (Narbonne)" in place
    assert "4/5 · Des conditions ?" in await say(network, "nora", "1")
    assert "5/5 · Les réservations des autres associations" in await say(
        network, "nora", "permis B"
    )
    done = await say(network, "nora", "2")
    assert "✅ Ressource n°1 enregistrée : Camion frigo Renault 12 m³" in done
    assert "Sorte : véhicule frigo" in done and "Où : Narbonne" in done
    assert "Conditions : permis B" in done
    assert "Les autres associations la réservent directement." in done
    assert "/reserver 1 jeudi 8h-14h" in done
    stored_one = await resource(network, 1)
    assert (stored_one.kind, stored_one.needs_approval, stored_one.point) == (
        "vehicule_frigo",
        False,
        PLACES["Narbonne"],
    )
    # The question is over: « 1 » is read as usual again.
    assert "Ressource" not in await say(network, "nora", "1")


async def test_guided_registration_with_buttons_and_typed_words(network: Network) -> None:
    await lender(network)
    await say(network, "nora", "/ressource")
    commands = [c.command for c in network.last_outgoing("nora").choices]
    assert commands[0] == "/ressource etape vehicule_frigo" and len(commands) == 7
    await say(network, "nora", "/ressource etape stockage_froid", button=True)
    await say(network, "nora", "Chambre froide 20 m³")
    await say(network, "nora", "entrepôt ZI de Limoux")
    await say(network, "nora", "/ressource etape aucune", button=True)
    done = await say(network, "nora", "/ressource etape accord", button=True)
    assert "Où : entrepôt ZI de Limoux" in done and "Conditions : aucune" in done
    assert "Chaque réservation d'une autre association attend votre accord." in done
    stored_one = await resource(network, 1)
    assert stored_one.kind == "stockage_froid" and stored_one.needs_approval
    assert stored_one.point is not None and abs(stored_one.point[0] - PLACES["Limoux"][0]) < 0.1


async def test_a_kind_not_understood_is_asked_again(network: Network) -> None:
    await lender(network)
    await say(network, "nora", "/ressource")
    again = await say(network, "nora", "une licorne")
    assert "Je ne reconnais pas « une licorne »" in again and "1/5" in again
    assert "2/5" in await say(network, "nora", "camion")


async def test_annuler_stops_the_guided_registration(network: Network) -> None:
    await lender(network)
    await say(network, "nora", "/ressource")
    await say(network, "nora", "2")
    assert "rien n'est enregistré" in await say(network, "nora", "annuler")
    async with network.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT COUNT(*) FROM resources")
    assert next(iter(rows))[0] == 0


async def test_a_guided_question_expires(network: Network) -> None:
    await lender(network)
    await say(network, "nora", "/ressource")
    network.clock.advance(timedelta(hours=1))
    assert "2/5" not in await say(network, "nora", "1")
    assert "Aucune question en cours" in await say(network, "nora", "/ressource etape 1")


async def test_only_coordinators_register(network: Network) -> None:
    await lender(network)
    refused = await say(network, "mo", "/ressource Camion frigo ; Narbonne")
    assert "Seuls les coordinateurs enregistrent" in refused and "/ressources" in refused


# ------------------------------------------------------------------ one line, withdrawn


async def test_one_line_registration_and_its_mistakes(network: Network) -> None:
    await lender(network)
    done = await say(network, "nora", "/ressource Transpalette ; ; ; libre")
    assert "✅ Ressource n°1 enregistrée : Transpalette" in done
    assert "Sorte : manutention" in done and "Où : Narbonne" in done  # the association's place
    assert "Je ne sais pas de quelle sorte est « Renault Master »" in await say(
        network, "nora", "/ressource Renault Master ; Narbonne"
    )
    ambiguous = await say(network, "nora", "/ressource Camion ; Saint-Martin ; ; accord")
    assert "Saint-Martin" in ambiguous and "Ressource n°" not in ambiguous


async def test_a_resource_is_withdrawn_when_nothing_is_booked(network: Network) -> None:
    await lender(network)
    await say(network, "nora", "/ressource Camion frigo ; Narbonne ; ; libre")
    await say(network, "nora", "/ressource Chambre froide ; Narbonne ; ; libre")
    await say(network, "nora", "/reserver 2 jeudi 8h-14h")
    assert "réservations à venir" in await say(network, "nora", "/ressource retirer 2")
    assert "Ressource n°1 (Camion frigo) retirée" in await say(
        network, "nora", "/ressource retirer 1"
    )
    assert (await resource(network, 1)).status == "withdrawn"
    assert "Pas de ressource n°1" in await say(network, "nora", "/reserver 1 jeudi 8h-14h")


# ------------------------------------------------------------------ /ressources


async def test_the_network_s_resources_nearest_first(network: Network) -> None:
    await lender(network)
    await placed(network, "carole", "Banque Alimentaire de l'Aude", "Carcassonne", "coordinator")
    await placed(network, "lina", "Épicerie solidaire de Limoux", "Limoux", "coordinator")
    await placed(network, "manon", "Banque alimentaire de l'Hérault", "Montpellier", "coordinator")
    await say(network, "nora", "/ressource Camion frigo Renault ; Narbonne ; ; accord")  # 53 km
    await say(network, "lina", "/ressource Chambre froide ; Limoux ; ; libre")  # 20 km
    await say(network, "carole", "/ressource Transpalette ; ; ; libre")  # home
    await say(network, "manon", "/ressource Camion frigo Iveco ; Montpellier")  # 131 km
    listed = await say(network, "carole", "/ressources")
    assert "Matériel partagé à 50 km ou moins (2)" in listed
    lines = listed.split("\n")
    assert lines[1].startswith("n°3 · 🛒 manutention · Transpalette — Carcassonne, chez vous")
    assert lines[2].startswith("n°2 · ❄️ stockage froid · Chambre froide — Limoux, à 20 km")
    assert "(Épicerie solidaire de Limoux) · réservation directe" in lines[2]
    assert "/reserver N jeudi 8h-14h" in listed
    wide = await say(network, "carole", "/ressources 100km")
    assert "(3)" in wide and "Camion frigo Renault — Narbonne, à 53 km" in wide
    assert "sur accord" in wide and "Iveco" not in wide
    cold = await say(network, "carole", "/ressources véhicule frigo 200 km")
    assert "Renault" in cold and "Iveco" in cold and "Transpalette" not in cold
    assert "Plus loin : /ressources 15km" in await say(network, "carole", "/ressources camion 5km")
    assert "Exemples : /ressources" in await say(network, "carole", "/ressources licornes")


async def test_without_a_place_the_latest_are_listed(network: Network) -> None:
    await lender(network)
    await network.join("zed", "Association sans lieu", "Carcassonne", "member")
    assert "Aucun matériel partagé" in await say(network, "zed", "/ressources")
    await say(network, "nora", "/ressource Camion frigo ; Narbonne")
    listed = await say(network, "zed", "/ressources")
    assert "les derniers" in listed and "n°1 · 🚚❄️ véhicule frigo · Camion frigo" in listed
    assert "/profil commune" in listed


async def test_ressources_without_slash(network: Network) -> None:
    await lender(network)
    await say(network, "nora", "/ressource Camion frigo ; Narbonne")
    assert "Camion frigo" in await say(network, "mo", "ressources 30km")
