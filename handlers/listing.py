"""What is open (`/liste`), what concerns my association (`/mes`), and `/aide`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from handlers import routing
from handlers.context import Context, Effects, UserError
from handlers.formatting import post_list_line, quantity
from handlers.messages import Choice, Outgoing
from handlers.routing import Point, distance_km
from handlers.texts import t
from handlers.understanding import vocabulary
from storage import posts, profiles
from storage.models import Post, PostKind, PostPoint

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


# `/liste urgent`: the urgent posts only (the words of `/urgent`, and their plurals).
URGENT_WORDS: frozenset[str] = frozenset(
    {*vocabulary.command_words("urgent").words, "urgents", "urgences"}
)
# `/liste dons 20km`: the posts within that distance of the reader's association. Below 1 km
# nothing is measured that finely; beyond 500 km a filter is the whole of France.
MIN_RADIUS_KM = 1.0
MAX_RADIUS_KM = 500.0
# « 20km », « 20 km », « <20km », « < 20 km », « moins de 20 km », « rayon 20 », « rayon de 20
# km », « 20 kilomètres », « 2,5 km »; a minus sign is read so that « -5km » is answered.
_NUMBER = r"(-?\d{1,7}(?:[.,]\d{1,3})?)"
_KM = r"(?:km|kms|kilom[eè]tres?|kilometers?)"
_DISTANCE_RE = re.compile(
    r"(?:^|(?<=\s))(?:"
    rf"(?:(?:(?:[aà]\s+)?moins\s+de|within|<=?|≤)\s*)?{_NUMBER}\s*{_KM}"
    rf"|(?:rayon|radius)\s*(?:de\s+)?{_NUMBER}(?:\s*{_KM})?"
    r")(?=\s|$)"
)


@dataclass(frozen=True)
class ListRequest:
    """`/liste dons 3`: which filter word (as typed, "" for all), its kinds, which page; with
    « urgent » (as typed) the urgent posts only; with « 20km » those within that distance."""

    word: str
    kinds: tuple[PostKind, ...]
    page: int
    radius_km: float | None = None
    urgent_word: str = ""

    @property
    def urgent_only(self) -> bool:
        return bool(self.urgent_word)


def _take_distance(args: str) -> tuple[float | None, str] | None:
    """The distance written in `args` (None: none) and the rest; None when there are two."""
    found = list(_DISTANCE_RE.finditer(args))
    if not found:
        return None, args
    if len(found) > 1:
        return None
    match = found[0]
    number = match.group(1) or match.group(2)
    return float(number.replace(",", ".")), args[: match.start()] + " " + args[match.end() :]


def parse_list_args(args: str) -> ListRequest | None:
    """A filter word, « urgent », a distance and/or a page number, in any order; None when it
    is something else. A distance out of range is returned as written: `list_open` answers."""
    taken = _take_distance(args.lower())
    if taken is None:
        return None
    radius, rest = taken
    word, urgent_word, page = "", "", 0
    for token in rest.split():
        folded = vocabulary.fold_word(token)
        if token.isdigit() and len(token) <= MAX_PAGE_DIGITS and page == 0:
            page = int(token) or -1
        elif folded in FILTERS and not word:
            word = token
        elif folded in URGENT_WORDS and not urgent_word:
            urgent_word = token
        else:
            return None
    if page < 0:
        return None  # page 0
    return ListRequest(word, FILTERS[vocabulary.fold_word(word)], page or 1, radius, urgent_word)


def is_list_args(args: str) -> bool:
    """For the bare word `liste 2` (WhatsApp has no slash): only what `/liste` would accept."""
    return parse_list_args(args) is not None


def listed_by_posting_command(text: str) -> str | None:
    """The `/liste` arguments when a posting command's plural lists instead of posting:
    « /besoins » alone, or followed by a distance (and maybe a page or « urgent »):
    « /besoins 20km ». Anything else posts (« /besoins 20 kg de riz »): None."""
    alone = vocabulary.listed_when_alone(text)
    if alone is not None:
        return alone
    plural = vocabulary.listed_with_args(text)
    if plural is None:
        return None
    word, args = plural
    request = parse_list_args(args)
    if request is None or request.radius_km is None or request.word:
        return None
    return f"{word} {args}"


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
    radius = request.radius_km
    if radius is not None and not MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM:
        raise UserError(
            t(
                ctx.lang,
                "list_radius_range",
                low=f"{MIN_RADIUS_KM:g}",
                high=f"{MAX_RADIUS_KM:g}",
                example=list_command(replace(request, radius_km=20.0), 1),
            )
        )
    return await list_page(ctx, request)


async def list_kinds(ctx: Context, kinds: tuple[PostKind, ...]) -> Effects:
    return await list_page(ctx, ListRequest("", kinds, 1))


@dataclass(frozen=True)
class Reader:
    """Whose list it is: distances are measured from their association's place."""

    association_id: int
    association_name: str
    point: Point | None


