"""The compose file is valid for Debian's docker-compose, requires its secrets and wires users, health and volumes right."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from shared.sealing import holds_secrets

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("accounts", "billing", "tickets", "notifications")
# The only variables allowed a default: none of them is a secret.
DEFAULTED = {"PORTICO_IMAGE_TAG", "PAYMENT_PROCESSOR_URL", "SANDBOX_ALLOWED_ORIGINS", "SMTP_URL", "SMS_PROVIDER",
             "SMS_URL", "BLOB_STORE_URL", "TRUSTED_PROXIES", "MAILBOX_URL", "INBOUND_MAIL_DOMAIN",
             "INBOUND_MAIL_MAX_BYTES", "INBOUND_SMTP_BIND", "INBOUND_SMTP_PUBLISHED_PORT",
             "PYTHON_IMAGE",  # the images' base (scripts/images.sh), no secret
             "GATEWAY_PORT", "SANDBOX_PROCESSOR_PORT", "MAILBOX_PORT", "RABBITMQ_UI_PORT"}  # ports on the host


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def docker_compose(env_file, *args):
    assert shutil.which("docker-compose"), "make test installs Debian's docker-compose"
    return subprocess.run(["docker-compose", "--env-file", str(env_file), "-f", str(ROOT / "docker-compose.yml"),
                           *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


@pytest.fixture(scope="module")
def env_file(tmp_path_factory):
    """A .env as a developer makes it, with scripts/new_env.py."""
    path = tmp_path_factory.mktemp("compose") / ".env"
    subprocess.run([sys.executable, "scripts/new_env.py", str(path)], cwd=ROOT, check=True, timeout=60)
    return path


def test_docker_compose_validates_the_file_with_a_generated_env(env_file):
    result = docker_compose(env_file, "config", "-q")
    assert result.returncode == 0, result.stderr


def test_nothing_starts_without_its_secrets(tmp_path):
    (tmp_path / "empty.env").write_text("")
    result = docker_compose(tmp_path / "empty.env", "config", "-q")
    assert result.returncode != 0 and "scripts/new_env.py writes a .env" in result.stderr


def test_every_variable_is_required_except_the_few_that_are_no_secret(env_file):
    text = "\n".join(line for line in (ROOT / "docker-compose.yml").read_text().splitlines()
                     if not line.lstrip().startswith("#"))
    defaulted = set(re.findall(r"\$\{([A-Z_]+):-", text))
    assert defaulted <= DEFAULTED
    generated = {line.split("=", 1)[0] for line in env_file.read_text().splitlines() if not line.startswith("#")}
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    assert required == generated


def test_only_the_services_whose_events_carry_secrets_hold_the_key_that_seals_them():
    services = compose()["services"]
    holders = {name for name, service in services.items() if "MESSAGE_SECRETS_KEYS" in service.get("environment", {})}
    assert holders == set(filter(holds_secrets, SERVICES)) == {"accounts", "notifications", "tickets"}


def test_every_service_waits_for_its_broker_user_and_database_and_is_checked_by_its_own_heartbeat():
    services = compose()["services"]
    for name in SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["broker-users"]["condition"] == "service_completed_successfully", name
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert services[name]["healthcheck"]["test"] == ["CMD", "python", "-m", "shared.healthcheck", name]
        heartbeat = services[name]["environment"]["PORTICO_HEARTBEAT_DIR"]
        assert not heartbeat.startswith("/app/var"), "a heartbeat on a volume would be shared by replicas"
    gateway = services["gateway"]["depends_on"]
    assert {dependency["condition"] for dependency in gateway.values()} == {"service_healthy"}
    assert set(gateway) == set(SERVICES)


def test_each_process_connects_as_its_own_broker_user():
    services = compose()["services"]
    users = {name: re.match(r"pyamqp://([^:]+):", services[name]["environment"]["AMQP_URI"]).group(1)
             for name in (*SERVICES, "gateway", "seed")}
    assert users == {**{name: f"portico-{name}" for name in (*SERVICES, "gateway")}, "seed": "portico-operator"}


def test_the_demo_is_seeded_only_when_asked():
    assert compose()["services"]["seed"]["profiles"] == ["demo"]


def test_stand_ins_and_the_broker_ui_listen_on_this_machine_only():
    services = compose()["services"]
    for name in ("sandbox-processor", "mailbox", "rabbitmq"):
        assert all(port.startswith("127.0.0.1:") for port in services[name]["ports"]), name


# Files by reference: the blob store, which only what reads or writes files mounts.
SHARED_VOLUMES = {"portico-blobs": {"accounts", "billing", "tickets", "gateway", "notifications", "seed"}}


def test_no_volume_is_shared_between_services_but_the_blob_store():
    owners = {}
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith("."):  # a file of the repository, mounted read-only
                owners.setdefault(source, set()).add(name)
    assert {source: names for source, names in owners.items() if len(names) > 1} == SHARED_VOLUMES


def test_billing_can_be_scaled():
    billing = compose()["services"]["billing"]
    assert "container_name" not in billing and "ports" not in billing


def test_each_service_has_its_own_database():
    services = compose()["services"]
    urls = {name: services[name]["environment"][f"{name.upper()}_DATABASE_URL"] for name in SERVICES}
    assert len(set(urls.values())) == len(SERVICES)
    for name, url in urls.items():
        assert url.startswith("postgresql") and url.rsplit("/", 1)[1] == name


def test_every_container_is_limited_and_portico_s_own_run_read_only_without_capabilities():
    for name, service in compose()["services"].items():
        assert service["mem_limit"] and service["cpus"], name
        if name in ("rabbitmq", "postgres"):  # their entrypoints switch users and own their data directories
            continue
        assert service["read_only"] is True and service["tmpfs"] == ["/tmp"], name
        assert service["cap_drop"] == ["ALL"] and service["security_opt"] == ["no-new-privileges:true"], name
