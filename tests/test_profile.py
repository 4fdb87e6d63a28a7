"""`/profil`: seeing an association's profile, changing it in one line, guided, with a pin;
what is refused (bad values, a member who is not a coordinator); what is stored and logged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from handlers import profile
from handlers.category_words import read_categories
from handlers.messages import Address, Incoming, Location
from handlers.routing import MAX_REACH_KM
from handlers.understanding import Gazetteer
from storage import events, members, profiles
from storage.models import Profile
from tests.network import CHANNEL, Network

OURS = "Banque Alimentaire de l'Aude"


async def join(network: Network) -> None:
    """Cora coordinates our association (Carcassonne); Mia is a member of it."""
    await network.join("cora", OURS, role="coordinator")
    await network.join("mia", OURS)
    network.take_inbox("cora")
    network.take_inbox("mia")


async def stored(network: Network) -> Profile:
    async with network.db.transaction() as conn:
        association = await members.association_by_name(conn, OURS)
        assert association is not None
        found = await profiles.profile_of(conn, association.id)
    assert found is not None
    return found


async def logged(network: Network) -> list[str]:
    async with network.db.transaction() as conn:
        found = await events.events_of_kind(conn, "profile_changed")
    return [detail for _, detail in found]


async def say(network: Network, user: str, text: str) -> str:
    return "\n".join(await network.say(user, text))


# ------------------------------------------------------------------ seeing it


@pytest.mark.parametrize("user", ["cora", "mia"])
async def test_profil_alone_shows_the_profile_and_the_defaults(network: Network, user: str) -> None:
    await join(network)
    shown = await say(network, user, "/profil")
    assert f"Profil de {OURS}" in shown
    assert "30 km (par défaut)" in shown and "toutes catégories (par défaut)" in shown
    assert "aucun déclaré" in shown
    if user == "cora":
        assert "/profil rayon 40" in shown and "/profil modifier" in shown
    else:
        assert "Seuls les coordinateurs" in shown and "/profil rayon" not in shown


async def test_the_bare_word_works_on_whatsapp(network: Network) -> None:
    await join(network)
    assert "Profil de" in await say(network, "cora", "profil")
    assert "Rayon : 25 km" in await say(network, "cora", "Profil rayon 25")
    # Not one of /profil's words: left to the free reading, nothing changed.
    await network.say("cora", "profil de nos bénévoles")
    assert (await stored(network)).reach_km == 25


# ------------------------------------------------------------------ one-line changes


@pytest.mark.parametrize(
    ("text", "km"),
    [
        ("rayon 40", 40),
        ("rayon 40 km", 40),
        ("Rayon 12,5", 12.5),
        ("distance 1", 1),
        ("km 300", 300),
    ],
)
async def test_the_reach_is_set_and_stored(network: Network, text: str, km: float) -> None:
    await join(network)
    reply = await say(network, "cora", f"/profil {text}")
    assert reply.startswith("✅ Rayon :") and "\n" not in reply
    assert (await stored(network)).reach_km == km
    assert (await logged(network))[-1].endswith(f"reach_km={km:g}")


@pytest.mark.parametrize("value", ["0", "10000", "abc", "-5", "301", "40 miles", "0,5"])
async def test_a_reach_out_of_bounds_is_refused_and_nothing_changes(
    network: Network, value: str
) -> None:
    await join(network)
    reply = await say(network, "cora", f"/profil rayon {value}")
    assert f"entre 1 et {int(MAX_REACH_KM)}" in reply and "par défaut : 30 km" in reply
    assert (await stored(network)).reach_km == 30
    assert await logged(network) == []


@pytest.mark.parametrize(
    ("name", "commune", "department"),
    [("Limoux", "Limoux", "11"), ("narbonne", "Narbonne", "11"), ("BEZIERS", "Béziers", "34")],
)
async def test_a_commune_sets_the_place_from_the_gazetteer(
    network: Network, gazetteer: Gazetteer, name: str, commune: str, department: str
) -> None:
    await join(network)
    reply = await say(network, "cora", f"/profil commune {name}")
    assert reply == f"✅ Lieu : {commune} ({department}). Les distances se mesurent depuis là."
    found = await stored(network)
    expected = gazetteer.find(commune)
    assert expected is not None
    assert found.commune == commune and found.point == (expected.latitude, expected.longitude)


async def test_an_unknown_commune_gets_suggestions(network: Network) -> None:
    await join(network)
    before = await stored(network)
    reply = await say(network, "cora", "/profil commune Carcasone")
    assert "Je ne connais pas la commune « Carcasone »" in reply
    assert "Vouliez-vous dire : Carcassonne (11)" in reply
    nothing = await say(network, "cora", "/profil commune Nulle-Part-Sur-Rien")
    assert "Je ne connais pas" in nothing and "Vouliez-vous" not in nothing
    assert "code postal" in nothing and "position" in nothing
    assert await stored(network) == before


async def test_an_ambiguous_commune_asks_for_the_postal_code(network: Network) -> None:
    await join(network)
    reply = await say(network, "cora", "/profil commune Saint-André")
    assert "Plusieurs communes s'appellent « Saint-André »" in reply
    assert "66690" in reply and "code postal" in reply
    assert "Saint-André" in await say(network, "cora", "/profil commune Saint-André 66690")
    assert (await stored(network)).commune == "Saint-André"


@pytest.mark.parametrize(
    ("words", "slugs"),
    [
        ("produits_laitiers, fruits et légumes", {"produits_laitiers", "fruits_legumes"}),
        ("laitiers", {"produits_laitiers"}),
        ("Légumes; surgelés", {"fruits_legumes", "surgeles"}),
        ("frais", {"produits_laitiers", "viande_poisson_oeufs", "plats_prepares"}),
        ("yaourts et pain", {"produits_laitiers", "boulangerie"}),
        ("épicerie sèche / conserves", {"epicerie_seche", "conserves"}),
        ("viande, poisson, œufs", {"viande_poisson_oeufs"}),
        ("rien", set()),
    ],
)
@pytest.mark.parametrize(("verb", "field"), [("reçoit", "takes"), ("donne", "gives")])
async def test_categories_are_read_from_slugs_and_plain_words(
    network: Network, verb: str, field: str, words: str, slugs: set[str]
) -> None:
    await join(network)
    reply = await say(network, "cora", f"/profil {verb} {words}")
    assert reply.startswith("✅")
    assert getattr(await stored(network), field) == frozenset(slugs)


@pytest.mark.parametrize("verb", ["recoit", "donne"])
async def test_tout_puts_back_every_category(network: Network, verb: str) -> None:
    await join(network)
    await network.say("cora", f"/profil {verb} laitiers")
    reply = await say(network, "cora", f"/profil {verb} tout")
    assert "toutes catégories" in reply
    found = await stored(network)
    assert (found.takes if verb == "recoit" else found.gives) is None


@pytest.mark.parametrize("words", ["bidules", "laitiers, bidules", "123"])
async def test_unknown_category_words_are_named_and_the_accepted_ones_listed(
    network: Network, words: str
) -> None:
    await join(network)
    reply = await say(network, "cora", f"/profil reçoit {words}")
    assert "Je n'ai pas reconnu" in reply and "Rien n'a changé" in reply
    assert "laitiers" in reply and "surgelés" in reply and "tout" in reply
    assert (await stored(network)).takes is None


@pytest.mark.parametrize(
    ("words", "held"),
    [
        ("chambre froide, camion frigo", {"cold_storage", "cold_vehicle"}),
        ("stockage sec et bénévoles", {"dry_storage", "volunteers"}),
        ("Chambre froide, camion frigo, stockage sec, bénévoles", set(profile.CAPACITIES)),
        ("frigo", {"cold_storage"}),
        ("aucune", set()),
    ],
)
async def test_capacities_replace_the_declared_ones(
    network: Network, words: str, held: set[str]
) -> None:
    await join(network)
    await network.say("cora", "/profil capacites bénévoles")
    reply = await say(network, "cora", f"/profil capacités {words}")
    assert reply.startswith("✅ Moyens :")
    found = await stored(network)
    assert {c for c in profile.CAPACITIES if getattr(found, c)} == held
    assert found.keeps_cold == bool(held & {"cold_storage", "cold_vehicle"})


async def test_unknown_capacities_change_nothing(network: Network) -> None:
    await join(network)
    reply = await say(network, "cora", "/profil capacites chambre froide, hélicoptère")
    assert "« helicoptere »" in reply and "Rien n'a changé" in reply
    assert not (await stored(network)).cold_storage


@pytest.mark.parametrize("text", ["/profil rayon", "/profil commune", "/profil reçoit"])
async def test_a_missing_value_shows_an_example(network: Network, text: str) -> None:
    await join(network)
    assert "Il manque la valeur, par ex. : /profil" in await say(network, "cora", text)


async def test_an_unknown_word_shows_the_usage(network: Network) -> None:
    await join(network)
    reply = await say(network, "cora", "/profil couleur bleue")
    assert "Je n'ai pas compris « couleur »" in reply and "/profil modifier" in reply


@pytest.mark.parametrize(
    "text",
    [
        "/profil rayon 40",
        "/profil commune Limoux",
        "/profil reçoit laitiers",
        "/profil donne tout",
        "/profil capacites aucune",
        "/profil modifier",
    ],
)
async def test_a_member_may_not_change_the_profile(network: Network, text: str) -> None:
    await join(network)
    before = await stored(network)
    reply = await say(network, "mia", text)
    assert "Seuls les coordinateurs de votre association" in reply and "/profil" in reply
    assert await stored(network) == before
    assert await logged(network) == []


async def test_the_english_reader_gets_english(network: Network) -> None:
    await join(network)
    await network.say("cora", "/langue en")
    assert "Reach: 30 km (default)" in await say(network, "cora", "/profil")
    assert "Reach: 45 km" in await say(network, "cora", "/profil rayon 45")


async def test_every_change_is_logged_with_its_author(network: Network) -> None:
    await join(network)
    for text in ("rayon 40", "commune Limoux", "reçoit laitiers", "capacites frigo"):
        await network.say("cora", f"/profil {text}")
    details = await logged(network)
    assert [d.split(";")[1].split("=")[0] for d in details] == [
        "reach_km",
        "commune",
        "takes",
        "capacities",
    ]
    async with network.db.transaction() as conn:
        actors = {actor for actor, _ in await events.events_of_kind(conn, "profile_changed")}
    assert len(actors) == 1 and None not in actors


# ------------------------------------------------------------------ a location pin


def pin(network: Network, user: str, latitude: float, longitude: float) -> Incoming:
    base = network.incoming(user, "")
    return Incoming(
        Address(CHANNEL, user),
        base.message_id,
        "",
        base.received_at,
        location=Location(latitude, longitude),
    )


async def send_pin(network: Network, user: str, latitude: float, longitude: float) -> str:
    await network.deliver()
    network.take_inbox(user)
    await network.dispatcher.handle(pin(network, user, latitude, longitude))
    await network.deliver()
    return "\n".join(network.take_inbox(user))


async def test_a_pin_sets_the_place_and_shows_the_profile(network: Network) -> None:
    await join(network)
    reply = await send_pin(network, "cora", 43.0567, 2.2186)
    assert "Position enregistrée" in reply and "Profil de" in reply
    assert (await stored(network)).point == (43.0567, 2.2186)
    assert "point=43.05670,2.21860" in (await logged(network))[-1]


async def test_a_member_s_pin_is_refused_kindly(network: Network) -> None:
    await join(network)
    before = await stored(network)
    reply = await send_pin(network, "mia", 43.0567, 2.2186)
    assert "Seuls les coordinateurs" in reply
    assert await stored(network) == before


# ------------------------------------------------------------------ guided


async def test_guided_on_whatsapp_with_numbers_words_and_skips(network: Network) -> None:
    await join(network)
    first = await say(network, "cora", "/profil modifier")
    assert first.startswith("1/5") and "Limoux" in first and "1 ⏭ Passer" in first
    second = await say(network, "cora", "Limoux")
    assert second.startswith("✅ Lieu : Limoux") and "2/5" in second
    assert "1 10 km" in second and "4 50 km" in second and "5 ⏭ Passer" in second
    third = await say(network, "cora", "2")  # the second choice: 20 km
    assert "✅ Rayon : 20 km" in third and "3/5" in third and "1 Tout" in third
    fourth = await say(network, "cora", "laitiers, fruits")
    assert "✅ Reçoit : fruits et légumes, produits laitiers" in fourth and "4/5" in fourth
    fifth = await say(network, "cora", "passer")
    assert fifth.startswith("5/5") and "✅" not in fifth
    done = await say(network, "cora", "chambre froide et bénévoles")
    assert "✅ Moyens : chambre froide, bénévoles" in done and "👍 Profil à jour" in done
    found = await stored(network)
    assert found.commune == "Limoux" and found.reach_km == 20
    assert found.takes == {"produits_laitiers", "fruits_legumes"} and found.gives is None
    assert found.cold_storage and found.volunteers and not found.cold_vehicle
    # The flow is over: a number is no longer read as an answer.
    assert "✅" not in await say(network, "cora", "2")


async def test_guided_on_telegram_with_buttons(network: Network) -> None:
    await join(network)
    await network.say("cora", "/profil modifier")
    asked = network.last_outgoing("cora")
    assert [c.command for c in asked.choices] == ["/profil passer"]
    await network.say("cora", "/profil passer", button=True)
    asked = network.last_outgoing("cora")
    assert [c.command for c in asked.choices] == [
        "/profil rayon 10",
        "/profil rayon 20",
        "/profil rayon 30",
        "/profil rayon 50",
        "/profil passer",
    ]
    reply = await say(network, "cora", "/profil rayon 50")
    assert "✅ Rayon : 50 km" in reply and "3/5" in reply
    await network.say("cora", "/profil recoit tout", button=True)
    await network.say("cora", "/profil donne tout", button=True)
    done = await say(network, "cora", "/profil capacites aucune")
    assert "👍 Profil à jour" in done
    assert (await stored(network)).reach_km == 50


async def test_a_wrong_answer_asks_the_same_step_again(network: Network) -> None:
    await join(network)
    await network.say("cora", "/profil modifier")
    await network.say("cora", "passer")
    again = await say(network, "cora", "beaucoup")
    assert "entre 1 et 300" in again and "2/5" in again
    assert "✅ Rayon : 35 km" in await say(network, "cora", "35 km")


async def test_a_pin_answers_the_place_step(network: Network) -> None:
    await join(network)
    await network.say("cora", "/profil modifier")
    reply = await send_pin(network, "cora", 43.1, 2.2)
    assert "Position enregistrée" in reply and "2/5" in reply


@pytest.mark.parametrize("word", ["annuler", "stop"])
async def test_guided_can_be_stopped_and_keeps_what_was_answered(
    network: Network, word: str
) -> None:
    await join(network)
    await network.say("cora", "/profil modifier")
    await network.say("cora", "Quillan")
    assert "on s'arrête là" in await say(network, "cora", word)
    assert (await stored(network)).commune == "Quillan"
    assert "Aucune question en cours" in await say(network, "cora", "/profil passer")


async def test_guided_expires_and_the_message_is_read_as_usual(
    network: Network, clock: ManualClock
) -> None:
    await join(network)
    await network.say("cora", "/profil modifier")
    clock.advance(timedelta(hours=2))
    reply = await say(network, "cora", "Limoux")
    assert "✅ Lieu" not in reply
    assert (await stored(network)).commune == "Carcassonne"


async def test_another_command_ends_the_guided_profile(network: Network) -> None:
    await join(network)
    await network.say("cora", "/profil modifier")
    await network.say("cora", "/liste")
    assert "✅" not in await say(network, "cora", "Limoux")


# ------------------------------------------------------------------ pure readings


@pytest.mark.parametrize("text", ["1", "1 km", "299,9", "300"])
def test_parse_reach_accepts_numbers_in_range(text: str) -> None:
    assert 1 <= profile.parse_reach(text) <= MAX_REACH_KM


@pytest.mark.parametrize("text", ["", "0", "0.9", "300.1", "1e3", "dix", "40 miles", "4 0"])
def test_parse_reach_refuses_the_rest(text: str) -> None:
    with pytest.raises(profile.Invalid):
        profile.parse_reach(text)


@pytest.mark.parametrize(
    "slug", ["fruits_legumes", "produits_laitiers", "surgeles", "bebe", "vehicule_frigo"]
)
def test_every_slug_reads_as_itself(slug: str) -> None:
    assert read_categories(slug).categories == {slug}
    assert read_categories(slug.replace("_", " ").upper()).categories == {slug}
