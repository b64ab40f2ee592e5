"""The words the pages' scripts show, in the page's language: every page hands them over as JSON (layout.html),
and ``portico.say(key, values)`` (portico.js) fills in their ``%(name)s`` placeholders."""
import functools

from flask import Blueprint
from jinja2.utils import htmlsafe_json_dumps

from shared.i18n import LANGUAGES, N_, _, current_language

blueprint = Blueprint("script_messages", __name__)

SCRIPT_MESSAGES = {
    "selected_all": N_("Selected all %(count)s options on this tab. Save to keep them."),
    "choose_an_invoice": N_("Choose at least one invoice to pay."),
    "enter_the_card": N_("Enter the card details above and press Save card."),
    "enter_the_bank_account": N_("Enter the bank account above and press Save bank account."),
    "check_before_paying": N_("You can check the amount before anything is charged."),
    "one_invoice": N_("1 invoice"),
    "invoices": N_("%(count)s invoices"),
    "card_ending": N_("%(brand)s ending %(last4)s"),
    "a_card": N_("Card"),
    "bank_account_ending": N_("Bank account ending %(last4)s"),
    "ready_to_use": N_("%(method)s is ready to use."),
    "new_message_from": N_("New message from %(name)s"),
    "copied": N_("Copied. Paste it into your calendar app as a new calendar subscription."),
    "copy_by_hand": N_("Select the address and copy it by hand."),
    "line": N_("Line %(number)s"),
    "line_added": N_("Line %(number)s added."),
    "run_progress": N_("%(done)s of %(total)s done"),
    "run_running": N_("%(done)s of %(total)s done (%(percent)s%%): %(succeeded)s charged, %(failed)s failed."),
    "run_finished": N_("Finished: %(succeeded)s charged, %(failed)s failed."),
    "not_sent": N_("The request could not be sent: %(error)s"),
}


@blueprint.app_template_global()
def script_messages():
    """``SCRIPT_MESSAGES`` in the page's language, as JSON safe inside a ``<script>`` element."""
    return _as_json(current_language.get())


@functools.lru_cache(maxsize=len(LANGUAGES))
def _as_json(language):
    # Every page carries them: made once per language (the catalogues do not change while the gateway runs).
    return htmlsafe_json_dumps({key: _(text) for key, text in SCRIPT_MESSAGES.items()})
