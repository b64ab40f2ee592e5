from flask import Blueprint

blueprint = Blueprint("portal_billing", __name__)
