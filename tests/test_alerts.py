"""`/alerte`: coordinators reach every active member, ahead of everything else."""

from __future__ import annotations

from dataclasses import replace

from handlers.messages import Outgoing
from storage import outbox
from tests.network import Network


async def join_three(network: Network) -> None:
    await network.join("camille", "Banque Alimentaire", role="coordinator")
    await network.join("bob", "Restos du Cœur", "Narbonne")
    await network.join("carla", "Épicerie de Limoux", "Limoux")
    await network.join("dan", "Épicerie de Limoux", "Limoux")
    for user in ("camille", "bob", "carla", "dan"):
        network.take_inbox(user)


async def test_alert_reaches_every_member_and_the_group(network: Network) -> None:
    await join_three(network)
    [reply] = await network.say("camille", "/alerte Plus de lait infantile à Quillan !")
    assert "3 membre(s)" in reply
    for user in ("bob", "carla", "dan"):
        [alert] = network.take_inbox(user)
        assert "🚨 Alerte — Banque Alimentaire" in alert
        assert "Plus de lait infantile à Quillan !" in alert and "@camille" in alert
    assert network.take_inbox("group"), "the group hears it too"
    assert network.take_inbox("camille") == [], "the writer gets a reply, not a copy"
    message = network.last_outgoing("bob")
    assert message.template == "alert"
    assert "Plus de lait infantile" in message.template_variables[0]


async def test_alert_is_for_coordinators_only(network: Network) -> None:
    await join_three(network)
    [reply] = await network.say("bob", "/alerte tout le monde !")
    assert "coordinat" in reply.lower()
    assert network.take_inbox("carla") == []


async def test_alert_without_text_gives_usage(network: Network) -> None:
    await join_three(network)
    [reply] = await network.say("camille", "/alerte")
    assert "/alerte TEXTE" in reply


async def test_alert_goes_ahead_of_queued_news(network: Network) -> None:
    await join_three(network)
    # News already waiting in the outbox (say, a slow platform), then the alert.
    async with network.db.transaction() as conn:
        await outbox.enqueue(
            conn,
            [
                outbox.QueuedMessage("test", "bob", None, Outgoing(f"nouvelle {i}").to_json(), 1)
                for i in range(3)
            ],
            network.clock.now(),
        )
    await network.dispatcher.handle(network.incoming("camille", "/alerte Urgence froid"))
    await network.deliver()
    received = network.take_inbox("bob")
    assert "Urgence froid" in received[0]
    assert [m for m in received[1:]] == ["nouvelle 0", "nouvelle 1", "nouvelle 2"]


async def test_urgent_post_uses_the_alert_fast_path(network: Network) -> None:
    await join_three(network)
    async with network.db.transaction() as conn:
        await outbox.enqueue(
            conn,
            [outbox.QueuedMessage("test", "carla", None, Outgoing("nouvelle").to_json(), 1)],
            network.clock.now(),
        )
    await network.dispatcher.handle(
        network.incoming("bob", "/urgent besoin de 20 L de lait infantile à Narbonne")
    )
    await network.deliver()
    received = network.take_inbox("carla")
    assert "lait infantile" in received[0] and received[1] == "nouvelle"
    relay = next(m for who, m in network.channel.sent if who == "carla" and "lait" in m.text)
    assert relay.template == "alert"


async def test_an_alert_never_shows_a_phone_number(network: Network) -> None:
    """A WhatsApp contact is a phone number: nobody agreed to show it network-wide. The other
    side of a claim still sees it (and gets the one-tap link)."""
    await join_three(network)

    async def from_whatsapp(text: str) -> None:
        incoming = replace(
            network.incoming("camille", text),
            contact="+33612345678 (WhatsApp)",
            contact_link="https://wa.me/33612345678",
            contact_private=True,
        )
        await network.dispatcher.handle(incoming)
        await network.deliver()

    await from_whatsapp("/alerte Plus de lait infantile à Quillan !")
    for user in ("bob", "carla", "group"):
        [alert] = network.take_inbox(user)
        assert "lait infantile" in alert and "+336" not in alert and "De Camille" in alert
    assert network.last_outgoing("bob").links == ()
    await from_whatsapp("/numero oui")  # she agrees to show it to the other side of a claim
    await from_whatsapp("/alerte Encore du lait ?")
    for user in ("bob", "carla", "group"):
        assert "+336" not in "".join(network.take_inbox(user)), "agreeing is not for everyone"
    await from_whatsapp("/don 10 kg de pommes à Carcassonne")
    network.take_inbox("bob")
    [taken] = await network.say("bob", "/prendre 1")
    assert "+33612345678 (WhatsApp)" in taken
    assert [link.url for link in network.last_outgoing("bob").links] == [
        "https://wa.me/33612345678"
    ]
