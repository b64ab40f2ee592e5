"""Seed the demo business over RPC (idempotent): ``python scripts/seed_demo.py``."""
import sys

from gateway.rpc import RpcClient
from shared.config import amqp_uri
from shared.errors import NotFound

DEMO_SLUG = "demo"
DEMO_STAFF = {"email": "owner@greenacres.example", "name": "Gwen Green", "password": "green-acres-demo"}


def seed(client):
    """Create the demo tenant and its owner unless they exist; return the tenant."""
    try:
        return client.call("accounts", "find_tenant", DEMO_SLUG)
    except NotFound:
        pass
    return client.call("accounts", "create_tenant", {
        "slug": DEMO_SLUG,
        "display_name": "Green Acres Lawn Care",
        "contact_email": "hello@greenacres.example",
        "contact_phone": "+1 555 010 0199",
        "owner": DEMO_STAFF,
    })


def logins():
    return [("Staff (owner)", DEMO_STAFF["email"], DEMO_STAFF["password"])]


def seed_over_broker():
    """Seed through a client of its own at AMQP_URI; return the demo tenant."""
    client = RpcClient(amqp_uri(), timeout=15)
    try:
        return seed(client)
    finally:
        client.close()


def main():
    tenant = seed_over_broker()
    print(f"demo business: {tenant['display_name']} (/{tenant['slug']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
