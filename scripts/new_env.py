"""Write a ``.env`` with fresh secrets for a local ``docker-compose up``: ``python scripts/new_env.py [PATH]``.

Every secret docker-compose.yml requires gets a random value: the gateway's signing key, the
PostgreSQL and per-service database passwords, RabbitMQ's administrator and one broker user per
process, the sandbox processor's secret, the passport key pair (Ed25519), the key that seals
one-time codes and links (MESSAGE_SECRETS_KEYS, Fernet) and accounts' data key (Fernet). An existing file is
left alone unless ``--force`` is given: its passwords are already inside the volumes.
"""
import argparse
import secrets
import sys
from datetime import date
from pathlib import Path


from shared.broker_users import PROCESSES
from shared.events import SERVICES
from shared.passport import new_key
from shared.sealing import new_key as new_sealing_key

ROOT = Path(__file__).resolve().parents[1]


def password():
    # Hex: the passwords go into AMQP and SQLAlchemy URLs, where they must need no escaping.
    return secrets.token_hex(24)


def settings(make_key=new_key):
    """Every variable docker-compose.yml requires, with new random values."""
    private_key, public_key = make_key(f"k{date.today():%Y%m%d}")
    return {
        "PORTICO_SECRET_KEY": secrets.token_hex(32),
        "POSTGRES_PASSWORD": password(),
        **{f"{service.upper()}_DB_PASSWORD": password() for service in SERVICES},
        "RABBITMQ_ADMIN_PASSWORD": password(),
        **{f"{process.upper()}_BROKER_PASSWORD": password() for process in PROCESSES},
        "SANDBOX_PROCESSOR_SECRET": f"sk_test_{secrets.token_hex(16)}",
        "PASSPORT_PRIVATE_KEY": private_key,
        "PASSPORT_PUBLIC_KEYS": public_key,
        "MESSAGE_SECRETS_KEYS": new_sealing_key(),
        "ACCOUNTS_DATA_KEYS": new_sealing_key(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=str(ROOT / ".env"))
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args(argv)
    path = Path(args.path)
    if path.exists() and not args.force:
        print(f"{path} exists; keeping it (its passwords are already in the volumes). --force replaces it.",
              file=sys.stderr)
        return 1
    lines = ["# Secrets for docker-compose.yml, written by scripts/new_env.py. Keep this file private."]
    lines += [f"{name}={value}" for name, value in settings().items()]
    path.touch(mode=0o600)
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
