"""`boucle export` (issue 13), as the person running the server types it: the file written,
streamed, the same figures as the chat's, and clear French errors."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from tests.export_scenario import CONVERSIONS, DECEMBER, RESTOS, december, rows_of
from tests.network import Network
from tests.test_export import HEADERS, csv_line, labelled, read_csv, sheet_rows


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """In an empty folder (no `.env`), on the database of the `network` fixture."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("BOUCLE_EQUIVALENTS", raising=False)
    monkeypatch.setenv("BOUCLE_DB_PATH", str(tmp_path / "boucle.db"))
    return tmp_path


def files(folder: Path, part: str) -> list[str]:
    """The names in `folder` that contain `part`."""
    return [path.name for path in folder.iterdir() if part in path.name]


async def run(*args: str) -> int:
    """`boucle export ARGS` (its own event loop, in a thread: the test's is running)."""
    return await asyncio.to_thread(main, ["export", *args])


async def test_writes_the_month_as_csv_with_a_default_name(
    network: Network, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await december(network)
    assert await run("--from", "01/12/2026", "--to", "31/12/2026", "--format", "csv") == 0
    written = isolated / "boucle-transferts-2026-12.csv"
    lines = read_csv(written.read_bytes())
    assert lines == [HEADERS, *(csv_line(row) for row in DECEMBER)]
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "7 transfert(s) du 01/12/2026 au 31/12/2026 — tout le réseau : 130 kg (équivalent)."
    )
    assert out[1] == f"Conversions : {CONVERSIONS}."
    assert out[2].startswith(f"Fichier écrit : {written}")
    assert not files(isolated, ".part")
    # The chat's file is the same, byte for byte.
    await network.say("ada", "/export mois csv")
    attachment = network.last_outgoing("ada").attachment
    assert attachment is not None and attachment.data == written.read_bytes()


