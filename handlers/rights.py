"""Who may do what: the network's rules, in one table.

Every command is an action (its canonical name in `handlers/commands.py`). For each action
and each kind of person — someone the bot does not know, a member, a coordinator (of their
own association), a network administrator — the table says whether it is allowed on their own
association's post or member, and on another association's (`None`: the action has no such
target). A refusal carries the catalogue key of its answer.

The dispatcher refuses at once what a person may do on no association at all; a handler that
has found its target (a post, a member) asks again with `own_association` and refuses with the
same key. The README's "network's rules" table is this table (`rules_markdown`; a test keeps
them equal). What a post's state allows (already taken, nothing to close) stays in handlers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.context import Context, UserError
from handlers.texts import t
from storage.models import Member

Who = Literal["stranger", "member", "coordinator", "admin"]
WHO: tuple[Who, ...] = ("stranger", "member", "coordinator", "admin")


@dataclass(frozen=True)
class Allowed:
    pass


@dataclass(frozen=True)
class Refused:
    reason: str  # a key of handlers/texts.py's catalogue


Answer = Allowed | Refused

YES = "yes"
# The short names below keep each row of the table on one line.
NM = "not_member"
CO = "coordinators_only"
AD = "admin_only"
NOTHING = "done_nothing_to_close"
RELAUNCH = "relaunch_not_author"


@dataclass(frozen=True)
class Rule:
    """One outcome per person (stranger, member, coordinator, admin): YES or a reason key."""

    own: tuple[str, str, str, str]
    other: tuple[str, str, str, str] | None = None


NOT_YOURS = "confirm_urgent_not_yours"
# Issue 14 (the shared equipment calendar).
RC = "resource_coordinators"
NOT_OWNER = "booking_decide_not_owner"
NOT_A_SIDE = "booking_not_yours"
EVERY_MEMBER = Rule((NM, YES, YES, YES))
COORDINATORS = Rule((NM, CO, YES, YES))
# Acting on a member: a coordinator in their own association, an administrator anywhere.
ON_MEMBERS = Rule((NM, CO, YES, YES), (NM, CO, AD, YES))

RULES: dict[str, Rule] = {
    #                  stranger, member, coordinator, admin
    "start": Rule((YES, YES, YES, YES)),
    "aide": EVERY_MEMBER,
    "besoin": EVERY_MEMBER,
    "don": EVERY_MEMBER,
    "materiel": EVERY_MEMBER,
    "urgent": EVERY_MEMBER,
    "prendre": Rule((NM, "claim_own_post", "claim_own_post", "claim_own_post"), EVERY_MEMBER.own),
    # On another association's post, /fait and /annuler first act on the writer's association's
    # own claim, if it has one (an own-association matter); these rows say what is left.
    "fait": Rule(EVERY_MEMBER.own, (NM, NOTHING, NOTHING, NOTHING)),
    # Moderation: only an administrator withdraws or corrects another association's post.
    "annuler": Rule(EVERY_MEMBER.own, (NM, "cancel_not_allowed", "cancel_not_allowed", YES)),
    "corriger": Rule(EVERY_MEMBER.own, (NM, "correct_not_author", "correct_not_author", YES)),
    "relancer": Rule(EVERY_MEMBER.own, (NM, RELAUNCH, RELAUNCH, RELAUNCH)),
    "liste": EVERY_MEMBER,
    "mes": EVERY_MEMBER,
    "inviter": COORDINATORS,
    "langue": EVERY_MEMBER,
    "lier": Rule((YES, YES, YES, YES)),
    "alerte": COORDINATORS,
    "digest": EVERY_MEMBER,
    "arrivees": COORDINATORS,
    "membres": Rule(EVERY_MEMBER.own, (NM, AD, AD, YES)),
    "retirer": ON_MEMBERS,
    "promouvoir": ON_MEMBERS,
    "retrograder": ON_MEMBERS,
    "quitter": EVERY_MEMBER,
    # Limits (issue 9, item 4): a coordinator confirms the urgency of their association's post.
    "confirmer": Rule(
        COORDINATORS.own, (NM, CO, "confirm_urgent_not_yours", "confirm_urgent_not_yours")
    ),
    "invitations": COORDINATORS,
    "revoquer": COORDINATORS,
    "numero": EVERY_MEMBER,
    # Issue 10: the writer answers the confirmation of their own free-text post.
    "publier": EVERY_MEMBER,
    "reecrire": EVERY_MEMBER,
    "abandonner": EVERY_MEMBER,
    # Issue 11: any member sees their association's profile; its coordinators change it
    # (`profil_changer`, checked by handlers/profile.py once it knows it is a change).
    "profil": EVERY_MEMBER,
    "profil_changer": Rule((NM, "profile_change_coordinators", YES, YES)),
    # Each member's own notifications.
    "notifs": EVERY_MEMBER,
    # Issue 13: the transfers as a file: a coordinator's association, an administrator's network.
    "export": COORDINATORS,
    # Issue 15, privacy: one's own data and one's own erasure; erasing another member is a
    # coordinator's in their association, an administrator's anywhere (`oublier_membre`,
    # checked by handlers/privacy.py once it knows the target).
    "mesdonnees": EVERY_MEMBER,
    "oublier": EVERY_MEMBER,
    "oublier_membre": ON_MEMBERS,
    # Issue 14, the shared equipment calendar. A coordinator registers (and withdraws) their
    # association's resources (an administrator withdraws any); every member sees them and the
    # agendas. Booking commits the association (it blocks a scarce resource of another one for
    # hours or days, under its conditions: a licence, a return time, cleaning), so it is the
    # coordinators', like answering a request (the owner's coordinators) and cancelling
    # (either side's; an administrator anywhere, like /annuler). A return is recorded by
    # whoever brings it back or receives it: any member of either side.
    "ressource": Rule((NM, RC, YES, YES), (NM, RC, "resource_not_yours", YES)),
    "ressources": EVERY_MEMBER,
    "reserver": COORDINATORS,
    "reserver_decider": Rule(COORDINATORS.own, (NM, CO, NOT_OWNER, NOT_OWNER)),
    "reserver_annuler": Rule(COORDINATORS.own, (NM, CO, NOT_A_SIDE, YES)),
    "agenda": EVERY_MEMBER,
    "rendu": Rule(EVERY_MEMBER.own, (NM, NOT_A_SIDE, NOT_A_SIDE, NOT_A_SIDE)),
    # Issue 14, group purchases: any member sees them (`/achats`, `/achat N`); coordinators
    # open one (`achat_ouvrir`, checked by handlers/purchases.py) and commit their association
    # (`/commande`); the organiser's association closes one early or extends it
    # (`achat_gerer`), an administrator any.
    "achat": EVERY_MEMBER,
    "achat_ouvrir": Rule((NM, "purchase_open_coordinators", YES, YES)),
    "achat_gerer": Rule((NM, CO, YES, YES), (NM, CO, "purchase_not_organiser", YES)),
    "commande": Rule((NM, "purchase_commit_coordinators", YES, YES)),
    # Issue 13: the bilan, a coordinator's (their association) or an administrator's (the
    # network); a member is told to ask a coordinator.
    "bilan": Rule((NM, "bilan_coordinators", YES, YES)),
    # Issue 13, part 4: the monthly report (a PDF), as the bilan: a coordinator's association,
    # an administrator's network.
    "rapport": Rule((NM, "report_coordinators", YES, YES)),
}

# Rows that are a part of a command, not a command: the command's handler checks them.
PART_OF: dict[str, str] = {"profil_changer": "profil", "oublier_membre": "oublier"}
# How the README's table names them.
PART_LABELS: dict[str, str] = {
    "profil_changer": "`/profil …` (a change)",
    "oublier_membre": "`/oublier N°` (another member)",
}
# Issue 14: answering a booking request and cancelling a booking are parts of /reserver.
PART_OF.update({"reserver_decider": "reserver", "reserver_annuler": "reserver"})
PART_LABELS.update(
    {
        "reserver_decider": "`/reserver accepter\\|refuser R…`",
        "reserver_annuler": "`/reserver annuler R…`",
    }
)
# Issue 14: the parts of /achat.
PART_OF |= {"achat_ouvrir": "achat", "achat_gerer": "achat"}
PART_LABELS |= {
    "achat_ouvrir": "`/achat …` (opening one)",
    "achat_gerer": "`/achat N clore` · `/achat N prolonger …`",
}


def who(member: Member | None) -> Who:
    if member is None:
        return "stranger"
    return member.role


def may(person: Who, action: str, own_association: bool = True) -> Answer:
    """The table's answer for `person` doing `action` on their own association's post or
    member, or on another's. An action without such a target answers the same for both."""
    rule = RULES[action]
    outcomes = rule.own if own_association or rule.other is None else rule.other
    outcome = outcomes[WHO.index(person)]
    return Allowed() if outcome == YES else Refused(outcome)