async def reader_of(ctx: Context) -> Reader:
    member = ctx.need_member()
    profile = await profiles.profile_of(ctx.conn, member.association_id)
    point = profile.point if profile is not None else None
    return Reader(member.association_id, member.association_name, point)


def where_words(post: Post, reader: Reader, lang: str) -> str:
    """« chez vous » for the reader's own posts, « à 8 km » when both places are known."""
    if post.association_id == reader.association_id:
        return t(lang, "list_at_home")
    if reader.point is None or post.point is None:
        return ""
    return km_words(distance_km(reader.point, post.point), lang)


def km_words(km: float, lang: str) -> str:
    if km < 0.5:
        return t(lang, "list_distance_under_1")
    return t(lang, "list_distance", km=round(km))


async def list_page(ctx: Context, request: ListRequest) -> Effects:
    reader = await reader_of(ctx)
    if request.radius_km is not None:
        return await list_near(ctx, request, reader, request.radius_km)
    urgent, others = await posts.count_open_posts(ctx.conn, request.kinds)
    if request.urgent_only:
        others = 0
    total = urgent + others
    if total == 0:
        return Effects.reply(Outgoing(t(ctx.lang, "list_empty")))
    pages = page_count(urgent, others)
    past_end(ctx, request, pages)
    plan = page_plan(request.page, urgent, others)
    shown = await posts.open_posts_slice(
        ctx.conn, request.kinds, True, plan.urgent_offset, plan.urgent_count
    )
    shown += await posts.open_posts_slice(
        ctx.conn, request.kinds, False, plan.other_offset, plan.other_count
    )
    # The day and the language once, not once a line (`ctx.today` converts `now` to the
    # network's time zone each time: issue 12, cpu22).
    lang, today = ctx.lang, ctx.today
    lines = [post_list_line(post, lang, today, where_words(post, reader, lang)) for post in shown]
    title = (
        t(ctx.lang, "list_title", count=total)
        if pages == 1
        else t(ctx.lang, "list_title_paged", count=total, page=request.page, pages=pages)
    )
    return page_reply(ctx, request, pages, title, lines)


async def list_near(ctx: Context, request: ListRequest, reader: Reader, radius: float) -> Effects:
    """The open posts within `radius` km of the reader's association, in the list's usual
    order (urgent first, then by deadline): the box around it is read from an index, the
    exact distance keeps those shown as « à N km » with N at most the radius."""
    if reader.point is None:
        raise UserError(
            t(
                ctx.lang,
                "list_place_unknown",
                association=reader.association_name,
                command=list_command(replace(request, radius_km=None), 1),
            )
        )
    reach = radius + 0.5  # what is shown « à 20 km » is within 20 km
    box = routing.box_around(reader.point, reach)
    near: list[tuple[PostPoint, float]] = []
    for candidate in await posts.open_post_points_in_box(
        ctx.conn, request.kinds, request.urgent_only, box
    ):
        km = distance_km(reader.point, candidate.point)
        if km < reach:
            near.append((candidate, km))
    urgent = [pair for pair in near if pair[0].urgent]
    others = [pair for pair in near if not pair[0].urgent]
    unplaced = await posts.count_open_posts_without_place(
        ctx.conn, request.kinds, request.urgent_only
    )
    radius_text = f"{radius:g}"
    unplaced_line = (
        t(
            ctx.lang,
            "list_unplaced",
            count=unplaced,
            command=list_command(replace(request, radius_km=None), 1),
        )
        if unplaced
        else ""
    )
    if not near:
        text = t(
            ctx.lang,
            "list_near_empty",
            km=radius_text,
            wider=list_command(replace(request, radius_km=min(radius * 2, MAX_RADIUS_KM)), 1),
            command=list_command(replace(request, radius_km=None), 1),
        )
        return Effects.reply(Outgoing("\n".join(filter(None, (text, unplaced_line)))))
    pages = page_count(len(urgent), len(others))
    past_end(ctx, request, pages)
    plan = page_plan(request.page, len(urgent), len(others))
    chosen = (
        urgent[plan.urgent_offset : plan.urgent_offset + plan.urgent_count]
        + others[plan.other_offset : plan.other_offset + plan.other_count]
    )
    distances = {point.id: km for point, km in chosen}
    shown = await posts.posts_by_ids(ctx.conn, [point.id for point, _ in chosen])
    lang, today = ctx.lang, ctx.today  # once, not once a line (as `list_page`)
    lines = [
        post_list_line(
            post,
            lang,
            today,
            t(lang, "list_at_home")
            if post.association_id == reader.association_id
            else km_words(distances[post.id], lang),
        )
        for post in shown
    ]
    if request.page == 1 and unplaced_line:
        lines.append(unplaced_line)
    title = (
        t(ctx.lang, "list_near_title", count=len(near), km=radius_text)
        if pages == 1
        else t(
            ctx.lang,
            "list_near_title_paged",
            count=len(near),
            km=radius_text,
            page=request.page,
            pages=pages,
        )
    )
    return page_reply(ctx, request, pages, title, lines)


