"""The layers stay apart: handlers (and the storage below them) never reach a platform."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_BELOW_CHANNELS = ("bot", "telegram", "twilio", "aiohttp", "httpx", "starlette")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    "path",
    sorted([*(ROOT / "handlers").rglob("*.py"), *(ROOT / "storage").rglob("*.py")]),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_core_never_imports_a_channel_or_a_platform(path: Path) -> None:
    offending = {
        name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN_BELOW_CHANNELS
    }
    assert not offending, f"{path.name} imports {sorted(offending)}"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from bot.channels.base import Sent\nimport telegram\n")
    assert {"bot.channels.base", "telegram"} <= imported_modules(sample)


PLATFORM_MODULES = ("telegram", "twilio", "bot.channels.telegram", "bot.channels.whatsapp")
CORE_OF_THE_BOT = ("dispatch", "intake", "delivery", "fanout", "scheduler", "web")


@pytest.mark.parametrize("name", CORE_OF_THE_BOT)
def test_the_bots_core_knows_no_platform(name: str) -> None:
    """Adding a channel touches bot/channels/ only: the sender, the intake, the dispatcher and
    the web server speak to channels through `bot.channels.base`."""
    offending = {
        module
        for module in imported_modules(ROOT / "bot" / f"{name}.py")
        if module.startswith(PLATFORM_MODULES)
    }
    assert not offending, f"bot/{name}.py imports {sorted(offending)}"
