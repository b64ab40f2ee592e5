"""The demo's Spanish-reading client (called by seed_demo.seed): Lucía Gómez signs up, chooses Español on the Account
tab, and has two invoices, so her portal, her receipts and her invoice PDFs show the Spanish catalogue and the es_US
formats of money and dates."""

SPANISH_CLIENT = {"email": "lucia@example.com", "password": "jardin-verde-2026", "name": "Lucía Gómez"}


def seed_languages(client, staff, accept, invoice, mailbox_url, visitor):
    lucia = client.call("accounts", "create_client", {
        "name": SPANISH_CLIENT["name"], "email": SPANISH_CLIENT["email"], "address": "31 Sycamore Court"},
        context=staff)
    client.call("accounts", "invite_clients", [lucia["id"]], context=staff)
    lucia_client = accept(client, mailbox_url, visitor, SPANISH_CLIENT["email"], SPANISH_CLIENT["password"])
    client.call("accounts", "update_my_account", {"language": "es"}, context=lucia_client)
    invoice(client, staff, lucia["id"], "Poda de setos", 9500, -2)
    invoice(client, staff, lucia["id"], "Corte de césped, noviembre", 14000, 10)
