from flask import Blueprint

blueprint = Blueprint("staff_clients", __name__)
