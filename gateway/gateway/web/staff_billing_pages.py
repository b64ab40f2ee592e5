from flask import Blueprint

blueprint = Blueprint("staff_billing_pages", __name__)
