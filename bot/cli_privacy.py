"""`boucle mesdonnees N°` and `boucle oublier N°`: the privacy commands for the person who runs
the bot (a coordinator or administrator answering a member's request, a member who left
included). The same storage as `/mesdonnees` and `/oublier` (storage/privacy.py)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from bot.clock import SystemClock
from bot.settings import Settings
from handlers.privacy import personal_data_file
from storage import members, privacy
from storage.db import Database


def write_personal_data(settings: Settings, member_id: int, output: Path | None) -> int:
    now = SystemClock().now()
    data = asyncio.run(_personal_data(settings, member_id))
    if data is None:
        print(f"Aucun membre n°{member_id}.", file=sys.stderr)
        return 2
    target = output or Path(f"boucle-donnees-membre-{member_id}.json")
    content = personal_data_file(data, now)
    try:
        # Created private (it holds a phone number); never over an existing file.
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"{target} existe déjà : donnez un autre nom (--output).", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"Impossible d'écrire {target} : {error.strerror}", file=sys.stderr)
        return 2
    with os.fdopen(handle, "wb") as file:
        file.write(content)
    print(f"Données du membre n°{member_id} écrites dans {target} ({len(content)} octets).")
    return 0


async def _personal_data(settings: Settings, member_id: int) -> dict[str, Any] | None:
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            return await privacy.personal_data(conn, member_id)
    finally:
        await db.close()


async def forget(settings: Settings, member_id: int, confirmed: bool) -> int:
    now = SystemClock().now()
    db = await Database.open(settings.boucle_db_path)
    try:
        async with db.transaction() as conn:
            found = await members.member_by_id(conn, member_id)
            if found is None or await privacy.is_forgotten(conn, member_id):
                print(f"Aucun membre n°{member_id} (ou déjà effacé).", file=sys.stderr)
                return 2
            if not confirmed:
                print(
                    f"Effacer les données de {found.name} (n°{found.id}, "
                    f"{found.association_name}) : nom, comptes, numéro, réglages et messages "
                    "supprimés ; ses annonces restent sous « membre retiré ». C'est définitif.\n"
                    f"Pour confirmer : boucle oublier {found.id} --oui"
                )
                return 1
            erased = await privacy.forget_member(conn, member_id, now)
    finally:
        await db.close()
    print(
        f"Données du membre n°{member_id} effacées : {erased.identities} compte(s), "
        f"{erased.messages_received} message(s) reçu(s), {erased.messages_sent} envoyé(s) ; "
        f"{erased.posts_reworded} annonce(s) gardée(s) sous « membre retiré »."
    )
    return 0
