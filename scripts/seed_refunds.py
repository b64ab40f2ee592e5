"""A demo refund (scripts/seed_demo.py calls ``seed_refunds``): Jordan paid the hedge trimming by card, and the
owner gave $15.00 of it back to the card because one side was skipped. Staff find it on the invoice's page (and can
give more back from there), the account's history keeps it, and Jordan reads it in the notification feed."""
import uuid


def seed_refunds(client, staff, jordan_id, jordan_client, invoice, card_token):
    hedges = invoice(client, staff, jordan_id, "Hedge trimming", 9000, -10)
    paid = client.call("billing", "pay_invoices", uuid.uuid4().hex, {
        "invoice_ids": [hedges["id"]], "new_method": card_token()}, context=jordan_client)
    client.call("billing", "refund_payment", hedges["id"], uuid.uuid4().hex, {
        "payment_id": paid["payment"]["id"], "amount": 1500, "destination": "method",
        "reason": "The back hedge was skipped: the gate was locked"}, context=staff)
