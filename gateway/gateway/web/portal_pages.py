from flask import Blueprint

blueprint = Blueprint("portal_pages", __name__)
