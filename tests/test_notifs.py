"""`/notifs`: each member's own choice of what is relayed to them — read, stored, worded."""

from __future__ import annotations

import pytest

from handlers import notifications_settings as settings
from storage import events, members, profiles
from storage.models import Preferences
from tests.network import Network

OURS = "Banque Alimentaire de l'Aude"


async def join(network: Network) -> None:
    await network.join("mia", OURS)
    await network.join("cora", OURS, role="coordinator")  # gets the digest at 08:00
    network.take_inbox("mia")
    network.take_inbox("cora")


async def stored(network: Network, user: str = "mia") -> Preferences:
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", user)
        assert member is not None
        return await profiles.preferences_of(conn, member.id)


async def say(network: Network, user: str, text: str) -> str:
    return "\n".join(await network.say(user, text))


async def test_notifs_alone_shows_the_defaults_and_the_choices(network: Network) -> None:
    await join(network)
    shown = await say(network, "mia", "/notifs")
    assert "toutes les annonces qui vous concernent (par défaut)" in shown
    assert "Catégories coupées : aucune" in shown
    assert "21:00–07:30" in shown and "les urgences passent toujours" in shown
    assert "/notifs tout | urgent | resume | off" in shown and "/notifs calme 22h-7h" in shown
    assert await stored(network) == Preferences((await stored(network)).member_id)


@pytest.mark.parametrize(
    ("words", "mode"),
    [
        *[(w, "all") for w in ("tout", "Tout", "toutes", "all")],
        *[(w, "urgent") for w in ("urgent", "urgences", "Urgence", "urgents", "sos")],
        *[(w, "digest") for w in ("resume", "résumé", "digest", "point", "quotidien")],
        *[(w, "off") for w in ("off", "rien", "aucune", "stop", "OFF", "plus rien")],
    ],
)
async def test_modes_and_their_synonyms_are_stored(network: Network, words: str, mode: str) -> None:
    await join(network)
    if mode == "all":
        await network.say("mia", "/notifs off")
    reply = await say(network, "mia", f"/notifs {words}")
    assert reply.startswith("✅") and "\n" not in reply
    assert (await stored(network)).mode == mode
    assert (await stored(network)).quiet_start == "21:00"  # the rest is kept


async def test_urgent_and_digest_say_what_happens_to_the_digest(network: Network) -> None:
    await join(network)
    # A coordinator gets the daily digest: it continues.
    urgent = await say(network, "cora", "/notifs urgences")
    assert (
        urgent == "✅ Vous recevrez seulement les urgences ; le résumé quotidien continue (08:00)."
    )
    # A member without a digest is told how to get one.
    digest_only = await say(network, "mia", "/notifs résumé")
    assert "résumé quotidien est arrêté : /digest 8h" in digest_only
    await network.say("mia", "/digest 7h30")
    assert "continue (07:30)" in await say(network, "mia", "/notifs urgent")


async def test_off_says_how_to_come_back(network: Network) -> None:
    await join(network)
    reply = await say(network, "mia", "/notifs off")
    assert "Plus aucune annonce" in reply and "/notifs tout" in reply


@pytest.mark.parametrize(
    ("words", "slugs"),
    [
        ("produits_laitiers", {"produits_laitiers"}),
        ("laitiers", {"produits_laitiers"}),
        ("laitiers et surgelés", {"produits_laitiers", "surgeles"}),
        ("les légumes", {"fruits_legumes"}),
        ("frais", {"produits_laitiers", "viande_poisson_oeufs", "plats_prepares"}),
    ],
)
async def test_categories_are_muted_and_unmuted(
    network: Network, words: str, slugs: set[str]
) -> None:
    await join(network)
    await network.say("mia", "/notifs sans boissons")
    muted = await say(network, "mia", f"/notifs sans {words}")
    assert muted.startswith("✅ Vous ne recevrez plus les annonces :")
    assert (await stored(network)).muted == {"boissons", *slugs}
    back = await say(network, "mia", f"/notifs avec {words}")
    assert back.startswith("✅ Vous recevez de nouveau")
    assert (await stored(network)).muted == {"boissons"}
    assert "Plus aucune catégorie coupée" in await say(network, "mia", "/notifs avec tout")
    assert (await stored(network)).muted == frozenset()


async def test_the_settings_show_the_muted_categories(network: Network) -> None:
    await join(network)
    await network.say("mia", "/notifs sans laitiers, boissons")
    shown = await say(network, "mia", "/notifs")
    assert "Catégories coupées : boissons, produits laitiers" in shown


