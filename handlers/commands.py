"""The command table: every command and what handles it.

Its words (synonyms, use without the slash) come from the one vocabulary,
`handlers/understanding/vocabulary.py`, which the parser and /aide read too; a command the
vocabulary lacks, or a duplicate name or alias, fails at start-up instead of silently shadowing.
Who may use each command is the rights table's (`handlers/rights.py`, keyed by the command's
name): a command without a rule there fails at start-up too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers import (
    alerts,
    bilan,
    bookings,
    claims,
    confirmation,
    corrections,
    digests,
    exports,
    invitations,
    linking,
    listing,
    members,
    membership,
    notifs,
    posts,
    privacy,
    profile,
    purchases,
    reminders,
    report,
    resources,
    rights,
)
from handlers.context import Context, Effects
from handlers.understanding import vocabulary

CommandHandler = Callable[[Context, str], Awaitable[Effects]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    aliases: tuple[str, ...] = ()
    # The words that may be written without the slash (WhatsApp has no command menu): `prendre 12`.
    bare_words: tuple[str, ...] = ()
    # Bare use only when the arguments start with a post number (`fait 12`, not `fait beau`).
    bare_needs_number: bool = False
    # Bare use with arguments only when this accepts them (`liste 2`, `liste dons 3`).
    bare_args: Callable[[str], bool] | None = None
    # Its row in the rights table (handlers/rights.py); "": the command's name.
    rule: str = ""

    @property
    def action(self) -> str:
        return self.rule or self.name


def worded(
    name: str, handler: CommandHandler, bare_args: Callable[[str], bool] | None = None
) -> Command:
    """A command with its words from the vocabulary (KeyError: the vocabulary lacks it)."""
    words = vocabulary.command_words(name)
    return Command(
        name,
        handler,
        words.synonyms,
        words.bare_words,
        words.bare == "post_number",
        bare_args,
    )


def posting(canonical: str) -> CommandHandler:
    async def publish(ctx: Context, args: str) -> Effects:
        # « /besoins » alone, or « /besoins 20km »: what is open of that kind (near).
        listed = listing.listed_by_posting_command(ctx.incoming.text)
        if listed is not None:
            return await listing.list_open(ctx, listed)
        return await posts.publish_text(ctx, f"/{canonical} {args}".strip())

    return publish


def build_command_table(extra: tuple[Command, ...] = ()) -> dict[str, Command]:
    commands = (
        worded("start", members.start),
        worded("aide", listing.help_text),
        worded("besoin", posting("besoin")),
        worded("don", posting("don")),
        worded("materiel", posting("materiel")),
        worded("urgent", posting("urgent")),
        worded("prendre", claims.take_command),
        worded("fait", claims.done_command),
        worded("annuler", claims.cancel_command),
        worded("corriger", corrections.correct_command),
        worded("liste", listing.list_open, listing.is_list_args),
        worded("mes", listing.mine),
        worded("inviter", members.invite),
        worded("langue", members.language),
        worded("numero", members.number_command, members.is_number_choice),
        worded(linking.LINK_COMMAND, linking.link_command),
        worded("alerte", alerts.alert_command),
        worded("digest", digests.digest_command),
        worded("arrivees", members.arrivals_command),
        worded("relancer", reminders.relaunch_command),
        worded("confirmer", reminders.confirm_urgent_command),
        worded("invitations", invitations.list_command),
        worded("revoquer", invitations.revoke_command),
        worded("membres", membership.roster_command),
        worded("retirer", membership.remove_command),
        worded("promouvoir", membership.promote_command),
        worded("retrograder", membership.demote_command),
        worded("quitter", membership.leave_command),
        # The buttons of a free-text post's confirmation (`/publier TOKEN`); on WhatsApp
        # « 1 », « 2 », « 3 » answer it (handlers/confirmation.py).
        worded("publier", confirmation.publish_command),
        worded("reecrire", confirmation.rewrite_command),
        worded("abandonner", confirmation.drop_command),
        worded("profil", profile.profile_command, profile.is_profile_args),
        worded("notifs", notifs.notifs_command, notifs.is_notifs_args),
        worded("export", exports.export_command, exports.is_export_args),  # issue 13
        worded("mesdonnees", privacy.my_data_command),
        worded("oublier", privacy.forget_command),
        # Issue 14: the shared equipment calendar.
        worded("ressource", resources.resource_command),
        worded("ressources", resources.list_command, resources.is_list_args),
        worded("reserver", bookings.reserver_command, bookings.is_booking_args),
        worded("agenda", bookings.agenda_command, bookings.is_agenda_args),
        worded("rendu", bookings.rendu_command, bookings.is_return_args),
        # Issue 14: group purchases.
        worded("achat", purchases.purchase_command, purchases.is_purchase_args),
        worded("commande", purchases.order_command, purchases.is_order_args),
        # Issue 13.
        worded("bilan", bilan.bilan_command, bilan.is_bilan_args),
        worded("rapport", report.rapport_command, report.is_report_args),  # issue 13, part 4
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
    return vocabulary.fold_word(word)
