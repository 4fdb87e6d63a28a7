"""The command table: every command, its aliases, and what handles it.

One explicit list; a duplicate name or alias fails at start-up instead of silently shadowing.
Who may use each command is the rights table's (`handlers/rights.py`, keyed by the command's
name): a command without a rule there fails at start-up too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers import (
    alerts,
    claims,
    confirmation,
    corrections,
    digests,
    invitations,
    linking,
    listing,
    members,
    membership,
    posts,
    reminders,
    rights,
)
from handlers.context import Context, Effects

CommandHandler = Callable[[Context, str], Awaitable[Effects]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    aliases: tuple[str, ...] = ()
    # May be written without the slash (WhatsApp has no command menu): `prendre 12`.
    bare_word: bool = False
    # Bare use only when the arguments start with a post number (`fait 12`, not `fait beau`).
    bare_needs_number: bool = False
    # Bare use with arguments only when this accepts them (`liste 2`, `liste dons 3`).
    bare_args: Callable[[str], bool] | None = None
    # Its row in the rights table (handlers/rights.py); "": the command's name.
    rule: str = ""

    @property
    def action(self) -> str:
        return self.rule or self.name


def posting(canonical: str) -> CommandHandler:
    async def publish(ctx: Context, args: str) -> Effects:
        return await posts.publish_text(ctx, f"/{canonical} {args}".strip())

    return publish


def build_command_table(extra: tuple[Command, ...] = ()) -> dict[str, Command]:
    commands = (
        Command("start", members.start, ("demarrer", "rejoindre", "join"), True),
        Command("aide", listing.help_text, ("help", "aider"), True),
        Command("besoin", posting("besoin"), ("need",)),
        Command("don", posting("don"), ("surplus", "offer", "give")),
        Command("materiel", posting("materiel"), ("equipment",)),
        Command("urgent", posting("urgent"), ("sos",)),
        Command("prendre", claims.take_command, ("take", "claim"), True, True),
        Command("fait", claims.done_command, ("done", "recupere"), True, True),
        Command("annuler", claims.cancel_command, ("cancel",), True, True),
        Command("corriger", corrections.correct_command, ("fix", "edit"), True, True),
        Command("liste", listing.list_open, ("list",), True, bare_args=listing.is_list_args),
        Command("mes", listing.mine, ("mine",), True),
        Command("inviter", members.invite, ("invite",)),
        Command("langue", members.language, ("language", "lang")),
        Command(
            "numero", members.number_command, ("number",), True, bare_args=members.is_number_choice
        ),
        Command(linking.LINK_COMMAND, linking.link_command, ("link",), True),
        Command("alerte", alerts.alert_command, ("alert",)),
        Command("digest", digests.digest_command, ("point",)),
        Command("arrivees", members.arrivals_command, ("arrivals",)),
        Command("relancer", reminders.relaunch_command, ("relaunch",), True, True),
        # Bare too: WhatsApp shows the « Confirmer l'urgence » choice as « CONFIRMER 12 ».
        Command("confirmer", reminders.confirm_urgent_command, ("confirm",), True, True),
        Command("invitations", invitations.list_command, ("invites",)),
        Command("revoquer", invitations.revoke_command, ("revoke",)),
        Command("membres", membership.roster_command, ("members",)),
        Command("retirer", membership.remove_command, ("remove",)),
        Command("promouvoir", membership.promote_command, ("promote",)),
        Command("retrograder", membership.demote_command, ("demote",)),
        Command("quitter", membership.leave_command, ("leave",)),
        # The buttons of a free-text post's confirmation (`/publier TOKEN`); on WhatsApp
        # « 1 », « 2 », « 3 » answer it (handlers/confirmation.py).
        Command("publier", confirmation.publish_command, ("publish",)),
        Command("reecrire", confirmation.rewrite_command, ("rewrite",)),
        Command("abandonner", confirmation.drop_command, ("discard",)),
        *extra,
    )
    table: dict[str, Command] = {}
    for command in commands:
        if command.action not in rights.RULES:
            raise ValueError(f"command /{command.name} has no rule in handlers/rights.py")
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
