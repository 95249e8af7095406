"""docker-compose.yml: one image for the four caeser services, health checks, volumes; and, where
the docker compose client is installed, `docker compose config` accepts it."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"
OURS = ("slack", "discord", "mcp", "watcher")


def test_services_share_one_image_and_have_health_checks_and_volumes() -> None:
    spec = yaml.safe_load(COMPOSE.read_text())
    services = spec["services"]
    assert set(services) >= {*OURS, "postgres", "chroma"}
    assert {services[name]["image"] for name in OURS} == {"caeser:latest"}
    assert [services[name]["command"][:2] for name in OURS] == [["serve", name] for name in OURS]
    for name in ("slack", "discord", "mcp", "postgres", "chroma"):
        assert "test" in services[name]["healthcheck"], name
    for name in ("slack", "discord", "mcp", "watcher", "postgres", "chroma"):
        assert services[name]["volumes"], name
    assert set(spec["volumes"]) >= {"caeser-home", "postgres-data", "chroma-data"}


def compose_client() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


@pytest.mark.skipif(compose_client() is None, reason="no docker compose client installed")
def test_docker_compose_config_validates() -> None:
    result = subprocess.run([*compose_client(), "-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