@pytest.mark.parametrize("words", ["sans bidules", "avec", "sans laitiers, bidules", "sans 12"])
async def test_unknown_categories_change_nothing(network: Network, words: str) -> None:
    await join(network)
    reply = await say(network, "mia", f"/notifs {words}")
    assert "Je n'ai pas reconnu" in reply and "laitiers" in reply
    assert (await stored(network)).muted == frozenset()


async def test_muting_everything_points_to_off(network: Network) -> None:
    await join(network)
    assert "/notifs off" in await say(network, "mia", "/notifs sans tout")
    assert (await stored(network)).mode == "all"


@pytest.mark.parametrize(
    ("words", "start", "end"),
    [
        ("22h-7h", "22:00", "07:00"),
        ("22h - 7h", "22:00", "07:00"),
        ("21h30-7h30", "21:30", "07:30"),
        ("22:15-06:45", "22:15", "06:45"),
        ("de 23h à 6h", "23:00", "06:00"),
        ("13h-14h", "13:00", "14:00"),
        ("24h-8h", "00:00", "08:00"),
    ],
)
async def test_quiet_hours_are_read_and_stored(
    network: Network, words: str, start: str, end: str
) -> None:
    await join(network)
    reply = await say(network, "mia", f"/notifs calme {words}")
    assert reply.startswith(f"✅ Calme de {start} à {end}") and "urgences passent" in reply
    found = await stored(network)
    assert (found.quiet_start, found.quiet_end) == (start, end)


@pytest.mark.parametrize("words", ["off", "non", "jamais", "aucun"])
async def test_quiet_hours_can_be_turned_off(network: Network, words: str) -> None:
    await join(network)
    assert "Plus d'heures calmes" in await say(network, "mia", f"/notifs calme {words}")
    found = await stored(network)
    assert found.quiet_start == found.quiet_end
    assert "Calme : jamais" in await say(network, "mia", "/notifs")


@pytest.mark.parametrize("words", ["", "25h-7h", "22h-7h61", "22h", "tard", "7h-7h", "22h-"])
async def test_bad_quiet_hours_explain_the_form(network: Network, words: str) -> None:
    await join(network)
    reply = await say(network, "mia", f"/notifs calme {words}")
    assert "début-fin" in reply and "/notifs calme 22h-7h" in reply
    assert (await stored(network)).quiet_start == "21:00"


@pytest.mark.parametrize("words", ["bleu", "urgent demain", "123"])
async def test_unknown_words_show_the_usage(network: Network, words: str) -> None:
    await join(network)
    reply = await say(network, "mia", f"/notifs {words}")
    assert "Je n'ai pas compris" in reply and "/notifs urgent" in reply
    assert await stored(network) == Preferences((await stored(network)).member_id)


async def test_each_member_has_their_own_and_changes_are_logged(network: Network) -> None:
    await join(network)
    await network.say("mia", "/notifs urgent")
    await network.say("mia", "/notifs calme 22h-6h")
    assert (await stored(network, "cora")).mode == "all"
    async with network.db.transaction() as conn:
        logged = await events.events_of_kind(conn, "preferences_changed")
    assert [detail for _, detail in logged] == [
        "mode=urgent;muted=;quiet=21:00-07:30",
        "mode=urgent;muted=;quiet=22:00-06:00",
    ]


async def test_english_and_the_bare_word(network: Network) -> None:
    await join(network)
    assert "Vos notifications" in await say(network, "mia", "notifs")
    assert (await stored(network)).mode == "all"
    await network.say("mia", "notifs urgent")
    assert (await stored(network)).mode == "urgent"
    await network.say("mia", "/langue en")
    assert "Received: urgent posts only" in await say(network, "mia", "/notifications")


# ------------------------------------------------------------------ pure


@pytest.mark.parametrize(
    "args", ["", "tout", "urgent", "resume", "off", "sans laitiers", "avec tout", "calme off"]
)
def test_every_reading_applies_and_is_worded(args: str) -> None:
    change = settings.read_notifs(args)
    if change is None:
        assert args == ""
        return
    after = settings.changed(Preferences(1), change)
    assert after.member_id == 1
    for lang in ("fr", "en"):
        assert settings.confirmation(lang, change, "08:00")
        assert settings.settings_text(lang, after)
