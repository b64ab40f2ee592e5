from flask import Blueprint

blueprint = Blueprint("staff_pages", __name__)
