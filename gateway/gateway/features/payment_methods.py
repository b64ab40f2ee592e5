"""Cards and bank accounts a client keeps on file, as tokens from the payment processor's hosted forms."""
from gateway.services import rpc, with_id
from shared.i18n import _


def billing(method, *args):
    return rpc().call("billing", method, *args)


def my_methods():
    return billing("my_payment_methods")


def method_on_file(method_id):
    """Return the client's method ``method_id``; another id is simply not found."""
    return with_id(my_methods(), method_id, _("No such payment method."))


def add_method(new_method):
    return billing("add_payment_method", new_method)


def start_setup(kinds):
    """Begin saving a method in Stripe's own fields: the client secret they confirm with (billing/stripe_setup.py)."""
    return billing("start_method_setup", kinds)


def finish_setup(setup_intent_id):
    """Keep on file the method of a setup the client confirmed in Stripe's fields; billing asks Stripe about it."""
    return billing("finish_method_setup", setup_intent_id)


def replace_method(method_id, new_method):
    """Put a new card or bank account in the old one's place; autopay moves to it."""
    return billing("replace_payment_method", method_id, new_method)


def remove_method(method_id):
    billing("remove_payment_method", method_id)
