"""What is stored about one member (`/mesdonnees`), and erasing it (`/oublier`).

A member's personal data are: their name, their identities on each channel (a Telegram id, a
phone number, the contact shown to others), what they wrote (the inbox keeps raw messages for
the retention period), what was sent to them (the outbox, the same), their settings
(notifications, digest, language), their pending drafts and link codes, and the posts and
claims they made.

Erasing keeps the network's figures: the member's row stays, named « membre retiré » and
marked `forgotten_at`, so that posts, claims and events keep their author and their figures;
everything that says who the person was is deleted or blanked. The words of their posts are
replaced by the post's short description (a post's text may hold a name or a number).

Cost: the inbox is read through its address index, posts and claims through the indexes of
migration 0029; the outbox has no index by member (one on the hottest table would slow every
fan-out), so the one statement that blanks it reads the table once, as `/quitter` already
does. Erasure is rare; its cost is measured in tests/test_privacy.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Conn, fetch_all, fetch_one
from storage.timefmt import to_db

# The name a forgotten member keeps (the figures still name an author).
FORGOTTEN_NAME = "membre retiré"

# Tables holding a member's own settings and pending things, deleted whole on erasure.
_MEMBER_TABLES = (
    "drafts",
    "link_codes",
    "member_preferences",
    "digest_subscriptions",
    "digest_schedule",
    "arrival_notices",
    "network_admins",
)


@dataclass(frozen=True)
class Erased:
    """What an erasure removed or blanked, counted (said to the coordinator, tested)."""

    identities: int
    messages_received: int
    messages_sent: int
    posts_reworded: int


async def addresses_of(conn: Conn, member_id: int) -> list[tuple[str, str]]:
    rows = await fetch_all(
        conn, "SELECT channel, external_id FROM identities WHERE member_id = ?", (member_id,)
    )
    return [(row[0], row[1]) for row in rows]


async def personal_data(conn: Conn, member_id: int) -> dict[str, Any] | None:
    """Everything stored about a member, as plain JSON-ready values (None: no such member)."""
    member = await fetch_one(
        conn,
        "SELECT m.*, a.name AS association_name,"
        " EXISTS (SELECT 1 FROM network_admins n WHERE n.member_id = m.id) AS admin"
        " FROM members m JOIN associations a ON a.id = m.association_id WHERE m.id = ?",
        (member_id,),
    )
    if member is None:
        return None
    addresses = await addresses_of(conn, member_id)
    return {
        "membre": {
            "numero": member["id"],
            "nom": member["name"],
            "association": member["association_name"],
            "role": member["role"],
            "administrateur_reseau": bool(member["admin"]),
            "statut": member["status"],
            "langue": member["language"],
            "inscrit_le": member["joined_at"],
            "partage_son_numero": bool(member["shares_number"]),
            "oublie_le": member["forgotten_at"],
        },
        "identites": await _rows(
            conn,
            "SELECT channel AS canal, external_id AS identifiant, contact,"
            " contact_link AS lien_contact, contact_private AS contact_prive,"
            " last_inbound_at AS dernier_message_le, created_at AS cree_le"
            " FROM identities WHERE member_id = ? ORDER BY created_at",
            (member_id,),
        ),
        "notifications": await _rows(
            conn,
            "SELECT mode, muted AS categories_sans, quiet_start AS calme_debut,"
            " quiet_end AS calme_fin FROM member_preferences WHERE member_id = ?",
            (member_id,),
        ),
        "resume_quotidien": await _rows(
            conn,
            "SELECT local_time AS heure, updated_at AS modifie_le"
            " FROM digest_subscriptions WHERE member_id = ?",
            (member_id,),
        ),
        "annonces": await _rows(
            conn,
            "SELECT id AS numero, kind AS type, category AS categorie, what AS quoi,"
            " quantity AS quantite, unit AS unite, deadline AS date_limite, place AS lieu,"
            " urgent, status AS statut, original_text AS texte, media_urls AS photos,"
            " created_at AS cree_le, updated_at AS modifie_le"
            " FROM posts WHERE author_id = ? ORDER BY id",
            (member_id,),
        ),
        "prises": await _rows(
            conn,
            "SELECT id AS numero, post_id AS annonce, quantity AS quantite,"
            " done_quantity AS quantite_recuperee, status AS statut,"
            " created_at AS cree_le, updated_at AS modifie_le"
            " FROM claims WHERE member_id = ? ORDER BY id",
            (member_id,),
        ),
        "invitations_creees": await _rows(
            conn,
            "SELECT role, created_at AS cree_le, expires_at AS expire_le, used_at AS utilisee_le,"
            " revoked_at AS revoquee_le FROM invites WHERE created_by = ? ORDER BY created_at",
            (member_id,),
        ),
        "brouillon": await _rows(
            conn,
            "SELECT question, payload AS contenu, created_at AS cree_le"
            " FROM drafts WHERE member_id = ?",
            (member_id,),
        ),
        # Issue 14: the group purchases they opened or ordered in, the equipment they
        # registered, booked, answered for or brought back (small tables: read whole).
        "achats_organises": await _rows(
            conn,
            "SELECT id AS numero, product AS produit, pack AS conditionnement,"
            " supplier AS fournisseur, status AS statut, created_at AS cree_le"
            " FROM purchases WHERE organiser_id = ? ORDER BY id",
            (member_id,),
        ),
        "commandes": await _rows(
            conn,
            "SELECT purchase_id AS achat, quantity AS quantite, updated_at AS modifie_le"
            " FROM purchase_orders WHERE member_id = ? ORDER BY purchase_id",
            (member_id,),
        ),
        "materiel_enregistre": await _rows(
            conn,
            "SELECT id AS numero, name AS nom, place AS lieu, conditions, status AS statut,"
            " created_at AS cree_le FROM resources WHERE created_by = ? ORDER BY id",
            (member_id,),
        ),
        "reservations": await _rows(
            conn,
            "SELECT id AS numero, resource_id AS materiel, start_at AS debut, end_at AS fin,"
            " status AS statut, incident, member_id = ? AS reservee_par_vous,"
            " decided_by = ? AS decidee_par_vous, returned_by = ? AS rendue_par_vous"
            " FROM bookings WHERE ? IN (member_id, decided_by, returned_by) ORDER BY id",
            (member_id, member_id, member_id, member_id),
        ),
        "messages_recus_du_membre": await _inbox_of(conn, addresses),
        "messages_envoyes_au_membre": await _outbox_of(conn, member_id),
    }


async def _rows(conn: Conn, sql: str, params: Sequence[object]) -> list[dict[str, Any]]:
    return [dict(row) for row in await fetch_all(conn, sql, params)]


async def _inbox_of(conn: Conn, addresses: list[tuple[str, str]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for channel, external_id in addresses:
        rows = await fetch_all(
            conn,
            "SELECT received_at, payload FROM inbox WHERE address = ? ORDER BY received_at",
            (f"{channel}:{external_id}",),
        )
        found += [{"canal": channel, "recu_le": row[0], "texte": _text_of(row[1])} for row in rows]
    return found


async def _outbox_of(conn: Conn, member_id: int) -> list[dict[str, Any]]:
    # Off the loop: the outbox has no index by member (issue 15 left it so) and is scanned.
    rows = await fetch_all(
        conn.off_loop(),
        "SELECT o.channel, o.created_at, o.sent_at, o.state,"
        " COALESCE(p.body, o.payload) AS body"
        " FROM outbox o LEFT JOIN payloads p ON p.id = o.payload_id"
        " WHERE o.member_id = ? ORDER BY o.id",
        (member_id,),
    )
    return [
        {
            "canal": row["channel"],
            "cree_le": row["created_at"],
            "envoye_le": row["sent_at"],
            "etat": row["state"],
            "texte": _text_of(row["body"]),
        }
        for row in rows
    ]


def _text_of(payload: str) -> str:
    """The text of a stored message (a JSON payload, or a blanked one)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return payload
    if isinstance(data, dict):
        title = data.get("title") or ""
        text = data.get("text") or ""
        return f"{title}\n{text}".strip() if title else str(text)
    return str(data)


