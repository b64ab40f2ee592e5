"""Cards and bank accounts on file: the processor's token and what may be shown, added, replaced, removed."""
from sqlalchemy import select

from billing.models import Autopay, PaymentMethod
from billing.schemas import CardOnFileSchema
from shared.clock import utcnow
from shared.errors import NotFound, invalid
from shared.events import PAYMENT_METHOD_REMOVED
from shared.i18n import _
from shared.validation import load_or_raise


def method_label(method):
    """Name a method for people without showing more than its last four digits."""
    if method.kind == "card":
        return _("%(brand)s ending %(last4)s", brand=method.brand.title(), last4=method.last4)
    return _("Bank account ending %(last4)s", last4=method.last4)


def describe_method(method):
    return {"id": method.id, "kind": method.kind, "brand": method.brand, "last4": method.last4,
            "exp_month": method.exp_month, "exp_year": method.exp_year, "label": method_label(method)}


def add_method(session, tenant_id, account_id, data):
    """Put a processor token on the account's file."""
    values = load_or_raise(CardOnFileSchema, data)
    method = PaymentMethod(tenant_id=tenant_id, account_id=account_id, created_at=utcnow(), **values)
    session.add(method)
    session.flush()
    return method


def find_method(session, tenant_id, account_id, method_id):
    """The account's method on file; any other id, or a removed method, is not found."""
    method = session.get(PaymentMethod, method_id) if isinstance(method_id, int) else None
    if method is None or method.tenant_id != tenant_id or method.account_id != account_id \
            or method.removed_at is not None:
        raise NotFound(_("No such payment method."))
    return method


def list_methods(session, tenant_id, account_id):
    rows = session.scalars(select(PaymentMethod).where(
        PaymentMethod.tenant_id == tenant_id, PaymentMethod.account_id == account_id,
        PaymentMethod.removed_at.is_(None)).order_by(PaymentMethod.id)).all()
    return [describe_method(row) for row in rows]


def method_used(session, payment):
    """The method ``payment`` was charged to, or None when account credit paid it all."""
    return session.get(PaymentMethod, payment.payment_method_id) if payment.payment_method_id else None


def method_for(session, tenant_id, account_id, values):
    """The method a payment uses: one on file, or a new token put on file."""
    if values.get("payment_method_id") is not None:
        return find_method(session, tenant_id, account_id, values["payment_method_id"])
    return add_method(session, tenant_id, account_id, values["new_method"])


def kind_chosen(session, tenant_id, account_id, values):
    """The kind (card or ach) of the method a checkout names; a card when it names none yet."""
    if values["new_method"]:
        return values["new_method"]["kind"]
    if values["payment_method_id"]:
        return find_method(session, tenant_id, account_id, values["payment_method_id"]).kind
    return "card"


def remove_method(session, outbox, method, actor):
    """Take ``method`` off file, unless autopay charges it; the caller commits."""
    enrolment = session.get(Autopay, method.account_id)
    if enrolment is not None and enrolment.enrolled and enrolment.payment_method_id == method.id:
        raise invalid("payment_method_id", _("Autopay uses this method. Choose another for autopay first."))
    method.removed_at = utcnow()
    outbox.add(session, PAYMENT_METHOD_REMOVED, {
        "account_id": method.account_id, "kind": method.kind, "label": method_label(method), "actor": actor},
        tenant_id=method.tenant_id)


def replace_method(session, old, data):
    """Put a new token on file in ``old``'s place, autopay included; return the new method."""
    new = add_method(session, old.tenant_id, old.account_id, data)
    old.removed_at = utcnow()
    enrolment = session.get(Autopay, old.account_id)
    if enrolment is not None and enrolment.payment_method_id == old.id:
        enrolment.payment_method_id = new.id
    return new


def forget_token(processor, token):
    """Ask the processor to make a removed method's token unusable; it forgets it later anyway."""
    try:
        processor.detach(token)
    except Exception:  # noqa: BLE001 - the token is already off file here: nothing more to do
        pass
