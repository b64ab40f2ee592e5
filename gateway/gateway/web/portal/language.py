"""Client portal pages: the Account tab's "Language" form, the language of the pages and of the account's messages."""
from flask import Blueprint, request

from gateway.errors import status_of
from gateway.features import my_account
from gateway.portal_auth import client_required
from gateway.web.portal.account import render_account
from gateway.web.portal.base import go, show_errors
from shared.errors import InvalidInput

blueprint = Blueprint("language", __name__)


@blueprint.post("/account/language")
@client_required
def save_language():
    """Keep the client's language; an empty choice goes back to the browser's."""
    try:
        my_account.change_my_account({"language": request.form.get("language", "").strip() or None})
    except InvalidInput as error:
        mine = my_account.my_account_with_business()
        return render_account(mine, summary=show_errors([], error.fields or {"_schema": [error.message]}),
                              status=status_of(error))
    return go("portal.account.account", saved="language", _anchor="language")
