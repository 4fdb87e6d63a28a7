"""`boucle run | chat | invite | invites | promote | profil | parse | backup | restore | members |
stats | doctor | export | rapport | mesdonnees | oublier`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.logs import configure_logging, settings_secrets

# Each command imports what it needs, when it runs: `boucle parse` must start fast, without
# the Telegram, WhatsApp (Twilio, aiohttp), web and scheduler stacks (issue 12;
# tests/test_cli.py checks it), nor pydantic (bot/settings_reader.py reads its settings).
if TYPE_CHECKING:
    from bot.settings import Settings
    from handlers import profile
    from storage import stats
    from storage.db import Conn
    from storage.models import Association, Member, Role

MAX_INVITES_AT_ONCE = 200
ROLES: tuple[Role, ...] = ("member", "coordinator", "admin")
DEFAULT_INVITE_DAYS = 14
MAX_INVITE_DAYS = 365
# `boucle invites --association`: the newest codes (an association rarely has more open).
MAX_LISTED = 500
# `boucle backup --dir`: copies kept (two weeks of nightly backups).
DEFAULT_KEEP = 14


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boucle", description="Boucle, le bot du réseau.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (terminal demo when no token is configured)")
    commands.add_parser("chat", help="chat in the terminal as members of a demo network")
    invite = commands.add_parser("invite", help="create single-use invite codes")
    invite.add_argument("--association", required=True)
    invite.add_argument("--commune", required=True)
    invite.add_argument(
        "--role",
        choices=ROLES,
        default="member",
        help="admin: a coordinator of this association who also moderates the whole network",
    )
    invite.add_argument("--count", type=int, default=1)
    promote = commands.add_parser(
        "promote", help="change a member's role (network administrator included)"
    )
    who = promote.add_mutually_exclusive_group(required=True)
    who.add_argument("--member", type=int, help="the member's number (as /membres shows it)")
    who.add_argument("--name", help="the member's name (with --association if several)")
    promote.add_argument("--association", help="the member's association, to tell names apart")
    promote.add_argument("--role", choices=ROLES, required=True)
    invite.add_argument(
        "--expires",
        type=int,
        metavar="DAYS",
        help="days the codes work (default: BOUCLE_INVITE_DAYS, 14)",
    )
    invites = commands.add_parser(
        "invites", help="list an association's open invite codes, or revoke one"
    )
    which = invites.add_mutually_exclusive_group()
    which.add_argument(
        "--association",
        help="list the codes of this association that still work (none: every association's)",
    )
    which.add_argument("--revoke", metavar="CODE", help="stop this unused code from working")
    profil = commands.add_parser(
        "profil", help="show or change an association's profile (place, reach, categories, means)"
    )
    profil.add_argument("association", help="the association's name, as `boucle invite` gave it")
    profil.add_argument(
        "--commune", help="where it is: a commune (with its postal code if need be)"
    )
    profil.add_argument("--rayon", metavar="KM", help="how far it goes, in km (default 30)")
    profil.add_argument("--recoit", metavar="CATEGORIES", help="what it takes, or « tout »")
    profil.add_argument("--donne", metavar="CATEGORIES", help="what it gives, or « tout »")
    profil.add_argument(
        "--capacites",
        metavar="MOYENS",
        help="chambre froide, camion frigo, stockage sec, bénévoles, or « aucune »",
    )
    parse = commands.add_parser("parse", help="show what Boucle understands of messages (JSON)")
    parse.add_argument("--now", help="ISO-8601 moment relative dates are read against")
    parse.add_argument("text", nargs="*")
    backup = commands.add_parser(
        "backup", help="write a consistent copy of the live database (the bot may run)"
    )
    backup.add_argument(
        "path", type=Path, nargs="?", help="the copy's file name (ending in .gz: compressed)"
    )
    backup.add_argument("--force", action="store_true", help="replace an existing file")
    add_export_parser(commands)  # issue 13
    add_report_parser(commands)  # issue 13, part 4
    # Issue 15, privacy: a member's data as a file, and erasing them (bot/cli_privacy.py).
    mydata = commands.add_parser("mesdonnees", help="write everything stored about a member (JSON)")
    mydata.add_argument("member", type=int, help="the member's number (/membres shows it)")
    mydata.add_argument("--output", type=Path, help="the file to write")
    forget = commands.add_parser("oublier", help="erase a member's personal data (GDPR)")
    forget.add_argument("member", type=int, help="the member's number (/membres shows it)")
    forget.add_argument("--oui", action="store_true", help="confirm: the erasure is final")
    # Issue 15: rotated backups, restore, and the administrator's view.
    backup.add_argument(
        "--dir",
        type=Path,
        metavar="FOLDER",
        help="write a compressed copy named after the moment in FOLDER (instead of PATH)",
    )
    backup.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help=f"with --dir: keep the N newest copies, delete older ones (default {DEFAULT_KEEP})",
    )
    restore = commands.add_parser(
        "restore",
        help="replace the database by a backup (.db or .db.gz), checked first; the bot must "
        "be stopped; the current database is kept aside",
    )
    restore.add_argument("file", type=Path, help="the backup to restore")
    members_ = commands.add_parser(
        "members", help="list the network's members (filters), or remove or promote one"
    )
    members_.add_argument("--association", help="only this association's members")
    members_.add_argument("--role", choices=ROLES, help="only this role (with --promote: the new)")
    members_.add_argument(
        "--status",
        choices=("active", "unreachable", "removed"),
        help="only this status (default: all but the removed)",
    )
    members_.add_argument("--limit", type=int, default=MAX_LISTED, help="lines at most")
    act = members_.add_mutually_exclusive_group()
    act.add_argument("--remove", type=int, metavar="N", help="remove member n°N from the network")
    act.add_argument("--promote", type=int, metavar="N", help="give member n°N the --role")
    commands.add_parser(
        "stats", help="the outbox's queue, messages in and out, send errors, the digests"
    )
    doctor = commands.add_parser(
        "doctor",
        help="check settings, Telegram token and webhook, database, disk, time zone; "
        "say what to fix (exit 1 on a problem)",
    )
    doctor.add_argument("--lang", choices=("fr", "en"), default="fr", help="language (fr)")
    doctor.add_argument(
        "--min-free-mb",
        type=int,
        default=None,
        metavar="MB",
        help="free space the database's folder needs (default 200)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Token-shaped strings are redacted even before the settings (and their secrets) are read.
    configure_logging("INFO", ())
    if args.command == "parse":  # issue 12: its start; no pydantic, no `Settings`
        from bot.settings_reader import for_parse

        if (light := for_parse()) is not None:
            configure_logging(light.log_level, light.secrets, fmt=light.log_format)
            return parse_messages(light.timezone, args.now, args.text)
        # A setting it reads is invalid: `Settings` names it, as for every command.
    import asyncio

    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"]).upper()
            print(f"Réglage invalide {name} : {problem['msg']}", file=sys.stderr)
        return 2
    configure_logging(
        log_level_for(args.command, settings),
        settings_secrets(settings),
        fmt=settings.boucle_log_format,
    )
    if args.command == "run":
        from bot.app import run_bot
        from bot.channels.base import StartupError

        if problems := settings.problems():
            print("\n".join(problems), file=sys.stderr)
            return 2
        if not settings.telegram_enabled and not settings.whatsapp_enabled:
            print(
                "Aucun jeton Telegram ni compte Twilio configuré : démarrage du chat de "
                "démonstration dans le terminal (voir README pour configurer le bot)."
            )
            return chat_in_terminal(settings)
        try:
            return asyncio.run(run_bot(settings))
        except StartupError as error:
            print(f"Boucle ne peut pas démarrer : {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:  # Ctrl+C before the signal handlers were in place
            return 130
    if args.command == "chat":
        return chat_in_terminal(settings)
    if args.command == "invite":
        days = args.expires if args.expires is not None else settings.boucle_invite_days
        return asyncio.run(
            create_invites(settings, args.association, args.commune, args.role, args.count, days)
        )
    if args.command == "promote":
        return asyncio.run(
            promote_member(settings, args.member, args.name, args.association, args.role)
        )
    if args.command == "invites":
        if args.revoke:
            return asyncio.run(revoke_invite(settings, args.revoke))
        if args.association is None:
            return asyncio.run(list_all_invites(settings))
        return asyncio.run(list_invites(settings, args.association))
    if args.command == "profil":
        wanted: dict[profile.Field, str | None] = {
            "commune": args.commune,
            "reach": args.rayon,
            "takes": args.recoit,
            "gives": args.donne,
            "capacities": args.capacites,
        }
        changes = {field: value for field, value in wanted.items() if value is not None}
        return asyncio.run(profile_of_association(settings, args.association, changes))
    if args.command == "parse":
        return parse_messages(settings.boucle_timezone, args.now, args.text)
    # Issue 15: rotated backups, restore, and the administrator's view.
    if args.command == "backup":
        if args.dir is not None and args.path is None:
            keep = DEFAULT_KEEP if args.keep is None else args.keep
            return backup_rotated_to(settings.boucle_db_path, args.dir, keep)
        if args.path is None or args.dir is not None or args.keep is not None:
            print(
                "Donnez un fichier (boucle backup PATH) ou un dossier (--dir DOSSIER --keep N).",
                file=sys.stderr,
            )
            return 2
        return backup_to(settings.boucle_db_path, args.path, args.force)
    if args.command == "export":  # issue 13
        return asyncio.run(export_transfers(settings, args))
    if args.command == "rapport":  # issue 13, part 4
        from bot.clock import SystemClock

        return asyncio.run(write_report(settings, args, SystemClock().now()))
    if args.command in ("mesdonnees", "oublier"):
        from bot import cli_privacy

        if args.command == "mesdonnees":
            return cli_privacy.write_personal_data(settings, args.member, args.output)
        return asyncio.run(cli_privacy.forget(settings, args.member, args.oui))
    if args.command == "restore":
        return restore_from(settings.boucle_db_path, args.file)
    if args.command == "members":
        if args.promote is not None:
            if args.role is None:
                print("--promote N demande --role (member, coordinator, admin).", file=sys.stderr)
                return 2
            return asyncio.run(promote_member(settings, args.promote, None, None, args.role))
        if args.remove is not None:
            return asyncio.run(remove_member(settings, args.remove))
        return asyncio.run(
            list_members(settings, args.association, args.role, args.status, args.limit)
        )
    if args.command == "stats":
        from bot.clock import SystemClock

        return asyncio.run(show_stats(settings, SystemClock().now()))
    if args.command == "doctor":
        return asyncio.run(run_doctor(settings, args.lang, args.min_free_mb))
    return 2


def chat_in_terminal(settings: Settings) -> int:
    import asyncio

    from bot.app import run_terminal_chat

    try:
        asyncio.run(run_terminal_chat(settings))
    except KeyboardInterrupt:  # Ctrl+C: what was typed is stored, a restart finishes it
        print("\nÀ bientôt !")
        return 130
    return 0


def log_level_for(command: str, settings: Settings) -> str:
    """BOUCLE_LOG_LEVEL; the terminal chat stays quiet (WARNING) unless it is set explicitly:
    `boucle chat`, and `boucle run` with no platform configured (`make run`, a newcomer's first
    try), where a log line per message would cut into the conversation."""
    terminal = command == "chat" or (
        command == "run" and not settings.telegram_enabled and not settings.whatsapp_enabled
    )
    if terminal and "boucle_log_level" not in settings.model_fields_set:
        return "WARNING"
    return settings.boucle_log_level


async def create_invites(
    settings: Settings,
    association_name: str,
    commune_name: str,
    role: Role,
    count: int,
    days: int = DEFAULT_INVITE_DAYS,
) -> int:
    from bot.clock import SystemClock
    from handlers.members import deep_link
    from handlers.understanding import load_gazetteer
    from storage import members
    from storage.db import Database

    if not 1 <= count <= MAX_INVITES_AT_ONCE:
        print(f"--count doit être entre 1 et {MAX_INVITES_AT_ONCE}.", file=sys.stderr)
        return 2
    if not 1 <= days <= MAX_INVITE_DAYS:
        print(f"--expires doit être entre 1 et {MAX_INVITE_DAYS} jours.", file=sys.stderr)
        return 2
    if not association_name.strip():
        print("--association ne peut pas être vide.", file=sys.stderr)
        return 2
    commune = load_gazetteer().find(commune_name)
    if commune is None:
        print(
            f"Commune inconnue : « {commune_name} ». Vérifiez l'orthographe ou donnez le "
            "code postal.",
            file=sys.stderr,
        )
        return 2
    now = SystemClock().now()
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            association = await members.ensure_association(
                conn,
                association_name.strip(),
                commune.name,
                now,
                commune.latitude,
                commune.longitude,
            )
            validity = timedelta(days=days)
            codes = [
                await members.create_invite(conn, association.id, role, now, valid_for=validity)
                for _ in range(count)
            ]
    finally:
        await db.close()
    username = await bot_username(settings)
    print(f"{association.name} ({association.commune}) — {count} code(s), rôle {role}.")
    print("Chaque code ne sert qu'une fois : la personne envoie /start CODE au bot.")
    until = (now + timedelta(days=days)).astimezone(ZoneInfo(settings.boucle_timezone))
    print(f"Valable(s) jusqu'au {until:%d/%m/%Y %H:%M} ({days} jours).")
    if username and count == 1:
        print(deep_link(username, codes[0]))
    for code in codes:
        print(code)
    return 0


async def promote_member(
    settings: Settings,
    member_id: int | None,
    name: str | None,
    association_name: str | None,
    role: Role,
) -> int:
    """Set a member's role; the only way to name or demote a network administrator. The last
    coordinator of an association stays one (the chat's rule, handlers/membership.py)."""
    from bot.clock import SystemClock
    from handlers.membership import last_coordinator
    from storage import members
    from storage.db import Database

    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            found, problem = await find_member(conn, member_id, name, association_name)
            if found is None:
                print(problem, file=sys.stderr)
                return 2
            if role == "member" and await last_coordinator(conn, found, leaving=False):
                print(
                    f"{found.name} est le dernier coordinateur de {found.association_name} : "
                    "nommez-en d'abord un autre (boucle promote … --role coordinator).",
                    file=sys.stderr,
                )
                return 2
            await members.set_member_role(conn, found.id, role, SystemClock().now())
    finally:
        await db.close()
    print(f"{found.name} (n°{found.id}, {found.association_name}) : rôle {found.role} → {role}.")
    return 0


async def find_member(
    conn: Conn, member_id: int | None, name: str | None, association_name: str | None
) -> tuple[Member | None, str]:
    """The member designated on the command line, or why none is (one line)."""
    from storage import members

    if member_id is not None:
        found = await members.member_by_id(conn, member_id)
        if found is None or found.status == "removed":
            return None, f"Aucun membre n°{member_id}."
        return found, ""
    association_id: int | None = None
    if association_name:
        association = await members.association_by_name(conn, association_name.strip())
        if association is None:
            return None, f"Association inconnue : « {association_name} »."
        association_id = association.id
    named = await members.members_called(conn, (name or "").strip(), association_id, limit=10)
    if not named:
        return None, f"Aucun membre nommé « {name} »."
    if len(named) > 1:
        listed = ", ".join(f"n°{m.id} ({m.association_name})" for m in named)
        return None, f"Plusieurs membres s'appellent « {name} » : {listed}. Utilisez --member N."
    return named[0], ""


async def list_invites(settings: Settings, association_name: str) -> int:
    """`boucle invites --association NAME`: the codes that still work, newest first."""
    from bot.clock import SystemClock
    from storage import members
    from storage.db import Database

    now = SystemClock().now()
    zone = ZoneInfo(settings.boucle_timezone)
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            association = await members.association_by_name(conn, association_name.strip())
            if association is None:
                print(f"Association inconnue : « {association_name} ».", file=sys.stderr)
                return 2
            found, total = await members.open_invites(conn, association.id, now, MAX_LISTED)
    finally:
        await db.close()
    print(f"{association.name} — {total} code(s) en cours.")
    for invite in found:
        until = f"{invite.expires_at.astimezone(zone):%d/%m/%Y %H:%M}" if invite.expires_at else "-"
        print(f"{invite.code}  {invite.role:<11}  jusqu'au {until}")
    if total > len(found):
        print(f"… et {total - len(found)} autre(s), plus anciens.")
    return 0


async def revoke_invite(settings: Settings, code: str) -> int:
    """`boucle invites --revoke CODE`: the code stops working (a used one stays as it is)."""
    from bot.clock import SystemClock
    from storage import members
    from storage.db import Database

    now = SystemClock().now()
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            invite = await members.invite_by_code(conn, code)
            if invite is None:
                print(f"Code inconnu : {code}.", file=sys.stderr)
                return 2
            if invite.used_by is not None:
                print(f"Le code {invite.code} a déjà servi : rien à révoquer.", file=sys.stderr)
                return 1
            if not await members.revoke_invite(conn, invite.code, None, now):
                print(f"Le code {invite.code} était déjà révoqué.")
                return 0
    finally:
        await db.close()
    print(f"Code {invite.code} révoqué : il ne permet plus de rejoindre le réseau.")
    return 0


async def profile_of_association(
    settings: Settings, association_name: str, wanted: dict[profile.Field, str]
) -> int:
    """`boucle profil NAME [--commune …]`: every change read first (one bad value changes
    nothing), then stored and logged; the profile printed as it now is."""
    from bot.clock import SystemClock
    from handlers import profile
    from handlers.texts import t
    from handlers.understanding import load_gazetteer
    from storage import members, profiles
    from storage.db import Database

    gazetteer = load_gazetteer()
    changes: list[profile.Change] = []
    for field, value in wanted.items():
        try:
            changes.append(profile.change_of(gazetteer, "fr", field, value))
        except profile.Invalid as error:
            print(profile.invalid_text("fr", error), file=sys.stderr)
            return 2
    now = SystemClock().now()
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            association = await members.association_by_name(conn, association_name.strip())
            if association is None:
                print(f"Association inconnue : « {association_name} ».", file=sys.stderr)
                return 2
            for change in changes:
                await profile.apply(conn, association.id, change, None, now)
            found = await profiles.profile_of(conn, association.id)
    finally:
        await db.close()
    assert found is not None
    for change in changes:
        print(t("fr", change.line_key, **change.line_values))
    print("\n".join(profile.profile_text("fr", found, False).split("\n")[:-1]))
    return 0


async def bot_username(settings: Settings) -> str | None:
    """The bot's @username (for t.me links), when a token is configured and Telegram answers."""
    from telegram import Bot
    from telegram.error import TelegramError

    if not settings.telegram_enabled or settings.telegram_bot_token is None:
        return None
    try:
        async with Bot(
            settings.telegram_bot_token.get_secret_value(), base_url=settings.telegram_base_url
        ) as bot:
            return bot.username
    except (TelegramError, OSError):
        return None


def parse_messages(timezone: str, now_text: str | None, texts: list[str]) -> int:
    from handlers.understanding import contract_json_lines, load_gazetteer

    zone = ZoneInfo(timezone)
    try:
        now = datetime.fromisoformat(now_text) if now_text else datetime.now(zone)
    except ValueError:
        print(f"--now : date ISO-8601 attendue, pas « {now_text} ».", file=sys.stderr)
        return 2
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    messages = texts if texts else (line.rstrip("\n") for line in sys.stdin)
    for line in contract_json_lines(messages, now, load_gazetteer(), timezone):
        print(line)
    return 0


def backup_to(source: Path, target: Path, force: bool) -> int:
    from storage.backup import BackupError, backup_database

    try:
        size = backup_database(source, target, overwrite=force)
    except BackupError as error:
        print(f"Sauvegarde impossible : {error}", file=sys.stderr)
        return 1
    print(f"Sauvegarde écrite : {target.absolute()} ({readable_size(size)}).")
    return 0


def readable_size(size: int) -> str:
    for unit, scale in (("Go", 1e9), ("Mo", 1e6), ("ko", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".", ",")
    return f"{size} octets"


# ------------------------------------------------------------------ boucle export (issue 13)


def add_export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export",
        help="write the transfers between associations of a period to a CSV or XLSX file",
    )
    export.add_argument("--from", dest="start", required=True, metavar="DATE", help="JJ/MM/AAAA")
    export.add_argument("--to", dest="end", required=True, metavar="DATE", help="JJ/MM/AAAA")
    export.add_argument("--association", help="only what this association gave or received")
    export.add_argument(
        "--format", choices=("csv", "xlsx"), help="default: the extension of --output"
    )
    export.add_argument(
        "--output", type=Path, help="the file (default: boucle-transferts-AAAA-MM.xlsx or .csv)"
    )
    export.add_argument("--force", action="store_true", help="replace an existing file")


async def export_transfers(settings: Settings, args: argparse.Namespace) -> int:
    """`boucle export --from --to [--association] --format [--output]`: the transfers streamed
    to a file, batch by batch, read as of one moment without stopping the bot's writes."""
    import os

    from handlers import exports
    from handlers.periods import PeriodError, read_date
    from storage import indicators
    from storage import transfers as stored
    from storage.db import Database

    try:
        period = exports.dates(read_date(args.start), read_date(args.end))
    except PeriodError as error:
        text = error.values["text"]
        print(f"Date illisible : « {text} ». Écrivez JJ/MM/AAAA ou AAAA-MM-JJ.", file=sys.stderr)
        return 2
    if period.first > period.last:
        print(
            f"--from ({exports.day_text(period.first)}) est après --to "
            f"({exports.day_text(period.last)}) : mettez la date la plus ancienne d'abord.",
            file=sys.stderr,
        )
        return 2
    chosen = args.format or (args.output.suffix.lstrip(".").lower() if args.output else "")
    if chosen not in exports.FORMATS:
        print("Précisez le format : --format csv ou --format xlsx.", file=sys.stderr)
        return 2
    zone = ZoneInfo(settings.boucle_timezone)
    start, end = period.bounds(zone)
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.snapshot() as conn:
            target = await file_target(
                conn, args, lambda name: exports.file_name(period, chosen, name)
            )
            if target is None:
                return 2
            association, output = target
            name = association.name if association else None
            partial = output.with_name(output.name + ".part")
            summary = exports.Summary(
                exports.FILE_LANG, settings.equivalents, association.id if association else None
            )
            if chosen == "xlsx":  # issue 14: the loans in the summary sheet
                summary.loans = await indicators.loans_started(
                    conn, start, end, summary.association_id
                )
            rows = stored.transfers(conn, start, end, summary.association_id)
            top = exports.heading(exports.FILE_LANG, period, name)
            try:
                with partial.open("wb") as sink:
                    await exports.write_export(rows, sink, chosen, summary, zone, top)
                os.replace(partial, output)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    except OSError as error:
        print(f"Export impossible : {error}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    print(
        f"{summary.transfers} transfert(s) {top[0]} — {top[1]} : "
        f"{exports.figure_text(summary.kilos)} kg (équivalent)."
    )
    if conversions := summary.conversions():
        print(f"Conversions : {conversions}.")
    print(f"Fichier écrit : {output.absolute()} ({readable_size(output.stat().st_size)}).")
    return 0


# ------------------------------------------------------------------ boucle rapport (issue 13)


def add_report_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "rapport", help="write the monthly report for funders (a PDF: figures, chart, exchanges)"
    )
    report.add_argument(
        "--mois",
        default="",
        metavar="MOIS",
        help="the month: 2026-11, 11/2026, novembre, « novembre 2025 » (default: last month)",
    )
    report.add_argument("--association", help="this association's report (default: the network)")
    report.add_argument(
        "--output", type=Path, help="the file (default: boucle-rapport-AAAA-MM.pdf)"
    )
    report.add_argument("--force", action="store_true", help="replace an existing file")


