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


def replace_method(method_id, new_method):
    """Put a new card or bank account in the old one's place; autopay moves to it."""
    return billing("replace_payment_method", method_id, new_method)


def remove_method(method_id):
    billing("remove_payment_method", method_id)
