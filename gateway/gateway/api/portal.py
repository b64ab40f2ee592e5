from flask import Blueprint

blueprint = Blueprint("portal", __name__)