async def write_report(settings: Settings, args: argparse.Namespace, now: datetime) -> int:
    """`boucle rapport --mois 2026-11 [--association] [--output] [--force]`: the PDF written to
    a temporary file, then renamed (a reader never sees half a file), read as of one moment
    without stopping the bot's writes."""
    import os

    from handlers import report
    from handlers.periods import PeriodError, parse_period
    from storage.db import Database

    zone = ZoneInfo(settings.boucle_timezone)
    try:
        period = parse_period(args.mois, now.astimezone(zone).date())
    except PeriodError as error:
        why = {
            "future": " : il commence après aujourd'hui",
            "too_long": " : 3 ans au plus",
            "reversed": " : la fin est avant le début",
        }.get(error.reason, "")
        print(
            f"Mois illisible : « {args.mois} »{why}. Écrivez par ex. --mois 2026-11, "
            "--mois novembre ou --mois 'novembre 2025'.",
            file=sys.stderr,
        )
        return 2
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.snapshot() as conn:
            target = await file_target(conn, args, lambda name: report.file_name(period, name))
            if target is None:
                return 2
            association, output = target
            gathered = await report.gather(
                conn,
                period,
                zone,
                association.id if association else None,
                settings.equivalents,
                now,
            )
        data = report.render(gathered, report.FILE_LANG, settings.equivalents)
        partial = output.with_name(output.name + ".part")
        try:
            partial.write_bytes(data)
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    except OSError as error:
        print(f"Rapport impossible : {error}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    print(f"Rapport : {report.title(gathered.bilan, report.FILE_LANG)}.")
    print(f"Fichier écrit : {output.absolute()} ({readable_size(output.stat().st_size)}).")
    return 0


# ---------------------------------------------------------------------------- issue 15
# Rotated backups, restore, and the administrator's view (docs/deploy.md).


def backup_rotated_to(source: Path, folder: Path, keep: int) -> int:
    """`boucle backup --dir FOLDER --keep N`: a compressed copy named after now; N kept."""
    from bot.clock import SystemClock
    from storage.backup import BackupError, backup_rotated

    try:
        done = backup_rotated(source, folder, keep, SystemClock().now())
    except BackupError as error:
        print(f"Sauvegarde impossible : {error}", file=sys.stderr)
        return 1
    print(f"Sauvegarde écrite : {done.path.absolute()} ({readable_size(done.size)}).")
    if done.removed:
        print(f"{len(done.removed)} ancienne(s) sauvegarde(s) supprimée(s) ({keep} gardées).")
    return 0


def restore_from(database: Path, backup: Path) -> int:
    """`boucle restore FILE`: refused while the bot runs; the backup checked first; the
    current database kept aside."""
    from bot.clock import SystemClock
    from storage.backup import RestoreError, restore_database

    try:
        done = restore_database(backup, database, SystemClock().now())
    except RestoreError as error:
        print(f"Restauration refusée : {error}", file=sys.stderr)
        return 1
    print(f"Base restaurée depuis {backup} ({readable_size(done.size)}) : {database.absolute()}.")
    if done.aside is not None:
        print(f"L'ancienne base est gardée dans {done.aside} (supprimez-la quand tout va bien).")
    return 0


def existing_database(settings: Settings) -> bool:
    """Read-only commands never create an empty database where none is."""
    if settings.boucle_db_path.is_file():
        return True
    print(
        f"Base introuvable : {settings.boucle_db_path} (vérifiez BOUCLE_DB_PATH).", file=sys.stderr
    )
    return False


ROLE_WORDS = {"member": "membre", "coordinator": "coordinateur", "admin": "administrateur"}
STATUS_WORDS = {"active": "actif", "unreachable": "injoignable", "removed": "retiré"}


async def list_members(
    settings: Settings,
    association_name: str | None,
    role: Role | None,
    status: str | None,
    limit: int,
) -> int:
    """`boucle members [--association A] [--role R] [--status S]`: one line per member, with
    the number the chat uses, never a phone number."""
    from storage import admin, members
    from storage.db import Database

    if not existing_database(settings):
        return 1
    zone = ZoneInfo(settings.boucle_timezone)
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            association_id: int | None = None
            if association_name:
                association = await members.association_by_name(conn, association_name.strip())
                if association is None:
                    print(f"Association inconnue : « {association_name} ».", file=sys.stderr)
                    return 2
                association_id = association.id
            found, total = await admin.member_lines(
                conn, association_id, role, status, max(limit, 1)
            )
    finally:
        await db.close()
    print(f"{total} membre(s).")
    for line in found:
        channels = ",".join(line.channels) or "-"
        joined = f"{line.joined_at.astimezone(zone):%d/%m/%Y}"
        print(
            f"n°{line.id:<6} {line.name}  {ROLE_WORDS.get(line.role, line.role)}  "
            f"{STATUS_WORDS.get(line.status, line.status)}  {line.association_name}  "
            f"{channels}  depuis le {joined}"
        )
    if total > len(found):
        print(f"… et {total - len(found)} autre(s) : précisez --association, --role ou --status.")
    return 0


async def remove_member(settings: Settings, member_id: int) -> int:
    """`boucle members --remove N`: as `/retirer` in the chat (the last coordinator stays;
    what was queued for them is not sent); their posts and claims stay."""
    from handlers.membership import last_coordinator, remove_from_network
    from storage.db import Database

    if not existing_database(settings):
        return 1
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            found, problem = await find_member(conn, member_id, None, None)
            if found is None:
                print(problem, file=sys.stderr)
                return 2
            if await last_coordinator(conn, found, leaving=True):
                print(
                    f"{found.name} est le dernier coordinateur de {found.association_name} : "
                    "nommez-en d'abord un autre (boucle members --promote N --role coordinator).",
                    file=sys.stderr,
                )
                return 2
            await remove_from_network(conn, found.id)
    finally:
        await db.close()
    print(
        f"{found.name} (n°{found.id}, {found.association_name}) est retiré·e du réseau : "
        "ses annonces et prises restent."
    )
    return 0


async def list_all_invites(settings: Settings) -> int:
    """`boucle invites`: every association's codes that still work, newest first."""
    from bot.clock import SystemClock
    from storage import admin
    from storage.db import Database

    if not existing_database(settings):
        return 1
    zone = ZoneInfo(settings.boucle_timezone)
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            found, total = await admin.open_invites_everywhere(
                conn, SystemClock().now(), MAX_LISTED
            )
    finally:
        await db.close()
    print(f"{total} code(s) en cours.")
    for line in found:
        invite = line.invite
        until = f"{invite.expires_at.astimezone(zone):%d/%m/%Y %H:%M}" if invite.expires_at else "-"
        print(f"{invite.code}  {invite.role:<11}  jusqu'au {until}  {line.association_name}")
    if total > len(found):
        print(f"… et {total - len(found)} autre(s), plus anciens.")
    return 0


async def show_stats(settings: Settings, now: datetime) -> int:
    """`boucle stats`: the outbox's queue, messages in and out in the last hour and day per
    channel, send errors by kind and 429s, the digests (storage/stats.py), as of `now`."""
    from storage import stats
    from storage.db import Database

    if not existing_database(settings):
        return 1
    zone = ZoneInfo(settings.boucle_timezone)
    hour, day = now - timedelta(hours=1), now - timedelta(days=1)
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            queue = await stats.outbox_queue(conn)
            received = (
                await stats.received_since(conn, hour),
                await stats.received_since(conn, day),
            )
            sent = (await stats.sent_since(conn, hour), await stats.sent_since(conn, day))
            attempts = await stats.attempts_since(conn, day)
            digests = await stats.digests(conn, day)
    finally:
        await db.close()
    print(stats_text(now, zone, queue, received, sent, attempts, digests))
    return 0


def stats_text(
    now: datetime,
    zone: ZoneInfo,
    queue: stats.Queue,
    received: tuple[dict[str, int], dict[str, int]],
    sent: tuple[dict[str, int], dict[str, int]],
    attempts: dict[str, int],
    digests: stats.Digests,
) -> str:
    def moment(at: datetime) -> str:
        return f"{at.astimezone(zone):%d/%m/%Y %H:%M}"

    def per_channel(counts: tuple[dict[str, int], dict[str, int]]) -> str:
        channels = sorted(set(counts[0]) | set(counts[1]))
        if not channels:
            return "aucun"
        return " ; ".join(f"{c} {counts[0].get(c, 0)} / {counts[1].get(c, 0)}" for c in channels)

    waiting = queue.by_state
    age = ""
    if queue.oldest_queued_at is not None:
        minutes = max(int((now - queue.oldest_queued_at).total_seconds() // 60), 0)
        age = f", le plus ancien depuis {minutes} min"
    errors = {k: v for k, v in attempts.items() if k not in ("sent", "rate_limited")}
    error_text = ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "aucune"
    last = f"le dernier le {moment(digests.last_at)}" if digests.last_at else "aucun encore"
    coming = f"le prochain le {moment(digests.next_at)}" if digests.next_at else "aucun prévu"
    return "\n".join(
        [
            f"File d'envoi : {waiting['queued']} en attente{age}, {waiting['in_flight']} en "
            f"cours, {waiting['held']} retenu(s) (fenêtre WhatsApp, injoignables).",
            f"Messages reçus (1 h / 24 h) : {per_channel(received)}.",
            f"Messages envoyés (1 h / 24 h) : {per_channel(sent)}.",
            f"Erreurs d'envoi (24 h) : {error_text}.",
            f"Réponses 429 (trop de messages, 24 h) : {attempts.get('rate_limited', 0)}.",
            f"Points quotidiens : {last}, {digests.since} en 24 h, {coming}.",
        ]
    )


async def run_doctor(settings: Settings, lang: str, min_free_mb: int | None) -> int:
    """`boucle doctor`: every check, what to fix, exit 1 on a problem (bot/doctor.py)."""
    from bot.clock import SystemClock
    from bot.doctor import DEFAULT_MIN_FREE_MB, diagnose, report

    megabytes = DEFAULT_MIN_FREE_MB if min_free_mb is None else min_free_mb
    findings = await diagnose(
        settings, now=SystemClock().now(), min_free_bytes=megabytes * 1_000_000
    )
    text, status = report(findings, lang)
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())


async def file_target(
    conn: Conn, args: argparse.Namespace, file_name: Callable[[str | None], str]
) -> tuple[Association | None, Path] | None:
    """What `boucle export` and `boucle rapport` write: the association `--association` names
    (None: the whole network) and the file (`--output`, else `file_name` of the association's
    name); None after saying why not (an unknown association, a file there without --force)."""
    association = None
    if args.association is not None:
        association = await association_named(conn, args.association)
        if association is None:
            return None
    output: Path = args.output or Path(file_name(association.name if association else None))
    return (association, output) if may_write(output, args.force) else None


def may_write(output: Path, force: bool) -> bool:
    """False after saying so when `output` exists and --force was not given (a command line
    run, before anything else: the check blocks nothing)."""
    if output.exists() and not force:
        print(f"{output} existe déjà : --force pour le remplacer.", file=sys.stderr)
        return False
    return True


async def association_named(conn: Conn, text: str) -> Association | None:
    """The association `text` names, whatever its case and accents (`boucle export`, `boucle
    rapport`); None after saying it is unknown, with the closest names."""
    from handlers import exports
    from storage import members

    association = await members.association_by_name(conn, text.strip())
    if association is not None:
        return association
    names = [a.name for a in await members.all_associations(conn)]
    found, close = exports.match_association(text, names)
    if found is None:
        print(f"Association inconnue : « {text} ».", file=sys.stderr)
        if close:
            print("Vouliez-vous dire : " + " ; ".join(close) + " ?", file=sys.stderr)
        return None
    return await members.association_by_name(conn, found)
