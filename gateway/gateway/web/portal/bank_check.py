"""Client portal pages: a payment the client's bank asks them to confirm (3-D Secure, with Stripe). The page opens
the bank's window through Stripe.js; whatever happens there, it then asks billing, which asks Stripe
(billing/bank_checks.py), and shows the receipt or the decline as the payment pages do."""
from flask import Blueprint, url_for

from gateway.features import payments
from gateway.portal_auth import client_required
from gateway.web.portal.billing import render_billing
from gateway.web.portal.billing_forms import page, still_processing
from shared.errors import PaymentDeclined, RequestInProgress

blueprint = Blueprint("bank_check", __name__)


@blueprint.post("/billing/payments/<int:payment_id>/confirm")
@client_required
def confirm_payment(payment_id):
    try:
        paid = payments.confirm_payment(payment_id)
    except PaymentDeclined as error:
        return render_billing(alert=error.message, status=402)
    except RequestInProgress as error:
        return still_processing(error, url_for(".confirm_payment", payment_id=payment_id))
    return page("paid.html", tab="billing", paid=paid, receipt_to=payments.receipt_address())