def may_at_all(person: Who, action: str) -> Answer:
    """Allowed on their own association or on another's: what the dispatcher checks before a
    handler finds the target. Refused on both: the own-association refusal."""
    own = may(person, action, True)
    if isinstance(own, Allowed) or RULES[action].other is None:
        return own
    other = may(person, action, False)
    return other if isinstance(other, Allowed) else own


def require(ctx: Context, action: str, own_association: bool = True, **values: object) -> None:
    """Raise the refusal's answer (filled with `values`, e.g. the post's `id`), if any."""
    answer = may(who(ctx.member), action, own_association)
    if isinstance(answer, Refused):
        raise UserError(t(ctx.lang, answer.reason, **values))


# ------------------------------------------------------------------ the README's table

WHO_LABELS = {
    "stranger": "not a member",
    "member": "member",
    "coordinator": "coordinator",
    "admin": "network admin",
}


def rules_markdown() -> str:
    """The table as the README shows it: one row per action and target."""
    header = "| command | on | " + " | ".join(WHO_LABELS[w] for w in WHO) + " |"
    lines = [header, "| --- | --- |" + " --- |" * len(WHO)]
    for action, rule in RULES.items():
        targets = [("own association" if rule.other else "—", rule.own)]
        if rule.other is not None:
            targets.append(("another association", rule.other))
        for target, outcomes in targets:
            cells = ["yes" if o == YES else f"no (`{o}`)" for o in outcomes]
            label = PART_LABELS.get(action, f"`/{action}`")
            lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
