"""The HTTP stack under every send (issue 12, CPU per message): httpcore asks which event loop
runs on every request; with `sniffio` missing, each answer was a failed import searching
sys.path (~60 µs, about eight per message)."""

from __future__ import annotations

import asyncio
import cProfile
import pstats

from httpcore._synchronization import current_async_library


def imports_made(profile: cProfile.Profile) -> int:
    stats = pstats.Stats(profile)
    return sum(
        calls
        for (_, _, function), (_, calls, _, _, _) in stats.stats.items()  # type: ignore[attr-defined]
        if function == "_find_and_load"
    )


def test_httpcore_finds_the_event_loop_without_an_import_per_request() -> None:
    async def ask() -> str:
        current_async_library()  # the first call may import sniffio itself
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(20):
            current_async_library()
        profile.disable()
        assert imports_made(profile) == 0
        return current_async_library()

    assert asyncio.run(ask()) == "asyncio"
