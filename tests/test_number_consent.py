"""A phone number (a WhatsApp contact) is shown only where its owner agreed (`/numero oui`),
and then only to the other side of an exchange: never before, never to the whole network."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.network import Network

NUMBER = "+33612345678"


async def awa_says(network: Network, text: str) -> list[str]:
    """Awa writes from WhatsApp: her contact is her phone number."""
    await network.deliver()
    before = len(network.inboxes["awa"])
    incoming = replace(
        network.incoming("awa", text),
        contact=f"{NUMBER} (WhatsApp)",
        contact_link="https://wa.me/33612345678",
        contact_private=True,
    )
    await network.dispatcher.handle(incoming)
    await network.deliver()
    replies = network.inboxes["awa"][before:]
    del network.inboxes["awa"][before:]
    return replies


async def awa_and_bob(network: Network) -> list[str]:
    code = await network.invite("Banque Alimentaire de l'Aude")
    welcome = await awa_says(network, f"/start {code}")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    network.take_inbox("bob")
    return welcome


async def test_a_number_is_hidden_until_its_owner_agrees(network: Network) -> None:
    [welcome] = await awa_and_bob(network)
    assert "NUMERO OUI" in welcome, "she is told, at once, how to show it"
    await awa_says(network, "/don 10 kg de pommes à Carcassonne")
    network.take_inbox("bob")
    [taken] = await network.say("bob", "/prendre 1")
    assert NUMBER not in taken and "via Boucle" in taken
    assert network.last_outgoing("bob").links == ()
    assert all(NUMBER not in message for message in network.take_inbox("awa"))


@pytest.mark.parametrize("agree", ["/numero oui", "numero oui", "NUMERO OUI", "/numero montrer"])
async def test_agreeing_shows_it_to_the_other_side_only(network: Network, agree: str) -> None:
    await awa_and_bob(network)
    await network.join("carla", "Épicerie de Limoux", "Limoux")
    network.take_inbox("carla")
    [answer] = await awa_says(network, agree)
    assert "/numero non" in answer
    await awa_says(network, "/don 10 kg de pommes à Carcassonne")
    [relay] = network.take_inbox("carla")
    assert NUMBER not in relay, "a relay to everyone never shows it"
    [taken] = await network.say("bob", "/prendre 1")
    assert f"{NUMBER} (WhatsApp)" in taken
    assert [link.url for link in network.last_outgoing("bob").links] == [
        "https://wa.me/33612345678"
    ]


async def test_changing_her_mind_hides_it_again(network: Network) -> None:
    await awa_and_bob(network)
    await awa_says(network, "numero oui")
    [hidden] = await awa_says(network, "/numero non")
    assert "/numero oui" in hidden
    [status] = await awa_says(network, "/numero")
    assert "n'est montré à personne" in status and "Usage" in status
    await awa_says(network, "/don 10 kg de pommes à Carcassonne")
    [taken] = await network.say("bob", "/prendre 1")
    assert NUMBER not in taken


@pytest.mark.parametrize("text", ["/numero peut-être", "/numero 0612345678", "/numero oui non"])
async def test_an_unclear_answer_gets_the_usage(network: Network, text: str) -> None:
    await awa_and_bob(network)
    [answer] = await awa_says(network, text)
    assert "Usage : /numero oui" in answer


async def test_numero_in_a_sentence_is_not_the_command(network: Network) -> None:
    await awa_and_bob(network)
    replies = await awa_says(network, "numero de la chambre froide : 12")
    assert not any("Usage : /numero" in reply or "/numero non" in reply for reply in replies)
