from flask import Blueprint

blueprint = Blueprint("portal_billing_pages", __name__)
