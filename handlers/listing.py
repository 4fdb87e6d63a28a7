"""What is open (`/liste`), what concerns my association (`/mes`), and `/aide`."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Context, Effects, UserError
from handlers.formatting import post_list_line, quantity
from handlers.messages import Choice, Outgoing
from handlers.texts import t
from handlers.understanding import vocabulary
from storage import posts
from storage.models import PostKind

# A page fits a phone screen and Telegram's 4,096 characters with room to spare.
PAGE_SIZE = 20
# Urgent posts come first on every page, but at most this many per page: 26 urgent posts
# must not push every other post out of sight (see `page_plan`).
URGENT_PER_PAGE = 5
ALL_KINDS: tuple[PostKind, ...] = ("need", "offer", "equipment_request", "equipment_offer")
# `/liste dons`: the words of the posting commands (`/besoin`, `/don`, `/materiel`) filter.
KINDS_OF_READING: dict[str, tuple[PostKind, ...]] = {
    "request": ("need",),
    "offer": ("offer",),
    "equipment": ("equipment_request", "equipment_offer"),
}
FILTERS: dict[str, tuple[PostKind, ...]] = {
    "": ALL_KINDS,
    **{
        word: KINDS_OF_READING[entry.reads_as]
        for entry in vocabulary.VOCABULARY
        if entry.reads_as in KINDS_OF_READING
        for word in entry.words
    },
}
# Page numbers beyond this are not pages anyone means (and stay far from SQLite's limits).
MAX_PAGE_DIGITS = 6


@dataclass(frozen=True)
class ListRequest:
    """`/liste dons 3`: which filter word (as typed, "" for all), its kinds, which page."""

    word: str
    kinds: tuple[PostKind, ...]
    page: int


def parse_list_args(args: str) -> ListRequest | None:
    """A filter word and/or a page number, in either order; None when it is neither."""
    word, page = "", 0
    for token in args.lower().split():
        if token.isdigit() and len(token) <= MAX_PAGE_DIGITS and page == 0:
            page = int(token) or -1
        elif vocabulary.fold_word(token) in FILTERS and not word:
            word = token
        else:
            return None
    if page < 0:
        return None  # page 0
    return ListRequest(word, FILTERS[vocabulary.fold_word(word)], page or 1)


def is_list_args(args: str) -> bool:
    """For the bare word `liste 2` (WhatsApp has no slash): only what `/liste` would accept."""
    return parse_list_args(args) is not None


@dataclass(frozen=True)
class PagePlan:
    """Which slice of the urgent posts and of the others one page shows."""

    urgent_offset: int
    urgent_count: int
    other_offset: int
    other_count: int


def page_count(urgent: int, others: int) -> int:
    return max(-(-(urgent + others) // PAGE_SIZE), 1)


def page_plan(page: int, urgent: int, others: int) -> PagePlan:
    """The rule of a list of `urgent` + `others` posts, for page `page` (from 1):

    each page shows up to URGENT_PER_PAGE urgent posts first, then fills up with the others;
    when one kind runs out, the other fills the page. Every page but the last is full, so
    there are `page_count` pages, and every post is on exactly one page. Arithmetic only: the
    posts themselves are read by two LIMIT/OFFSET queries."""
    others_per_page = PAGE_SIZE - URGENT_PER_PAGE
    # Pages where both kinds still fill their share.
    mixed = min(urgent // URGENT_PER_PAGE, others // others_per_page)
    index = page - 1
    if index < mixed:
        return PagePlan(
            index * URGENT_PER_PAGE, URGENT_PER_PAGE, index * others_per_page, others_per_page
        )
    # The page where one kind runs short: its share goes to the other kind.
    u_at, o_at = mixed * URGENT_PER_PAGE, mixed * others_per_page
    u_left, o_left = urgent - u_at, others - o_at
    u_first = min(URGENT_PER_PAGE, u_left)
    o_count = min(PAGE_SIZE - u_first, o_left)
    u_count = u_first + min(PAGE_SIZE - u_first - o_count, u_left - u_first)
    if index == mixed:
        return PagePlan(u_at, u_count, o_at, o_count)
    # After it, only one kind is left: full pages of it.
    skip = (index - mixed - 1) * PAGE_SIZE
    u_from, o_from = u_at + u_count, o_at + o_count
    if urgent > u_from:
        return PagePlan(u_from + skip, min(PAGE_SIZE, urgent - u_from - skip), o_from, 0)
    return PagePlan(u_from, 0, o_from + skip, min(PAGE_SIZE, others - o_from - skip))


async def list_open(ctx: Context, args: str) -> Effects:
    request = parse_list_args(args)
    if request is None:
        raise UserError(t(ctx.lang, "list_usage"))
    return await list_page(ctx, request)


async def list_kinds(ctx: Context, kinds: tuple[PostKind, ...]) -> Effects:
    return await list_page(ctx, ListRequest("", kinds, 1))


async def list_page(ctx: Context, request: ListRequest) -> Effects:
    urgent, others = await posts.count_open_posts(ctx.conn, request.kinds)
    total = urgent + others
    if total == 0:
        return Effects.reply(Outgoing(t(ctx.lang, "list_empty")))
    pages = page_count(urgent, others)
    if request.page > pages:
        raise UserError(
            t(
                ctx.lang,
                "list_past_end",
                page=request.page,
                pages=pages,
                last=list_command(request.word, pages),
            )
        )
    plan = page_plan(request.page, urgent, others)
    shown = await posts.open_posts_slice(
        ctx.conn, request.kinds, True, plan.urgent_offset, plan.urgent_count
    )
    shown += await posts.open_posts_slice(
        ctx.conn, request.kinds, False, plan.other_offset, plan.other_count
    )
    lines = [post_list_line(post, ctx.lang, ctx.today) for post in shown]
    lines.append(t(ctx.lang, "list_footer"))
    choices: tuple[Choice, ...] = ()
    if request.page < pages:
        following = list_command(request.word, request.page + 1)
        lines.append(t(ctx.lang, "list_next", command=following))
        choices = (Choice(t(ctx.lang, "list_next_button"), following),)
    title = (
        t(ctx.lang, "list_title", count=total)
        if pages == 1
        else t(ctx.lang, "list_title_paged", count=total, page=request.page, pages=pages)
    )
    return Effects.reply(Outgoing(title=title, text="\n".join(lines), choices=choices))


def list_command(word: str, page: int) -> str:
    """The command that shows `page` of the same list: `/liste dons 3`."""
    return " ".join(part for part in ("/liste", word, str(page) if page > 1 else "") if part)


async def mine(ctx: Context, args: str) -> Effects:
    member = ctx.need_member()
    own = await posts.posts_of_association(ctx.conn, member.association_id)
    claims = await posts.claims_of_association(ctx.conn, member.association_id)
    if not own and not claims:
        return Effects.reply(Outgoing(t(ctx.lang, "mine_empty")))
    lines: list[str] = []
    if own:
        lines.append(t(ctx.lang, "mine_posts"))
        lines += [post_list_line(post, ctx.lang, ctx.today) for post in own]
    if claims:
        lines.append(t(ctx.lang, "mine_claims"))
        for claim in claims:
            post = await posts.post_by_id(ctx.conn, claim.post_id)
            if post is None:
                continue
            amount = quantity(claim.quantity, post.unit, ctx.lang) if claim.quantity else ""
            lines.append(
                f"#{post.id} {post.what} {amount} ({post.association_name}) → /fait {post.id}"
            )
    return Effects.reply(
        Outgoing(
            title=t(ctx.lang, "mine_title", association=member.association_name),
            text="\n".join(lines),
        )
    )


async def help_text(ctx: Context, args: str) -> Effects:
    text = t(ctx.lang, "help")
    if ctx.member and ctx.member.is_coordinator:
        text += "\n" + t(ctx.lang, "help_coordinator") + "\n" + t(ctx.lang, "help_members")
    return Effects.reply(Outgoing(text))
