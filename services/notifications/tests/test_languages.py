"""Each message goes out in its reader's language: a client account's choice (ACCOUNT_SAVED's ``language``), else the
business's default (the profile's ``default_language``), with money and days as that language writes them."""
from shared.events import ACCOUNT_SAVED, INVOICE_EMAIL_REQUESTED, PAYMENT_SUCCEEDED, TENANT_PROFILE_UPDATED
from shared.messaging import envelope

PROFILE = {"tenant_id": 1, "slug": "green", "display_name": "Green Acres", "contact_email": "office@green.example",
           "contact_phone": "+1 555 010 0199"}
ACCOUNT = 7
PAID_AT = "2026-03-05T15:30:00+00:00"


def contact(**fields):
    return {"account_id": ACCOUNT, "name": "Lucía Pérez", "contact_email": "lucia@client.example",
            "mobile_phone": None, **fields}


def autopay_payment():
    return {"payment_id": 41, "account_id": ACCOUNT, "kind": "payment", "source": "autopay", "amount": 123_456,
            "method_kind": "card", "method_label": "Visa ending 4242",
            "invoices": [{"number": 1002, "applied": 123_456}], "receipt_to": None}


def paid(notifications):
    """Hand notifications a payment made at PAID_AT, as billing's outbox sends it."""
    body = envelope(PAYMENT_SUCCEEDED, 1, autopay_payment())
    body["occurred_at"] = PAID_AT
    notifications.called_by(None).handle_payment_succeeded(body)


def invoice_request():
    return {"invoice_id": 55, "account_id": ACCOUNT, "number": 1007, "total": 15_000, "balance": 15_000,
            "due_on": "2026-07-01", "reason": "staff", "to_email": None}


def test_an_account_that_chose_spanish_gets_its_receipt_and_invoice_in_spanish(notifications):
    notifications.deliver(TENANT_PROFILE_UPDATED, {**PROFILE, "default_language": "en"})
    notifications.deliver(ACCOUNT_SAVED, contact(language="es"))
    paid(notifications)
    notifications.deliver(INVOICE_EMAIL_REQUESTED, invoice_request())

    receipt, invoice = notifications.messages()
    assert receipt["subject"] == "Recibo de su pago a Green Acres"
    assert "5 de marzo de 2026" in receipt["text"] and "5 de marzo de 2026" in receipt["html"]  # es_US's long day
    assert "Importe pagado: $1,234.56" in receipt["text"] and "Teléfono: +1 555 010 0199" in receipt["text"]
    assert '<html lang="es">' in receipt["html"] and "Guarde este correo electrónico como su recibo." in receipt["html"]
    assert invoice["subject"] == "Factura #1007 de Green Acres"
    assert "Hola, Lucía Pérez:" in invoice["text"] and "Vence: 1 de julio de 2026" in invoice["text"]


def test_an_account_without_a_language_gets_the_business_default(notifications):
    notifications.deliver(TENANT_PROFILE_UPDATED, {**PROFILE, "default_language": "es"})
    notifications.deliver(ACCOUNT_SAVED, contact(language=None))
    paid(notifications)

    [receipt] = notifications.messages()
    assert receipt["subject"] == "Recibo de su pago a Green Acres"
    assert "Fecha: 5 de marzo de 2026" in receipt["text"]


def test_an_account_that_chose_english_reads_english_in_a_spanish_business(notifications):
    notifications.deliver(TENANT_PROFILE_UPDATED, {**PROFILE, "default_language": "es"})
    notifications.deliver(ACCOUNT_SAVED, contact(language="en"))
    paid(notifications)

    [receipt] = notifications.messages()
    assert receipt["subject"] == "Receipt for your payment to Green Acres"
    assert "Date: March 5, 2026" in receipt["text"] and '<html lang="en">' in receipt["html"]
