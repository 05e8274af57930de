"""docker-compose.yml says what `make run-scaled` does, and is a valid Compose file.

Checked against the Compose Specification's JSON Schema (vendored in docs/compose/ with its
source and licence) with the jsonschema package, and both haproxy configurations with
haproxy's own checker (`haproxy -c`, installed by `make haproxy`).
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from deploy.haproxy import haproxy_config

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "docs" / "compose" / "compose-spec.json"


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text("utf-8"))
    return document


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def test_the_compose_file_follows_the_compose_specification() -> None:
    assert schema_errors(compose()) == []


def test_the_schema_check_rejects_a_broken_compose_file() -> None:
    broken = copy.deepcopy(compose())
    broken["services"]["rasa"]["deploy"]["replicas"] = [2]
    broken["services"]["gateway"]["restart_policy"] = "always"  # not a service key
    errors = schema_errors(broken)
    assert any(error.startswith("services/rasa/deploy/replicas") for error in errors), errors
    assert any("restart_policy" in error for error in errors), errors


def test_the_compose_file_runs_replicas_on_postgresql_and_redis() -> None:
    services = compose()["services"]
    for name in ("migrate", "actions", "gateway"):
        url = services[name]["environment"]["HAECHI_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://"), (name, url)  # psycopg 3
    rasa = services["rasa"]
    assert rasa["deploy"]["replicas"] == 2
    assert services["gateway"]["deploy"]["replicas"] == 2
    assert "replicas" not in services["actions"].get("deploy", {})
    assert rasa["environment"]["HAECHI_TRACKER_DIALECT"] == "postgresql"
    assert rasa["environment"]["HAECHI_LOCK_STORE"] == "redis"
    assert rasa["environment"]["HAECHI_LOCK_STORE_HOST"] == "redis"
    # Alembic once, before Rasa, the action server and the gateways start.
    assert services["migrate"]["command"] == ["python", "-m", "knowledge", "migrate"]
    for name in ("rasa", "actions", "gateway"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
    # Everything goes through the balancer: the gateways talk to Rasa through it, citizens to
    # the gateways; nothing else publishes a port.
    assert services["gateway"]["environment"]["HAECHI_RASA_URL"] == "http://balancer:5005"
    assert services["balancer"]["image"].startswith("haproxy:")
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["balancer"]


def test_the_images_start_through_the_internal_tokens_and_build_the_3d_client() -> None:
    app = (REPO / "Dockerfile").read_text(encoding="utf-8")
    rasa = (REPO / "Dockerfile.rasa").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["scripts/internal-tokens.sh"]' in app
    assert 'ENTRYPOINT ["scripts/internal-tokens.sh"]' in rasa
    assert 'CMD ["scripts/run-rasa.sh"]' in rasa
    assert "cd /src/world_bridge/client && npm ci" in app
    assert "COPY --from=clients /src/world_bridge/client/dist world_bridge/client/dist" in app
    assert "psycopg2" not in app


def _haproxy_accepts(config: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("haproxy")
    if binary is None:
        pytest.fail("haproxy is not installed: `make haproxy` (apt-get install haproxy)")
    return subprocess.run(
        [binary, "-c", "-f", str(config)], capture_output=True, text=True, check=False
    )


def test_both_haproxy_configurations_are_valid(tmp_path: Path) -> None:
    generated = tmp_path / "haproxy.cfg"
    generated.write_text(
        haproxy_config(
            rasa_frontend_port=15005,
            rasa_ports=(15006, 15007),
            gateway_frontend_port=18000,
            gateway_ports=(18001, 18002),
        ),
        encoding="utf-8",
    )
    for config in (generated, REPO / "deploy" / "haproxy-compose.cfg"):
        result = _haproxy_accepts(config)
        assert result.returncode == 0, result.stdout + result.stderr
    text = generated.read_text(encoding="utf-8")
    assert text.count("balance roundrobin") == 2
    assert "cookie" not in text and "stick" not in text  # no stickiness
    assert "bind 127.0.0.1:15005" in text and "bind 127.0.0.1:18000" in text  # loopback only
