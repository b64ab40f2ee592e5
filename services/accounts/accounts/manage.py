"""Operator commands that work on the accounts database directly, broker or not.

``python -m accounts.manage create-tenant SLUG "Display name" OWNER_EMAIL`` reads the owner's
password from the PORTICO_OWNER_PASSWORD environment variable (never from the command line).
Events it causes wait in the outbox until the running service relays them.
"""
import argparse
import json
import os
import sys

from sqlalchemy.orm import Session

from accounts.models import platform
from accounts.schemas import NewTenantSchema
from accounts.tenants import create_tenant
from shared.config import database_url
from shared.db import make_engine
from shared.errors import PorticoError
from shared.context import Context
from shared.messaging import OutboxWriter
from shared.validation import load_or_raise


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-tenant")
    create.add_argument("slug")
    create.add_argument("display_name")
    create.add_argument("owner_email")
    create.add_argument("--owner-name", default="Owner")
    args = parser.parse_args(argv)

    engine = make_engine(database_url("accounts"), pool_size=1)
    with Session(engine) as session:
        outbox = OutboxWriter(platform, Context.system(), on_added=lambda: None)
        try:
            tenant = create_tenant(session, outbox, load_or_raise(NewTenantSchema, {
                "slug": args.slug, "display_name": args.display_name,
                "owner": {"email": args.owner_email, "name": args.owner_name,
                          "password": os.environ.get("PORTICO_OWNER_PASSWORD", "")}}))
        except PorticoError as error:
            print(json.dumps(error.to_dict()), file=sys.stderr)
            return 2
        session.commit()
    print(json.dumps(tenant))
    return 0


if __name__ == "__main__":
    sys.exit(main())
