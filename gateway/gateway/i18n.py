"""The language of each request, and the gateway's catalogue for its pages and messages.

A page is in the language its client chose on the Account tab; else in the first of the browser's languages
Portico speaks; else in the business's default; else English. The choice is made as the request learns more
(the browser at its start, the business from the URL, the client from the session) and is sent with every
call, so the services' messages come back in it (shared.i18n). Amounts are in the business's currency, known
with the business (shared.money).
"""
from flask import g, request

from shared.i18n import (DEFAULT_LANGUAGE, LANGUAGE_KEY, LANGUAGE_NAMES, LANGUAGES, catalogue_of, current_catalogue,
                         current_language, known_language, locale_of)
from shared.money import DEFAULT_CURRENCY, current_currency

catalogue = catalogue_of("gateway")


def choose_language(business=None, chosen=None):
    """Settle the request's language from the client's choice, the browser, then ``business``'s default; and its
    amounts' currency, ``business``'s."""
    business = business or {}
    language = (known_language(chosen) or request.accept_languages.best_match(LANGUAGES)
                or known_language(business.get("default_language"), DEFAULT_LANGUAGE))
    current_currency.set(business.get("currency") or DEFAULT_CURRENCY)
    current_language.set(language)
    current_catalogue.set(catalogue)
    g.rpc_context[LANGUAGE_KEY] = language
    return language


def install(app):
    """Give the templates ``_``, ``gettext``, ``ngettext`` and ``{% trans %}`` in the request's language."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # a message's line breaks and indents are not part of it
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: catalogue.translations().ugettext(message),
        ngettext=lambda singular, plural, count: catalogue.translations().ungettext(singular, plural, count),
        pgettext=lambda context, message: catalogue.translations().upgettext(context, message),
        newstyle=True)  # Jinja fills in the values, escaping them
    app.jinja_env.globals.update(page_language=current_language.get, page_currency=current_currency.get,
                                 language_names=LANGUAGE_NAMES,
                                 page_locale=lambda: locale_of().replace("_", "-"))
