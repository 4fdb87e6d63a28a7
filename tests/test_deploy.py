"""Putting Boucle online (issue 15, docs/deploy.md): the systemd units, the container image and
the reverse proxy example are files of the repository, checked here.

- The units pass `systemd-analyze verify` (where systemd is installed; skipped otherwise,
  saying so), with their command pointed at a stand-in executable: verify refuses a unit whose
  binary is missing, and /opt/boucle is not installed on a test machine. Their command lines
  are parsed by the CLI's own parser, so a renamed option breaks here, not at 03:15.
- The Dockerfile is read (always): a non-root user, a volume holding BOUCLE_DB_PATH, a health
  check on /healthz that works in polling mode; the files it copies make a package with every
  migration and data file (built here, offline, from exactly those files); its HEALTHCHECK
  command is run against a live /healthz.
- The image is built where a container engine answers; when the base image or PyPI cannot be
  reached, the test is skipped with the reason, but a Dockerfile that does not build fails.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.web import Web, WebServer
from storage.db import Database, migration_files

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = ("boucle.service", "boucle-backup.service", "boucle-backup.timer")
INSTALLED = "/opt/boucle/bin/boucle"


# ------------------------------------------------------------------ systemd


def unit_settings(name: str) -> dict[str, list[str]]:
    """Each `Key=value` of a unit file (keys may repeat)."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed here: the unit files are not verified",
)
def test_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    stand_in = tmp_path / "boucle"
    stand_in.write_text("#!/bin/sh\nexit 0\n")
    stand_in.chmod(0o755)
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED, str(stand_in)), encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Anything said (an unknown key, a bad value, a missing unit) is a defect, not only errors.
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
    assert done.stdout.strip() == "", done.stdout


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed here: the hardening is not scored",
)
@pytest.mark.parametrize("name", ["boucle.service", "boucle-backup.service"])
def test_systemd_units_are_hardened(name: str) -> None:
    done = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(DEPLOY / name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "--offline" in done.stderr:  # systemd older than 250
        pytest.skip("this systemd-analyze cannot score a unit file offline")
    score = re.search(r"Overall exposure level for \S+: (\d+\.\d)", done.stdout)
    assert score is not None, done.stdout + done.stderr
    assert float(score.group(1)) <= 2.0, done.stdout[-3000:]  # "OK" or "SAFE"


def test_the_service_runs_the_bot_as_its_own_user_with_its_state_in_var_lib() -> None:
    unit = unit_settings("boucle.service")
    assert unit["User"] == ["boucle"] and unit["Group"] == ["boucle"]
    assert unit["StateDirectory"] == ["boucle"]
    assert unit["Environment"][0] == "BOUCLE_DB_PATH=/var/lib/boucle/boucle.db"
    assert unit["EnvironmentFile"] == ["/etc/boucle/boucle.env"]
    assert unit["Restart"] == ["on-failure"]
    for key, value in (
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("UMask", "0077"),
    ):
        assert unit[key] == [value], key
    # Stopped before systemd kills it: Boucle stops within STOP_SECONDS.
    from bot.app import STOP_SECONDS

    assert float(unit["TimeoutStopSec"][0].removesuffix("s")) > STOP_SECONDS
    assert command_of("boucle.service") == ["run"]


def test_the_nightly_backup_runs_a_command_the_cli_knows() -> None:
    timer = unit_settings("boucle-backup.timer")
    assert timer["OnCalendar"] == ["*-*-* 03:15:00"] and timer["Persistent"] == ["true"]
    assert timer["Unit"] == ["boucle-backup.service"]
    service = unit_settings("boucle-backup.service")
    assert service["Type"] == ["oneshot"] and service["User"] == ["boucle"]
    args = build_parser().parse_args(command_of("boucle-backup.service"))
    assert args.command == "backup" and args.path is None
    assert args.dir == Path("/var/lib/boucle/backups") and args.keep == 14
    assert "boucle/backups" in service["StateDirectory"][0].split()


def command_of(unit: str) -> list[str]:
    """The arguments after the `boucle` executable of the unit's ExecStart."""
    [line] = unit_settings(unit)["ExecStart"]
    words = shlex.split(line)
    assert words[0] == INSTALLED
    return words[1:]


# ------------------------------------------------------------------ the Dockerfile, read


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n\s*", " ", text)
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    start = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[start:]


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in stage:
        if word == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def test_dockerfile_runs_as_a_user_with_a_volume_and_a_health_check() -> None:
    stage = final_stage()
    words = [word for word, _ in stage]
    assert stage[0][1].startswith("python:3.11-slim")
    users = [rest for word, rest in stage if word == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    assert words.index("USER") < words.index("CMD")
    env = env_of(stage)
    volumes = [v for word, rest in stage if word == "VOLUME" for v in json.loads(rest)]
    assert str(Path(env["BOUCLE_DB_PATH"]).parent) in volumes
    # The health check reaches /healthz: the server listens without webhooks (polling) too,
    # on every interface for a proxy in another container.
    assert env["BOUCLE_HTTP_ALWAYS"] == "true" and env["BOUCLE_HTTP_HOST"] == "0.0.0.0"
    [health] = [rest for word, rest in stage if word == "HEALTHCHECK"]
    assert "/healthz" in health and "BOUCLE_HTTP_PORT" in health
    assert [rest for word, rest in stage if word == "EXPOSE"] == [env["BOUCLE_HTTP_PORT"]]
    assert json.loads(next(rest for word, rest in stage if word == "CMD")) == ["boucle", "run"]


def copied_sources() -> list[str]:
    """What the Dockerfile copies from the build context."""
    sources: list[str] = []
    for word, rest in instructions():
        if word == "COPY" and not rest.startswith("--from"):
            sources += shlex.split(rest)[:-1]
    return sources


def ignored(path: str) -> bool:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    verdict = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path.split("/")[0], pattern):
            verdict = not negated
    return verdict


def test_dockerignore_keeps_secrets_and_data_out_and_what_is_copied_in() -> None:
    for secret in (".env", "boucle.db", "boucle.db-wal", "backups", ".venv", ".git", "x.db.gz"):
        assert ignored(secret), secret
    for source in copied_sources():
        assert (ROOT / source).exists(), source
        assert not ignored(source), source


def test_the_copied_files_make_a_complete_package(tmp_path: Path) -> None:
    """The package the image installs, built from exactly what the Dockerfile copies: every
    migration, the gazetteer and the food lexicon are in it, the tests are not."""
    context = tmp_path / "context"
    context.mkdir()
    for source in copied_sources():
        origin = ROOT / source
        if origin.is_dir():
            shutil.copytree(origin, context / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, context / source)
    # setuptools' own build step (what `pip install .` runs first), offline, no `wheel` needed.
    built = subprocess.run(
        [
            sys.executable,
            "-W",
            "ignore",
            "-c",
            "from setuptools import setup; setup()",
            "-q",
            "build_py",
            "--build-lib",
            str(tmp_path / "lib"),
        ],
        cwd=context,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    names = {str(p.relative_to(tmp_path / "lib")) for p in (tmp_path / "lib").rglob("*")}
    for name, _ in migration_files():
        assert f"storage/migrations/{name}" in names, name
    for data in ("communes.tsv.gz", "communes.idx", "foods.tsv.gz"):
        assert f"handlers/understanding/data/{data}" in names, data
    assert "bot/cli.py" in names and not any(n.startswith("tests/") for n in names)


async def test_the_health_check_command_reads_healthz(tmp_path: Path) -> None:
    """The image's HEALTHCHECK command, run as Docker runs it: 0 when /healthz says 200,
    non-zero on 503 or when nothing answers."""
    [health] = [rest for word, rest in final_stage() if word == "HEALTHCHECK"]
    command = json.loads(health[health.index("CMD") + 3 :].strip())
    assert command[0] == "python"
    command[0] = sys.executable

    async def status(port: int) -> int:
        env = {**os.environ, "BOUCLE_HTTP_PORT": str(port)}
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        return await asyncio.wait_for(process.wait(), 30)

    db = await Database.open(tmp_path / "boucle.db")
    loops = {"sender-telegram": "running"}
    server = WebServer(Web(db, {}, [], lambda: dict(loops)), "127.0.0.1", 0)
    await server.start()
    try:
        assert server.port is not None
        assert await status(server.port) == 0
        loops["sender-telegram"] = "failed"
        assert await status(server.port) != 0
    finally:
        await server.stop()
        await db.close()
    assert await status(server.port) != 0  # nothing listens any more


# ------------------------------------------------------------------ the image, built


def engine() -> str | None:
    """A container engine whose daemon answers, or None."""
    for name in ("docker", "podman"):
        path = shutil.which(name)
        if path is None:
            continue
        try:
            info = subprocess.run([path, "info"], capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if info.returncode == 0:
            return path
    return None


# What a build says when it cannot reach the network (Docker Hub, PyPI), not a broken file.
UNREACHABLE = re.compile(
    r"failed to resolve source metadata|failed to do request|i/o timeout|no such host|"
    r"Temporary failure in name resolution|Could not find a version that satisfies|"
    r"Failed to establish a new connection|connection refused|TLS handshake timeout|"
    r"toomanyrequests|pull access denied",
    re.IGNORECASE,
)


def test_the_image_builds_and_runs_as_a_non_root_user_with_a_health_check() -> None:
    tool = engine()
    if tool is None:
        pytest.skip("no container engine answers here (docker or podman with a running daemon)")
    base = final_stage()[0][1].split()[0]
    pulled = subprocess.run([tool, "pull", base], capture_output=True, text=True, timeout=600)
    if pulled.returncode != 0:
        pytest.skip(f"the base image {base} cannot be pulled: {pulled.stderr.strip()[-300:]}")
    tag = "boucle-test:deploy"
    built = subprocess.run(
        [tool, "build", "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=1800
    )
    if built.returncode != 0 and UNREACHABLE.search(built.stdout + built.stderr):
        pytest.skip(f"the build cannot reach the network: {built.stderr.strip()[-300:]}")
    assert built.returncode == 0, (built.stdout + built.stderr)[-4000:]
    try:
        inspected = subprocess.run(
            [tool, "image", "inspect", tag], capture_output=True, text=True, timeout=60
        )
        config = json.loads(inspected.stdout)[0]["Config"]
        assert config["User"] == "boucle"
        assert "/var/lib/boucle" in (config.get("Volumes") or {})
        assert "/healthz" in " ".join(config["Healthcheck"]["Test"])
        ran = subprocess.run(
            [tool, "run", "--rm", tag, "boucle", "--help"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ran.returncode == 0 and "doctor" in ran.stdout, ran.stderr
        whoami = subprocess.run(
            [tool, "run", "--rm", tag, "id", "-u"], capture_output=True, text=True, timeout=120
        )
        assert whoami.stdout.strip() not in ("", "0"), whoami.stdout
    finally:
        subprocess.run([tool, "image", "rm", "-f", tag], capture_output=True, timeout=120)


def test_every_setting_is_documented_in_env_example() -> None:
    """The settings file an operator copies names every setting (issue 15 added three)."""
    from bot.settings import Settings

    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    missing = [name.upper() for name in Settings.model_fields if f"\n{name.upper()}=" not in text]
    assert missing == []
