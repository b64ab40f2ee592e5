"""The compose file is valid for Debian's docker-compose and wires health and scaling right."""
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("accounts", "billing", "tickets", "notifications")


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_docker_compose_validates_the_file():
    assert shutil.which("docker-compose"), "make test installs Debian's docker-compose"
    result = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_every_service_waits_for_healthy_dependencies_and_has_a_healthcheck():
    services = compose()["services"]
    for name in (*SERVICES, "gateway"):
        assert "healthcheck" in services[name], name
        conditions = {dependency["condition"] for dependency in services[name]["depends_on"].values()}
        assert conditions == {"service_healthy"}, name


def test_billing_can_be_scaled():
    billing = compose()["services"]["billing"]
    assert "container_name" not in billing and "ports" not in billing


def test_each_service_has_its_own_database():
    services = compose()["services"]
    urls = {name: services[name]["environment"][f"{name.upper()}_DATABASE_URL"] for name in SERVICES}
    assert len(set(urls.values())) == len(SERVICES)
    for name, url in urls.items():
        assert url.startswith("postgresql") and url.rsplit("/", 1)[1] == name
