"""The command table: every command, its aliases, who may use it, and what handles it.

One explicit list; a duplicate name or alias fails at start-up instead of silently shadowing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from handlers import (
    alerts,
    claims,
    corrections,
    digests,
    invitations,
    linking,
    listing,
    members,
    posts,
    reminders,
)
from handlers.context import Context, Effects

Permission = Literal["anyone", "member", "coordinator"]
CommandHandler = Callable[[Context, str], Awaitable[Effects]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    aliases: tuple[str, ...] = ()
    permission: Permission = "member"
    # May be written without the slash (WhatsApp has no command menu): `prendre 12`.
    bare_word: bool = False
    # Bare use only when the arguments start with a post number (`fait 12`, not `fait beau`).
    bare_needs_number: bool = False
    # Bare use with arguments only when this accepts them (`liste 2`, `liste dons 3`).
    bare_args: Callable[[str], bool] | None = None


def posting(canonical: str) -> CommandHandler:
    async def publish(ctx: Context, args: str) -> Effects:
        return await posts.publish_text(ctx, f"/{canonical} {args}".strip())

    return publish


def build_command_table(extra: tuple[Command, ...] = ()) -> dict[str, Command]:
    commands = (
        Command("start", members.start, ("demarrer", "rejoindre", "join"), "anyone", True),
        Command("aide", listing.help_text, ("help", "aider"), "anyone", True),
        Command("besoin", posting("besoin"), ("need",)),
        Command("don", posting("don"), ("surplus", "offer", "give")),
        Command("materiel", posting("materiel"), ("equipment",)),
        Command("urgent", posting("urgent"), ("sos",)),
        Command("prendre", claims.take_command, ("take", "claim"), "member", True, True),
        Command("fait", claims.done_command, ("done", "recupere"), "member", True, True),
        Command("annuler", claims.cancel_command, ("cancel",), "member", True, True),
        Command("corriger", corrections.correct_command, ("fix", "edit"), "member", True, True),
        Command(
            "liste", listing.list_open, ("list",), "member", True, bare_args=listing.is_list_args
        ),
        Command("mes", listing.mine, ("mine",), "member", True),
        Command("inviter", members.invite, ("invite",), "coordinator"),
        Command("langue", members.language, ("language", "lang")),
        Command(linking.LINK_COMMAND, linking.link_command, ("link",), "anyone", True),
        Command("alerte", alerts.alert_command, ("alert",), "coordinator"),
        Command("digest", digests.digest_command, ("point",)),
        Command("arrivees", members.arrivals_command, ("arrivals",), "coordinator"),
        Command("relancer", reminders.relaunch_command, ("relaunch",), "member", True, True),
        # Bare too: WhatsApp shows the « Confirmer l'urgence » choice as « CONFIRMER 12 ».
        Command(
            "confirmer", reminders.confirm_urgent_command, ("confirm",), "coordinator", True, True
        ),
        Command("invitations", invitations.list_command, ("invites",), "coordinator"),
        Command("revoquer", invitations.revoke_command, ("revoke",), "coordinator"),
        *extra,
    )
    table: dict[str, Command] = {}
    for command in commands:
        for name in (command.name, *command.aliases):
            key = command_key(name)
            if key in table:
                raise ValueError(f"command name /{name} is defined twice")
            table[key] = command
    return table


def command_key(word: str) -> str:
    """Commands match whatever the case and accents: /Matériel is /materiel."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