async def forget_member(
    conn: Conn, member_id: int, now: datetime, asking: tuple[str, str] | None = None
) -> Erased:
    """Erase what identifies the member, in the caller's transaction (all or nothing).

    `asking`: the (channel, message_id) of the message being handled (`/oublier oui`), which
    the dispatcher marks handled in this same transaction; their other messages not handled
    yet are closed here (their words are gone, nothing is left to replay)."""
    addresses = await addresses_of(conn, member_id)
    received = 0
    for channel, external_id in addresses:
        address = f"{channel}:{external_id}"
        # The row stays until the retention purge (its key recognises a redelivery); its
        # words and its address go now.
        asked_channel, asked_id = asking or ("", "")
        cur = await conn.execute(
            "UPDATE inbox SET payload = '{}', address = ?,"
            " state = CASE WHEN state = 'received' AND NOT (channel = ? AND message_id = ?)"
            " THEN 'processed' ELSE state END"
            " WHERE address = ?",
            (f"{channel}:?", asked_channel, asked_id, address),
        )
        received += cur.rowcount
        for table in ("code_attempts", "sender_windows"):
            await conn.execute(f"DELETE FROM {table} WHERE address = ?", (address,))
        await conn.execute(
            "DELETE FROM closed_windows WHERE channel = ? AND external_id = ?",
            (channel, external_id),
        )
    # Files sent to them alone (their /mesdonnees file) go with the rows; a file others got
    # too (a chart) stays for them.
    sent_files = await fetch_all(
        conn,
        "SELECT DISTINCT file_id FROM outbox WHERE member_id = ? AND file_id IS NOT NULL",
        (member_id,),
    )
    cur = await conn.execute(
        "UPDATE outbox SET payload = '', external_id = '', file_id = NULL,"
        " state = CASE WHEN state IN ('queued', 'held') THEN 'failed' ELSE state END,"
        " last_error = CASE WHEN state IN ('queued', 'held') THEN 'member forgotten'"
        " ELSE last_error END"
        " WHERE member_id = ?",
        (member_id,),
    )
    sent = cur.rowcount
    for (file_id,) in sent_files:
        await conn.execute(
            "DELETE FROM files WHERE id = ?"
            " AND NOT EXISTS (SELECT 1 FROM outbox WHERE file_id = ?)"
            " AND NOT EXISTS (SELECT 1 FROM payloads WHERE file_id = ?)",
            (file_id, file_id, file_id),
        )
    identities = (
        await conn.execute("DELETE FROM identities WHERE member_id = ?", (member_id,))
    ).rowcount
    for table in _MEMBER_TABLES:
        await conn.execute(f"DELETE FROM {table} WHERE member_id = ?", (member_id,))
    reworded = (
        await conn.execute(
            "UPDATE posts SET original_text = what, media_urls = '[]' WHERE author_id = ?",
            (member_id,),
        )
    ).rowcount
    await conn.execute(
        "UPDATE members SET name = ?, status = 'removed', shares_number = 0,"
        " forgotten_at = ? WHERE id = ?",
        (FORGOTTEN_NAME, to_db(now), member_id),
    )
    return Erased(identities, received, sent, reworded)


async def is_forgotten(conn: Conn, member_id: int) -> bool:
    row = await fetch_one(conn, "SELECT forgotten_at FROM members WHERE id = ?", (member_id,))
    return row is not None and row[0] is not None