async def test_one_association_as_xlsx_named_loosely(
    network: Network, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await december(network)
    code = await run(
        "--from", "2026-12-01", "--to", "2026-12-31",
        "--association", "restos du coeur narbonne", "--format", "xlsx",
    )  # fmt: skip
    assert code == 0
    written = isolated / "boucle-transferts-restos-du-coeur-narbonne-2026-12.xlsx"
    assert load_workbook(written).sheetnames == ["Transferts", "Synthèse"]
    rows = sheet_rows(written.read_bytes(), "Transferts")
    assert [row[1:] for row in rows[1:]] == [list(row[1:]) for row in rows_of(RESTOS)]
    summary = sheet_rows(written.read_bytes(), "Synthèse")
    assert labelled(summary, "Pour") == [RESTOS]
    # Given: 3 cartons (30 kg); received: 8 kg of apples, 20 kg of rice, 5 kg of bread.
    assert labelled(summary, "Kilos donnés (équivalent)") == [30]
    assert labelled(summary, "Kilos reçus (équivalent)") == [33]
    assert f"4 transfert(s) du 01/12/2026 au 31/12/2026 — {RESTOS}" in capsys.readouterr().out


async def test_output_and_format_from_its_extension_and_the_network_s_equivalents(
    network: Network, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await december(network)
    monkeypatch.setenv("BOUCLE_EQUIVALENTS", "carton=12")
    target = isolated / "out" / "decembre.xlsx"
    target.parent.mkdir()
    assert await run("--from", "01/12/2026", "--to", "31/12/2026", "--output", str(target)) == 0
    summary = sheet_rows(target.read_bytes(), "Synthèse")
    assert labelled(summary, "Kilos (équivalent)") == [136]
    assert labelled(summary, "Conversions utilisées")[0].startswith("1 carton = 12 kg")
    # An existing file is kept unless --force.
    assert await run("--from", "01/12/2026", "--to", "31/12/2026", "--output", str(target)) == 2
    assert (
        await run("--from", "01/12/2026", "--to", "02/12/2026", "--output", str(target), "--force")
        == 0
    )
    assert len(sheet_rows(target.read_bytes(), "Transferts")) == 1 + 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "31/02/2026", "--to", "31/03/2026", "--format", "csv"], "« 31/02/2026 »"),
        (["--from", "demain", "--to", "31/03/2026", "--format", "csv"], "Date illisible"),
        (
            ["--from", "31/12/2026", "--to", "01/12/2026", "--format", "csv"],
            "--from (31/12/2026) est après --to (01/12/2026)",
        ),
        (["--from", "01/12/2026", "--to", "31/12/2026"], "--format csv ou --format xlsx"),
        (
            ["--from", "01/12/2026", "--to", "31/12/2026", "--format", "csv",
             "--association", "Restos du Coeur"],
            f"Vouliez-vous dire : {RESTOS} ?",
        ),
        (
            ["--from", "01/12/2026", "--to", "31/12/2026", "--format", "csv",
             "--association", "Secours populaire"],
            "Association inconnue : « Secours populaire ».",
        ),
    ],
)  # fmt: skip
async def test_errors_are_clear_and_write_nothing(
    network: Network,
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    await december(network)
    assert await run(*args) == 2
    assert message in capsys.readouterr().err
    assert not files(isolated, "boucle-transferts")


async def test_an_empty_period_writes_the_headers_only(
    network: Network, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await december(network)
    assert await run("--from", "01/06/2026", "--to", "30/06/2026", "--format", "csv") == 0
    assert read_csv((isolated / "boucle-transferts-2026-06.csv").read_bytes()) == [HEADERS]
    assert capsys.readouterr().out.startswith("0 transfert(s) du 01/06/2026 au 30/06/2026")


def test_the_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    shown = capsys.readouterr().out
    assert all(option in shown for option in ("--from", "--to", "--association", "--format"))


def test_csv_streams_in_flat_memory() -> None:
    """Written row by row: the CSV writer's buffer is flushed as it fills."""
    from datetime import UTC, datetime

    from handlers import exports
    from handlers.equivalents import Equivalents
    from storage.transfers import Transfer
    from tests.export_scenario import PARIS

    written: list[int] = []

    class Sink(io.BytesIO):
        def write(self, data: bytes) -> int:  # type: ignore[override]
            written.append(len(data))
            return len(data)

    async def many() -> object:
        for n in range(20_000):
            yield Transfer(
                datetime(2026, 12, 3, tzinfo=UTC), n, n, "offer", "pommes", None, 1.0, "kg",
                1, "Association donneuse", 2, "Association receveuse",
            )  # fmt: skip

    summary = exports.Summary("fr", Equivalents())
    asyncio.run(exports.write_csv(many(), Sink(), summary, PARIS))  # type: ignore[arg-type]
    assert summary.transfers == 20_000
    assert len(written) > 10 and max(written) < 2 * exports.CSV_FLUSH


async def test_the_export_s_snapshot_lets_the_bot_write_meanwhile(
    network: Network, isolated: Path
) -> None:
    """`boucle export` reads as of one moment without SQLite's write lock: the bot, on its
    own connection, writes meanwhile (and the export does not see it)."""
    from storage.db import Database, fetch_one

    await december(network)
    exporter = await Database.open(isolated / "boucle.db")
    try:
        async with exporter.snapshot() as conn:
            before = await fetch_one(conn, "SELECT COUNT(*) FROM posts")
            replies = await asyncio.wait_for(
                network.say("alice", "/don 3 kg de poires à Carcassonne"), timeout=3
            )
            assert "publiée" in replies[0]
            during = await fetch_one(conn, "SELECT COUNT(*) FROM posts")
        after = await fetch_one(conn, "SELECT COUNT(*) FROM posts")
    finally:
        await exporter.close()
    assert before is not None and during is not None and after is not None
    assert (before[0], during[0], after[0]) == (10, 10, 11)


def test_the_bot_starts_without_the_spreadsheet_library(tmp_path: Path) -> None:
    """openpyxl is imported when a spreadsheet is written, not with the bot nor the CLI."""
    import os
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "import bot.app, bot.cli, handlers.commands, handlers.exports\n"
        "print('openpyxl' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOUCLE_", "TELEGRAM_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
