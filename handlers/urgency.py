"""The daily urgent quota (issue 9): a member publishes a few urgent posts a day as urgent;
beyond, the post is published and relayed at once as an ordinary post, and a coordinator of
their association confirms the urgency in one tap (`/confirmer N`, handlers.reminders), which
relays it again as urgent.

Why relayed as ordinary rather than held: a real need must not wait for a coordinator who may
be asleep; what needs their word is the urgent channel (ahead of everything, a paid WhatsApp
template outside the 24-hour window, « 🆘 » on every phone).
"""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Context, Notification, ToMember
from handlers.messages import Choice, Outgoing
from handlers.texts import t
from storage import limits, members
from storage.models import Member, Post

QUOTA_WINDOW = timedelta(hours=24)


async def urgent_quota_left(ctx: Context, author: Member) -> bool:
    """Whether `author` may still publish a post as urgent without a coordinator's word."""
    since = ctx.now - QUOTA_WINDOW
    used = await limits.urgent_posts_since(ctx.conn, author.id, since)
    return used < ctx.config.limits.urgent_per_day


def confirm_choice(lang: str, post_id: int) -> Choice:
    return Choice(t(lang, "button_confirm_urgent", id=post_id), f"/confirmer {post_id}")


async def ask_confirmation(
    ctx: Context, author: Member, post: Post
) -> tuple[str, tuple[Choice, ...], list[Notification]]:
    """What the author reads (a line, and the choice when they are a coordinator themselves)
    and what their association's other coordinators get, for a post beyond the quota."""
    limit = ctx.config.limits.urgent_per_day
    if author.is_coordinator:
        line = t(ctx.lang, "urgent_quota_coordinator", limit=limit, id=post.id)
        return line, (confirm_choice(ctx.lang, post.id),), []
    coordinators = await members.coordinators_of(ctx.conn, author.association_id)
    if not coordinators:
        return t(ctx.lang, "urgent_quota_no_coordinator", limit=limit), (), []

    def render(lang: str) -> Outgoing:
        return Outgoing(
            t(
                lang,
                "urgent_confirm_request",
                name=author.name,
                limit=limit,
                id=post.id,
                what=post.what,
            ),
            choices=(confirm_choice(lang, post.id),),
        )

    notes = [Notification(ToMember(coordinator.id), render) for coordinator in coordinators]
    line = t(ctx.lang, "urgent_quota_reached", limit=limit, association=author.association_name)
    return line, (), notes
