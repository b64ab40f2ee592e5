"""The portal's accessibility statement: what it meets, how that is tested, and how to tell the business of a
problem. Public, like the sign-in page: a visitor may need it before they can sign in."""
from flask import Blueprint

from gateway.web.portal.base import page

blueprint = Blueprint("accessibility", __name__)


@blueprint.get("/accessibility")
def statement():
    return page("accessibility.html")
