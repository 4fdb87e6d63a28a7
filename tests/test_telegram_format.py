"""Telegram rendering: escaping, splitting under 4096 characters, buttons within 64 bytes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import Update

from bot.channels.telegram import MAX_TEXT, incoming_from_update, keyboard, render_html
from handlers.messages import Choice, Outgoing, split_text
from tests.fakes.telegram_api import parse_html


def test_user_text_is_escaped_and_title_bold() -> None:
    [html] = render_html(Outgoing('riz <b>bio</b> & "pâtes" 🍝', title="Don #3 · <Asso & Co>"))
    assert html.startswith("<b>Don #3 · &lt;Asso &amp; Co&gt;</b>\n")
    plain, entities = parse_html(html)
    assert plain == 'Don #3 · <Asso & Co>\nriz <b>bio</b> & "pâtes" 🍝'
    assert entities[0]["type"] == "bold"


def test_long_text_is_split_on_lines_and_each_part_parses() -> None:
    lines = [f"#{i} pommes & poires <{i}> — 30 kg — Narbonne" for i in range(400)]
    parts = render_html(Outgoing("\n".join(lines), title="Annonces ouvertes"))
    assert len(parts) > 1
    assert all(len(part) <= MAX_TEXT for part in parts)
    rebuilt = "\n".join(parse_html(part)[0] for part in parts)
    assert rebuilt == "Annonces ouvertes\n" + "\n".join(lines)


@pytest.mark.parametrize("limit", [10, 50, 1600])
def test_split_text_never_exceeds_the_limit(limit: int) -> None:
    text = ("mot " * 500 + "\n") * 3 + "x" * 3000
    assert all(len(chunk) <= limit for chunk in split_text(text, limit))
    assert "".join(split_text(text, limit)).replace(" ", "").replace("\n", "") == text.replace(
        " ", ""
    ).replace("\n", "")


def test_buttons_over_64_bytes_are_dropped() -> None:
    ok = Choice("Je prends", "/prendre 12")
    too_long = Choice("Trop", "/prendre " + "é" * 40)
    markup = keyboard(Outgoing("x", choices=(ok, too_long)))
    assert markup is not None
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == ["/prendre 12"]


def test_updates_ignored_outside_private_chats() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    group = Update.de_json(
        {
            "update_id": 5,
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "salut",
                "chat": {"id": -100, "type": "group", "title": "G"},
                "from": {"id": 7, "is_bot": False, "first_name": "A"},
            },
        },
        None,
    )
    assert incoming_from_update(group, now) is None
    private = Update.de_json(
        {
            "update_id": 6,
            "message": {
                "message_id": 2,
                "date": 0,
                "text": "/liste",
                "chat": {"id": 7, "type": "private", "first_name": "A"},
                "from": {"id": 7, "is_bot": False, "first_name": "A", "username": "anne"},
            },
        },
        None,
    )
    incoming = incoming_from_update(private, now)
    assert (
        incoming is not None
        and incoming.message_id == "m7:2"  # chat and message: unlike update_id, never reused
        and incoming.contact.startswith("@anne")
    )


@pytest.mark.parametrize(
    "name", ["Carla", '<b>Zoé</b> & "Co" 🍝', "a > b < c", "&amp; déjà échappé", "tg://user"]
)
def test_a_contact_link_is_escaped_and_parses(name: str) -> None:
    """The contact becomes a link (a mention by id for a person without @username), whatever
    the name holds: the fake parses HTML as strictly as Telegram."""
    from handlers.messages import Link

    contact = f"{name} (Telegram, sans @pseudo)"
    message = Outgoing(
        f"Contact : {contact}\nMerci !",
        title="C'est noté",
        links=(Link(contact, 'tg://user?id=42&x="y"'), Link("absent", "https://t.me/x")),
    )
    [html] = render_html(message)
    plain, entities = parse_html(html)
    assert plain == f"C'est noté\nContact : {contact}\nMerci !"
    [link] = [entity for entity in entities if entity["type"] == "text_link"]
    assert link["url"] == 'tg://user?id=42&x="y"'
    utf16 = plain.encode("utf-16-le")  # entity offsets count UTF-16 code units
    start, end = link["offset"] * 2, (link["offset"] + link["length"]) * 2
    assert utf16[start:end].decode("utf-16-le") == contact


def test_links_with_other_schemes_are_not_made() -> None:
    from handlers.messages import Link

    [html] = render_html(Outgoing("Contact : Eve", links=(Link("Eve", "javascript:alert(1)"),)))
    assert "<a" not in html


def test_a_typed_command_in_the_network_group_is_taken_for_this_bot_only() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)

    def in_chat(chat: dict[str, object], text: str) -> Update:
        return Update.de_json(
            {
                "update_id": 7,
                "message": {
                    "message_id": 3,
                    "date": 0,
                    "text": text,
                    "chat": chat,
                    "from": {"id": 7, "is_bot": False, "first_name": "A"},
                },
            },
            None,
        )

    group = {"id": -100, "type": "supergroup", "title": "Réseau"}
    other = {"id": -200, "type": "group", "title": "Autre"}
    taken = incoming_from_update(in_chat(group, "/prendre@Boucle_Bot 3"), now, -100, "boucle_bot")
    assert taken is not None and taken.in_group and str(taken.address) == "telegram:7"
    assert taken.contact_link == "tg://user?id=7" and taken.message_id == "m-100:3"
    for chat, text in [
        (group, "/prendre@autre_bot 3"),
        (group, "je prends le 3"),
        (group, "/"),
        (other, "/prendre 3"),
    ]:
        assert incoming_from_update(in_chat(chat, text), now, -100, "boucle_bot") is None
    assert incoming_from_update(in_chat(group, "/prendre 3"), now, -100, "boucle_bot")