def past_end(ctx: Context, request: ListRequest, pages: int) -> None:
    if request.page > pages:
        raise UserError(
            t(
                ctx.lang,
                "list_past_end",
                page=request.page,
                pages=pages,
                last=list_command(request, pages),
            )
        )


def page_reply(
    ctx: Context, request: ListRequest, pages: int, title: str, lines: list[str]
) -> Effects:
    lines.append(t(ctx.lang, "list_footer"))
    choices: tuple[Choice, ...] = ()
    if request.page < pages:
        following = list_command(request, request.page + 1)
        lines.append(t(ctx.lang, "list_next", command=following))
        choices = (Choice(t(ctx.lang, "list_next_button"), following),)
    return Effects.reply(Outgoing(title=title, text="\n".join(lines), choices=choices))


def list_command(request: ListRequest, page: int) -> str:
    """The command that shows `page` of the same list: `/liste dons 20km 3`."""
    radius = f"{request.radius_km:g}km" if request.radius_km is not None else ""
    parts = ("/liste", request.word, request.urgent_word, radius, str(page) if page > 1 else "")
    return " ".join(part for part in parts if part)


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


@dataclass(frozen=True)
class HelpSection:
    """A part of /aide shown on demand (`/aide chiffres`): the everyday commands stay one short
    message, each area of the bot has its own. It opens with its name or any word of its
    `commands` (from the one vocabulary: `/aide bilan`, `/aide reserver`)."""

    everyone: tuple[str, ...]
    coordinators: tuple[str, ...] = ()
    coordinators_only: bool = False
    commands: tuple[str, ...] = ()


HELP_SECTIONS: dict[str, HelpSection] = {
    "coordination": HelpSection(
        (), ("help_coordinator", "help_members"), True, ("inviter", "alerte", "membres")
    ),
    # Issue 13: the bilan, the exports, and the monthly report (part 4).
    "chiffres": HelpSection(
        (), ("help_bilan", "help_export", "help_rapport"), True, ("bilan", "export", "rapport")
    ),
    "materiel": HelpSection(
        ("help_equipment",),
        ("help_equipment_coordinator",),
        commands=("ressource", "ressources", "reserver", "agenda", "rendu"),
    ),
    "achat": HelpSection(("help_purchases",), commands=("achat", "commande")),
}


def help_section_words() -> dict[str, str]:
    """Each word that opens a section (folded), to the section's name."""
    words = {name: name for name in HELP_SECTIONS}
    for name, section in HELP_SECTIONS.items():
        for command in section.commands:
            for word in vocabulary.command_words(command).words:
                words.setdefault(vocabulary.fold_word(word), name)
    return words


HELP_SECTION_WORDS: dict[str, str] = help_section_words()


async def help_text(ctx: Context, args: str) -> Effects:
    """`/aide`: the everyday commands and where the rest is; `/aide SECTION`: one area."""
    coordinator = bool(ctx.member and ctx.member.is_coordinator)
    word = vocabulary.fold_word(args.strip().split()[0]) if args.strip() else ""
    name = HELP_SECTION_WORDS.get(word)
    if name is None:
        more = "help_more_coordinator" if coordinator else "help_more_member"
        return Effects.reply(Outgoing(t(ctx.lang, "help") + "\n" + t(ctx.lang, more)))
    section = HELP_SECTIONS[name]
    if section.coordinators_only and not coordinator:
        return Effects.reply(Outgoing(t(ctx.lang, "help_section_coordinators")))
    keys = section.everyone + (section.coordinators if coordinator else ())
    return Effects.reply(Outgoing("\n".join(t(ctx.lang, key) for key in keys)))
