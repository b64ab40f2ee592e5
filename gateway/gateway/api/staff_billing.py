from flask import Blueprint

blueprint = Blueprint("staff_billing", __name__)
